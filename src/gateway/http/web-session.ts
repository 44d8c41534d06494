/**
 * web-session.ts - the sessions of people logged in to the operator console and the merchant
 * portal: a random id in an HttpOnly, SameSite=Strict cookie, and beside it a CSRF token that
 * every request changing something must send back in a header or a form field. Kept in memory
 * only: a restart logs everyone out, which is what a console on one gateway needs (the admin
 * token or the API key logs in again at once). Exports WebSessions, WebSession, WebSessionKind,
 * webSessionLimits, WebSessionLimits, cookieHeader, sessionCookieHeader, clearedCookieHeader,
 * cookieOf, sameSecret, csrfTokenOf, isSafeMethod.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request } from 'express'

export type WebSessionKind = 'console' | 'merchant'

export interface WebSession {
  readonly kind: WebSessionKind
  /** The cookie's value: 32 random bytes, base64url. */
  readonly id: string
  /** Sent back by every request that changes something (header x-csrf-token or field _csrf). */
  readonly csrfToken: string
  /**
   * console: "admin"; merchant: the API key that logged in, kept in memory only (never logged,
   * never rendered) so that a rotated key ends the session at its next request.
   */
  readonly secret: string
  readonly openedMs: number
  lastSeenMs: number
}

export interface WebSessionLimits {
  readonly sessionsMax: number
  readonly sessionsPerSecretMax: number
  readonly idleMs: number
  readonly lifetimeMs: number
}

export const webSessionLimits: WebSessionLimits = {
  /**
   * Sessions kept at once, per kind. An operator's team and a few hundred merchants are far
   * below it; a script logging in in a loop cannot grow memory past it (the least recently seen
   * session is dropped).
   */
  sessionsMax: 1_000,
  /**
   * Sessions of one secret (the admin token, one merchant's key) at once: a person's browsers
   * and tabs. Past it that secret's oldest goes, so that one key logging in in a loop ends its
   * own sessions, never the other merchants'.
   */
  sessionsPerSecretMax: 20,
  /** A session unused this long is over: a console left open on a shared desk. */
  idleMs: 30 * 60_000,
  /** Whatever its use, a session ends after a working day and the key is asked for again. */
  lifetimeMs: 12 * 60 * 60_000,
}

export class WebSessions {
  /** In the order last seen, oldest first: a Map keeps insertion order, re-inserted on use. */
  private readonly sessions = new Map<string, WebSession>()

  constructor(
    readonly kind: WebSessionKind,
    private readonly nowMs: () => number = Date.now,
    private readonly limits: WebSessionLimits = webSessionLimits,
  ) {}

  get size(): number {
    return this.sessions.size
  }

  open(secret: string): WebSession {
    const nowMs = this.nowMs()
    const session: WebSession = {
      kind: this.kind,
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(24).toString('base64url'),
      secret,
      openedMs: nowMs,
      lastSeenMs: nowMs,
    }
    const own = [...this.sessions.values()].filter((other) => other.secret === secret)
    for (const oldest of own.slice(
      0,
      Math.max(0, own.length + 1 - this.limits.sessionsPerSecretMax),
    ))
      this.sessions.delete(oldest.id)
    this.sessions.set(session.id, session)
    while (this.sessions.size > this.limits.sessionsMax) {
      const oldest = this.sessions.keys().next().value
      if (oldest === undefined) break
      this.sessions.delete(oldest)
    }
    return session
  }

  /** The live session of this id, now seen; null when unknown, idle too long or too old. */
  find(id: string | null): WebSession | null {
    if (id === null) return null
    const session = this.sessions.get(id)
    if (session === undefined) return null
    const nowMs = this.nowMs()
    if (this.expired(session, nowMs)) {
      this.sessions.delete(id)
      return null
    }
    session.lastSeenMs = nowMs
    this.sessions.delete(id)
    this.sessions.set(id, session)
    return session
  }

  /**
   * Whether this session is still live, without counting as a use: a stream the page keeps open
   * is not the person at the desk, so it must not keep a session from going idle.
   */
  isLive(id: string): boolean {
    const session = this.sessions.get(id)
    if (session === undefined) return false
    if (this.expired(session, this.nowMs())) {
      this.sessions.delete(id)
      return false
    }
    return true
  }

  /** Idle too long, or older than a session may be however busy. */
  private expired(session: WebSession, nowMs: number): boolean {
    return (
      nowMs - session.lastSeenMs > this.limits.idleMs ||
      nowMs - session.openedMs > this.limits.lifetimeMs
    )
  }

  close(id: string | null): void {
    if (id !== null) this.sessions.delete(id)
  }

  /** Ends every session opened with this secret (a merchant's key rotated). */
  closeAllOf(secret: string): void {
    for (const [id, session] of this.sessions)
      if (session.secret === secret) this.sessions.delete(id)
  }
}

/** The value of one cookie of a request, or null. */
export function cookieOf(request: Request, name: string): string | null {
  const header = request.headers.cookie
  if (header === undefined) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim()
      return value === '' ? null : value
    }
  }
  return null
}

/**
 * A Set-Cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
 * Secure when the gateway's public address is https (http.publicUrl: behind a TLS proxy the
 * request itself is plain http, and a proxy's X-Forwarded-Proto is not trusted). Without
 * Max-Age it lasts as long as the browser's session.
 */
export function cookieHeader(
  name: string,
  value: string,
  options: { readonly path: string; readonly secure: boolean; readonly maxAgeSeconds?: number },
): string {
  const maxAge = options.maxAgeSeconds === undefined ? '' : `; Max-Age=${options.maxAgeSeconds}`
  const secure = options.secure ? '; Secure' : ''
  return `${name}=${value}; Path=${options.path}; HttpOnly; SameSite=Strict${maxAge}${secure}`
}

/** The Set-Cookie of a session: for the whole site, for a session's longest life. */
export function sessionCookieHeader(name: string, value: string, secure: boolean): string {
  const maxAgeSeconds = Math.floor(webSessionLimits.lifetimeMs / 1000)
  return cookieHeader(name, value, { path: '/', secure, maxAgeSeconds })
}

export function clearedCookieHeader(name: string, secure: boolean, path = '/'): string {
  return cookieHeader(name, '', { path, secure, maxAgeSeconds: 0 })
}

/** Compares two secrets in constant time (by their digests, so lengths leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/** The CSRF token a request carries: the x-csrf-token header, or a form's _csrf field. */
export function csrfTokenOf(request: Request): string | null {
  const header = request.header('x-csrf-token')
  if (header !== undefined) return header
  const body: unknown = request.body
  if (typeof body === 'object' && body !== null && '_csrf' in body) {
    const field = (body as { _csrf: unknown })._csrf
    return typeof field === 'string' ? field : null
  }
  return null
}

/** Methods that change nothing, which need no CSRF token. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
}
