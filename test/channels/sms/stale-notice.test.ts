/**
 * stale-notice.test.ts - a merchant's payment prompt ("Ringtone Store asks for CNY 3.00 ...
 * Reply YES") still in the outbox when its payment stops waiting - the subscriber declined it,
 * it expired, or it was declined while the USSD push was on the screen - is dropped, not sent:
 * no SMS with the prompt reaches the phone, the row leaves the outbox, and the drop is logged
 * and counted. The prompt used to arrive after the answer it asks for could only be refused.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ussdOp } from '../../../src/bearer/smpp/ussd-op.js'
import { UssdPhone } from '../../../src/tools/phones/ussd-phone.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  httpRequest,
  LI,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../../support/gateway-fixture.js'
import { captureLog } from '../../support/log-capture.js'
import { screenFor, typeIn } from '../ussd/smpp/harness.js'

let gw: GatewayFixture | null = null
let phone: UssdPhone | null = null
const captured = captureLog('info')
afterEach(async () => {
  await phone?.close()
  await gw?.close()
  phone = null
  gw = null
  captured.lines.length = 0
})

async function start(): Promise<GatewayFixture> {
  gw = await startTestGateway({ log: captured.log })
  return gw
}

/** Binds a phone (an ESME that receives the SMS and speaks USSD) to the gateway's SMSC. */
async function bindPhone(t: GatewayFixture): Promise<UssdPhone> {
  const smpp = t.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator does not run')
  phone = new UssdPhone({ host: smpp.host, port: smpp.port })
  const failure = await phone.bind()
  if (failure !== null) throw new Error(`bind: ${failure}`)
  return phone
}

/** Every SMS to `msisdn` that arrives within `waitMs`. */
async function smsWithin(bound: UssdPhone, msisdn: string, waitMs: number): Promise<string[]> {
  const texts: string[] = []
  for (;;) {
    const text = await bound.nextSms(msisdn, waitMs)
    if (text === null) return texts
    texts.push(text)
  }
}

async function droppedCount(t: GatewayFixture, state: string): Promise<number> {
  const metrics = await httpRequest(t.url, 'GET', '/metrics', { token: ADMIN_TOKEN })
  const line = metrics.text
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(`telepay_sms_notices_dropped_total{state="${state}"}`),
    )
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

const prompt = /asks for CNY 3\.00/

describe('a merchant payment prompt whose payment stopped waiting before it was sent', () => {
  it('is dropped when the subscriber declined first: no SMS, no row, logged, counted', async () => {
    const t = await start()
    await requestPayment(t, RINGTONES, { msisdn: LI, amount: '3.00', reference: 'tone-3' })
    // No phone is bound yet: the prompt waits in the outbox while the subscriber says NO.
    expect((await t.phone({ kind: 'cancel', msisdn: LI })).payment?.state).toBe('cancelled')
    const bound = await bindPhone(t)
    await t.advance(60)
    expect(await smsWithin(bound, LI, 500)).toEqual([])
    expect(await t.smsTo(LI)).toEqual([])
    const dropped = captured
      .entries()
      .filter((line) => line.msg === 'sms notice dropped: its payment no longer waits')
    expect(dropped).toEqual([
      expect.objectContaining({
        level: 'info',
        msisdn: '86*******8000',
        key: 'request.prompt',
        payment: expect.stringMatching(/^P/),
        state: 'cancelled',
      }),
    ])
    expect(await droppedCount(t, 'cancelled')).toBe(1)

    // A request that still waits reaches the same phone.
    await requestPayment(t, RINGTONES, { msisdn: LI, amount: '3.00', reference: 'tone-4' })
    expect(await bound.nextSms(LI, 5_000)).toMatch(/asks for CNY 3\.00 .*tone-4/)
  })

  it('is dropped when the request expired first; the SMS saying so still goes', async () => {
    const t = await start()
    await requestPayment(t, RINGTONES, { msisdn: LI, amount: '3.00', reference: 'tone-5' })
    await t.advance(121)
    const bound = await bindPhone(t)
    await t.advance(60)
    const texts = await smsWithin(bound, LI, 500)
    expect(texts).toEqual([expect.stringContaining('was not confirmed in time and expired')])
    expect(await t.smsTo(LI)).toEqual([])
    expect(await droppedCount(t, 'expired')).toBe(1)
  })

  it('is dropped when declined while the USSD push was on screen, not sent by SMS', async () => {
    const t = await start()
    const bound = await bindPhone(t)
    // The phone's bind speaks USSD for Li Lei, so the prompt is pushed to the screen first.
    const info = bound.newSessionInfo()
    await bound.dial(LI, '*123#', { sessionInfo: info })
    await screenFor(bound, LI)
    expect((await typeIn(bound, LI, '1', info)).op).toBe(ussdOp.pssrResponse)
    await requestPayment(t, RINGTONES, { msisdn: LI, amount: '3.00', reference: 'tone-6' })
    expect((await screenFor(bound, LI)).text).toMatch(prompt)
    expect((await t.phone({ kind: 'cancel', msisdn: LI })).payment?.state).toBe('cancelled')
    // Nobody answers the screen: at the idle timeout the prompt would follow by SMS.
    await t.advance(t.gateway.ussd.limits.sessionIdleMs / 1000)
    await t.advance(10)
    expect(await smsWithin(bound, LI, 500)).toEqual([])
    expect(await t.smsTo(LI)).toEqual([])
    expect(await droppedCount(t, 'cancelled')).toBe(1)
  })
})
