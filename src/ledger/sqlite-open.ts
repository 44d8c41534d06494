/**
 * sqlite-open.ts - opens a ledger database with the settings durability depends on, and brings
 * its schema up to date. better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a WAL
 * database reopens with synchronous=NORMAL (not power-safe): FULL is set on every open.
 */

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { migrations, schemaVersion } from './schema.js'

export type SqliteDatabase = Database.Database

/**
 * Pages SQLite keeps in its own cache for the writer, outside the JavaScript heap (the default is
 * 2 MiB). With a million subscribers the payers the row caches miss are read from here: their
 * account and subscriber pages, and every index's inner pages. The cache fills only as pages are
 * read, so start-up memory does not grow with it. At 400,000 subscribers the raw-SQLite baseline
 * went from 7,073 to 10,954 payments/s with it (telepay bench scale --sections A), and telepay's
 * payer misses cost two reads from memory instead of from the file.
 */
export const ledgerPageCacheKib = 256 * 1024

export function openLedgerDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  // Another process (telepay ledger check) may read while the gateway writes. Set first, so that
  // the opening statements wait out another connection's lock too, not only the later ones.
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.defaultSafeIntegers(true)
  db.pragma(`cache_size = -${ledgerPageCacheKib}`)
  migrate(db)
  return db
}

function migrate(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID',
  )
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined
  const current = row === undefined ? 0 : Number(row.value)
  if (current > schemaVersion) {
    throw new Error(
      `ledger database is at schema version ${current}, newer than this telepay knows ` +
        `(${schemaVersion})`,
    )
  }
  const pending = migrations.filter((migration) => migration.version > current)
  if (pending.length === 0) return
  // All pending migrations in one transaction: one commit (one fsync under synchronous = FULL)
  // instead of one each, which was most of a fresh gateway's time to open its ledger; and a
  // ledger is never left between two versions.
  db.transaction(() => {
    for (const migration of pending) {
      if (migration.unless === undefined || db.prepare(migration.unless).get() === undefined)
        db.exec(migration.sql)
    }
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) " +
        'DO UPDATE SET value = excluded.value',
    ).run(String(schemaVersion))
  }).immediate()
}
