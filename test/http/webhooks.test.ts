/**
 * webhooks.test.ts - step 9 of the flow: the merchant's callbackUrl (a real HTTP server on a
 * loopback port) receives the final status once, signed with HMAC-SHA256 under
 * test_secret_<code>; a failing receiver is retried at the backoff times of the test clock and
 * abandoned after the attempt limit; an unconfirmed request posts `expired`.
 */
import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { CallbackServer, GatewayFixture } from '../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startCallbackServer,
  startTestGateway,
  TRANSFER_REF,
} from '../support/gateway-fixture.js'

function hmacHex(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex')
}

let t: GatewayFixture | undefined
let receiver: CallbackServer | undefined

afterEach(async () => {
  // The gateway first: it must not be posting to a receiver that is gone.
  await t?.close()
  await receiver?.close()
  t = undefined
  receiver = undefined
})

async function setUp(
  answer?: (count: number) => number | Promise<number>,
  overrides: Record<string, unknown> = {},
): Promise<{ t: GatewayFixture; receiver: CallbackServer }> {
  const gateway = await startTestGateway({ overrides })
  t = gateway
  receiver = await startCallbackServer(() => gateway.nowMs(), answer)
  return { t: gateway, receiver }
}

describe('merchant webhooks', () => {
  it("posts the final status once, signed with the merchant's webhook secret", async () => {
    const { t, receiver } = await setUp()
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'ring-7',
      callbackUrl: receiver.url,
    })
    await t.advance(0)
    expect(receiver.received).toHaveLength(0) // nothing final yet

    const paid = await t.confirm(LI, LI_PIN)
    expect(paid.ok).toBe(true)
    await t.advance(0)
    expect(receiver.received).toHaveLength(1)
    const [callback] = receiver.received
    if (callback === undefined) throw new Error('no callback')

    expect(callback.path).toBe('/telepay/callback')
    expect(callback.headers['content-type']).toMatch(/^application\/json/)
    const signature = callback.headers['x-telepay-signature']
    expect(signature).toBe(hmacHex(callback.body, `test_secret_${RINGTONES}`))
    expect(signature).not.toBe(hmacHex(callback.body, 'test_secret_1002'))
    const body = JSON.parse(callback.body) as Record<string, unknown>
    expect(body).toMatchObject({
      id,
      status: 'completed',
      amount: '25.00',
      currency: 'CNY',
      reference: 'ring-7',
      transactionRef: paid.reference,
    })
    expect(body['transactionRef']).toMatch(TRANSFER_REF)
    expect(callback.headers['x-telepay-event-id']).toBe(String(body['eventId']))

    // Delivered: later sweeps do not post it again.
    await t.advance(3600)
    await t.advance(86_400)
    expect(receiver.received).toHaveLength(1)
    const outbox = await t.admin('GET', '/admin/api/outbox?kind=webhook')
    expect(outbox.json.outbox).toEqual([])
  })

  it('retries a failing receiver at 1x, 2x, 4x the backoff, abandons at the limit', async () => {
    const { t, receiver } = await setUp(() => 500, {
      operating: { webhookAttemptsMax: 4, webhookBackoffBaseMs: 1_000 },
    })
    await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'retry',
      callbackUrl: receiver.url,
    })
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    const t0 = t.nowMs()

    await t.advance(0)
    expect(receiver.received).toHaveLength(1)
    await t.advance(0.999)
    expect(receiver.received).toHaveLength(1)
    await t.advance(0.001) // t0 + 1 s
    expect(receiver.received).toHaveLength(2)
    await t.advance(1.999)
    expect(receiver.received).toHaveLength(2)
    await t.advance(0.001) // t0 + 3 s
    expect(receiver.received).toHaveLength(3)
    await t.advance(3.999)
    expect(receiver.received).toHaveLength(3)
    const pending = await t.admin('GET', '/admin/api/outbox?kind=webhook')
    expect(pending.json.outbox).toEqual([
      expect.objectContaining({ attempts: 3, to: receiver.url }),
    ])
    await t.advance(0.001) // t0 + 7 s: the fourth and last attempt
    expect(receiver.received).toHaveLength(4)

    expect(receiver.received.map((callback) => callback.atMs - t0)).toEqual([
      0, 1_000, 3_000, 7_000,
    ])
    // Every attempt carries the same event, signed the same way.
    const bodies = new Set(receiver.received.map((callback) => callback.body))
    expect(bodies.size).toBe(1)
    for (const callback of receiver.received)
      expect(callback.headers['x-telepay-signature']).toBe(
        hmacHex(callback.body, `test_secret_${RINGTONES}`),
      )

    // Abandoned: no more attempts, however long we wait.
    await t.advance(16)
    await t.advance(3_600)
    expect(receiver.received).toHaveLength(4)
    const after = await t.admin('GET', '/admin/api/outbox?kind=webhook')
    expect(after.json.outbox).toEqual([])
  })

  it('stops retrying once the receiver answers 2xx', async () => {
    const { t, receiver } = await setUp((count) => (count < 3 ? 503 : 204), {
      operating: { webhookAttemptsMax: 8, webhookBackoffBaseMs: 2_000 },
    })
    await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'third-time',
      callbackUrl: receiver.url,
    })
    await t.confirm(LI, LI_PIN)
    const t0 = t.nowMs()
    await t.advance(0)
    await t.advance(2)
    await t.advance(4)
    expect(receiver.received.map((callback) => callback.atMs - t0)).toEqual([0, 2_000, 6_000])
    await t.advance(8)
    await t.advance(600)
    expect(receiver.received).toHaveLength(3)
  })

  it('posts `expired` when the subscriber does not confirm within 120 s', async () => {
    const { t, receiver } = await setUp()
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'too-slow',
      callbackUrl: receiver.url,
    })
    await t.advance(119)
    expect(receiver.received).toHaveLength(0)
    const waiting = await t.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${id}`)
    expect(waiting.json.status).toBe('pending_authorization')

    await t.advance(2)
    expect(receiver.received).toHaveLength(1)
    const callback = receiver.received[0]
    if (callback === undefined) throw new Error('no callback')
    expect(callback.headers['x-telepay-signature']).toBe(
      hmacHex(callback.body, `test_secret_${RINGTONES}`),
    )
    expect(JSON.parse(callback.body)).toMatchObject({
      id,
      status: 'expired',
      amount: '25.00',
      reference: 'too-slow',
      transactionRef: null,
    })
    const ended = await t.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${id}`)
    expect(ended.json.status).toBe('expired')

    // A late YES finds nothing to confirm and takes no money.
    const late = await t.confirm(LI, LI_PIN)
    expect(late.ok).toBe(false)
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    await t.advance(60)
    expect(receiver.received).toHaveLength(1)
  })

  it('posts `cancelled` when the subscriber answers NO', async () => {
    const { t, receiver } = await setUp()
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'changed-mind',
      callbackUrl: receiver.url,
    })
    expect((await t.phone({ kind: 'cancel', msisdn: LI })).ok).toBe(true)
    await t.advance(0)
    expect(receiver.received).toHaveLength(1)
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
      id,
      status: 'cancelled',
      transactionRef: null,
    })
  })

  it('retries a receiver that cannot be reached at all, counting each attempt', async () => {
    const { t, receiver } = await setUp(undefined, {
      operating: { webhookAttemptsMax: 3, webhookBackoffBaseMs: 500 },
    })
    const deadUrl = receiver.url
    await receiver.close() // nobody listens on that port any more
    await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'nobody-home',
      callbackUrl: deadUrl,
    })
    await t.confirm(LI, LI_PIN)
    const attempts = async (): Promise<number[]> =>
      (
        (await t.admin('GET', '/admin/api/outbox?kind=webhook')).json.outbox as {
          attempts: number
        }[]
      ).map((item) => item.attempts)
    await t.advance(0)
    expect(await attempts()).toEqual([1])
    await t.advance(0.5)
    expect(await attempts()).toEqual([2])
    await t.advance(0.999)
    expect(await attempts()).toEqual([2])
    await t.advance(0.001)
    expect(await attempts()).toEqual([]) // the third failure was the last allowed: abandoned
  })

  it.each([
    ['a loopback address', (url: string) => url, '127.0.0.1 is a loopback address'],
    ['a name for one', (url: string) => url.replace('127.0.0.1', 'localhost'), 'loopback address'],
    [
      'an IPv4-mapped IPv6 literal',
      (url: string) => url.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
      '::ffff:7f00:1 is a loopback address',
    ],
  ])(
    'refuses %s as a destination when private destinations are off, at once and for good',
    async (_name, destination, reason) => {
      const { t, receiver } = await setUp(undefined, {
        webhooks: { privateDestinations: false },
      })
      await requestPayment(t, RINGTONES, {
        msisdn: LI,
        amount: '25.00',
        reference: 'inside-job',
        callbackUrl: destination(receiver.url),
      })
      await t.confirm(LI, LI_PIN)
      await t.advance(0)
      await t.advance(60)
      expect(receiver.received).toHaveLength(0)
      const answer = await t.merchant(RINGTONES, 'GET', '/api/v1/webhooks/deliveries')
      const [delivery] = (
        answer.json as {
          deliveries: { state: string; attempts: number; tries: { response: string }[] }[]
        }
      ).deliveries
      // One attempt, abandoned: waiting will not make the address public.
      expect(delivery).toMatchObject({ state: 'abandoned', attempts: 1 })
      expect(delivery?.tries[0]?.response).toContain('destination refused')
      expect(delivery?.tries[0]?.response).toContain(reason)
    },
  )

  it('delivers after a restart what a stopped gateway had not delivered yet', async () => {
    let healthy = false
    const { t: first, receiver } = await setUp(() => (healthy ? 200 : 500))
    const id = await requestPayment(first, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'across-restart',
      callbackUrl: receiver.url,
    })
    await first.confirm(LI, LI_PIN)
    await first.advance(0)
    expect(receiver.received).toHaveLength(1)
    await first.close({ keepDir: true })

    healthy = true
    const second = await startTestGateway({ dir: first.dir })
    t = second // closed (and its directory removed) after the test
    await second.advance(3_600)
    expect(receiver.received).toHaveLength(2)
    expect(JSON.parse(receiver.received[1]?.body ?? '{}')).toMatchObject({
      id,
      status: 'completed',
    })
    await second.advance(3_600)
    expect(receiver.received).toHaveLength(2)
  })

  it('posts `declined` after the third wrong PIN', async () => {
    const { t, receiver } = await setUp()
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'thief',
      callbackUrl: receiver.url,
    })
    await t.confirm(LI, '1111')
    await t.confirm(LI, '2222')
    await t.advance(0)
    expect(receiver.received).toHaveLength(0)
    await t.confirm(LI, '3333')
    await t.advance(0)
    expect(receiver.received).toHaveLength(1)
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
      id,
      status: 'declined',
      reason: 'pin_attempts_exceeded',
      transactionRef: null,
    })
  })

  it('delivers once even when the periodic sweep and a clock advance overlap', async () => {
    // The receiver holds the first delivery open; meanwhile the clock is advanced, which sweeps
    // too.
    let releaseFirst: (status: number) => void = () => undefined
    const first = new Promise<number>((resolve) => {
      releaseFirst = resolve
    })
    const { t, receiver } = await setUp((count) => (count === 1 ? first : 200), {
      operating: { sweepIntervalMs: 1 },
    })
    await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'overlap',
      callbackUrl: receiver.url,
    })
    await t.confirm(LI, LI_PIN)
    await receiver.arrival(1) // posted by the periodic sweep, and still in flight

    const advancing = t.advance(0)
    releaseFirst(200)
    await advancing
    await t.advance(0)
    await t.advance(10)
    expect(receiver.received).toHaveLength(1)
  })
})
