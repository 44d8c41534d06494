/**
 * session-store.ts - where USSD sessions live between hops: the SessionStore port and its
 * implementation, a working copy in memory written behind to SQLite (its own file, ussd.sqlite,
 * beside the ledger: WAL with synchronous=NORMAL). Keyed by the provider-scoped session id,
 * indexed by MSISDN for "one session per subscriber", written with compare-and-set on the hop
 * count so that two requests of one session cannot both win. Exports SessionRecord,
 * SessionOutcome, SessionStore, SqliteSessionStore.
 */
import type Database from 'better-sqlite3'
import { openWorkingDatabase } from '../../src/ledger/sqlite-open.js'
import type { Logger } from '../../src/service/log.js'
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

/**
 * The store keeps sessions in memory and writes the changed ones to SQLite in one transaction
 * every `sessionFlushIntervalMs`, on close and before expire(). A hop used to pay an SQLite write
 * (a commit and two index updates, about half of a hop's time in the benchmark's profile); now
 * it pays a map update, and the writes of many hops share one commit.
 *
 * Why losing the last write is acceptable: sessions are not money. A crash loses at most the
 * session updates of the last flush interval; after a restart such a session is a hop behind, so
 * the provider's next request either replays the lost hop (its command runs again under the same
 * idempotency key `${session}:${hop}`, and the ledger answers the first result: no money moves
 * twice) or no longer follows from the stored text and ends as `lost_track`, as the user's phone
 * would after any gateway restart.
 *
 * The memory copy is the truth for every session it holds, so one process owns the file: two
 * gateways on one ussd.sqlite would each trust their own copy (the old store let them share it).
 * A session not in memory (the gateway restarted, or more than sessionsInMemoryMax were open) is
 * read from SQLite, where it is complete because only written records leave memory. Ended
 * sessions leave memory once written: only a provider's late retry reads them again.
 *
 * A session that ends is written at once, with whatever else waits, before its END goes out:
 * once the user has the END the record on disk is the finished one (what a provider's late retry
 * of the last hop gets again, and what operators and tests read in ussd.sqlite), and the crash
 * window is left to the menu hops in between. One session in six hops ends, and the write
 * carries the other changed records along: the store's calls of a hop cost about 13 us with it
 * and 7 us without (200 interleaved sessions, store alone), against about 45 us for a write
 * per hop.
 *
 * Records are frozen when stored: the engine and the service build new ones, and one changed in
 * place would change the stored session behind the compare-and-set (a programmer error, so it
 * throws).
 */
export class SqliteSessionStore implements SessionStore {
  private readonly db: Database.Database
  private readonly statements
  /** The working copy, least recently written first (a write moves a record to the end). */
  private readonly records = new Map<string, SessionRecord>()
  /** Records changed since the last flush, by key: the versions to write. */
  private readonly dirty = new Map<string, SessionRecord>()
  /** Keys of the open sessions in memory, by MSISDN. */
  private readonly openKeysByMsisdn = new Map<string, Set<string>>()
  private openInMemory = 0
  /**
   * Whether SQLite may hold open sessions that memory does not (left there by a restart or by
   * the memory bound). While it does, openOf and openCount write and ask SQLite.
   */
  private openOutside: boolean
  private readonly flushTimer: NodeJS.Timeout
  private closed = false

  constructor(
    path: string,
    private readonly limits: UssdLimits,
    private readonly log: Logger | null = null,
  ) {
    this.db = openWorkingDatabase(path)
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
      upsert: this.db.prepare(`
        INSERT INTO ussd_sessions (key, msisdn, hop, open, started_ms, active_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET hop = excluded.hop, open = excluded.open, active_ms = excluded.active_ms, record = excluded.record`),
      openOf: this.db.prepare<[string], Row>(
        'SELECT record FROM ussd_sessions WHERE msisdn = ? AND open = 1 ORDER BY started_ms',
      ),
      due: this.db.prepare<[number, number, number], Row>(
        'SELECT record FROM ussd_sessions WHERE open = 1 AND (active_ms <= ? OR started_ms <= ?) ORDER BY active_ms LIMIT ?',
      ),
      forget: this.db.prepare('DELETE FROM ussd_sessions WHERE open = 0 AND active_ms <= ?'),
      openCount: this.db.prepare<[], { count: number }>(
        'SELECT COUNT(*) AS count FROM ussd_sessions WHERE open = 1',
      ),
    }
    this.openOutside = this.countOpenInDb() > 0
    this.flushTimer = setInterval(() => this.flushQuietly(), limits.sessionFlushIntervalMs)
    this.flushTimer.unref()
  }

  get(key: string): Promise<SessionRecord | null> {
    this.assertOpen()
    return Promise.resolve(this.read(key))
  }

  put(record: SessionRecord, expectedHop: number | null): Promise<boolean> {
    this.assertOpen()
    const stored = this.read(record.key)
    const wins =
      expectedHop === null ? stored === null : stored !== null && stored.hop === expectedHop
    if (wins) this.write(record)
    return Promise.resolve(wins)
  }

  openOf(msisdn: string): Promise<readonly SessionRecord[]> {
    this.assertOpen()
    if (this.openOutside) {
      this.flush()
      return Promise.resolve(
        this.statements.openOf.all(msisdn).map((row) => this.adopt(decode(row.record))),
      )
    }
    const open = [...(this.openKeysByMsisdn.get(msisdn) ?? [])].map((key) => this.records.get(key))
    return Promise.resolve(
      open.filter((record) => record !== undefined).sort((a, b) => a.startedMs - b.startedMs),
    )
  }

  end(key: string, outcome: SessionOutcome, nowMs: number): Promise<SessionRecord | null> {
    this.assertOpen()
    return Promise.resolve(this.endNow(key, outcome, nowMs))
  }

  expire(nowMs: number): Promise<readonly SessionRecord[]> {
    this.assertOpen()
    // Written first, SQLite holds every session: its activity index finds the due ones.
    this.flush()
    const idleBefore = nowMs - this.limits.sessionIdleMs
    const startedBefore = nowMs - this.limits.sessionTotalMs
    const due = this.statements.due
      .all(idleBefore, startedBefore, this.limits.expireBatchMax)
      .map((row) => decode(row.record))
    const closed: SessionRecord[] = []
    for (const record of due) {
      // The cap is checked first: a session both idle and too old ended by its cap.
      const outcome: SessionOutcome =
        record.startedMs <= startedBefore ? 'total_cap' : 'idle_timeout'
      // One write for the whole sweep below, not one per session ended.
      const ended = this.endNow(record.key, outcome, nowMs, false)
      if (ended !== null) closed.push(ended)
    }
    this.flush()
    this.statements.forget.run(nowMs - this.limits.endedKeepMs)
    // Once SQLite has no open session memory lacks, openOf and openCount answer from memory again.
    if (this.openOutside && this.countOpenInDb() === this.openInMemory) this.openOutside = false
    return Promise.resolve(closed)
  }

  openCount(): Promise<number> {
    this.assertOpen()
    if (!this.openOutside) return Promise.resolve(this.openInMemory)
    this.flush()
    return Promise.resolve(this.countOpenInDb())
  }

  /** Writes the changed sessions now (the timer does it every sessionFlushIntervalMs). */
  flush(): void {
    if (this.dirty.size === 0) return
    const batch = [...this.dirty.values()]
    this.db
      .transaction(() => {
        for (const record of batch) {
          this.statements.upsert.run(
            record.key,
            record.msisdn,
            record.hop,
            record.outcome === null ? 1 : 0,
            record.startedMs,
            record.activeMs,
            JSON.stringify(record),
          )
        }
      })
      .immediate()
    // Written (a failed transaction threw above and left everything dirty): ended sessions leave memory.
    this.dirty.clear()
    for (const record of batch) {
      if (record.outcome !== null && this.records.get(record.key) === record)
        this.records.delete(record.key)
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    clearInterval(this.flushTimer)
    try {
      this.flush()
    } finally {
      this.closed = true
      this.db.close()
    }
    return Promise.resolve()
  }

  /** The stored record: memory's, else SQLite's (taken into memory when open). */
  private read(key: string): SessionRecord | null {
    const held = this.records.get(key)
    if (held !== undefined) return held
    const row = this.statements.get.get(key)
    return row === undefined ? null : this.adopt(decode(row.record))
  }

  /** A record read from SQLite: an open one joins the working copy, unless memory has a newer one. */
  private adopt(record: SessionRecord): SessionRecord {
    const held = this.records.get(record.key)
    if (held !== undefined) return held
    if (record.outcome !== null) return deepFreeze(record)
    this.makeRoom()
    this.hold(deepFreeze(record))
    return record
  }

  /** Stores a new version in memory, to be written by the next flush, or now when the session ended (`endedNow`). */
  private write(record: SessionRecord, endedNow = true): void {
    if (!this.records.has(record.key)) this.makeRoom()
    this.hold(deepFreeze(record))
    this.dirty.set(record.key, record)
    if ((endedNow && record.outcome !== null) || this.dirty.size >= this.limits.sessionsDirtyMax)
      this.flush()
  }

  private hold(record: SessionRecord): void {
    const before = this.records.get(record.key)
    if (before !== undefined) {
      this.records.delete(record.key)
      if (before.outcome === null) this.unindex(before)
    }
    this.records.set(record.key, record)
    if (record.outcome === null) this.index(record)
  }

  /**
   * Keeps memory within sessionsInMemoryMax: writes everything, then lets the least recently
   * written tenth go (a tenth, so that the next few hundred new sessions do not each flush).
   */
  private makeRoom(): void {
    if (this.records.size < this.limits.sessionsInMemoryMax) return
    this.flush()
    const keep = Math.floor(this.limits.sessionsInMemoryMax * 0.9)
    let evicted = 0
    for (const [key, record] of this.records) {
      if (this.records.size <= keep) break
      this.records.delete(key)
      if (record.outcome === null) {
        this.unindex(record)
        this.openOutside = true
        evicted += 1
      }
    }
    this.log?.warn('ussd sessions left to SQLite: more open than the memory bound', {
      evicted,
      sessionsInMemoryMax: this.limits.sessionsInMemoryMax,
    })
  }

  private index(record: SessionRecord): void {
    let keys = this.openKeysByMsisdn.get(record.msisdn)
    if (keys === undefined) {
      keys = new Set()
      this.openKeysByMsisdn.set(record.msisdn, keys)
    }
    keys.add(record.key)
    this.openInMemory += 1
  }

  private unindex(record: SessionRecord): void {
    const keys = this.openKeysByMsisdn.get(record.msisdn)
    if (keys?.delete(record.key) === true) this.openInMemory -= 1
    if (keys?.size === 0) this.openKeysByMsisdn.delete(record.msisdn)
  }

  private endNow(
    key: string,
    outcome: SessionOutcome,
    nowMs: number,
    writeNow = true,
  ): SessionRecord | null {
    const record = this.read(key)
    if (record === null || record.outcome !== null) return null
    // activeMs keeps the last hop's time: it dates the end for endedKeepMs and for logs.
    const ended: SessionRecord = { ...record, outcome, activeMs: Math.max(record.activeMs, nowMs) }
    this.write(ended, writeNow)
    return ended
  }

  /** The timer's flush: a failure (disk full, I/O error) keeps the records to try again next time. */
  private flushQuietly(): void {
    try {
      this.flush()
    } catch (error) {
      this.log?.error('ussd session write failed; kept in memory, retried', {
        dirty: this.dirty.size,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  private countOpenInDb(): number {
    return Number(this.statements.openCount.get()?.count ?? 0)
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the USSD session store is closed')
  }
}

function decode(text: string): SessionRecord {
  return JSON.parse(text) as SessionRecord
}

/** Freezes a record and everything in it (plain data: objects, arrays, strings, numbers). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
