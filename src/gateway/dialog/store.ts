/**
 * store.ts - where the dialogs of USSD, IVR and WAP live between requests: one table
 * (`dialogs`: key, msisdn, step, open, started_ms, active_ms, the record as JSON) with
 * compare-and-set on the step, so that two requests of one dialog cannot both win, indexed by
 * MSISDN ("one session per subscriber") and by activity (the sweep finds idle and too-old
 * dialogs). A working copy in memory is written behind to SQLite (the channel's own file beside
 * the ledger: WAL with synchronous=NORMAL). TTLs and counts come from the channel's limits.
 * Exports DialogRecord, DialogStore, DialogStoreLimits, DialogStoreOptions, SqliteDialogStore,
 * dialogQueries.
 */
import type Database from 'better-sqlite3'
import type { Logger } from '../../service/log.js'
import { openWorkingDatabase } from '../working-db.js'

/**
 * What every dialog record holds; a channel's record adds its own fields (plain data, never a PIN).
 */
export interface DialogRecord {
  /** The dialog's key: `${provider}:${session}` for USSD, the call id for IVR. */
  readonly key: string
  /** The subscriber (or, for an unregistered caller, the number as given). */
  readonly msisdn: string
  /** Requests answered so far: the compare-and-set counter, and the next request's index. */
  readonly step: number
  readonly startedMs: number
  readonly activeMs: number
  /** How the dialog ended, in the channel's words; null while it is open. */
  readonly outcome: string | null
}

/** The bounds of one channel's dialogs (the channel's limits.ts says why each is what it is). */
export interface DialogStoreLimits {
  /** A dialog with no request for this long is over. */
  readonly idleMs: number
  /** A dialog older than this is over, however busy. */
  readonly totalMs: number
  /** Dialogs ended by one sweep at most. */
  readonly expireBatchMax: number
  /** How long an ended dialog is kept for a provider's late retry. */
  readonly endedKeepMs: number
  /** Dialogs held in memory; past it the least recently written go to SQLite only. */
  readonly inMemoryMax: number
  /** Changed dialogs waiting for a write; reaching it writes at once. */
  readonly dirtyMax: number
  /** How often the changed dialogs are written. */
  readonly flushIntervalMs: number
}

export interface DialogStoreOptions<O extends string> {
  readonly path: string
  /** The channel's name, for logs and errors. */
  readonly name: string
  readonly limits: DialogStoreLimits
  /** The channel's words for a dialog ended by the sweep: idle too long, or older than totalMs. */
  readonly outcomes: { readonly idle: O; readonly cap: O }
  readonly log?: Logger | null
}

export interface DialogStore<
  R extends DialogRecord & { readonly outcome: O | null },
  O extends string,
> {
  get(key: string): Promise<R | null>
  /**
   * Writes a record if the stored one still has `expectedStep` answered requests (null: only if
   * none is stored). False when another request of the dialog won: nothing was written.
   */
  put(record: R, expectedStep: number | null): Promise<boolean>
  /** Open dialogs of a subscriber, oldest first. */
  openOf(msisdn: string): Promise<readonly R[]>
  /** Closes an open dialog and returns it closed; null when it was not open. */
  end(key: string, outcome: O, nowMs: number): Promise<R | null>
  /**
   * Closes the open dialogs past the idle timeout or the total cap at `nowMs` (at most
   * expireBatchMax) and returns them closed; also forgets dialogs ended long ago.
   */
  expire(nowMs: number): Promise<readonly R[]>
  /**
   * The open dialogs expire() would close, with the outcome it would give, closing none: for a
   * channel that ends each under its own lock (IVR hangs the call up first). At most
   * expireBatchMax.
   */
  due(nowMs: number): Promise<readonly { readonly record: R; readonly outcome: O }[]>
  /** Forgets the dialogs ended more than endedKeepMs ago (expire() does it too). */
  forget(nowMs: number): void
  /** Closes every open dialog (a channel whose dialogs cannot outlive the process, at start). */
  endAllOpen(outcome: O, nowMs: number): Promise<number>
  openCount(): Promise<number>
  /** The open dialogs, most recently active first, at most `limit`: the operator's list. */
  recentOpen(limit: number): Promise<readonly R[]>
  close(): Promise<void>
}

interface Row {
  readonly record: string
}

/**
 * The indexes of the hot path, each a partial index on what its query reads, so that the cost of
 * a dial, a hop and a sweep grows with the dialogs it touches, not with the dialogs open:
 * test/gateway/dialog/store.test.ts checks with EXPLAIN QUERY PLAN that each query uses its index.
 */
const dialogIndexes = `
  CREATE INDEX IF NOT EXISTS dialogs_open_by_msisdn ON dialogs (msisdn, started_ms) WHERE open = 1;
  CREATE INDEX IF NOT EXISTS dialogs_open_by_activity ON dialogs (active_ms) WHERE open = 1;
  CREATE INDEX IF NOT EXISTS dialogs_open_by_start ON dialogs (started_ms) WHERE open = 1;
  CREATE INDEX IF NOT EXISTS dialogs_ended_by_activity ON dialogs (active_ms) WHERE open = 0;`

/** The store's SQL, by name: the statements it prepares, and what the query-plan test reads. */
export const dialogQueries = {
  get: 'SELECT record FROM dialogs WHERE key = ?',
  upsert: `
    INSERT INTO dialogs (key, msisdn, step, open, started_ms, active_ms, record)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET step = excluded.step, open = excluded.open,
      active_ms = excluded.active_ms, record = excluded.record`,
  openOf: 'SELECT record FROM dialogs WHERE msisdn = ? AND open = 1 ORDER BY started_ms',
  idle: 'SELECT record FROM dialogs WHERE open = 1 AND active_ms <= ? ORDER BY active_ms LIMIT ?',
  capped:
    'SELECT record FROM dialogs WHERE open = 1 AND started_ms <= ? ORDER BY started_ms LIMIT ?',
  forget: 'DELETE FROM dialogs WHERE open = 0 AND active_ms <= ?',
  openCount: 'SELECT COUNT(*) AS count FROM dialogs WHERE open = 1',
  recentOpen: 'SELECT record FROM dialogs WHERE open = 1 ORDER BY active_ms DESC LIMIT ?',
} as const

/**
 * The store keeps dialogs in memory and writes the changed ones to SQLite in one transaction
 * every `flushIntervalMs`, on close and before expire(). A USSD hop used to pay an SQLite write
 * (a commit and two index updates, about half of a hop's time in the benchmark's profile); now
 * it pays a map update, and the writes of many steps share one commit.
 *
 * Why losing the last write is acceptable: dialogs are not money. A crash loses at most the
 * updates of the last flush interval; after a restart such a dialog is a step behind, so the
 * provider's next request either replays the lost step (its command runs again under the same
 * idempotency key, runner.ts's commandKey, and the ledger answers the first result: no money
 * moves twice) or no longer follows from the stored record and the channel ends it, as the
 * user's phone would after any gateway restart.
 *
 * The memory copy is the truth for every dialog it holds, so one process owns the file: two
 * gateways on one file would each trust their own copy. A dialog not in memory (the gateway
 * restarted, or more than inMemoryMax were open) is read from SQLite, where it is complete
 * because only written records leave memory. Ended dialogs leave memory once written: only a
 * provider's late retry reads them again.
 *
 * A dialog that ends is written at once, with whatever else waits, before its last answer goes
 * out: once the user has it, the record on disk is the finished one (what a provider's late
 * retry of the last step gets again, and what operators and tests read in the file), and the
 * crash window is left to the steps in between. One USSD session in six hops ends, and the
 * write carries the other changed records along: the store's calls of a hop cost about 13 us
 * with it and 7 us without (200 interleaved sessions, store alone), against about 45 us for a
 * write per hop.
 *
 * Records are frozen when stored: the channels build new ones, and one changed in place would
 * change the stored dialog behind the compare-and-set (a programmer error, so it throws).
 */
export class SqliteDialogStore<
  R extends DialogRecord & { readonly outcome: O | null },
  O extends string,
> implements DialogStore<R, O>
{
  private readonly db: Database.Database
  private readonly statements
  /** The working copy, least recently written first (a write moves a record to the end). */
  private readonly records = new Map<string, R>()
  /** Records changed since the last flush, by key: the versions to write. */
  private readonly dirty = new Map<string, R>()
  /** Keys of the open sessions in memory, by MSISDN. */
  private readonly openKeysByMsisdn = new Map<string, Set<string>>()
  private openInMemory = 0
  /**
   * Open dialogs, in memory or only in SQLite: kept exact by write(), since one process owns the
   * file.
   */
  private openTotal: number
  /**
   * Whether SQLite may hold open sessions that memory does not (left there by a restart or by
   * the memory bound). While it does, openOf and openCount write and ask SQLite.
   */
  private openOutside: boolean
  private readonly flushTimer: NodeJS.Timeout
  private closed = false

  private readonly limits: DialogStoreLimits
  private readonly log: Logger | null

  constructor(private readonly options: DialogStoreOptions<O>) {
    this.limits = options.limits
    this.log = options.log ?? null
    this.db = openWorkingDatabase(options.path)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS dialogs (
        key TEXT PRIMARY KEY,
        msisdn TEXT NOT NULL,
        step INTEGER NOT NULL,
        open INTEGER NOT NULL,
        started_ms INTEGER NOT NULL,
        active_ms INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      DROP INDEX IF EXISTS dialogs_by_msisdn;
      DROP INDEX IF EXISTS dialogs_by_activity;
      ${dialogIndexes}
    `)
    this.statements = {
      get: this.db.prepare<[string], Row>(dialogQueries.get),
      upsert: this.db.prepare(dialogQueries.upsert),
      openOf: this.db.prepare<[string], Row>(dialogQueries.openOf),
      idle: this.db.prepare<[number, number], Row>(dialogQueries.idle),
      capped: this.db.prepare<[number, number], Row>(dialogQueries.capped),
      forget: this.db.prepare(dialogQueries.forget),
      openCount: this.db.prepare<[], { count: number }>(dialogQueries.openCount),
      recentOpen: this.db.prepare<[number], Row>(dialogQueries.recentOpen),
    }
    // Counted once here, then kept by every write: a dialog's end never counts them all again.
    this.openTotal = this.countOpenInDb()
    this.openOutside = this.openTotal > 0
    this.flushTimer = setInterval(() => this.flushQuietly(), this.limits.flushIntervalMs)
    this.flushTimer.unref()
  }

  get(key: string): Promise<R | null> {
    this.assertOpen()
    return Promise.resolve(this.read(key))
  }

  put(record: R, expectedStep: number | null): Promise<boolean> {
    this.assertOpen()
    const stored = this.read(record.key)
    const wins =
      expectedStep === null ? stored === null : stored !== null && stored.step === expectedStep
    if (wins) this.write(record)
    return Promise.resolve(wins)
  }

  openOf(msisdn: string): Promise<readonly R[]> {
    this.assertOpen()
    const open = new Map<string, R>()
    if (this.openOutside) {
      // No flush first (a commit per dial): memory's version of a row wins (adopt), so a row the
      // file still has open but memory has ended drops out, and one only memory has comes below.
      for (const row of this.statements.openOf.all(msisdn)) {
        const record = this.adopt(decode<R>(row.record))
        if (record.outcome === null) open.set(record.key, record)
      }
    }
    for (const key of this.openKeysByMsisdn.get(msisdn) ?? []) {
      const record = this.records.get(key)
      if (record !== undefined) open.set(key, record)
    }
    return Promise.resolve([...open.values()].sort((a, b) => a.startedMs - b.startedMs))
  }

  end(key: string, outcome: O, nowMs: number): Promise<R | null> {
    this.assertOpen()
    return Promise.resolve(this.endNow(key, outcome, nowMs))
  }

  due(nowMs: number): Promise<readonly { readonly record: R; readonly outcome: O }[]> {
    this.assertOpen()
    return Promise.resolve(this.dueNow(nowMs))
  }

  expire(nowMs: number): Promise<readonly R[]> {
    this.assertOpen()
    const closed: R[] = []
    for (const { record, outcome } of this.dueNow(nowMs)) {
      // One write for the whole sweep below, not one per dialog ended.
      const ended = this.endNow(record.key, outcome, nowMs, false)
      if (ended !== null) closed.push(ended)
    }
    this.flush()
    this.forget(nowMs)
    return Promise.resolve(closed)
  }

  forget(nowMs: number): void {
    this.assertOpen()
    this.statements.forget.run(nowMs - this.limits.endedKeepMs)
    // Once SQLite has no open dialog memory lacks, openOf answers from memory again.
    if (this.openOutside && this.openTotal === this.openInMemory) this.openOutside = false
  }

  openCount(): Promise<number> {
    this.assertOpen()
    return Promise.resolve(this.openTotal)
  }

  recentOpen(limit: number): Promise<readonly R[]> {
    this.assertOpen()
    // Written first, so that SQLite's index holds every open dialog; read without taking them
    // into memory (a list is not a step of the dialog), memory's version winning.
    this.flush()
    const open: R[] = []
    for (const row of this.statements.recentOpen.all(limit)) {
      const stored = decode<R>(row.record)
      const record = this.records.get(stored.key) ?? stored
      if (record.outcome === null) open.push(record)
    }
    return Promise.resolve(open)
  }

  endAllOpen(outcome: O, nowMs: number): Promise<number> {
    this.assertOpen()
    let ended = 0
    for (;;) {
      this.flush()
      const open = this.statements.idle.all(Number.MAX_SAFE_INTEGER, this.limits.expireBatchMax)
      if (open.length === 0) break
      for (const row of open)
        if (this.endNow(decode<R>(row.record).key, outcome, nowMs, false) !== null) ended += 1
    }
    this.flush()
    this.openOutside = false
    return Promise.resolve(ended)
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
            record.step,
            record.outcome === null ? 1 : 0,
            record.startedMs,
            record.activeMs,
            JSON.stringify(record),
          )
        }
      })
      .immediate()
    // Written (a failed transaction threw above and left everything dirty): ended sessions leave
    // memory.
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

  /** The open dialogs past the idle timeout or the total cap, with the outcome that ends them. */
  private dueNow(nowMs: number): { readonly record: R; readonly outcome: O }[] {
    // Written first, SQLite holds every dialog: its activity index finds the due ones.
    this.flush()
    const idleBefore = nowMs - this.limits.idleMs
    const startedBefore = nowMs - this.limits.totalMs
    const batchMax = this.limits.expireBatchMax
    // Two range reads, each on its own index, instead of one OR that reads every open dialog.
    const { cap, idle } = this.options.outcomes
    const due = new Map<string, { readonly record: R; readonly outcome: O }>()
    for (const row of this.statements.capped.all(startedBefore, batchMax)) {
      const record = decode<R>(row.record)
      due.set(record.key, { record, outcome: cap })
    }
    for (const row of this.statements.idle.all(idleBefore, batchMax)) {
      if (due.size >= batchMax) break
      const record = decode<R>(row.record)
      // The cap is checked first: a dialog both idle and too old ended by its cap.
      if (!due.has(record.key)) due.set(record.key, { record, outcome: idle })
    }
    return [...due.values()]
  }

  /** The stored record: memory's, else SQLite's (taken into memory when open). */
  private read(key: string): R | null {
    const held = this.records.get(key)
    if (held !== undefined) return held
    const row = this.statements.get.get(key)
    return row === undefined ? null : this.adopt(decode<R>(row.record))
  }

  /**
   * A record read from SQLite: an open one joins the working copy, unless memory has a newer one.
   */
  private adopt(record: R): R {
    const held = this.records.get(record.key)
    if (held !== undefined) return held
    if (record.outcome !== null) return deepFreeze(record)
    this.makeRoom()
    this.hold(deepFreeze(record))
    return record
  }

  /**
   * Stores a new version in memory, to be written by the next flush, or now when the session ended
   * (`endedNow`).
   */
  private write(record: R, endedNow = true): void {
    if (!this.records.has(record.key)) this.makeRoom()
    // Whatever write() replaces was read first (put and end read it), so an open one is in memory.
    const wasOpen = this.records.get(record.key)?.outcome === null
    this.openTotal += (record.outcome === null ? 1 : 0) - (wasOpen ? 1 : 0)
    this.hold(deepFreeze(record))
    this.dirty.set(record.key, record)
    if ((endedNow && record.outcome !== null) || this.dirty.size >= this.limits.dirtyMax)
      this.flush()
  }

  private hold(record: R): void {
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
    if (this.records.size < this.limits.inMemoryMax) return
    this.flush()
    const keep = Math.floor(this.limits.inMemoryMax * 0.9)
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
    this.log?.warn(`${this.options.name} dialogs left to SQLite: more open than the memory bound`, {
      evicted,
      inMemoryMax: this.limits.inMemoryMax,
    })
  }

  private index(record: R): void {
    let keys = this.openKeysByMsisdn.get(record.msisdn)
    if (keys === undefined) {
      keys = new Set()
      this.openKeysByMsisdn.set(record.msisdn, keys)
    }
    keys.add(record.key)
    this.openInMemory += 1
  }

  private unindex(record: R): void {
    const keys = this.openKeysByMsisdn.get(record.msisdn)
    if (keys?.delete(record.key) === true) this.openInMemory -= 1
    if (keys?.size === 0) this.openKeysByMsisdn.delete(record.msisdn)
  }

  private endNow(key: string, outcome: O, nowMs: number, writeNow = true): R | null {
    const record = this.read(key)
    if (record === null || record.outcome !== null) return null
    // activeMs keeps the last hop's time: it dates the end for endedKeepMs and for logs.
    const ended: R = { ...record, outcome, activeMs: Math.max(record.activeMs, nowMs) }
    this.write(ended, writeNow)
    return ended
  }

  /**
   * The timer's flush: a failure (disk full, I/O error) keeps the records to try again next time.
   */
  private flushQuietly(): void {
    try {
      this.flush()
    } catch (error) {
      this.log?.error(`${this.options.name} dialog write failed; kept in memory, retried`, {
        dirty: this.dirty.size,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  private countOpenInDb(): number {
    return Number(this.statements.openCount.get()?.count ?? 0)
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the ${this.options.name} dialog store is closed`)
  }
}

function decode<R>(text: string): R {
  return JSON.parse(text) as R
}

/** Freezes a record and everything in it (plain data: objects, arrays, strings, numbers). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
