/**
 * login-routes.ts - logging in to and out of a console with a secret (the admin token, a
 * merchant's API key): GET and POST <base>/login, POST <base>/logout, and the guard that sends a
 * page's visitor without a session to the log-in form. Exports loginRoutes, LoginRoutesOptions,
 * pageSessionOf, loginLimits.
 */
import { randomBytes } from 'node:crypto'
import type { NextFunction, Request, Response, Router } from 'express'
import express from 'express'
import type { WebSession, WebSessions } from '../gateway/http/web-session.js'
import {
  clearedCookieHeader,
  cookieHeader,
  cookieOf,
  csrfTokenOf,
  sameSecret,
  sessionCookieHeader,
} from '../gateway/http/web-session.js'
import type { Html } from './html.js'
import { loginPage } from './login-page.js'

export const loginLimits = {
  /**
   * Failed log-ins accepted per minute from one address: a person mistypes a few times; a script
   * guessing a key is slowed to this many guesses a minute (the admin API's bearer check has no
   * such bound, but its token is long; an API key typed here may be short). Per address, so that
   * one visitor failing on purpose does not lock everyone else out.
   */
  failuresPerMinuteMax: 20,
  /**
   * Addresses whose failures are counted at once: past it the oldest address is forgotten (a
   * flood from many addresses costs this much memory, no more).
   */
  addressesMax: 10_000,
  /** A log-in form's body is one secret and two short fields. */
  formBytesMax: 4_096,
} as const

const loginCsrfCookie = 'telepay_login_csrf'

export interface LoginRoutesOptions {
  /** `/console` or `/merchant`: the form is at <base>/login. */
  readonly base: string
  readonly sessions: WebSessions
  readonly cookieName: string
  readonly title: string
  readonly secretLabel: string
  readonly hint: Html | string
  /** Mark the cookies Secure (the gateway's public address is https). */
  readonly secureCookies: boolean
  /** Checks the secret: null when it opens a session, else why not (shown on the form). */
  verify(secret: string, request: Request): Promise<string | null>
}

/** The session of a page's request, or null after sending the visitor to the log-in form. */
export function pageSessionOf(
  request: Request,
  response: Response,
  sessions: WebSessions,
  cookieName: string,
  base: string,
): WebSession | null {
  const session = sessions.find(cookieOf(request, cookieName))
  if (session !== null) return session
  response.redirect(303, `${base}/login?next=${encodeURIComponent(request.originalUrl)}`)
  return null
}

export function loginRoutes(options: LoginRoutesOptions): Router {
  const router = express.Router()
  const form = express.urlencoded({ extended: false, limit: loginLimits.formBytesMax })
  const { base } = options
  const secure = options.secureCookies
  /** Failures in the current minute by client address, oldest address first. */
  const failures = new Map<string, { windowStartedMs: number; count: number }>()
  const failuresOf = (address: string, nowMs: number) => {
    const known = failures.get(address)
    if (known !== undefined && nowMs - known.windowStartedMs <= 60_000) return known
    failures.delete(address)
    const fresh = { windowStartedMs: nowMs, count: 0 }
    failures.set(address, fresh)
    while (failures.size > loginLimits.addressesMax) {
      const oldest = failures.keys().next().value
      if (oldest === undefined) break
      failures.delete(oldest)
    }
    return fresh
  }

  const showForm = (response: Response, next: string, error: string | null, status = 200) => {
    const csrfToken = randomBytes(24).toString('base64url')
    response
      .status(status)
      .set('set-cookie', cookieHeader(loginCsrfCookie, csrfToken, { path: base, secure }))
      .set('cache-control', 'no-store')
      .type('html')
      .send(
        loginPage({
          title: options.title,
          path: `${base}/login`,
          secretLabel: options.secretLabel,
          hint: options.hint,
          csrfToken,
          next,
          error,
        }).text,
      )
  }

  router.get(`${base}/login`, (request: Request, response: Response) => {
    showForm(response, safeNext(request.query['next'], base), null)
  })

  router.post(`${base}/login`, form, (request: Request, response: Response, next: NextFunction) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const target = safeNext(body['next'], base)
    const cookie = cookieOf(request, loginCsrfCookie)
    const field = csrfTokenOf(request)
    if (cookie === null || field === null || !sameSecret(field, cookie)) {
      showForm(response, target, 'The form had expired; please log in again.', 403)
      return
    }
    const counted = failuresOf(request.socket.remoteAddress ?? '', Date.now())
    if (counted.count >= loginLimits.failuresPerMinuteMax) {
      showForm(response, target, 'Too many failed log-ins; try again in a minute.', 429)
      return
    }
    const secret = typeof body['secret'] === 'string' ? body['secret'] : ''
    options.verify(secret, request).then((refusal) => {
      if (refusal !== null) {
        counted.count += 1
        showForm(response, target, refusal, 401)
        return
      }
      const session = options.sessions.open(secret)
      response
        .set('set-cookie', [
          sessionCookieHeader(options.cookieName, session.id, secure),
          clearedCookieHeader(loginCsrfCookie, secure, base),
        ])
        .redirect(303, target)
    }, next)
  })

  router.post(`${base}/logout`, form, (request: Request, response: Response) => {
    const session = options.sessions.find(cookieOf(request, options.cookieName))
    const token = csrfTokenOf(request)
    // Without the session's token a page of another site could log the person out.
    if (session !== null && token !== null && sameSecret(token, session.csrfToken))
      options.sessions.close(session.id)
    else if (session !== null) {
      response.status(403).type('text/plain').send('csrf_invalid: log out from the page itself')
      return
    }
    response
      .set('set-cookie', clearedCookieHeader(options.cookieName, secure))
      .redirect(303, `${base}/login`)
  })

  return router
}

/** Where to go after logging in: a path of this console only, never another site. */
function safeNext(value: unknown, base: string): string {
  if (typeof value !== 'string') return base
  const inside = value === base || value.startsWith(`${base}/`) || value.startsWith(`${base}?`)
  return inside && !value.includes('//') && !value.includes('\\') ? value : base
}
