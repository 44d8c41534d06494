/**
 * record-store.ts - what an offline terminal keeps until clearing has it: every purchase record,
 * its terminal serial counter, and the one purchase in flight, in a SQLite file of its own
 * (synchronous FULL: a terminal must keep a completed purchase through a power cut, notes F.3).
 * A purchase is first written as in flight (before DEBIT reaches the card), then completed with
 * the card's TAC in one transaction with the serial; after a crash the in-flight row tells the
 * terminal which card to ask for the proof at its next tap. Exports TerminalRecordStore,
 * PurchaseRecord, InFlightPurchase.
 */
import type Database from 'better-sqlite3'
import type { BatchRecord } from '../../../gateway/clearing/batch-file.js'
import { openWorkingDatabase } from '../../../gateway/working-db.js'

/** A completed purchase as the terminal keeps it: what its clearing batch carries, line by line. */
export type PurchaseRecord = BatchRecord

/** A purchase whose DEBIT was sent and whose answer has not been kept yet. */
export interface InFlightPurchase {
  readonly terminalSerial: number
  /** When the tap was (the terminal's clock): a tap soon after it may be the same one again. */
  readonly atMs: number
  /** hex: the card's random of the purchase, which the PSAM needs to check a proof's MAC2. */
  readonly random: string
  readonly cardNumber: string
  readonly cardSerial: number
  readonly type: number
  readonly amountFen: number
  readonly balanceBeforeFen: number
  readonly date: string
  readonly time: string
  readonly keyVersion: number
}

const schema = `
  CREATE TABLE IF NOT EXISTS records (
    terminal_serial INTEGER PRIMARY KEY,
    card_number TEXT NOT NULL,
    card_serial INTEGER NOT NULL,
    type INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    balance_after_fen INTEGER NOT NULL,
    date TEXT NOT NULL,
    time TEXT NOT NULL,
    tac TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    uploaded INTEGER NOT NULL DEFAULT 0,
    UNIQUE (card_number, card_serial)
  );
  CREATE TABLE IF NOT EXISTS in_flight (
    terminal_serial INTEGER PRIMARY KEY,
    card_number TEXT NOT NULL,
    purchase TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_serial INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO counter (id, next_serial) VALUES (1, 1);`

interface RecordRow {
  readonly terminal_serial: number
  readonly card_number: string
  readonly card_serial: number
  readonly type: number
  readonly amount_fen: number
  readonly balance_after_fen: number
  readonly date: string
  readonly time: string
  readonly tac: string
  readonly key_version: number
}

function recordOf(row: RecordRow): PurchaseRecord {
  return {
    terminalSerial: row.terminal_serial,
    cardNumber: row.card_number,
    cardSerial: row.card_serial,
    type: row.type,
    amountFen: row.amount_fen,
    balanceAfterFen: row.balance_after_fen,
    date: row.date,
    time: row.time,
    tac: row.tac,
    keyVersion: row.key_version,
  }
}

export class TerminalRecordStore {
  private readonly db: Database.Database

  /** `path`: the terminal's file, or ':memory:' for a terminal that need not survive. */
  constructor(path: string) {
    this.db = openWorkingDatabase(path, 'full')
    this.db.exec(schema)
  }

  /** Takes the next terminal serial for a purchase about to start, and keeps it in flight. */
  begin(purchase: Omit<InFlightPurchase, 'terminalSerial'>): InFlightPurchase {
    // One transaction: a serial taken is a serial kept, even if the terminal dies right after.
    return this.db.transaction(() => {
      const { next_serial: terminalSerial } = this.db
        .prepare('SELECT next_serial FROM counter WHERE id = 1')
        .get() as { next_serial: number }
      const inFlight = { ...purchase, terminalSerial }
      this.db.prepare('UPDATE counter SET next_serial = next_serial + 1 WHERE id = 1').run()
      this.db
        .prepare('INSERT INTO in_flight (terminal_serial, card_number, purchase) VALUES (?, ?, ?)')
        .run(terminalSerial, purchase.cardNumber, JSON.stringify(inFlight))
      return inFlight
    })()
  }

  /** The card's purchase in flight at this terminal, if its last one never got an answer. */
  inFlightOf(cardNumber: string): InFlightPurchase | null {
    const row = this.db
      .prepare('SELECT purchase FROM in_flight WHERE card_number = ? ORDER BY terminal_serial DESC')
      .get(cardNumber) as { purchase: string } | undefined
    return row === undefined ? null : (JSON.parse(row.purchase) as InFlightPurchase)
  }

  /** Keeps a completed purchase and ends its flight, in one transaction. */
  complete(record: PurchaseRecord): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO records (terminal_serial, card_number, card_serial, type, amount_fen,
             balance_after_fen, date, time, tac, key_version)
           VALUES (@terminalSerial, @cardNumber, @cardSerial, @type, @amountFen,
             @balanceAfterFen, @date, @time, @tac, @keyVersion)`,
        )
        .run(record)
      this.db.prepare('DELETE FROM in_flight WHERE terminal_serial = ?').run(record.terminalSerial)
    })()
  }

  /** The purchase in flight did not happen (the card has no proof of it): forget it. */
  abandon(terminalSerial: number): void {
    this.db.prepare('DELETE FROM in_flight WHERE terminal_serial = ?').run(terminalSerial)
  }

  /** Records not yet uploaded, oldest first. */
  pending(limit: number): PurchaseRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM records WHERE uploaded = 0 ORDER BY terminal_serial LIMIT ?')
        .all(limit) as RecordRow[]
    ).map(recordOf)
  }

  /** Marks records the platform has answered about: they are not uploaded again. */
  markUploaded(terminalSerials: readonly number[]): void {
    const mark = this.db.prepare('UPDATE records SET uploaded = 1 WHERE terminal_serial = ?')
    this.db.transaction(() => {
      for (const serial of terminalSerials) mark.run(serial)
    })()
  }

  all(): PurchaseRecord[] {
    return (
      this.db.prepare('SELECT * FROM records ORDER BY terminal_serial').all() as RecordRow[]
    ).map(recordOf)
  }

  close(): void {
    this.db.close()
  }
}
