/**
 * sqlite-card-store.ts - the simulated RFID-SIMs' purses, kept in a working file of the gateway
 * (rfid-sim.sqlite beside the ledger): one row per card, its whole state written in one statement,
 * synchronous FULL, so that a purchase or a load the card answered survives the gateway's crash
 * and one it did not answer never half-happened (the card-state.ts contract). A card never written
 * reads as the empty purse every subscriber's SIM is issued with. Exports SqliteCardStore.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { CardState, CardStore } from './card-state.js'
import { emptyCardState } from './card-state.js'

export class SqliteCardStore implements CardStore {
  private readonly db: Database.Database
  private readonly select: Database.Statement<[string], { state: string }>
  private readonly upsert: Database.Statement<[string, string]>

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS cards (card_number TEXT PRIMARY KEY, state TEXT NOT NULL)',
    )
    this.select = this.db.prepare('SELECT state FROM cards WHERE card_number = ?')
    this.upsert = this.db.prepare(
      'INSERT INTO cards (card_number, state) VALUES (?, ?) ' +
        'ON CONFLICT (card_number) DO UPDATE SET state = excluded.state',
    )
  }

  read(cardNumber: string): CardState {
    const row = this.select.get(cardNumber)
    return row === undefined ? emptyCardState : (JSON.parse(row.state) as CardState)
  }

  commit(cardNumber: string, state: CardState): void {
    this.upsert.run(cardNumber, JSON.stringify(state))
  }

  close(): void {
    this.db.close()
  }
}
