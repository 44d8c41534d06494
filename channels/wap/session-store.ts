/**
 * session-store.ts - WAP sessions and their one-time form tokens, in memory: a session rides in
 * the URL (`/wap/s/<id>/...`, no cookies), is bounded in number (least recently used evicted),
 * ends after an idle time or a total life, and holds the tokens its forms carry. A token moves
 * issued -> running -> done once; a done token keeps the page its submit answered, so Back and
 * resubmit show that page again and never run a second command. Memory, not SQLite: a restart
 * only costs a login (the payments themselves are in the ledger, keyed by token).
 * Exports WapSessionStore, WapSession, FormPurpose, TokenClaim.
 */
import { randomBytes } from 'node:crypto'
import type { FundingKind, Language } from '../../src/core/index.js'
import type { PageModel } from './contract.js'
import type { WapLimits } from './limits.js'

export type FormPurpose =
  | 'login'
  | 'pay_merchant'
  | 'pay_bill'
  | 'airtime'
  | 'send_money'
  | 'pay_order'
  | 'confirm'

/** What a confirm form's token remembers of the payment it confirms. */
export interface ConfirmContext {
  readonly funding: FundingKind
  readonly paymentId: string
  /** The question the confirm page asked, to ask it again after a wrong PIN. */
  readonly question: string
}

interface TokenEntry {
  readonly purpose: FormPurpose
  readonly issuedMs: number
  readonly confirm: ConfirmContext | null
  state:
    | { readonly kind: 'issued' }
    | { readonly kind: 'running'; readonly page: Promise<PageModel> }
    | { readonly kind: 'done'; readonly page: PageModel }
}

export interface WapSession {
  readonly id: string
  /** Null until a login (or header enrichment) says who this is. */
  msisdn: string | null
  language: Language
  /** How the MSISDN was learnt: a trusted gateway's header, or MSISDN and PIN. */
  via: 'header' | 'login' | null
  readonly createdMs: number
  lastSeenMs: number
  readonly tokens: Map<string, TokenEntry>
}

/** What submitting a token finds. */
export type TokenClaim =
  | {
      readonly kind: 'fresh'
      readonly purpose: FormPurpose
      readonly confirm: ConfirmContext | null
      finish(page: Promise<PageModel>): Promise<PageModel>
    }
  | { readonly kind: 'replay'; readonly page: Promise<PageModel> }
  | { readonly kind: 'unknown' }

/** 128 random bits, URL-safe: neither a session id nor a token can be guessed. */
function newId(): string {
  return randomBytes(16).toString('base64url')
}

export class WapSessionStore {
  private readonly sessions = new Map<string, WapSession>()

  constructor(private readonly limits: WapLimits) {}

  get size(): number {
    return this.sessions.size
  }

  open(
    nowMs: number,
    identity: { msisdn: string; language: Language; via: 'header' | 'login' } | null,
  ): WapSession {
    while (this.sessions.size >= this.limits.sessionsMax) {
      const oldest = this.sessions.keys().next()
      if (oldest.done === true) break
      this.sessions.delete(oldest.value)
    }
    const session: WapSession = {
      id: newId(),
      msisdn: identity?.msisdn ?? null,
      language: identity?.language ?? 'en',
      via: identity?.via ?? null,
      createdMs: nowMs,
      lastSeenMs: nowMs,
      tokens: new Map(),
    }
    this.sessions.set(session.id, session)
    return session
  }

  /** The live session with this id, touched; null when unknown, idle too long or too old. */
  find(id: string, nowMs: number): WapSession | null {
    const session = this.sessions.get(id)
    if (session === undefined) return null
    if (this.isOver(session, nowMs)) {
      this.sessions.delete(id)
      return null
    }
    session.lastSeenMs = nowMs
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.sessions.delete(id)
    this.sessions.set(id, session)
    return session
  }

  close(id: string): void {
    this.sessions.delete(id)
  }

  /** A new one-time token for a form of this session. */
  issue(
    session: WapSession,
    purpose: FormPurpose,
    nowMs: number,
    confirm: ConfirmContext | null = null,
  ): string {
    this.dropStaleTokens(session, nowMs)
    while (session.tokens.size >= this.limits.tokensPerSessionMax) {
      const oldest = session.tokens.keys().next()
      if (oldest.done === true) break
      session.tokens.delete(oldest.value)
    }
    const token = newId()
    session.tokens.set(token, { purpose, issuedMs: nowMs, confirm, state: { kind: 'issued' } })
    return token
  }

  /**
   * Claims a token for a submit of `purposes`. The first claim is fresh and must finish with the
   * page it answers; any later claim (Back and resubmit, a double tap while the first still
   * runs) gets that same page. A token unknown, expired or of another form is unknown.
   */
  claim(
    session: WapSession,
    token: string,
    purposes: readonly FormPurpose[],
    nowMs: number,
  ): TokenClaim {
    this.dropStaleTokens(session, nowMs)
    const entry = session.tokens.get(token)
    if (entry === undefined || !purposes.includes(entry.purpose)) return { kind: 'unknown' }
    if (entry.state.kind === 'running') return { kind: 'replay', page: entry.state.page }
    if (entry.state.kind === 'done')
      return { kind: 'replay', page: Promise.resolve(entry.state.page) }
    return {
      kind: 'fresh',
      purpose: entry.purpose,
      confirm: entry.confirm,
      finish: (page) => {
        entry.state = { kind: 'running', page }
        return page.then(
          (done) => {
            entry.state = { kind: 'done', page: done }
            return done
          },
          (error: unknown) => {
            // Nothing answered: the token may be tried again (its idempotency key still holds).
            entry.state = { kind: 'issued' }
            throw error
          },
        )
      },
    }
  }

  /** Ends sessions past their idle time or total life; returns how many. */
  sweep(nowMs: number): number {
    let ended = 0
    for (const [id, session] of this.sessions) {
      if (!this.isOver(session, nowMs)) continue
      this.sessions.delete(id)
      ended += 1
    }
    return ended
  }

  private isOver(session: WapSession, nowMs: number): boolean {
    return (
      nowMs - session.lastSeenMs >= this.limits.sessionIdleMs ||
      nowMs - session.createdMs >= this.limits.sessionTotalMs
    )
  }

  private dropStaleTokens(session: WapSession, nowMs: number): void {
    for (const [token, entry] of session.tokens) {
      if (nowMs - entry.issuedMs >= this.limits.tokenTtlMs && entry.state.kind !== 'running')
        session.tokens.delete(token)
    }
  }
}
