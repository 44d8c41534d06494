/**
 * last-mo-store.ts - where each phone's last MO is remembered, so that an SMSC's retransmission
 * of it is recognized after the SMPP session that carried it closed and after a restart: a
 * working copy in memory (bounded, least recently heard forgotten first) written behind to
 * SQLite (its own file, sms.sqlite, beside the ledger: WAL with synchronous=NORMAL), every
 * `flushIntervalMs` and on close, in one transaction: a write per MO on the reply path cost a
 * fifth of the SMS throughput. Losing the last interval's records to a crash only means a
 * retransmission is run as a new MO, which the core refuses to pay twice (a YES consumes the
 * payment it confirms); it is never a way to pay twice.
 */
import type Database from 'better-sqlite3'
import { openWorkingDatabase } from '../../src/gateway/working-db.js'

export interface LastMo {
  /** The sender's number (international digits when it is an MSISDN). */
  readonly phone: string
  /** moFingerprint of everything the sender chose (mo-identity.ts). */
  readonly fingerprint: string
  /** The MO's message id: the idempotency key its command ran under. */
  readonly id: string
  readonly firstMs: number
  /**
   * Its replies went out (true), so a retransmission is acknowledged without sending them again.
   */
  readonly answered: boolean
  /**
   * The phone's waiting payment once the MO was handled (null: none); undefined while the MO
   * is still running. A different one now means something happened to the phone in between.
   */
  readonly waitingAfter: string | null | undefined
}

export interface LastMoStore {
  get(phone: string): LastMo | null
  put(record: LastMo): void
  /** Something was sent to the phone that its last MO did not ask for: the chain ends. */
  forget(phone: string): void
  /** Drops what is older than `beforeMs`: no retransmission can match it any more. */
  prune(beforeMs: number): void
  close(): void
}

interface Row {
  readonly phone: string
  readonly fingerprint: string
  readonly id: string
  readonly first_ms: number
  readonly answered: number
  readonly waiting_after: string | null
  readonly running: number
}

export class SqliteLastMoStore implements LastMoStore {
  private readonly db: Database.Database
  private readonly statements
  /** The working copy, least recently heard first (a put moves a phone to the end). */
  private readonly records = new Map<string, LastMo>()
  /** What to write at the next flush, by phone: a record, or null to delete the row. */
  private readonly dirty = new Map<string, LastMo | null>()
  private readonly flushTimer: NodeJS.Timeout

  /** `path` may be ':memory:' (tests, benchmarks): then nothing outlives the process. */
  constructor(
    path: string,
    private readonly inMemoryMax: number,
    flushIntervalMs: number,
  ) {
    this.db = openWorkingDatabase(path)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS last_mo (
        phone TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        id TEXT NOT NULL,
        first_ms INTEGER NOT NULL,
        answered INTEGER NOT NULL,
        waiting_after TEXT,
        running INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS last_mo_by_time ON last_mo (first_ms);
    `)
    this.statements = {
      get: this.db.prepare<[string], Row>('SELECT * FROM last_mo WHERE phone = ?'),
      upsert: this.db.prepare(`
        INSERT INTO last_mo (phone, fingerprint, id, first_ms, answered, waiting_after, running)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (phone) DO UPDATE SET fingerprint = excluded.fingerprint, id = excluded.id,
          first_ms = excluded.first_ms, answered = excluded.answered,
          waiting_after = excluded.waiting_after, running = excluded.running`),
      forget: this.db.prepare('DELETE FROM last_mo WHERE phone = ?'),
      prune: this.db.prepare('DELETE FROM last_mo WHERE first_ms < ?'),
    }
    this.flushTimer = setInterval(() => this.flush(), flushIntervalMs)
    this.flushTimer.unref()
  }

  get(phone: string): LastMo | null {
    const held = this.records.get(phone) ?? this.dirty.get(phone)
    if (held !== undefined) return held
    const row = this.statements.get.get(phone)
    if (row === undefined) return null
    // A record written while its MO ran, read back after a restart: that run died with the
    // process, and whether its command committed is for the core's log to say under the same id.
    return {
      phone: row.phone,
      fingerprint: row.fingerprint,
      id: row.id,
      firstMs: row.first_ms,
      answered: row.answered === 1,
      waitingAfter: row.running === 1 ? undefined : row.waiting_after,
    }
  }

  put(record: LastMo): void {
    this.records.delete(record.phone)
    this.records.set(record.phone, record)
    if (this.records.size > this.inMemoryMax) {
      const oldest = this.records.keys().next()
      if (oldest.done !== true) this.records.delete(oldest.value)
    }
    this.dirty.set(record.phone, record)
  }

  forget(phone: string): void {
    const held = this.records.delete(phone) || this.dirty.has(phone)
    // Most MTs go to phones with no recent MO: no row, nothing to write.
    if (!held && this.statements.get.get(phone) === undefined) return
    this.dirty.set(phone, null)
  }

  prune(beforeMs: number): void {
    // Oldest first, so the loop stops at the first young record; one put out of order is left for
    // the next prune, harmlessly, as identify() checks the window anyway.
    for (const [phone, record] of this.records) {
      if (record.firstMs >= beforeMs) break
      this.records.delete(phone)
    }
    this.flush()
    this.statements.prune.run(beforeMs)
  }

  /** Writes what changed since the last flush, in one transaction. */
  flush(): void {
    if (this.dirty.size === 0 || !this.db.open) return
    const changes = [...this.dirty]
    this.dirty.clear()
    this.db.transaction(() => {
      for (const [phone, record] of changes) {
        if (record === null) {
          this.statements.forget.run(phone)
          continue
        }
        this.statements.upsert.run(
          record.phone,
          record.fingerprint,
          record.id,
          record.firstMs,
          record.answered ? 1 : 0,
          record.waitingAfter ?? null,
          record.waitingAfter === undefined ? 1 : 0,
        )
      }
    })()
  }

  close(): void {
    clearInterval(this.flushTimer)
    this.flush()
    if (this.db.open) this.db.close()
  }
}
