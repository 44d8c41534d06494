/**
 * purse-rows.ts - the ledger's RFID-SIM purses and cleared purchases (migration 17), for the
 * view: purses read through a bounded cache kept between batches and written at flush like
 * accounts (clearing a day's file reads each card's purse again every chunk it appears in: a
 * million records over 10,000 cards read 500 chunks of 2,000 purses each); cleared purchases
 * inserted many to a statement, written before any read of them (the rest of a batch, the same
 * upload or another terminal's, must see them).
 * Exports PurseRows.
 */
import type { ClearingRecord, Purse, Write } from '../core/index.js'
import { LruMap } from './lru-map.js'
import { RowBuffer } from './row-buffer.js'
import type { SqliteDatabase } from './sqlite-open.js'

interface PurseRow {
  readonly card_number: string
  readonly msisdn: string
  readonly balance_minor: bigint
  readonly loading_minor: bigint
  readonly blacklisted: bigint
}

function purseOfRow(row: PurseRow): Purse {
  return {
    cardNumber: row.card_number,
    msisdn: row.msisdn,
    balanceMinor: row.balance_minor,
    loadingMinor: row.loading_minor,
    blacklisted: row.blacklisted !== 0n,
  }
}

/** Which of one terminal's serials (a chunk's being cleared) were cleared, read at once. */
interface ClearedWindow {
  readonly terminalId: string
  readonly asked: ReadonlySet<number>
  readonly cleared: Set<number>
}

export class PurseRows {
  /**
   * The purses read or written (null: no purse yet), least recently used dropped between
   * batches beyond the bound; only this writer changes them, so a kept one stays true.
   */
  private readonly cached: LruMap<string, Purse | null>
  private readonly dirty = new Set<string>()
  private window: ClearedWindow | null = null
  private readonly clearedRows: RowBuffer
  private readonly sql

  /** `rowsMax`: the cache's bound (operating.ledgerCacheRowsMax, as the view's party rows). */
  constructor(db: SqliteDatabase, rowsMax: number) {
    this.cached = new LruMap(rowsMax)
    this.clearedRows = new RowBuffer(
      db,
      `INSERT INTO cleared_purchases (card_number, card_serial, terminal_id, terminal_serial,
        merchant_code, type, amount_minor, balance_after_minor, fee_minor, at_ms, tac,
        transfer_id, cleared_ms)`,
      13,
    )
    this.sql = {
      purse: db.prepare('SELECT * FROM purses WHERE card_number = ?'),
      upsert: db.prepare(`
        INSERT INTO purses (card_number, msisdn, balance_minor, loading_minor, blacklisted)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (card_number) DO UPDATE SET balance_minor = excluded.balance_minor,
          loading_minor = excluded.loading_minor, blacklisted = excluded.blacklisted`),
      recent: db.prepare(
        'SELECT merchant_code, amount_minor, at_ms FROM cleared_purchases ' +
          'WHERE card_number = ? AND amount_minor > 0 ORDER BY card_serial DESC LIMIT ?',
      ),
      cleared: db.prepare(
        'SELECT 1 AS found FROM cleared_purchases WHERE terminal_id = ? AND terminal_serial = ?',
      ),
      clearedAmong: db.prepare(
        'SELECT terminal_serial AS serial FROM cleared_purchases ' +
          'WHERE terminal_id = ? AND terminal_serial IN (SELECT value FROM json_each(?))',
      ),
      clearedBetween: db.prepare(
        'SELECT terminal_serial AS serial FROM cleared_purchases ' +
          'WHERE terminal_id = ? AND terminal_serial BETWEEN ? AND ?',
      ),
      pursesIn: db.prepare(
        'SELECT * FROM purses WHERE card_number IN (SELECT value FROM json_each(?))',
      ),
    }
  }

  purse(cardNumber: string): Purse | null {
    const known = this.cached.get(cardNumber)
    if (known !== undefined) return known
    const row = this.sql.purse.get(cardNumber) as PurseRow | undefined
    const purse = row === undefined ? null : purseOfRow(row)
    this.cached.set(cardNumber, purse)
    return purse
  }

  isCleared(record: { terminalSerial: number }, terminalId: string): boolean {
    const window = this.window
    const serial = record.terminalSerial
    if (window?.terminalId === terminalId && window.asked.has(serial))
      return window.cleared.has(serial)
    this.clearedRows.write()
    return this.sql.cleared.get(terminalId, serial) !== undefined
  }

  /**
   * Reads what clearing `records` will ask, in two queries instead of two a record: their cards'
   * purses, and which of the terminal's serials in their range were cleared before.
   */
  prefetchClearing(terminalId: string, records: readonly ClearingRecord[]): void {
    if (records.length === 0) return
    this.clearedRows.write()
    const asked = new Set<number>()
    const cards = new Set<string>()
    let lowest = Number.POSITIVE_INFINITY
    let highest = Number.NEGATIVE_INFINITY
    for (const record of records) {
      asked.add(record.terminalSerial)
      lowest = Math.min(lowest, record.terminalSerial)
      highest = Math.max(highest, record.terminalSerial)
      if (this.cached.peek(record.cardNumber) === undefined) cards.add(record.cardNumber)
    }
    // A chunk's serials mostly follow one another: one walk of the range (new serials find
    // nothing there) instead of a lookup each. Not when they are sparse: an old serial uploaded
    // late beside today's would span the terminal's whole history.
    const rows =
      highest - lowest < 2 * asked.size
        ? this.sql.clearedBetween.iterate(terminalId, lowest, highest)
        : this.sql.clearedAmong.iterate(terminalId, JSON.stringify([...asked]))
    const cleared = new Set<number>()
    for (const row of rows as Iterable<{ serial: bigint }>) {
      const serial = Number(row.serial)
      if (asked.has(serial)) cleared.add(serial)
    }
    this.window = { terminalId, asked, cleared }
    if (cards.size === 0) return
    for (const card of cards) this.cached.set(card, null)
    for (const row of this.sql.pursesIn.iterate(JSON.stringify([...cards])) as Iterable<PurseRow>)
      this.cached.set(row.card_number, purseOfRow(row))
  }

  recentCleared(cardNumber: string, limit: number) {
    this.clearedRows.write()
    const rows = this.sql.recent.all(cardNumber, limit) as {
      merchant_code: string
      amount_minor: bigint
      at_ms: bigint
    }[]
    return rows.map((row) => ({
      merchantCode: row.merchant_code,
      amountMinor: row.amount_minor,
      atMs: Number(row.at_ms),
    }))
  }

  applyPurse(purse: Purse): void {
    this.cached.set(purse.cardNumber, purse)
    this.dirty.add(purse.cardNumber)
  }

  applyCleared(write: Extract<Write, { kind: 'cleared' }>): void {
    const { record } = write
    if (write.terminalId === this.window?.terminalId) this.window.cleared.add(record.terminalSerial)
    this.clearedRows.add(
      record.cardNumber,
      record.cardSerial,
      write.terminalId,
      record.terminalSerial,
      write.merchantCode,
      record.type,
      record.amountMinor,
      record.balanceAfterMinor,
      write.feeMinor,
      record.atMs,
      record.tac,
      write.transferId,
      write.clearedMs,
    )
  }

  flush(): void {
    this.clearedRows.write()
    for (const cardNumber of this.dirty) {
      const purse = this.cached.peek(cardNumber)
      if (purse === undefined || purse === null) continue
      this.sql.upsert.run(
        purse.cardNumber,
        purse.msisdn,
        purse.balanceMinor,
        purse.loadingMinor,
        purse.blacklisted ? 1 : 0,
      )
    }
    this.dirty.clear()
    this.window = null
  }

  /** Keeps the cache within its bound; between batches only. */
  trim(): void {
    this.cached.trim()
  }

  /** Forgets what a rolled-back batch wrote. */
  forget(): void {
    this.clearedRows.drop()
    this.dirty.clear()
    this.cached.clear()
    this.window = null
  }
}
