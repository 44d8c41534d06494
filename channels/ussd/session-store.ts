/**
 * session-store.ts - where USSD sessions live between hops: the SessionStore port and its SQLite
 * implementation (its own file, ussd.sqlite, beside the ledger: sessions are not money, so WAL
 * with synchronous=NORMAL). Keyed by the provider-scoped session id, indexed by MSISDN for "one
 * session per subscriber", written with compare-and-set on the hop count so that two requests
 * of one session cannot both win. Exports SessionRecord, SessionOutcome, SessionStore,
 * SqliteSessionStore.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Screen, UssdSession } from './contract.js'
import type { UssdLimits } from './limits.js'

/** How a session ended; null while it is open. */
export type SessionOutcome =
  | 'completed' // the menu answered END
  | 'replaced' // the subscriber dialled again: one session per subscriber
  | 'released' // the provider said the user hung up (Hubtel release)
  | 'provider_timeout' // the provider said the network timed out (Hubtel timeout)
  | 'idle_timeout' // no input within sessionIdleMs
  | 'total_cap' // older than sessionTotalMs
  | 'deadline' // the core did not answer in time: the user got the polite END
  | 'lost_track' // the provider's text no longer extends what we answered

export interface SessionRecord {
  /** `${provider}:${provider session id}`: providers' id spaces are separate. */
  readonly key: string
  readonly provider: string
  readonly msisdn: string
  /** The engine's session: plain data, never a PIN (contract.ts). */
  readonly session: UssdSession
  /** Requests answered so far: the compare-and-set counter, and the next request's index. */
  readonly hop: number
  /**
   * Identifies the last answered request, for provider retries: Hubtel's Sequence, or for
   * Africa's Talking an HMAC of the accumulated text (which holds the PIN once one was typed,
   * so the text itself is never stored).
   */
  readonly requestKey: string
  /** Africa's Talking: characters of the accumulated text at the last hop; 0 elsewhere. */
  readonly textLength: number
  readonly lastScreen: Screen
  readonly startedMs: number
  readonly activeMs: number
  readonly outcome: SessionOutcome | null
}

export interface SessionStore {
  get(key: string): Promise<SessionRecord | null>
  /**
   * Writes a record if the stored one still has `expectedHop` answered requests (null: only if
   * none is stored). False when another request of the session won: nothing was written.
   */
  put(record: SessionRecord, expectedHop: number | null): Promise<boolean>
  /** Open sessions of a subscriber, oldest first. */
  openOf(msisdn: string): Promise<readonly SessionRecord[]>
  /** Closes an open session; false when it was not open. */
  end(key: string, outcome: SessionOutcome, nowMs: number): Promise<SessionRecord | null>
  /**
   * Closes the open sessions past the idle timeout or the total cap at `nowMs` (at most
   * expireBatchMax) and returns them closed; also forgets sessions ended long ago.
   */
  expire(nowMs: number): Promise<readonly SessionRecord[]>
  openCount(): Promise<number>
  close(): Promise<void>
}

interface Row {
  readonly record: string
}

export class SqliteSessionStore implements SessionStore {
  private readonly db: Database.Database
  private readonly statements

  constructor(path: string, private readonly limits: UssdLimits) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ussd_sessions (
        key TEXT PRIMARY KEY,
        msisdn TEXT NOT NULL,
        hop INTEGER NOT NULL,
        open INTEGER NOT NULL,
        started_ms INTEGER NOT NULL,
        active_ms INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ussd_sessions_by_msisdn ON ussd_sessions (msisdn) WHERE open = 1;
      CREATE INDEX IF NOT EXISTS ussd_sessions_by_activity ON ussd_sessions (open, active_ms);
    `)
    this.statements = {
      get: this.db.prepare<[string], Row>('SELECT record FROM ussd_sessions WHERE key = ?'),
      insert: this.db.prepare('INSERT OR IGNORE INTO ussd_sessions (key, msisdn, hop, open, started_ms, active_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      update: this.db.prepare('UPDATE ussd_sessions SET hop = ?, open = ?, active_ms = ?, record = ? WHERE key = ? AND hop = ?'),
      close: this.db.prepare('UPDATE ussd_sessions SET open = 0, active_ms = ?, record = ? WHERE key = ? AND open = 1'),
      openOf: this.db.prepare<[string], Row>('SELECT record FROM ussd_sessions WHERE msisdn = ? AND open = 1 ORDER BY started_ms'),
      due: this.db.prepare<[number, number, number], Row>(
        'SELECT record FROM ussd_sessions WHERE open = 1 AND (active_ms <= ? OR started_ms <= ?) ORDER BY active_ms LIMIT ?',
      ),
      forget: this.db.prepare('DELETE FROM ussd_sessions WHERE open = 0 AND active_ms <= ?'),
      openCount: this.db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM ussd_sessions WHERE open = 1'),
    }
  }

  get(key: string): Promise<SessionRecord | null> {
    const row = this.statements.get.get(key)
    return Promise.resolve(row === undefined ? null : decode(row.record))
  }

  put(record: SessionRecord, expectedHop: number | null): Promise<boolean> {
    const open = record.outcome === null ? 1 : 0
    const text = JSON.stringify(record)
    const changes = expectedHop === null
      ? this.statements.insert.run(record.key, record.msisdn, record.hop, open, record.startedMs, record.activeMs, text).changes
      : this.statements.update.run(record.hop, open, record.activeMs, text, record.key, expectedHop).changes
    return Promise.resolve(changes === 1)
  }

  openOf(msisdn: string): Promise<readonly SessionRecord[]> {
    return Promise.resolve(this.statements.openOf.all(msisdn).map((row) => decode(row.record)))
  }

  end(key: string, outcome: SessionOutcome, nowMs: number): Promise<SessionRecord | null> {
    return Promise.resolve(this.db.transaction(() => this.endNow(key, outcome, nowMs)).immediate())
  }

  expire(nowMs: number): Promise<readonly SessionRecord[]> {
    const expired = this.db.transaction(() => {
      const idleBefore = nowMs - this.limits.sessionIdleMs
      const startedBefore = nowMs - this.limits.sessionTotalMs
      const due = this.statements.due.all(idleBefore, startedBefore, this.limits.expireBatchMax).map((row) => decode(row.record))
      const closed: SessionRecord[] = []
      for (const record of due) {
        // The cap is checked first: a session both idle and too old ended by its cap.
        const outcome: SessionOutcome = record.startedMs <= startedBefore ? 'total_cap' : 'idle_timeout'
        const ended = this.endNow(record.key, outcome, nowMs)
        if (ended !== null) closed.push(ended)
      }
      this.statements.forget.run(nowMs - this.limits.endedKeepMs)
      return closed
    }).immediate()
    return Promise.resolve(expired)
  }

  openCount(): Promise<number> {
    return Promise.resolve(Number(this.statements.openCount.get()?.count ?? 0))
  }

  close(): Promise<void> {
    this.db.close()
    return Promise.resolve()
  }

  private endNow(key: string, outcome: SessionOutcome, nowMs: number): SessionRecord | null {
    const row = this.statements.get.get(key)
    if (row === undefined) return null
    const record = decode(row.record)
    if (record.outcome !== null) return null
    // activeMs keeps the last hop's time: it dates the end for endedKeepMs and for logs.
    const ended: SessionRecord = { ...record, outcome, activeMs: Math.max(record.activeMs, nowMs) }
    this.statements.close.run(ended.activeMs, JSON.stringify(ended), key)
    return ended
  }
}

function decode(text: string): SessionRecord {
  return JSON.parse(text) as SessionRecord
}
