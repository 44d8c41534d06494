/**
 * console-pages.test.ts - the console's Subscribers and Payments pages over HTTP: each sends a
 * visitor without a session to the log-in form, comes with a session as a frame carrying the
 * page's CSRF token and its script, escapes what the address gives (an MSISDN, a payment id), and
 * refuses what is not an MSISDN in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, LI, startTestGateway } from '../support/gateway-fixture.js'
import type { WebLogin } from '../support/web-login.js'
import { webLogin } from '../support/web-login.js'

let gw: GatewayFixture
let session: WebLogin
beforeAll(async () => {
  gw = await startTestGateway()
  session = await webLogin(gw.url, '/console', ADMIN_TOKEN)
}, 30_000)
afterAll(async () => {
  await gw.close()
})

const pages = [
  ['/console/subscribers', 'subscribers.js'],
  [`/console/subscribers/${LI}`, 'subscriber.js'],
  ['/console/payments', 'payments.js'],
  ['/console/payments/P0000001', 'payment.js'],
] as const

describe('the Subscribers and Payments pages', () => {
  it('send a visitor without a session to the log-in form', async () => {
    for (const [path] of pages) {
      const answer = await fetch(`${gw.url}${path}`, { redirect: 'manual' })
      expect(answer.status, path).toBe(303)
      expect(answer.headers.get('location'), path).toBe(
        `/console/login?next=${encodeURIComponent(path)}`,
      )
    }
  })

  it("come with a session, with the page's CSRF token, script and stylesheet", async () => {
    for (const [path, script] of pages) {
      const answer = await session.call('GET', path)
      expect(answer.status, path).toBe(200)
      const text = await answer.text()
      expect(text).toContain(`<meta name="csrf-token" content="${session.csrfToken}">`)
      expect(text).toContain(`/static/console/${script}`)
      expect(text).toContain('/static/console-pages.css')
    }
  })

  it('escape what the address gives and refuse what is not an MSISDN', async () => {
    const payment = await (await session.call('GET', '/console/payments/%3Cb%3Ex')).text()
    expect(payment).toContain('&lt;b&gt;x')
    expect(payment).not.toContain('<b>x')
    const answer = await session.call('GET', '/console/subscribers/%3Cb%3E')
    expect(answer.status).toBe(200)
    const text = await answer.text()
    expect(text).toContain('is not an MSISDN')
    expect(text).not.toContain('<b>')
  })
})
