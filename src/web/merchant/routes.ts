/**
 * routes.ts - the merchant portal at /merchant: logging in with the merchant's API key (a session
 * cookie, login-routes.ts), and its pages, each a server-rendered frame whose script reads and
 * changes the merchant's data through the merchant API with that cookie and the page's CSRF token
 * (the portal is a client of the API, never a second way in: what a merchant may see or do is the
 * API's rule). Exports merchantPortalRoutes.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import type { Merchant } from '../../core/index.js'
import { merchantCookieName } from '../../gateway/http/cookie-names.js'
import type { WebSession } from '../../gateway/http/web-session.js'
import { clearedCookieHeader, cookieOf } from '../../gateway/http/web-session.js'
import type { GatewayContext } from '../../http/context.js'
import { html } from '../html.js'
import { loginRoutes, pageSessionOf } from '../login-routes.js'
import { merchantShell } from './page.js'
import { merchantPages } from './pages.js'

export function merchantPortalRoutes(context: GatewayContext): Router {
  const router = express.Router()
  const sessions = context.merchantSessions
  router.use(
    loginRoutes({
      base: '/merchant',
      sessions,
      cookieName: merchantCookieName,
      secureCookies: context.secureCookies,
      title: 'Merchant portal',
      secretLabel: 'API key',
      hint: html`Your merchant API key, the one your server sends as
        <code>Authorization: Bearer …</code> (the default world's merchants have
        <code>test_key_&lt;code&gt;</code>). See <a href="/docs/merchant-portal.md">the portal's
        guide</a>.`,
      verify: async (secret) =>
        (await context.ledger.merchantByApiKey(secret)) === null
          ? 'That API key opens no merchant.'
          : null,
    }),
  )

  /** The session and its merchant; null once the visitor was sent to the log-in form. */
  const loggedIn = async (
    request: Request,
    response: Response,
  ): Promise<{ session: WebSession; merchant: Merchant } | null> => {
    const session = pageSessionOf(request, response, sessions, merchantCookieName, '/merchant')
    if (session === null) return null
    const auth = await context.ledger.merchantByApiKey(session.secret)
    if (auth !== null) return { session, merchant: auth.merchant }
    // The key was rotated since: the session ends and the new key logs in.
    sessions.close(cookieOf(request, merchantCookieName))
    response
      .set('set-cookie', clearedCookieHeader(merchantCookieName, context.secureCookies))
      .redirect(303, '/merchant/login')
    return null
  }

  for (const page of merchantPages) {
    router.get(page.path, async (request: Request, response: Response) => {
      const found = await loggedIn(request, response)
      if (found === null) return
      response
        .type('html')
        .set('cache-control', 'no-store')
        .send(page.render({ request, ...found }).text)
    })
  }
  router.get('/merchant/{*rest}', async (request: Request, response: Response) => {
    const found = await loggedIn(request, response)
    if (found === null) return
    const body = html`<header class="page-head"><h1>Not found</h1></header>
<p>The portal has no page at <code>${request.path}</code>.</p>`
    response
      .status(404)
      .type('html')
      .send(merchantShell({ request, ...found }, { title: 'Not found', body }).text)
  })
  return router
}
