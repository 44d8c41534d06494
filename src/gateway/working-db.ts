/**
 * working-db.ts - opens a channel's working database beside the ledger (dialogs of USSD, IVR and
 * WAP, IVR call records, the last MO of each phone). It is the gateway's because the channels
 * keep such files and may not import the ledger's modules. Exports openWorkingDatabase,
 * WorkingDatabase.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type WorkingDatabase = Database.Database

/**
 * WAL with synchronous=NORMAL, because what such a file holds can be lost to a power cut without
 * losing or doubling money (the ledger, with FULL, is the record), and every write stays an
 * append to the log.
 */
export function openWorkingDatabase(
  path: string,
  /**
   * `full`: what the file holds must survive a power cut (a terminal's records, a card's purse,
   * a load on its way to a card: money that exists nowhere else yet).
   */
  durability: 'normal' | 'full' = 'normal',
): WorkingDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL')
  // Another process (an operator's sqlite3 shell) may read while the gateway writes.
  db.pragma('busy_timeout = 5000')
  return db
}
