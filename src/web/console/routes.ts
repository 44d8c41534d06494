/**
 * routes.ts - the operator console at /console: logging in with the admin token (a session
 * cookie, login-routes.ts), and its pages, each a server-rendered frame whose script reads and
 * changes the gateway through the admin API with that cookie and the page's CSRF token (the
 * console is a client of the API, not a second way in). Exports consoleRoutes.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { consoleCookieName } from '../../gateway/http/cookie-names.js'
import { sameSecret } from '../../gateway/http/web-session.js'
import { isLoopback } from '../../http/admin-api.js'
import type { GatewayContext } from '../../http/context.js'
import { html } from '../html.js'
import { loginRoutes, pageSessionOf } from '../login-routes.js'
import { consoleShell } from './page.js'
import { consolePages } from './pages.js'

export function consoleRoutes(context: GatewayContext): Router {
  const router = express.Router()
  const defaultTokenRefusal =
    'The default admin token is accepted from this machine only: set adminToken in the config.'
  router.use(
    loginRoutes({
      base: '/console',
      sessions: context.consoleSessions,
      cookieName: consoleCookieName,
      secureCookies: context.secureCookies,
      title: 'Operator console',
      secretLabel: 'Admin token',
      hint: html`The token is the gateway's <code>adminToken</code> (the default world's is in
        <a href="/docs/configuration.md">the configuration</a>); the same one the admin API takes.`,
      verify: (secret, request) => {
        if (context.adminTokenIsDefault && !isLoopback(request.socket.remoteAddress))
          return Promise.resolve(defaultTokenRefusal)
        return Promise.resolve(
          sameSecret(secret, context.adminToken) ? null : 'That is not the admin token.',
        )
      },
    }),
  )
  /**
   * The session of a console page's request, or null once the visitor was answered: refused
   * (the admin API's rule for the default token holds for its pages too) or sent to log in.
   */
  const sessionOf = (request: Request, response: Response) => {
    if (context.adminTokenIsDefault && !isLoopback(request.socket.remoteAddress)) {
      response.status(403).type('text/plain').send(defaultTokenRefusal)
      return null
    }
    return pageSessionOf(request, response, context.consoleSessions, consoleCookieName, '/console')
  }
  for (const page of consolePages) {
    router.get(page.path, async (request: Request, response: Response) => {
      const session = sessionOf(request, response)
      if (session === null) return
      const page_ = await page.render({ request, session, context })
      response.type('html').set('cache-control', 'no-store').send(page_.text)
    })
  }
  // Any other console path: the form for a visitor without a session, a 404 page for the others.
  router.get('/console/{*rest}', (request: Request, response: Response) => {
    const session = sessionOf(request, response)
    if (session === null) return
    const body = html`<header class="page-head"><h1>Not found</h1></header>
<p>The console has no page at <code>${request.path}</code>.</p>`
    response
      .status(404)
      .type('html')
      .send(consoleShell({ request, session, context }, { title: 'Not found', body }).text)
  })
  return router
}
