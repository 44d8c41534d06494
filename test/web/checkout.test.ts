/**
 * checkout.test.ts - the web checkout over HTTP: a shop opens one over the merchant API (its
 * return URL checked), the public page shows the shop, amount and reference, the shopper's phone
 * number (with the page's own token, never without) becomes the same payment request as the
 * API's, the phone confirms, and the way back carries a result whose signature the shop verifies
 * (a tampered one does not); a checkout left, expired or declined goes back saying so; a payment
 * request has a page of its own while it is recent; the demo shop does the round trip.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  CINEMA,
  HAN,
  LI,
  LI_PIN,
  NOBODY,
  startTestGateway,
  ZHANG,
} from '../support/gateway-fixture.js'
import { formCsrf, setCookieValue } from '../support/web-login.js'

let gw: GatewayFixture
const shopReturn = 'https://shop.example/return?order=42'

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

async function openCheckout(amount = '45.00', reference = 'ticket-1'): Promise<string> {
  const answer = await gw.merchant(CINEMA, 'POST', '/api/v1/checkouts', {
    amount,
    reference,
    description: 'Evening ticket',
    returnUrl: shopReturn,
  })
  expect(answer.status).toBe(201)
  const { id, url } = answer.json as { id: string; url: string }
  expect(url).toBe(`/checkout/${id}`)
  return id
}

async function page(
  id: string,
  query = '',
): Promise<{ status: number; text: string; token: string }> {
  const answer = await fetch(`${gw.url}/checkout/${id}${query}`)
  const text = await answer.text()
  return {
    status: answer.status,
    text,
    token: /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? '',
  }
}

function post(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
}

/** The shop's check, as docs/merchant-portal.md tells a shop to write it. */
function verified(location: string, secret: string): boolean {
  const query = new URL(location).searchParams
  const canonical = [
    'telepay-checkout-v1',
    ...['checkout', 'status', 'payment', 'amount', 'reference'].map(
      (name) => query.get(name) ?? '',
    ),
  ].join('\n')
  const expected = createHmac('sha256', secret).update(canonical).digest('hex')
  return expected === query.get('signature')
}

async function goBack(id: string, token: string): Promise<URL> {
  const answer = await post(`/checkout/${id}/return`, { _csrf: token })
  expect(answer.status).toBe(303)
  const location = answer.headers.get('location') ?? ''
  expect(verified(location, `test_secret_${CINEMA}`)).toBe(true)
  return new URL(location)
}

describe('opening a checkout over the merchant API', () => {
  it('refuses a return URL that is not an absolute http(s) URL, or a bad charge', async () => {
    for (const returnUrl of [
      undefined,
      '/shop/return',
      'javascript:alert(1)',
      'ftp://shop.example/',
      'https://user:pw@shop.example/',
      `https://shop.example/${'x'.repeat(2_100)}`,
    ]) {
      const answer = await gw.merchant(CINEMA, 'POST', '/api/v1/checkouts', {
        amount: '1.00',
        reference: 'r',
        ...(returnUrl === undefined ? {} : { returnUrl }),
      })
      expect({ returnUrl, status: answer.status, error: answer.json?.error }).toEqual({
        returnUrl,
        status: 400,
        error: 'return_url_invalid',
      })
    }
    const bad = await gw.merchant(CINEMA, 'POST', '/api/v1/checkouts', {
      amount: '-1',
      reference: 'r',
      returnUrl: shopReturn,
    })
    expect(bad.status).toBe(400)
    const none = await gw.request('POST', '/api/v1/checkouts', { body: {} })
    expect(none.status).toBe(401)
  })
})

describe('paying a checkout with the phone', () => {
  it('asks the phone as the API does, follows it, and returns with a signed result', async () => {
    const id = await openCheckout()
    const first = await page(id)
    expect(first.status).toBe(200)
    expect(first.text).toContain('Cinema Tickets')
    expect(first.text).toContain('45.00')
    expect(first.text).toContain('ticket-1')
    // Without the page's token (another site's form), nothing is asked.
    const forged = await post(`/checkout/${id}/phone`, { msisdn: LI, _csrf: 'guess' })
    expect(forged.status).toBe(403)
    const badNumber = await post(`/checkout/${id}/phone`, { msisdn: 'call me', _csrf: first.token })
    expect(badNumber.status).toBe(400)
    const sent = await post(`/checkout/${id}/phone`, { msisdn: LI, _csrf: first.token })
    expect(sent.status).toBe(303)
    expect(sent.headers.get('location')).toBe(`/checkout/${id}`)
    const state = await gw.merchant(CINEMA, 'GET', `/api/v1/checkouts/${id}`)
    expect(state.json).toMatchObject({ status: 'pending_authorization' })
    const paymentId = (state.json as { paymentId: string }).paymentId
    // The same payment request as the API's: its prompt to the phone, its page in the API.
    expect((await gw.smsTo(LI)).at(-1)).toMatch(/Cinema Tickets/)
    const request = await gw.merchant(CINEMA, 'GET', `/api/v1/payment-requests/${paymentId}`)
    expect(request.json).toMatchObject({ reference: 'ticket-1', amount: '45.00', channel: 'api' })
    const waiting = await fetch(`${gw.url}/checkout/${id}/status`)
    expect(await waiting.json()).toMatchObject({ status: 'pending_authorization', final: false })
    const again = await post(`/checkout/${id}/phone`, { msisdn: HAN, _csrf: first.token })
    expect(again.status).toBe(409)
    // Going back while the phone is asked is refused: the result is not known yet.
    expect((await post(`/checkout/${id}/return`, { _csrf: first.token })).status).toBe(409)
    expect((await gw.confirm(LI, LI_PIN)).ok).toBe(true)
    const done = await (await fetch(`${gw.url}/checkout/${id}/status`)).json()
    expect(done).toMatchObject({ status: 'completed', final: true })
    const paidPage = await page(id)
    expect(paidPage.text).toContain('Paid. Thank you!')
    expect(paidPage.text).not.toContain(LI)
    expect(paidPage.text).not.toContain(LI_PIN)
    const back = await goBack(id, first.token)
    expect(`${back.origin}${back.pathname}`).toBe('https://shop.example/return')
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      order: '42',
      checkout: id,
      status: 'completed',
      payment: paymentId,
      amount: '45.00',
      reference: 'ticket-1',
    })
    // A shopper who changes the result fails the shop's check.
    for (const [name, value] of [
      ['status', 'completed '],
      ['amount', '4.50'],
      ['payment', 'P00000ZZ'],
    ] as const) {
      const tampered = new URL(back)
      tampered.searchParams.set(name, value)
      expect(verified(tampered.toString(), `test_secret_${CINEMA}`)).toBe(false)
    }
    const wrongSecret = verified(back.toString(), 'test_secret_1001')
    expect(wrongSecret).toBe(false)
  })

  it('takes another number after one was refused (each try its own command)', async () => {
    const id = await openCheckout('7.00', 'retry-1')
    const { token } = await page(id)
    const unknown = await post(`/checkout/${id}/phone`, { msisdn: NOBODY, _csrf: token })
    expect(unknown.status).toBe(422)
    const again = await post(`/checkout/${id}/phone`, { msisdn: NOBODY, _csrf: token })
    expect(again.status).toBe(422)
    const sent = await post(`/checkout/${id}/phone`, { msisdn: LI, _csrf: token })
    expect(sent.status).toBeLessThan(400)
    expect((await gw.subscriber(LI)).pendingPaymentId).not.toBeNull()
  })

  it('goes back cancelled when the shopper leaves before typing a number', async () => {
    const id = await openCheckout('9.00', 'left-1')
    const { token } = await page(id)
    const back = await goBack(id, token)
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      status: 'cancelled',
      payment: '',
      amount: '9.00',
    })
    const late = await post(`/checkout/${id}/phone`, { msisdn: LI, _csrf: token })
    expect(late.status).toBe(409)
  })

  it('goes back expired when the phone does not confirm in time', async () => {
    const id = await openCheckout('8.00', 'slow-1')
    const { token } = await page(id)
    await post(`/checkout/${id}/phone`, { msisdn: ZHANG, _csrf: token })
    await gw.advance(10 * 60)
    const ended = await page(id)
    expect(ended.text).toContain('Time ran out')
    const back = await goBack(id, token)
    expect(back.searchParams.get('status')).toBe('expired')
    expect(back.searchParams.get('payment')).toMatch(/^P/)
  })

  it('expires a checkout nobody paid after its TTL, and says so', async () => {
    const id = await openCheckout('6.00', 'old-1')
    const { token } = await page(id)
    await gw.advance(31 * 60)
    const late = await post(`/checkout/${id}/phone`, { msisdn: LI, _csrf: token })
    expect(late.status).toBe(410)
    expect(await late.text()).toContain('This checkout has expired.')
    const back = await goBack(id, token)
    expect(back.searchParams.get('status')).toBe('expired')
    expect((await page('ck_unknown')).status).toBe(404)
  })

  it("shows a recent payment request's own page with its token, no one else's", async () => {
    const asked = await gw.merchant(CINEMA, 'POST', '/api/v1/payment-requests', {
      msisdn: HAN,
      amount: '3.00',
      reference: 'req-9',
    })
    expect(asked.status).toBe(202)
    const { id, checkoutUrl } = asked.json as { id: string; checkoutUrl: string }
    expect(checkoutUrl).toMatch(new RegExp(`^/checkout/${id}\\?t=[0-9a-f]{32}$`))
    const token = checkoutUrl.slice(checkoutUrl.indexOf('?'))
    // Payment ids are sequential: without the token (or with another's) there is no page.
    expect((await page(id)).status).toBe(404)
    expect((await page(id, '?t=0123456789abcdef0123456789abcdef')).status).toBe(404)
    const status = await fetch(`${gw.url}/checkout/${id}/status${token}`)
    expect(status.status).toBe(200)
    const own = await page(id, token)
    expect(own.status).toBe(200)
    expect(own.text).toContain('req-9')
    expect(own.text).not.toContain(HAN)
    expect(own.text).not.toContain('name="_csrf"')
    const paid = await gw.phone(
      {
        kind: 'pay_merchant',
        msisdn: LI,
        merchantCode: CINEMA,
        amountMinor: 100n,
        funding: 'wallet',
        authorize: true,
      },
      { pin: LI_PIN },
    )
    expect(paid.payment?.id).toMatch(/^P/)
    expect((await page(paid.payment?.id ?? '', token)).status).toBe(404)
    await gw.advance(31 * 60)
    expect((await page(id, token)).status).toBe(404)
  })
})

describe('the demo shop', () => {
  it('opens a checkout from its page with its token, and checks the result it gets', async () => {
    const shop = await fetch(`${gw.url}/shop`)
    const html = await shop.text()
    expect(html).toContain('Evening ticket')
    const cookie = setCookieValue(shop, 'telepay_shop_csrf')
    const buy = (token: string) =>
      fetch(`${gw.url}/shop/buy`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `telepay_shop_csrf=${cookie ?? ''}`,
        },
        body: new URLSearchParams({ _csrf: token, item: 'evening' }).toString(),
      })
    expect((await buy('guess')).status).toBe(403)
    const bought = await buy(formCsrf(html))
    expect(bought.status).toBe(303)
    const id = /^\/checkout\/(ck_[\w-]+)$/.exec(bought.headers.get('location') ?? '')?.[1] ?? ''
    expect(id).not.toBe('')
    const { token } = await page(id)
    await post(`/checkout/${id}/phone`, { msisdn: LI, _csrf: token })
    await gw.confirm(LI, LI_PIN)
    const back = await (await post(`/checkout/${id}/return`, { _csrf: token })).headers.get(
      'location',
    )
    const url = new URL(back ?? '')
    expect(url.pathname).toBe('/shop/return')
    const result = await fetch(`${gw.url}/shop/return${url.search}`)
    expect(result.status).toBe(200)
    expect(await result.text()).toContain('Order paid')
    url.searchParams.set('amount', '0.01')
    const tampered = await fetch(`${gw.url}/shop/return${url.search}`)
    expect(tampered.status).toBe(400)
    expect(await tampered.text()).toContain('not signed by telepay')
  })
})
