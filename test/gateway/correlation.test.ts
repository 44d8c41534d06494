/**
 * correlation.test.ts - a merchant's call and what it causes, told by the log as an operator
 * follows it: the X-Request-Id of the payment request is the correlationId of the request's own
 * lines, of the SMS prompt sent for the payment, of the subscriber's confirmation by SMS and of
 * the webhook, which carries it as its X-Request-Id too. A payment command is one line with its
 * kind, channel, result, payment, reference, masked MSISDN and amount. A notice no phone can
 * take (the simulator with nothing bound) is one warning when given up, not one per try.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CorrelationIds } from '../../src/service/correlation.js'
import { PhoneEsme } from '../../src/tools/phones/phone-esme.js'
import type { CallbackServer, GatewayFixture } from '../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  RINGTONES,
  startCallbackServer,
  startTestGateway,
} from '../support/gateway-fixture.js'
import type { LogEntry } from '../support/log-capture.js'
import { captureLog } from '../support/log-capture.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function bindPhone(t: GatewayFixture): Promise<PhoneEsme> {
  const smpp = t.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator did not start')
  const phone = new PhoneEsme({ host: smpp.host, port: smpp.port })
  expect(await phone.bind()).toBeNull()
  cleanups.push(() => phone.close())
  return phone
}

/** Waits until a line matches (lines are written as things happen, after answers too). */
async function lineWhere(
  entries: () => LogEntry[],
  matches: (entry: LogEntry) => boolean,
): Promise<LogEntry> {
  for (let waited = 0; waited < 100; waited += 1) {
    const found = entries().find(matches)
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('no such log line')
}

describe('the correlation id of a merchant call', () => {
  it("follows the payment to its SMS prompt, the subscriber's YES and the webhook", async () => {
    const captured = captureLog('debug')
    const t = await startTestGateway({ log: captured.log })
    cleanups.push(() => t.close())
    const receiver: CallbackServer = await startCallbackServer(() => t.nowMs())
    cleanups.push(() => receiver.close())
    const phone = await bindPhone(t)

    const asked = await t.merchant(
      RINGTONES,
      'POST',
      '/api/v1/payment-requests',
      { msisdn: LI, amount: '25.00', reference: 'order-4711', callbackUrl: receiver.url },
      { 'x-request-id': 'shop-order-4711' },
    )
    expect(asked.status).toBe(202)
    const paymentId = asked.json.id as string
    await t.advance(0)
    expect((await phone.next(LI, 5_000))?.text).toMatch(/asks for CNY 25\.00/)
    expect(await phone.send(LI, `YES ${LI_PIN}`)).toMatchObject({ ok: true })
    expect((await phone.next(LI, 5_000))?.text).toMatch(/^Paid CNY 25\.00/)
    await t.advance(0)
    const callback = await receiver.arrival(1)
    expect(callback.headers['x-request-id']).toBe('shop-order-4711')

    const traced = (): LogEntry[] =>
      captured.entries().filter((entry) => entry['correlationId'] === 'shop-order-4711')
    await lineWhere(traced, (entry) => entry.msg === 'webhook delivered')
    const story = traced().map((entry) => `${entry.msg} ${entry['kind'] ?? ''}`.trim())
    expect(story).toEqual(
      expect.arrayContaining([
        'command request_payment',
        'http request',
        'sms notice delivered',
        'command confirm',
        'webhook delivered',
      ]),
    )
    const commands = traced().filter((entry) => entry.msg === 'command')
    expect(commands).toEqual([
      expect.objectContaining({
        level: 'info',
        channel: 'api',
        kind: 'request_payment',
        msisdn: '86*******8000',
        result: 'ok',
        payment: paymentId,
        state: 'awaiting_authorization',
        amountMinor: 2500,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        channel: 'sms',
        kind: 'confirm',
        msisdn: '86*******8000',
        result: 'ok',
        payment: paymentId,
        state: 'completed',
        ref: expect.stringMatching(/^T[0-9A-Z]{6}$/),
        amountMinor: 2500,
      }),
    ])
    expect(traced().find((entry) => entry.msg === 'sms notice delivered')).toMatchObject({
      payment: paymentId,
      key: 'request.prompt',
      attempt: 1,
    })
    // The MO itself was read before the payment was known: it carries no id, and no PIN.
    const mo = captured.entries().find((entry) => entry.msg === 'sms mo')
    expect(mo).toMatchObject({ keyword: 'yes', length: `YES ${LI_PIN}`.length })
    expect(mo?.['correlationId']).toBeUndefined()
  })

  it('keeps a refused command on one line with its reason and the asked amount', async () => {
    const captured = captureLog('info')
    const t = await startTestGateway({ log: captured.log })
    cleanups.push(() => t.close())
    const answer = await t.merchant(
      RINGTONES,
      'POST',
      '/api/v1/payment-requests',
      { msisdn: LI, amount: '99999.00', reference: 'too-much' },
      { 'x-request-id': 'shop-too-much' },
    )
    expect(answer.status).toBeGreaterThanOrEqual(400)
    const commands = captured.entries().filter((entry) => entry.msg === 'command')
    expect(commands).toEqual([
      expect.objectContaining({
        kind: 'request_payment',
        result: answer.json.error,
        amountMinor: 9_999_900,
        correlationId: 'shop-too-much',
      }),
    ])
    expect(commands[0]?.['payment']).toBeUndefined()
  })
})

describe('a notice no phone can take', () => {
  it('is one warning when given up, not one per try', async () => {
    const captured = captureLog('debug')
    const t = await startTestGateway({
      log: captured.log,
      overrides: {
        operating: {
          webhookAttemptsMax: 4,
          webhookBackoffBaseMs: 1_000,
          sweepIntervalMs: 3_600_000,
        },
      },
    })
    cleanups.push(() => t.close())
    const asked = await t.merchant(
      RINGTONES,
      'POST',
      '/api/v1/payment-requests',
      { msisdn: LI, amount: '3.00', reference: 'nobody-bound' },
      { 'x-request-id': 'shop-nobody-bound' },
    )
    expect(asked.status).toBe(202)
    // Tries at 0, 1, 3 and 7 s: the fourth is the last.
    for (const seconds of [0, 1, 2, 4]) await t.advance(seconds)
    const notices = captured
      .entries()
      .filter((entry) => entry['payment'] === asked.json.id && /^sms notice/.test(entry.msg))
    expect(notices.map((entry) => `${entry.level} ${entry.msg} ${entry['attempt']}`)).toEqual([
      'info sms notice not sent, will retry 1',
      'debug sms notice not sent again, will retry 2',
      'debug sms notice not sent again, will retry 3',
      'warn sms notice abandoned 4',
    ])
    expect(notices.every((entry) => entry['correlationId'] === 'shop-nobody-bound')).toBe(true)
    const warnings = captured.entries().filter((entry) => entry.level === 'warn')
    expect(warnings.map((entry) => entry.msg)).toEqual(['sms notice abandoned'])
  })
})

describe('the correlation ids kept', () => {
  it('are bounded: the oldest payment is forgotten first', async () => {
    const ids = new CorrelationIds(2)
    const { inRequestScope } = await import('../../src/service/correlation.js')
    inRequestScope('r1', () => ids.adopt('P1'))
    inRequestScope('r2', () => ids.adopt('P2'))
    // A later call naming P2 keeps the first call's id; outside a request nothing is tied.
    inRequestScope('r9', () => ids.adopt('P2'))
    ids.adopt('P4')
    inRequestScope('r3', () => ids.adopt('P3'))
    expect([ids.of('P1'), ids.of('P2'), ids.of('P3'), ids.of('P4')]).toEqual([
      undefined,
      'r2',
      'r3',
      undefined,
    ])
    expect(ids.size).toBe(2)
  })
})
