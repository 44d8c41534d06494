/**
 * gateway.test.ts - the IVR channel as the gateway runs it, end to end over real HTTP with the
 * call engine over the scripts in menus/ivr: a balance call; order 880001 paid to completion
 * with the PIN; a wrong PIN; silence re-prompted then the 3-strikes goodbye; a hang-up at the
 * PIN prompt that leaves no money moved (the order is still payable); an unregistered caller;
 * the call records behind the admin token (PINs masked, in the API and in ivr.sqlite); TwiML
 * and the simulation API telling the same call; health and metrics.
 */

import { join } from 'node:path'
import Database from 'better-sqlite3'
import twilio from 'twilio'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, LI_PIN, NOBODY, startTestGateway } from '../../support/gateway-fixture.js'

let gw: GatewayFixture

beforeEach(async () => {
  gw = await startTestGateway()
})

afterEach(async () => {
  await gw.close()
})

interface Answer {
  readonly callId: string
  readonly step: number
  readonly prompts: string[]
  readonly gather: {
    readonly secret: boolean
    readonly finishOnKey: string
    readonly digitsMax: number | null
    readonly firstDigitTimeoutMs: number
  } | null
  readonly ended: boolean
  readonly outcome: string | null
}

async function dial(from: string): Promise<Answer> {
  const answer = await gw.request('POST', '/ivr/calls', { body: { from, to: '12588' } })
  expect(answer.status).toBe(201)
  return answer.json as Answer
}

async function press(call: Answer, digits: string): Promise<Answer> {
  const answer = await gw.request('POST', `/ivr/calls/${call.callId}/digits`, { body: { digits } })
  expect(answer.status).toBe(200)
  return answer.json as Answer
}

async function silence(call: Answer): Promise<Answer> {
  const answer = await gw.request('POST', `/ivr/calls/${call.callId}/silence`)
  expect(answer.status).toBe(200)
  return answer.json as Answer
}

function spoken(answer: Answer): string {
  return answer.prompts.join(' ')
}

describe('IVR in the gateway', () => {
  it('tells a registered caller the balance', async () => {
    const call = await dial(LI)
    expect(call).toMatchObject({ ended: false, gather: { digitsMax: 1 } })
    expect(spoken(call)).toMatch(/press 1/i)
    const balance = await press(call, '1')
    expect(spoken(balance)).toContain('500.00')
    const hungUp = await gw.request('DELETE', `/ivr/calls/${call.callId}`)
    expect(hungUp.json).toMatchObject({ ended: true, outcome: 'hung_up' })
  })

  it('pays order 880001 with the PIN: wallet debited, ledger balanced, record masked', async () => {
    const call = await dial(LI)
    await press(call, '2')
    const confirm = await press(call, '880001#')
    expect(spoken(confirm)).toMatch(/80\.00/)
    expect(spoken(confirm)).toMatch(/Cinema Tickets/)
    const pin = await press(call, '1')
    expect(pin.gather).toMatchObject({ secret: true, finishOnKey: '#' })
    const paid = await press(call, `${LI_PIN}#`)
    expect(paid).toMatchObject({ ended: true, outcome: 'completed', gather: null })
    expect(spoken(paid)).toMatch(/Paid 80\.00/)
    expect(await gw.balance(LI, 'wallet')).toBe('420.00')
    expect((await gw.admin('GET', '/admin/api/ledger/check')).json).toMatchObject({
      balanced: true,
    })

    const records = await gw.admin('GET', `/admin/api/calls?msisdn=${LI}&limit=5`)
    expect(records.status).toBe(200)
    const [record] = records.json.calls
    expect(record).toMatchObject({
      callId: call.callId,
      caller: LI,
      number: '12588',
      outcome: 'completed',
      reference: expect.stringMatching(/^T[0-9A-Z]{6}$/),
    })
    expect(JSON.stringify(record.inputs)).not.toContain(LI_PIN)
    expect(record.inputs.at(-1)).toMatch(/^\*+#?$/)
    const db = new Database(join(gw.dir, 'ivr.sqlite'), { readonly: true })
    const dump = JSON.stringify(db.prepare('SELECT * FROM ivr_calls').all())
    db.close()
    expect(dump).not.toContain(LI_PIN)
  })

  it('refuses a wrong PIN and asks again; nothing is paid', async () => {
    const call = await dial(LI)
    await press(call, '2')
    await press(call, '880001#')
    await press(call, '1')
    const wrong = await press(call, '9999#')
    expect(spoken(wrong)).toMatch(/wrong PIN/i)
    expect(wrong).toMatchObject({ ended: false, gather: { secret: true } })
    expect(await gw.balance(LI, 'wallet')).toBe('500.00')
  })

  it('re-prompts on silence, more explicitly the second time, goodbye after three', async () => {
    const call = await dial(LI)
    const first = await silence(call)
    const second = await silence(call)
    expect(first.ended).toBe(false)
    expect(second.ended).toBe(false)
    expect(spoken(second)).not.toBe(spoken(first))
    const third = await silence(call)
    expect(third).toMatchObject({ ended: true, outcome: 'failed_input', gather: null })
    expect(spoken(third)).toMatch(/goodbye/i)
  })

  it('moves no money when the caller hangs up typing the PIN; the order is payable', async () => {
    const call = await dial(LI)
    await press(call, '2')
    await press(call, '880001#')
    await press(call, '1')
    await press(call, '12')
    const hungUp = await gw.request('DELETE', `/ivr/calls/${call.callId}`)
    expect(hungUp.json).toMatchObject({ ended: true, outcome: 'hung_up' })
    expect(await gw.balance(LI, 'wallet')).toBe('500.00')
    expect(
      (await gw.request('POST', `/ivr/calls/${call.callId}/digits`, { body: { digits: '34#' } }))
        .status,
    ).toBe(409)
    // The payment left waiting expires (SPEC section 3: 120 s); the order is then paid in a new
    // call.
    await gw.advance(121)
    const again = await dial(LI)
    await press(again, '2')
    await press(again, '880001#')
    await press(again, '1')
    expect(spoken(await press(again, `${LI_PIN}#`))).toMatch(/Paid 80\.00/)
    expect(await gw.balance(LI, 'wallet')).toBe('420.00')
  })

  it('asks an unregistered caller for a number, ends the call if it is unregistered', async () => {
    const call = await dial(NOBODY)
    expect(call.gather).toMatchObject({ finishOnKey: '#' })
    expect(spoken(call)).toMatch(/mobile number/i)
    await press(call, `${NOBODY}#`)
    await press(call, '2')
    const refused = await press(call, '880001#')
    expect(refused).toMatchObject({ ended: true, outcome: 'unregistered' })
    expect(
      (await gw.admin('GET', `/admin/api/calls?msisdn=${NOBODY}`)).json.calls[0],
    ).toMatchObject({ caller: NOBODY, outcome: 'unregistered' })
  })

  it('speaks the same call by TwiML as by the simulation API', async () => {
    const simulated = await dial(LI)
    const form = new URLSearchParams({
      CallSid: `CA${'1'.repeat(32)}`,
      From: `+${LI}`,
      To: '+12588',
      CallStatus: 'ringing',
    })
    const response = await fetch(`${gw.url}/ivr/twiml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
    const expected = new twilio.twiml.VoiceResponse()
    const gather = expected.gather({
      input: ['dtmf'],
      numDigits: simulated.gather?.digitsMax ?? 0,
      finishOnKey: simulated.gather?.finishOnKey ?? '',
      timeout: Math.ceil((simulated.gather?.firstDigitTimeoutMs ?? 0) / 1000),
      action: '/ivr/twiml?step=1',
      method: 'POST',
      actionOnEmptyResult: true,
    })
    for (const text of simulated.prompts) gather.say({ language: 'en-US' }, text)
    expect(await response.text()).toBe(expected.toString())
  })

  it('keeps call records behind the admin token, the channel in health and metrics', async () => {
    const call = await dial(LI)
    await gw.request('DELETE', `/ivr/calls/${call.callId}`)
    expect((await gw.request('GET', '/admin/api/calls')).status).toBe(401)
    expect((await gw.admin('GET', '/admin/api/calls')).json.calls).toHaveLength(1)
    expect((await gw.request('GET', '/healthz')).json).toMatchObject({ channels: { ivr: 'ready' } })
    expect((await gw.admin('GET', '/metrics')).text).toContain(
      'telepay_ivr_calls_ended_total{outcome="hung_up"} 1',
    )
  })
})
