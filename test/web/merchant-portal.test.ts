/**
 * merchant-portal.test.ts - the merchant portal over HTTP: its pages need a log-in with the API
 * key (HttpOnly, SameSite cookie), the merchant API's portal reads answer (profile, webhook
 * secret, payments a page at a time, one payment with its trail, sales by day and channel,
 * orders, webhook deliveries with their attempts, the settlement CSV) and refuse bad input with a
 * 400 that changes nothing, changes need the page's CSRF token, and two merchants (one opened by
 * the admin API) see only their own data, over the API and through the portal's session.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallbackServer, GatewayFixture } from '../support/gateway-fixture.js'
import {
  CINEMA,
  HAN,
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startCallbackServer,
  startTestGateway,
} from '../support/gateway-fixture.js'
import { postLogin, setCookieValue, webLogin } from '../support/web-login.js'

let gw: GatewayFixture
let receiver: CallbackServer
/** The second merchant, opened over the admin API, and its key. */
let noodleKey = ''
/** Payments of Cinema Tickets made in beforeAll: one paid, one waiting. */
let paidId = ''
let waitingId = ''

beforeAll(async () => {
  gw = await startTestGateway()
  // The first attempt fails with a page, the second is taken.
  receiver = await startCallbackServer(gw.nowMs, (count) => (count === 1 ? 500 : 200))
  const opened = await gw.admin('POST', '/admin/api/merchants', {
    code: '4101',
    name: 'Noodle Bar',
  })
  expect(opened.status).toBe(201)
  noodleKey = (opened.json as { apiKey: string }).apiKey
  paidId = await requestPayment(gw, CINEMA, {
    msisdn: LI,
    amount: '25.00',
    reference: 'cinema-1',
    callbackUrl: receiver.url,
  })
  expect((await gw.confirm(LI, LI_PIN)).ok).toBe(true)
  waitingId = await requestPayment(gw, CINEMA, { msisdn: HAN, amount: '7.50', reference: 'c-2' })
  await requestPayment(gw, RINGTONES, { msisdn: LI, amount: '3.00', reference: 'ring-1' })
  // The webhook's first attempt (500), then its retry after the backoff (200).
  await gw.advance(0)
  await receiver.arrival(1)
  await gw.advance(2)
  await receiver.arrival(2)
}, 60_000)

afterAll(async () => {
  await gw?.close()
  await receiver?.close()
})

const noodle = (method: string, path: string, body?: unknown) =>
  gw.request(method, path, { token: noodleKey, body })

describe('logging in to the merchant portal', () => {
  it('sends a visitor without a session to the form, and opens one with the API key', async () => {
    const page = await fetch(`${gw.url}/merchant/payments`, { redirect: 'manual' })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/merchant/login?next=%2Fmerchant%2Fpayments')
    const wrong = await postLogin(gw.url, '/merchant', 'test_key_nope_nope')
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('That API key opens no merchant.')
    const answer = await postLogin(gw.url, '/merchant', `test_key_${CINEMA}`)
    expect(answer.status).toBe(303)
    const cookie = answer.headers
      .getSetCookie()
      .find((line) => line.startsWith('telepay_merchant='))
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Strict/)
    expect(setCookieValue(answer, 'telepay_merchant')).not.toBeNull()
  })

  it('draws every page for the session, with the merchant named and no key in it', async () => {
    const session = await webLogin(gw.url, '/merchant', `test_key_${CINEMA}`)
    for (const [path, heading] of [
      ['/merchant', 'Overview'],
      ['/merchant/payments', 'Payments'],
      [`/merchant/payments/${paidId}`, 'Payment'],
      ['/merchant/orders', 'Orders'],
      ['/merchant/requests', 'Payment requests'],
      ['/merchant/webhooks', 'Webhook deliveries'],
      ['/merchant/settings', 'Settings'],
    ] as const) {
      const page = await session.call('GET', path, { csrf: false })
      expect({ path, status: page.status }).toEqual({ path, status: 200 })
      const text = await page.text()
      expect(text).toContain(`<h1>${heading}`)
      expect(text).toContain('Cinema Tickets · 1002')
      expect(text).not.toContain(`test_key_${CINEMA}`)
      expect(text).not.toContain('test_secret_')
    }
    const missing = await session.call('GET', '/merchant/nothing-here', { csrf: false })
    expect(missing.status).toBe(404)
  })

  it('takes a change over the API only with the page CSRF token', async () => {
    const session = await webLogin(gw.url, '/merchant', `test_key_${CINEMA}`)
    const body = { amount: '1.00', reference: 'csrf-test' }
    const refused = await session.call('POST', '/api/v1/orders', { body, csrf: false })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toBe('csrf_invalid')
    const taken = await session.call('POST', '/api/v1/orders', { body })
    expect(taken.status).toBe(201)
  })

  it('ends the session when the key is rotated', async () => {
    const opened = await gw.admin('POST', '/admin/api/merchants', { code: '4102', name: 'Kiosk' })
    const key = (opened.json as { apiKey: string }).apiKey
    const session = await webLogin(gw.url, '/merchant', key)
    expect((await session.call('GET', '/merchant', { csrf: false })).status).toBe(200)
    await gw.admin('PATCH', '/admin/api/merchants/4102', { rotateApiKey: true })
    const page = await session.call('GET', '/merchant', { csrf: false })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/merchant/login')
  })
})

describe("the portal's reads of the merchant API", () => {
  it('answers the profile with the key masked, and the webhook secret on request', async () => {
    const profile = await gw.merchant(CINEMA, 'GET', '/api/v1/merchant')
    expect(profile.json).toMatchObject({
      code: CINEMA,
      name: 'Cinema Tickets',
      apiKeyLast4: '1002',
      apiKeyStored: 'sha256',
      fee: { basisPoints: 100 },
    })
    expect(profile.text).not.toContain('test_key_')
    const secret = await gw.merchant(CINEMA, 'GET', '/api/v1/merchant/webhook-secret')
    expect(secret.json).toEqual({ webhookSecret: `test_secret_${CINEMA}` })
    expect(secret.headers.get('cache-control')).toBe('no-store')
  })

  it("lists the merchant's own payments newest first, a page at a time, by status", async () => {
    const all = await gw.merchant(CINEMA, 'GET', '/api/v1/payments')
    const ids = (all.json as { payments: { id: string; merchant: string }[] }).payments
    expect(ids.map((payment) => payment.id)).toEqual([waitingId, paidId])
    expect(ids.every((payment) => payment.merchant === CINEMA)).toBe(true)
    const first = await gw.merchant(CINEMA, 'GET', '/api/v1/payments?limit=1')
    expect(first.json).toMatchObject({ payments: [{ id: waitingId }], next: waitingId })
    const second = await gw.merchant(CINEMA, 'GET', `/api/v1/payments?limit=1&before=${waitingId}`)
    expect(second.json).toMatchObject({ payments: [{ id: paidId, fee: '0.25' }] })
    const done = await gw.merchant(CINEMA, 'GET', '/api/v1/payments?status=completed')
    expect((done.json as { payments: { id: string }[] }).payments.map((p) => p.id)).toEqual([
      paidId,
    ])
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'status=paid']) {
      const bad = await gw.merchant(CINEMA, 'GET', `/api/v1/payments?${query}`)
      expect({ query, status: bad.status }).toEqual({ query, status: 400 })
    }
  })

  it('answers one payment with its trail', async () => {
    const answer = await gw.merchant(CINEMA, 'GET', `/api/v1/payments/${paidId}`)
    expect(answer.json).toMatchObject({
      payment: { id: paidId, status: 'completed', amount: '25.00' },
      trail: { payment: { id: paidId }, complete: true },
    })
  })

  it("sums the day's sales by channel, for a range of at most 31 days", async () => {
    const today = gw.localDate()
    const answer = await gw.merchant(CINEMA, 'GET', '/api/v1/sales')
    const sales = answer.json as {
      from: string
      to: string
      channels: string[]
      days: { date: string; payments: number; gross: string; fees: string; byChannel: object }[]
    }
    expect(sales.days).toHaveLength(14)
    expect(sales.to).toBe(today)
    expect(sales.channels).toEqual(['api'])
    expect(sales.days.at(-1)).toMatchObject({
      date: today,
      payments: 1,
      gross: '25.00',
      fees: '0.25',
      byChannel: { api: { payments: 1, gross: '25.00' } },
    })
    const week = await gw.merchant(
      CINEMA,
      'GET',
      `/api/v1/sales?from=${gw.localDate(-6)}&to=${today}`,
    )
    expect((week.json as { days: unknown[] }).days).toHaveLength(7)
    for (const query of [
      `from=${gw.localDate(-31)}&to=${today}`,
      `from=${today}&to=${gw.localDate(-1)}`,
      'from=yesterday',
    ]) {
      const bad = await gw.merchant(CINEMA, 'GET', `/api/v1/sales?${query}`)
      expect({ query, status: bad.status }).toEqual({ query, status: 400 })
    }
  })

  it('lists orders open and paid', async () => {
    const created = await gw.merchant(CINEMA, 'POST', '/api/v1/orders', {
      amount: '12.00',
      reference: 'popcorn-1',
    })
    expect(created.status).toBe(201)
    const orderNo = (created.json as { orderNo: string }).orderNo
    const orders = await gw.merchant(CINEMA, 'GET', '/api/v1/orders')
    const list = (orders.json as { orders: { orderNo: string; status: string }[] }).orders
    expect(list[0]).toMatchObject({ orderNo, status: 'open', amount: '12.00' })
    // The world's order 880001 of Cinema Tickets is there too, still open.
    expect(list.some((order) => order.orderNo === '880001')).toBe(true)
  })

  it('lists webhook deliveries with every attempt: signature, status and answer', async () => {
    const answer = await gw.merchant(CINEMA, 'GET', '/api/v1/webhooks/deliveries')
    const [delivery] = (
      answer.json as {
        deliveries: {
          paymentId: string
          state: string
          attempts: number
          tries: {
            attempt: number
            statusCode: number
            response: string
            signature: string
            body: string
          }[]
        }[]
      }
    ).deliveries
    expect(delivery).toMatchObject({ paymentId: paidId, state: 'delivered', attempts: 2 })
    expect(delivery?.tries.map((t) => [t.attempt, t.statusCode, t.response])).toEqual([
      [2, 200, 'ok'],
      [1, 500, 'not ok'],
    ])
    for (const attempt of delivery?.tries ?? []) {
      const hmac = createHmac('sha256', `test_secret_${CINEMA}`).update(attempt.body).digest('hex')
      expect(attempt.signature).toBe(hmac)
    }
    const bad = await gw.merchant(CINEMA, 'GET', '/api/v1/webhooks/deliveries?before=x')
    expect(bad.status).toBe(400)
  })

  it('answers the settlement of a day as CSV', async () => {
    const answer = await gw.merchant(
      CINEMA,
      'GET',
      `/api/v1/settlements.csv?date=${gw.localDate()}`,
    )
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(answer.headers.get('content-disposition')).toContain('attachment')
    const lines = answer.text.trim().split('\r\n')
    expect(lines[0]).toBe('date,merchant,line,payments,amount,currency')
    expect(lines).toContain(`${gw.localDate()},${CINEMA},gross,1,25.00,CNY`)
    expect(lines).toContain(`${gw.localDate()},${CINEMA},net,,24.75,CNY`)
    expect(lines.some((line) => line.includes(',fee:'))).toBe(true)
    const bad = await gw.merchant(CINEMA, 'GET', '/api/v1/settlements.csv?date=today')
    expect(bad.status).toBe(400)
  })
})

describe('two merchants see only their own data', () => {
  it('over the API: lists are empty and one another’s rows are not found', async () => {
    for (const path of ['/api/v1/payments', '/api/v1/orders', '/api/v1/webhooks/deliveries']) {
      const answer = await noodle('GET', path)
      expect({ path, status: answer.status }).toEqual({ path, status: 200 })
      const [list] = Object.values(answer.json as Record<string, unknown[]>)
      expect({ path, rows: list }).toEqual({ path, rows: [] })
    }
    for (const path of [
      `/api/v1/payments/${paidId}`,
      `/api/v1/payment-requests/${paidId}`,
      `/api/v1/payment-requests/${paidId}/trail`,
    ]) {
      expect((await noodle('GET', path)).status).toBe(404)
    }
    // Another merchant's payment as a cursor starts nowhere, not at its place.
    const cursor = await noodle('GET', `/api/v1/payments?before=${waitingId}`)
    expect((cursor.json as { payments: unknown[] }).payments).toEqual([])
    const refund = await noodle('POST', `/api/v1/payments/${paidId}/refunds`, { amount: '1.00' })
    expect(refund.status).toBe(404)
    const sales = await noodle('GET', '/api/v1/sales')
    expect((sales.json as { channels: string[] }).channels).toEqual([])
    const profile = await noodle('GET', '/api/v1/merchant')
    expect(profile.json).toMatchObject({ code: '4101', name: 'Noodle Bar' })
    const secret = await noodle('GET', '/api/v1/merchant/webhook-secret')
    expect((secret.json as { webhookSecret: string }).webhookSecret).not.toBe(
      `test_secret_${CINEMA}`,
    )
  })

  it("through the portal's session: the second merchant's pages read its own data", async () => {
    const session = await webLogin(gw.url, '/merchant', noodleKey)
    const page = await (await session.call('GET', '/merchant', { csrf: false })).text()
    expect(page).toContain('Noodle Bar · 4101')
    const payments = await session.call('GET', '/api/v1/payments', { csrf: false })
    expect(((await payments.json()) as { payments: unknown[] }).payments).toEqual([])
    const other = await session.call('GET', `/api/v1/payments/${paidId}`, { csrf: false })
    expect(other.status).toBe(404)
    const refund = await session.call('POST', `/api/v1/payments/${paidId}/refunds`, {
      body: { amount: '1.00' },
    })
    expect(refund.status).toBe(404)
    const cinema = await gw.merchant(CINEMA, 'GET', `/api/v1/payments/${paidId}`)
    expect((cinema.json as { payment: { refunded: string } }).payment.refunded).toBe('0.00')
  })

  it('refunds from the portal session, with the token, and the payment shows it', async () => {
    const session = await webLogin(gw.url, '/merchant', `test_key_${CINEMA}`)
    const bad = await session.call('POST', `/api/v1/payments/${paidId}/refunds`, {
      body: { amount: 'lots' },
    })
    expect(bad.status).toBe(400)
    const refund = await session.call('POST', `/api/v1/payments/${paidId}/refunds`, {
      body: { amount: '5.00' },
    })
    expect(refund.status).toBe(201)
    const after = await gw.merchant(CINEMA, 'GET', `/api/v1/payments/${paidId}`)
    expect((after.json as { payment: { refunded: string } }).payment.refunded).toBe('5.00')
  })
})
