/**
 * session-store.ts - WAP sessions and their one-time form tokens. A session rides in the URL
 * (`/wap/s/<id>/...`, no cookies), is bounded in number (least recently used evicted), ends
 * after an idle time or a total life, and holds the tokens its forms carry. A token moves
 * issued -> running -> done once; a done token keeps the page its submit answered, so Back and
 * resubmit show that page again and never run a second command.
 *
 * The live sessions are objects in memory (a running token holds the promise of its page, which
 * no table can); every change is written behind, in order, to the gateway's dialog store
 * (wap.sqlite: the `dialogs` table, compare-and-set on the step), so a restart costs no login
 * and a done token still answers its resubmit. A token that was running at a crash comes back
 * issued: submitted again, its command runs under the same idempotency key, and the ledger
 * answers the first result. Exports WapSessionStore, WapSession, FormPurpose, TokenClaim,
 * ConfirmContext.
 */
import { randomBytes } from 'node:crypto'
import type { FundingKind, Language } from '../../src/core/index.js'
import type { DialogRecord } from '../../src/gateway/dialog/index.js'
import { KeyedChain, SqliteDialogStore } from '../../src/gateway/dialog/index.js'
import type { Logger } from '../../src/service/log.js'
import type { PageModel } from './contract.js'
import type { PaymentPage } from './forms.js'
import type { WapLimits } from './limits.js'

/** What a form's token was issued for: the login, a payment form, or a payment's confirm. */
export type FormPurpose = 'login' | PaymentPage | 'confirm'

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
  readonly msisdn: string | null
  readonly language: Language
  /** How the MSISDN was learnt: a trusted gateway's header, or MSISDN and PIN. */
  readonly via: 'header' | 'login' | null
  readonly createdMs: number
  readonly lastSeenMs: number
  readonly tokens: ReadonlyMap<string, TokenEntry>
}

/** The session as the store holds it: the fields only the store changes, and its write count. */
interface LiveSession extends WapSession {
  msisdn: string | null
  language: Language
  via: 'header' | 'login' | null
  lastSeenMs: number
  readonly tokens: Map<string, TokenEntry>
  /** Writes queued so far: the step of the next written record. */
  step: number
}

/** What a claim of a token finds. */
export type TokenClaim =
  | {
      readonly kind: 'fresh'
      readonly purpose: FormPurpose
      readonly confirm: ConfirmContext | null
      finish(page: Promise<PageModel>): Promise<PageModel>
    }
  | { readonly kind: 'replay'; readonly page: Promise<PageModel> }
  | { readonly kind: 'unknown' }

/** How a WAP session ended. */
type WapOutcome = 'idle_timeout' | 'total_cap' | 'logged_out' | 'evicted'

/** A session as the dialog store keeps it: plain data, a running token written as issued. */
interface WapDialog extends DialogRecord {
  readonly outcome: WapOutcome | null
  /** The MSISDN, or '' before a login. */
  readonly msisdn: string
  readonly language: Language
  readonly via: 'header' | 'login' | null
  readonly tokens: readonly {
    readonly token: string
    readonly purpose: FormPurpose
    readonly issuedMs: number
    readonly confirm: ConfirmContext | null
    readonly page: PageModel | null
  }[]
}

/** 128 random bits, URL-safe: neither a session id nor a token can be guessed. */
function newId(): string {
  return randomBytes(16).toString('base64url')
}

export class WapSessionStore {
  /** The live sessions, least recently used first (a find moves one to the end). */
  private readonly sessions = new Map<string, LiveSession>()
  private readonly dialogs: SqliteDialogStore<WapDialog, WapOutcome>
  /** One queue of writes per session: a session's records reach the store in the order made. */
  private readonly writes = new KeyedChain()
  /** Writes queued and not yet done, of every session (an ended one's too). */
  private readonly pending = new Set<Promise<void>>()
  private readonly log: Logger | null

  /** `path`: the session file (wap.sqlite in the data directory); absent: kept in memory only. */
  constructor(
    private readonly limits: WapLimits,
    options: { readonly path?: string; readonly log?: Logger | null } = {},
  ) {
    this.log = options.log ?? null
    this.dialogs = new SqliteDialogStore<WapDialog, WapOutcome>({
      path: options.path ?? ':memory:',
      name: 'wap',
      limits: {
        idleMs: limits.sessionIdleMs,
        totalMs: limits.sessionTotalMs,
        expireBatchMax: limits.sessionsMax,
        // A session that ended is not asked for again: its URL gets "session expired".
        endedKeepMs: 0,
        inMemoryMax: limits.sessionsMax,
        dirtyMax: limits.sessionsMax,
        flushIntervalMs: limits.sessionFlushIntervalMs,
      },
      outcomes: { idle: 'idle_timeout', cap: 'total_cap' },
      log: this.log,
    })
  }

  /** Live sessions held in memory. */
  get size(): number {
    return this.sessions.size
  }

  open(
    nowMs: number,
    identity: { msisdn: string; language: Language; via: 'header' | 'login' } | null,
  ): WapSession {
    const session: LiveSession = {
      id: newId(),
      msisdn: identity?.msisdn ?? null,
      language: identity?.language ?? 'en',
      via: identity?.via ?? null,
      createdMs: nowMs,
      lastSeenMs: nowMs,
      tokens: new Map(),
      step: 0,
    }
    this.hold(session)
    this.save(session)
    return session
  }

  /** The live session with this id, touched; null when unknown, idle too long or too old. */
  async find(id: string, nowMs: number): Promise<WapSession | null> {
    const session = this.sessions.get(id) ?? (await this.restore(id))
    if (session === null) return null
    if (this.isOver(session, nowMs)) {
      this.end(
        session,
        nowMs - session.lastSeenMs >= this.limits.sessionIdleMs ? 'idle_timeout' : 'total_cap',
        nowMs,
      )
      return null
    }
    session.lastSeenMs = nowMs
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.sessions.delete(id)
    this.sessions.set(id, session)
    this.save(session)
    return session
  }

  /** Who the session is, once a login or a trusted gateway's header says so. */
  identify(
    session: WapSession,
    identity: { msisdn: string; language: Language; via: 'header' | 'login' },
  ): void {
    const live = this.live(session)
    live.msisdn = identity.msisdn
    live.language = identity.language
    live.via = identity.via
    this.save(live)
  }

  /**
   * The language the core last answered in (a subscriber may have changed it on another channel).
   */
  speak(session: WapSession, language: Language): void {
    const live = this.live(session)
    if (live.language === language) return
    live.language = language
    this.save(live)
  }

  /** Logs the session out. */
  close(id: string, nowMs: number): void {
    const session = this.sessions.get(id)
    if (session !== undefined) this.end(session, 'logged_out', nowMs)
  }

  /** A new one-time token for a form of this session. */
  issue(
    session: WapSession,
    purpose: FormPurpose,
    nowMs: number,
    confirm: ConfirmContext | null = null,
  ): string {
    const live = this.live(session)
    this.dropStaleTokens(live, nowMs)
    while (live.tokens.size >= this.limits.tokensPerSessionMax) {
      const oldest = live.tokens.keys().next()
      if (oldest.done === true) break
      live.tokens.delete(oldest.value)
    }
    const token = newId()
    live.tokens.set(token, { purpose, issuedMs: nowMs, confirm, state: { kind: 'issued' } })
    this.save(live)
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
    const live = this.live(session)
    this.dropStaleTokens(live, nowMs)
    const entry = live.tokens.get(token)
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
            this.save(live)
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
  async sweep(nowMs: number): Promise<number> {
    await this.written()
    const ended = await this.dialogs.expire(nowMs)
    for (const record of ended) this.sessions.delete(record.key)
    return ended.length
  }

  /** Resolves once every change made so far is in the dialog store. */
  async written(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  /** Writes what is left and closes the file. */
  async shutdown(): Promise<void> {
    await this.written()
    await this.dialogs.close()
  }

  private live(session: WapSession): LiveSession {
    const live = this.sessions.get(session.id)
    // A session evicted or ended while a request of it ran is written no more.
    return live ?? (session as LiveSession)
  }

  /** Keeps the session live, within sessionsMax: the least recently used one ends first. */
  private hold(session: LiveSession): void {
    while (this.sessions.size >= this.limits.sessionsMax) {
      const oldest = this.sessions.values().next()
      if (oldest.done === true) break
      this.end(oldest.value, 'evicted', session.lastSeenMs)
    }
    this.sessions.set(session.id, session)
  }

  private end(session: LiveSession, outcome: WapOutcome, nowMs: number): void {
    this.sessions.delete(session.id)
    this.queue(session.id, () => this.dialogs.end(session.id, outcome, nowMs).then(() => undefined))
  }

  /** Queues the session's record as it is now; the store takes it only one step on. */
  private save(session: LiveSession): void {
    if (this.sessions.get(session.id) !== session) return
    const record = dialogOf(session)
    const expected = session.step === 0 ? null : session.step
    session.step += 1
    this.queue(session.id, async () => {
      if (!(await this.dialogs.put(record, expected)))
        this.log?.warn('wap session write lost its compare-and-set', {
          session: session.id.slice(0, 6),
        })
    })
  }

  private queue(id: string, write: () => Promise<void>): void {
    const done = this.writes
      .run(id, write)
      .catch((error: unknown) => {
        this.log?.error('wap session write failed', {
          session: id.slice(0, 6),
          error: error instanceof Error ? error.message : String(error),
        })
      })
      .finally(() => {
        this.pending.delete(done)
      })
    this.pending.add(done)
  }

  /** A session the store has and memory does not (the gateway restarted, or it was evicted). */
  private async restore(id: string): Promise<LiveSession | null> {
    // Behind the session's queued writes: an eviction or a logout queued just now counts.
    const record = await this.writes.run(id, () => this.dialogs.get(id))
    if (record === null || record.outcome !== null || this.sessions.has(id))
      return this.sessions.get(id) ?? null
    const tokens = new Map<string, TokenEntry>()
    for (const token of record.tokens) {
      tokens.set(token.token, {
        purpose: token.purpose,
        issuedMs: token.issuedMs,
        confirm: token.confirm,
        state: token.page === null ? { kind: 'issued' } : { kind: 'done', page: token.page },
      })
    }
    const session: LiveSession = {
      id,
      msisdn: record.msisdn === '' ? null : record.msisdn,
      language: record.language,
      via: record.via,
      createdMs: record.startedMs,
      lastSeenMs: record.activeMs,
      tokens,
      step: record.step,
    }
    this.hold(session)
    return session
  }

  private isOver(session: WapSession, nowMs: number): boolean {
    return (
      nowMs - session.lastSeenMs >= this.limits.sessionIdleMs ||
      nowMs - session.createdMs >= this.limits.sessionTotalMs
    )
  }

  private dropStaleTokens(session: LiveSession, nowMs: number): void {
    for (const [token, entry] of session.tokens) {
      if (nowMs - entry.issuedMs >= this.limits.tokenTtlMs && entry.state.kind !== 'running')
        session.tokens.delete(token)
    }
  }
}

function dialogOf(session: LiveSession): WapDialog {
  return {
    key: session.id,
    msisdn: session.msisdn ?? '',
    step: session.step + 1,
    startedMs: session.createdMs,
    activeMs: session.lastSeenMs,
    outcome: null,
    language: session.language,
    via: session.via,
    tokens: [...session.tokens].map(([token, entry]) => ({
      token,
      purpose: entry.purpose,
      issuedMs: entry.issuedMs,
      confirm: entry.confirm,
      page: entry.state.kind === 'done' ? entry.state.page : null,
    })),
  }
}
