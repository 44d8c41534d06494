/**
 * ota-load-store.ts - the top-ups on their way to cards over the air, in a working file of the
 * gateway (ota-loads.sqlite beside the ledger, synchronous FULL): each load's stage (asking the
 * card for its INITIALIZE FOR LOAD answer, or sending its CREDIT FOR LOAD), the counter of the
 * last packet sent, the online serial a CREDIT was sent for (once one was, the money may be on
 * the card: the load is never refunded on a guess), the outcome waiting to be posted; and each
 * card's OTA counter, which only grows. Exports OtaLoadStore, OtaLoad, OtaStage.
 */
import type Database from 'better-sqlite3'
import { openWorkingDatabase } from '../working-db.js'

/** `init`: ask for INIT FOR LOAD; `credit`: CREDIT FOR LOAD sent; `settle`: post the outcome. */
export type OtaStage = 'init' | 'credit' | 'settle' | 'done'

export interface OtaLoad {
  readonly paymentId: string
  readonly msisdn: string
  readonly cardNumber: string
  readonly amountFen: number
  readonly stage: OtaStage
  /** Packets sent for this load. */
  readonly attempts: number
  /** The counter of the last packet sent: its proof of receipt names it. */
  readonly counter: number
  /** The online serial a CREDIT FOR LOAD was sent for; null: none was sent yet. */
  readonly creditSerial: number | null
  /** The CREDIT's date and time (the MAC2 and the TAC cover them) and the balance before it. */
  readonly creditDate: string | null
  readonly creditTime: string | null
  readonly balanceBeforeFen: number | null
  readonly nextAttemptMs: number
  readonly outcome: 'loaded' | 'undeliverable' | null
  readonly detail: string | null
  readonly cardBalanceFen: number | null
}

interface Row {
  payment_id: string
  msisdn: string
  card_number: string
  amount_fen: number
  stage: OtaStage
  attempts: number
  counter: number
  credit_serial: number | null
  credit_date: string | null
  credit_time: string | null
  balance_before_fen: number | null
  next_attempt_ms: number
  outcome: 'loaded' | 'undeliverable' | null
  detail: string | null
  card_balance_fen: number | null
}

const schema = `
  CREATE TABLE IF NOT EXISTS loads (
    payment_id TEXT PRIMARY KEY,
    msisdn TEXT NOT NULL,
    card_number TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    stage TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    counter INTEGER NOT NULL,
    credit_serial INTEGER,
    credit_date TEXT,
    credit_time TEXT,
    balance_before_fen INTEGER,
    next_attempt_ms INTEGER NOT NULL,
    outcome TEXT,
    detail TEXT,
    card_balance_fen INTEGER,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS loads_due ON loads (next_attempt_ms) WHERE stage != 'done';
  CREATE INDEX IF NOT EXISTS loads_card ON loads (msisdn, counter) WHERE stage != 'done';
  CREATE INDEX IF NOT EXISTS loads_open ON loads (card_number) WHERE stage != 'done';
  CREATE TABLE IF NOT EXISTS counters (card_number TEXT PRIMARY KEY, counter INTEGER NOT NULL);`

function loadOf(row: Row): OtaLoad {
  return {
    paymentId: row.payment_id,
    msisdn: row.msisdn,
    cardNumber: row.card_number,
    amountFen: row.amount_fen,
    stage: row.stage,
    attempts: row.attempts,
    counter: row.counter,
    creditSerial: row.credit_serial,
    creditDate: row.credit_date,
    creditTime: row.credit_time,
    balanceBeforeFen: row.balance_before_fen,
    nextAttemptMs: row.next_attempt_ms,
    outcome: row.outcome,
    detail: row.detail,
    cardBalanceFen: row.card_balance_fen,
  }
}

export class OtaLoadStore {
  private readonly db: Database.Database

  constructor(path: string) {
    this.db = openWorkingDatabase(path, 'full')
    this.db.exec(schema)
  }

  /** A new load, due now; a load already known is left as it is (false). */
  add(load: Pick<OtaLoad, 'paymentId' | 'msisdn' | 'cardNumber' | 'amountFen'>, nowMs: number) {
    const inserted = this.db
      .prepare(
        `INSERT OR IGNORE INTO loads (payment_id, msisdn, card_number, amount_fen, stage, attempts,
           counter, next_attempt_ms, created_ms)
         VALUES (?, ?, ?, ?, 'init', 0, -1, ?, ?)`,
      )
      .run(load.paymentId, load.msisdn, load.cardNumber, load.amountFen, nowMs, nowMs)
    return inserted.changes > 0
  }

  get(paymentId: string): OtaLoad | null {
    const row = this.db.prepare('SELECT * FROM loads WHERE payment_id = ?').get(paymentId) as
      | Row
      | undefined
    return row === undefined ? null : loadOf(row)
  }

  /** The open load of a card whose last packet had this counter. */
  byCounter(msisdn: string, counter: number): OtaLoad | null {
    const row = this.db
      .prepare("SELECT * FROM loads WHERE msisdn = ? AND counter = ? AND stage != 'done'")
      .get(msisdn, counter) as Row | undefined
    return row === undefined ? null : loadOf(row)
  }

  /**
   * Loads due now, each the oldest open load of its card: a card takes one load at a time (a
   * second INITIALIZE would end the first's, and the online serial that settles a lost answer
   * must be this load's alone).
   */
  due(nowMs: number, limit: number): OtaLoad[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM loads AS l WHERE stage != 'done' AND next_attempt_ms <= ?
             AND NOT EXISTS (SELECT 1 FROM loads AS o WHERE o.card_number = l.card_number
               AND o.stage != 'done' AND o.rowid < l.rowid)
           ORDER BY next_attempt_ms LIMIT ?`,
        )
        .all(nowMs, limit) as Row[]
    ).map(loadOf)
  }

  /** Loads not done, the oldest first: what the operator sees of top-ups still on their way. */
  open(limit: number): OtaLoad[] {
    return (
      this.db
        .prepare("SELECT * FROM loads WHERE stage != 'done' ORDER BY rowid LIMIT ?")
        .all(limit) as Row[]
    ).map(loadOf)
  }

  /** Loads not done, for the console and the stop. */
  openCount(): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM loads WHERE stage != 'done'").get() as {
        n: number
      }
    ).n
  }

  /** The card's next OTA counter, taken for good (a packet lost still used it). */
  nextCounter(cardNumber: string): number {
    return this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT counter FROM counters WHERE card_number = ?')
        .get(cardNumber) as { counter: number } | undefined
      const next = (row?.counter ?? 0) + 1
      this.db
        .prepare(
          'INSERT INTO counters (card_number, counter) VALUES (?, ?) ' +
            'ON CONFLICT (card_number) DO UPDATE SET counter = excluded.counter',
        )
        .run(cardNumber, next)
      return next
    })()
  }

  /** Moves the card's counter on past what the SIM last took (it said ours was too low). */
  skipCounter(cardNumber: string, by: number): void {
    this.db
      .prepare('UPDATE counters SET counter = counter + ? WHERE card_number = ?')
      .run(by, cardNumber)
  }

  update(paymentId: string, change: Partial<Omit<OtaLoad, 'paymentId'>>): void {
    const columns: Record<string, string> = {
      stage: 'stage',
      attempts: 'attempts',
      counter: 'counter',
      creditSerial: 'credit_serial',
      creditDate: 'credit_date',
      creditTime: 'credit_time',
      balanceBeforeFen: 'balance_before_fen',
      nextAttemptMs: 'next_attempt_ms',
      outcome: 'outcome',
      detail: 'detail',
      cardBalanceFen: 'card_balance_fen',
    }
    const entries = Object.entries(change).filter(([key]) => key in columns)
    if (entries.length === 0) return
    const sets = entries.map(([key]) => `${columns[key]} = ?`).join(', ')
    this.db
      .prepare(`UPDATE loads SET ${sets} WHERE payment_id = ?`)
      .run(...entries.map(([, value]) => value as string | number | null), paymentId)
  }

  close(): void {
    this.db.close()
  }
}
