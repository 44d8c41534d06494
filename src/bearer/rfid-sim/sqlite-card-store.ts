/**
 * sqlite-card-store.ts - the simulated RFID-SIMs' purses, kept in a working file of the gateway
 * (rfid-sim.sqlite beside the ledger): one row per card, its whole state written in one statement,
 * synchronous FULL, so that a purchase or a load the card answered survives the gateway's crash
 * and one it did not answer never half-happened (the card-state.ts contract). A card never written
 * reads as the empty purse every subscriber's SIM is issued with; the SIMs' OTA counters are kept
 * beside. Exports SqliteCardStore.
 */
import type Database from 'better-sqlite3'
import { openWorkingDatabase } from '../../gateway/working-db.js'
import type { CardState, CardStore, OtaCounterStore } from './card-state.js'
import { emptyCardState } from './card-state.js'

export class SqliteCardStore implements CardStore, OtaCounterStore {
  private readonly db: Database.Database
  private readonly select: Database.Statement<[string], { state: string }>
  private readonly upsert: Database.Statement<[string, string]>
  private readonly selectCounter: Database.Statement<[string], { counter: number }>
  private readonly upsertCounter: Database.Statement<[string, number]>

  constructor(path: string) {
    this.db = openWorkingDatabase(path, 'full')
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS cards (card_number TEXT PRIMARY KEY, state TEXT NOT NULL);' +
        // The SIM's OTA counter (the last packet's CNTR it took), apart from the purse applet's
        // state: an envelope between a load's two halves must not be undone by the second.
        'CREATE TABLE IF NOT EXISTS ota_counters (card_number TEXT PRIMARY KEY, counter INTEGER)',
    )
    this.selectCounter = this.db.prepare('SELECT counter FROM ota_counters WHERE card_number = ?')
    this.upsertCounter = this.db.prepare(
      'INSERT INTO ota_counters (card_number, counter) VALUES (?, ?) ' +
        'ON CONFLICT (card_number) DO UPDATE SET counter = excluded.counter',
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

  lastCounter(cardNumber: string): number {
    return this.selectCounter.get(cardNumber)?.counter ?? -1
  }

  takeCounter(cardNumber: string, counter: number): void {
    this.upsertCounter.run(cardNumber, counter)
  }

  close(): void {
    this.db.close()
  }
}
