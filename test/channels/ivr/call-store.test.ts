/**
 * call-store.test.ts - the call store on a real SQLite file: a call in progress when the gateway
 * stopped has its record closed as gateway_restart when the store opens again; the bound on
 * calls in progress; the oldest ended records forgotten past callRecordsKeptMax, the newest and
 * the calls in progress kept; a step written only on from the stored one.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CallState } from '../../../channels/ivr/call-store.js'
import { CallStore } from '../../../channels/ivr/call-store.js'
import { defaultIvrLimits } from '../../../channels/ivr/limits.js'
import { fakeIvrEngine } from './fake-engine.js'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'telepay-ivr-store-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function stateOf(callId: string, startedMs: number): CallState {
  const step = fakeIvrEngine().start(
    callId,
    '8613800138000',
    '12588',
    { msisdn: '8613800138000', language: 'en' },
    startedMs,
  )
  const answer = {
    callId,
    step: 1,
    language: 'en' as const,
    prompts: step.prompts,
    gather: step.kind === 'say' ? step.gather : null,
    ended: false,
    outcome: null,
  }
  return {
    key: callId,
    msisdn: '8613800138000',
    outcome: null,
    callId,
    provider: 'sim',
    caller: '8613800138000',
    number: '12588',
    call: step.call,
    step: 1,
    lastAnswer: answer,
    startedMs,
    activeMs: startedMs,
  }
}

describe('the IVR call store', () => {
  it('closes the record of a call that was in progress when the gateway stopped', async () => {
    const path = join(dir, 'ivr.sqlite')
    const first = new CallStore(path, defaultIvrLimits)
    await first.open(stateOf('c1', 1_000))
    await first.put({ ...stateOf('c1', 1_000), step: 2, activeMs: 4_000 })
    expect(first.openCount).toBe(1)
    await first.close()
    const second = new CallStore(path, defaultIvrLimits)
    expect(await second.get('c1')).toBeNull()
    expect(second.openCount).toBe(0)
    expect(second.record('c1')).toMatchObject({
      outcome: 'gateway_restart',
      endedMs: 4_000,
      durationMs: 3_000,
      steps: 2,
    })
    await second.close()
    // The dialog of the call is gone from the shared table too: nothing is left open.
    const db = new Database(path, { readonly: true })
    expect(db.prepare('SELECT COUNT(*) AS n FROM dialogs WHERE open = 1').get()).toEqual({ n: 0 })
    db.close()
  })

  it('writes a step only on from the stored one (compare-and-set on the step)', async () => {
    const store = new CallStore(join(dir, 'ivr.sqlite'), defaultIvrLimits)
    await store.open(stateOf('c1', 1_000))
    await store.put({ ...stateOf('c1', 1_000), step: 2, activeMs: 2_000 })
    await expect(store.put({ ...stateOf('c1', 1_000), step: 2, activeMs: 3_000 })).rejects.toThrow(
      /moved on meanwhile/,
    )
    expect((await store.get('c1'))?.activeMs).toBe(2_000)
    await store.close()
  })

  it('refuses a call past callsMax; forgets ended records past callRecordsKeptMax', async () => {
    const store = new CallStore(join(dir, 'ivr.sqlite'), {
      ...defaultIvrLimits,
      callsMax: 2,
      callRecordsKeptMax: 3,
    })
    expect(await store.open(stateOf('a', 1))).toBe(true)
    expect(await store.open(stateOf('b', 2))).toBe(true)
    expect(await store.open(stateOf('c', 3))).toBe(false)
    for (const [callId, startedMs] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ] as const) {
      if ((await store.get(callId)) === null) await store.open(stateOf(callId, startedMs))
      await store.end(stateOf(callId, startedMs), 'completed', startedMs + 10)
    }
    await store.open(stateOf('e', 5))
    expect(store.prune()).toBe(2)
    expect(store.recent({ limit: 10, msisdn: null }).map((record) => record.callId)).toEqual([
      'e',
      'd',
      'c',
    ])
    expect(store.record('a')).toBeNull()
    await store.close()
  })
})
