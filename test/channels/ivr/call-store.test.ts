/**
 * call-store.test.ts - the call store on a real SQLite file: a call in progress when the gateway
 * stopped has its record closed as gateway_restart when the store opens again; the bound on
 * calls in progress; the oldest ended records forgotten past callRecordsKeptMax, the newest and
 * the calls in progress kept.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  it('closes the record of a call that was in progress when the gateway stopped', () => {
    const path = join(dir, 'ivr.sqlite')
    const first = new CallStore(path, defaultIvrLimits)
    first.open(stateOf('c1', 1_000))
    first.put({ ...stateOf('c1', 1_000), step: 2, activeMs: 4_000 })
    first.close()
    const second = new CallStore(path, defaultIvrLimits)
    expect(second.get('c1')).toBeNull()
    expect(second.record('c1')).toMatchObject({
      outcome: 'gateway_restart',
      endedMs: 4_000,
      durationMs: 3_000,
      steps: 2,
    })
    second.close()
  })

  it('refuses a call past callsMax, forgets the oldest ended past callRecordsKeptMax', () => {
    const store = new CallStore(join(dir, 'ivr.sqlite'), {
      ...defaultIvrLimits,
      callsMax: 2,
      callRecordsKeptMax: 3,
    })
    expect(store.open(stateOf('a', 1))).toBe(true)
    expect(store.open(stateOf('b', 2))).toBe(true)
    expect(store.open(stateOf('c', 3))).toBe(false)
    for (const [callId, startedMs] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ] as const) {
      if (store.get(callId) === null) store.open(stateOf(callId, startedMs))
      store.end(stateOf(callId, startedMs), 'completed', startedMs + 10)
    }
    store.open(stateOf('e', 5))
    expect(store.prune()).toBe(2)
    expect(store.recent({ limit: 10, msisdn: null }).map((record) => record.callId)).toEqual([
      'e',
      'd',
      'c',
    ])
    expect(store.record('a')).toBeNull()
    store.close()
  })
})
