/**
 * simulation-api.test.ts - the JSON simulation API of SPEC section 6 over real HTTP, in front of
 * a real test gateway, with the fake engine standing in for the scripts: answers' shape, a
 * balance call, an order paid with the PIN (money moved once even when a request is retried),
 * a wrong PIN, silence re-prompted then the 3-strikes goodbye, a hang-up at the PIN prompt
 * moving nothing, an unregistered caller, the 4xx refusals, the bound on calls, the idle and
 * duration caps on the test clock, and the call records (PINs masked) with their admin listing.
 */

import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/service/log.js'
import { LI, LI_PIN, NOBODY, TRANSFER_REF } from '../../support/gateway-fixture.js'
import type { IvrHarness } from './ivr-harness.js'
import { startIvrHarness } from './ivr-harness.js'

let h: IvrHarness

afterEach(async () => {
  await h.close()
})

async function call(
  from: string,
): Promise<{ callId: string; step: number; json: any; status: number }> {
  const answer = await h.request('POST', '/ivr/calls', { from, to: '12588' })
  return {
    callId: answer.json?.callId,
    step: answer.json?.step,
    json: answer.json,
    status: answer.status,
  }
}

function press(callId: string, digits: string, step?: number) {
  return h.request(
    'POST',
    `/ivr/calls/${callId}/digits`,
    step === undefined ? { digits } : { digits, step },
  )
}

function cdrRows(): {
  call_id: string
  outcome: string | null
  inputs: string
  reference: string | null
  caller: string
  number: string
  started_ms: number
  ended_ms: number | null
}[] {
  const db = new Database(join(h.dataDir, 'ivr.sqlite'), { readonly: true })
  try {
    return db.prepare('SELECT * FROM ivr_calls ORDER BY started_ms').all() as never
  } finally {
    db.close()
  }
}

describe('the IVR simulation API', () => {
  beforeEach(async () => {
    h = await startIvrHarness()
  })

  it('answers a call with 201, the prompts as text, the gather and ended false', async () => {
    const answered = await call(LI)
    expect(answered.status).toBe(201)
    expect(answered.json).toMatchObject({
      callId: expect.stringMatching(/^sim-/),
      step: 1,
      ended: false,
      language: 'en',
      prompts: [expect.stringMatching(/Press 1/)],
      promptIds: ['main.menu'],
      gather: {
        digitsMin: 1,
        digitsMax: 1,
        finishOnKey: '',
        validKeys: '12',
        secret: false,
        firstDigitTimeoutMs: 5000,
        interDigitTimeoutMs: 3000,
      },
    })
  })

  it('plays a balance call to its end: the balance spoken, the call record completed', async () => {
    const { callId } = await call(LI)
    const balance = await press(callId, '1')
    expect(balance.status).toBe(200)
    expect(balance.json).toMatchObject({ ended: true, gather: null, outcome: 'completed' })
    expect(balance.json.prompts.join(' ')).toContain('500.00')
    const [row] = cdrRows()
    expect(row).toMatchObject({
      call_id: callId,
      outcome: 'completed',
      caller: LI,
      number: '12588',
    })
    expect(row?.ended_ms).toBe(row?.started_ms)
  })

  it('pays order 880001 with the PIN; a retried request replays, moves nothing twice', async () => {
    const { callId } = await call(LI)
    expect((await press(callId, '2', 1)).json.prompts).toEqual([
      expect.stringMatching(/order number/),
    ])
    // Keys may come in pieces: the engine keeps collecting until the `#`.
    const partial = await press(callId, '8800', 2)
    expect(partial.json).toMatchObject({ prompts: [], ended: false, gather: { finishOnKey: '#' } })
    const pin = await press(callId, '01#', 3)
    expect(pin.json).toMatchObject({ ended: false, gather: { secret: true } })
    const paid = await press(callId, `${LI_PIN}#`, 4)
    expect(paid.json).toMatchObject({ ended: true, outcome: 'completed' })
    expect(paid.json.prompts.join(' ')).toContain('80.00')
    const again = await press(callId, `${LI_PIN}#`, 4)
    expect(again.status).toBe(200)
    expect(again.json).toEqual(paid.json)
    expect(await h.gw.balance(LI, 'wallet')).toBe('420.00')
    expect((await h.gw.admin('GET', '/admin/api/ledger/check')).json).toMatchObject({
      balanced: true,
    })
    const [row] = cdrRows()
    expect(row?.reference).toMatch(TRANSFER_REF)
    expect(JSON.parse(row?.inputs ?? '[]')).toEqual(['2', '880001', '****'])
  })

  it('refuses a wrong PIN: the caller hears so and no money moves', async () => {
    const { callId } = await call(LI)
    await press(callId, '2')
    await press(callId, '880001#')
    const refused = await press(callId, '9999#')
    expect(refused.json.ended).toBe(true)
    expect(refused.json.prompts.join(' ')).toMatch(/PIN/i)
    expect(await h.gw.balance(LI, 'wallet')).toBe('500.00')
  })

  it('re-prompts on silence and says goodbye after three failures', async () => {
    const { callId } = await call(LI)
    const first = await h.request('POST', `/ivr/calls/${callId}/silence`)
    expect(first.json).toMatchObject({ ended: false, promptIds: ['retry.noinput', 'main.menu'] })
    await h.request('POST', `/ivr/calls/${callId}/silence`)
    const last = await h.request('POST', `/ivr/calls/${callId}/silence`)
    expect(last.json).toMatchObject({
      ended: true,
      outcome: 'failed_input',
      gather: null,
      promptIds: ['goodbye.failed'],
    })
    expect(cdrRows()[0]?.outcome).toBe('failed_input')
  })

  it('hangs up at the PIN prompt: call hung_up, no money moves, later keys refused', async () => {
    const { callId } = await call(LI)
    await press(callId, '2')
    await press(callId, '880001#')
    await press(callId, '12')
    const hungUp = await h.request('DELETE', `/ivr/calls/${callId}`)
    expect(hungUp.status).toBe(200)
    expect(hungUp.json).toMatchObject({ ended: true, outcome: 'hung_up', prompts: [] })
    expect(await h.gw.balance(LI, 'wallet')).toBe('500.00')
    const late = await press(callId, '34#')
    expect(late.status).toBe(409)
    expect(late.json).toMatchObject({ error: 'call_ended', outcome: 'hung_up' })
    expect((await h.request('DELETE', `/ivr/calls/${callId}`)).status).toBe(409)
    expect(cdrRows()[0]?.outcome).toBe('hung_up')
  })

  it('tells an unregistered caller and ends the call', async () => {
    const answered = await call(NOBODY)
    expect(answered.status).toBe(201)
    expect(answered.json).toMatchObject({ ended: true, outcome: 'unregistered', gather: null })
    expect(cdrRows()[0]).toMatchObject({ caller: NOBODY, outcome: 'unregistered' })
  })

  it('refuses with clear 4xx: unknown call, bad digits, bad body, stale step', async () => {
    const unknown = await press('sim-nope', '1')
    expect(unknown.status).toBe(404)
    expect(unknown.json).toMatchObject({ error: 'call_not_found' })
    const { callId } = await call(LI)
    for (const digits of ['', '12a', 12, 'x'.repeat(3)]) {
      const bad = await h.request('POST', `/ivr/calls/${callId}/digits`, { digits })
      expect(bad.status).toBe(400)
      expect(bad.json.error).toBe('digits_invalid')
    }
    expect((await h.request('POST', '/ivr/calls', { to: '12588' })).json.error).toBe('from_invalid')
    expect((await h.request('POST', '/ivr/calls', { from: LI, to: 'abc' })).json.error).toBe(
      'to_invalid',
    )
    const stale = await press(callId, '1', 7)
    expect(stale.status).toBe(409)
    expect(stale.json.error).toBe('step_stale')
  })

  it("keeps every call's record for the admin listing, newest first, PINs nowhere", async () => {
    const paying = await call(LI)
    await press(paying.callId, '2')
    await press(paying.callId, '880001#')
    await press(paying.callId, `${LI_PIN}#`)
    const hanging = await call(LI)
    await h.request('DELETE', `/ivr/calls/${hanging.callId}`)
    await call(NOBODY)
    const listed = await h.request('GET', `/admin/api/calls?limit=10&msisdn=${LI}`)
    expect(listed.status).toBe(200)
    expect(listed.json.calls.map((row: { callId: string }) => row.callId)).toEqual([
      hanging.callId,
      paying.callId,
    ])
    expect(listed.json.calls[1]).toMatchObject({
      caller: LI,
      msisdn: LI,
      number: '12588',
      outcome: 'completed',
      reference: expect.stringMatching(TRANSFER_REF),
      startedAt: expect.any(String),
      endedAt: expect.any(String),
      durationSeconds: 0,
      inputs: ['2', '880001', '****'],
    })
    expect((await h.request('GET', '/admin/api/calls')).json.calls).toHaveLength(3)
    expect((await h.request('GET', '/admin/api/calls?limit=0')).status).toBe(400)
    const record = await h.request('GET', `/ivr/calls/${paying.callId}`)
    expect(record.json).toMatchObject({ callId: paying.callId, outcome: 'completed' })
    const db = new Database(join(h.dataDir, 'ivr.sqlite'), { readonly: true })
    const dump = JSON.stringify(db.prepare('SELECT * FROM ivr_calls').all())
    db.close()
    expect(dump).not.toContain(`${LI_PIN}#`)
    expect(dump).not.toMatch(new RegExp(`"${LI_PIN}"`))
  })
})

describe('the logs of the IVR channel', () => {
  it('never carry the PIN, at any level: lengths, ids and states only', async () => {
    const lines: string[] = []
    h = await startIvrHarness({ log: createLogger('debug', { write: (line) => lines.push(line) }) })
    const { callId } = await call(LI)
    await press(callId, '2')
    await press(callId, '880001#')
    await press(callId, `${LI_PIN}#`)
    expect(lines.some((line) => line.includes('ivr step') && line.includes('"keys":5'))).toBe(true)
    expect(
      lines.some(
        (line) => line.includes('ivr call ended') && line.includes('"outcome":"completed"'),
      ),
    ).toBe(true)
    // Call ids are random hex: taken out first, so that one holding "1234" cannot fail the test.
    expect(
      lines.map((line) => line.replaceAll(callId, 'CALL')).filter((line) => line.includes(LI_PIN)),
    ).toEqual([])
    expect(lines.filter((line) => line.includes(LI))).toEqual([])
  })
})

describe('the bounds of the IVR channel', () => {
  it('answers 503 when every line is busy, and takes calls again once one ends', async () => {
    h = await startIvrHarness({ limits: { callsMax: 1 } })
    const first = await call(LI)
    const busy = await call(LI)
    expect(busy.status).toBe(503)
    expect(busy.json).toMatchObject({ error: 'lines_busy' })
    await h.request('DELETE', `/ivr/calls/${first.callId}`)
    expect((await call(LI)).status).toBe(201)
  })

  it('ends a call idle past the idle cap, and one past the duration cap though busy', async () => {
    h = await startIvrHarness({ limits: { callIdleMaxMs: 60_000, callDurationMaxMs: 120_000 } })
    const idle = await call(LI)
    await h.advance(61)
    expect((await press(idle.callId, '1')).json).toMatchObject({
      error: 'call_ended',
      outcome: 'idle_timeout',
    })
    const busy = await call(LI)
    await press(busy.callId, '2')
    for (let step = 0; step < 4; step += 1) {
      await h.advance(40)
      await press(busy.callId, '8')
    }
    expect((await press(busy.callId, '8')).json).toMatchObject({
      error: 'call_ended',
      outcome: 'duration_cap',
    })
    expect(cdrRows().map((row) => row.outcome)).toEqual(['idle_timeout', 'duration_cap'])
    expect(await h.gw.balance(LI, 'wallet')).toBe('500.00')
  })
})
