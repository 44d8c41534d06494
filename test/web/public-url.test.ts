/**
 * public-url.test.ts - a gateway behind a TLS proxy (http.publicUrl https://pay.example.com): the
 * demo shop sends shoppers back to that address whatever Host header its request carried, and
 * every cookie the consoles and the shop set is Secure. Without the setting, cookies are not
 * Secure (plain http on loopback must keep working).
 */
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, startTestGateway } from '../support/gateway-fixture.js'
import { formCsrf, postLogin } from '../support/web-login.js'

const publicUrl = 'https://pay.example.com'
let proxied: GatewayFixture
let plain: GatewayFixture

beforeAll(async () => {
  proxied = await startTestGateway({ overrides: { http: { publicUrl } } })
  plain = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await proxied?.close()
  await plain?.close()
})

/** A form POST with a Host header of the client's choosing (fetch will not send one). */
function postWithHost(
  url: string,
  host: string,
  cookie: string,
  fields: Record<string, string>,
): Promise<{ status: number; location: string }> {
  const body = new URLSearchParams(fields).toString()
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          host,
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume()
        resolve({ status: response.statusCode ?? 0, location: response.headers.location ?? '' })
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie()
}

describe('a gateway with an https public address', () => {
  it("returns shoppers to the public address, never to the request's Host", async () => {
    const shop = await fetch(`${proxied.url}/shop`)
    const html = await shop.text()
    const [shopCookie] = cookiesOf(shop)
    expect(shopCookie).toMatch(/^telepay_shop_csrf=[^;]+;.*; Secure$/)
    const bought = await postWithHost(
      `${proxied.url}/shop/buy`,
      'evil.example',
      shopCookie?.split(';')[0] ?? '',
      { _csrf: formCsrf(html), item: 'matinee' },
    )
    expect(bought.status).toBe(303)
    const id = /^\/checkout\/(ck_[\w-]+)$/.exec(bought.location)?.[1] ?? ''
    expect(id).not.toBe('')
    // Going back unpaid cancels the checkout and sends the shopper to the shop's return address.
    const checkout = await fetch(`${proxied.url}/checkout/${id}`)
    const token = formCsrf(await checkout.text())
    const back = await fetch(`${proxied.url}/checkout/${id}/return`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token }).toString(),
    })
    expect(back.status).toBe(303)
    const location = new URL(back.headers.get('location') ?? '')
    expect(location.origin).toBe(publicUrl)
    expect(location.pathname).toBe('/shop/return')
  })

  it('marks the log-in form, session and log-out cookies Secure', async () => {
    const form = await fetch(`${proxied.url}/console/login`)
    expect(cookiesOf(form).every((line) => line.endsWith('; Secure'))).toBe(true)
    const login = await postLogin(proxied.url, '/console', ADMIN_TOKEN)
    expect(login.status).toBe(303)
    const set = cookiesOf(login)
    expect(set.length).toBe(2)
    for (const line of set) expect(line).toMatch(/; Secure$/)
  })
})

describe('a gateway on its own address', () => {
  it('sets cookies without Secure, which plain http would drop', async () => {
    const login = await postLogin(plain.url, '/console', ADMIN_TOKEN)
    expect(login.status).toBe(303)
    const set = cookiesOf(login)
    expect(set.some((line) => line.startsWith('telepay_console='))).toBe(true)
    for (const line of set) expect(line).not.toContain('Secure')
  })
})
