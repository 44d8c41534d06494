/**
 * check-state.ts - what the incremental ledger check keeps between runs, in a database file of
 * its own beside the ledger (telepay.sqlite -> telepay.check.sqlite): the last transfer read, the
 * running counts, each account's entry sum through that transfer, and the transfers found not to
 * sum to zero. It lives outside the ledger so that keeping it never takes the ledger's write lock
 * from the gateway. It is derived data: deleting the file costs one check that reads everything.
 */
import type { SqliteDatabase } from '../sqlite-open.js'

/** The state's file for a ledger file; an in-memory ledger keeps its state in memory. */
export function checkStatePath(ledgerPath: string): string {
  if (ledgerPath === ':memory:') return ':memory:'
  return `${ledgerPath.replace(/\.sqlite$/, '')}.check.sqlite`
}

/** Attaches the state as `chk` to a connection that has the ledger as `main`. */
export function attachCheckState(db: SqliteDatabase, ledgerPath: string): void {
  const path = checkStatePath(ledgerPath)
  db.prepare('ATTACH DATABASE ? AS chk').run(path)
  if (path === ':memory:') return
  // Readers of the state (a CLI check beside the gateway's) do not wait for its writer; a state
  // cut short by a crash is at worst a step behind, which the next check reads again.
  db.pragma('chk.journal_mode = WAL')
  db.pragma('chk.synchronous = NORMAL')
}

/** The state's tables in `schema`: `chk` (kept) or `temp` (a full check's, thrown away). */
export function checkStateSchema(schema: 'chk' | 'temp'): string {
  return `
    CREATE TABLE IF NOT EXISTS ${schema}.mark (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      through_transfer_id INTEGER NOT NULL,
      through_created_ms INTEGER NOT NULL,
      transfers INTEGER NOT NULL,
      entries INTEGER NOT NULL,
      orphans INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${schema}.sums (
      account_id INTEGER PRIMARY KEY,
      entries_minor INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${schema}.unbalanced (
      transfer_id INTEGER PRIMARY KEY,
      sum_minor INTEGER NOT NULL
    );`
}

export interface CheckMark {
  readonly throughTransferId: number
  readonly transfers: number
  readonly entries: number
  readonly orphans: number
}

const nothingRead: CheckMark = { throughTransferId: 0, transfers: 0, entries: 0, orphans: 0 }

/**
 * Where the last check stopped, if it was this ledger's: the transfer it read last must still be
 * there with the same time. A state that does not match (another ledger put in this one's
 * place, or a ledger restored from an older backup) is cleared, and the check reads everything.
 */
export function readMark(
  db: SqliteDatabase,
  schema: 'chk' | 'temp',
  lastTransferId: number,
): CheckMark {
  const row = db
    .prepare(
      `SELECT through_transfer_id AS id, through_created_ms AS createdMs, transfers, entries, ` +
        `orphans FROM ${schema}.mark WHERE id = 1`,
    )
    .get() as
    | { id: bigint; createdMs: bigint; transfers: bigint; entries: bigint; orphans: bigint }
    | undefined
  if (row === undefined) return nothingRead
  const throughTransferId = Number(row.id)
  const still =
    throughTransferId === 0 ||
    (throughTransferId <= lastTransferId &&
      transferCreatedMs(db, throughTransferId) === Number(row.createdMs))
  if (!still) {
    db.exec(`DELETE FROM ${schema}.sums; DELETE FROM ${schema}.unbalanced`)
    return nothingRead
  }
  return {
    throughTransferId,
    transfers: Number(row.transfers),
    entries: Number(row.entries),
    orphans: Number(row.orphans),
  }
}

/** When a transfer was written, which names it in the state with its id; null: no such one. */
export function transferCreatedMs(db: SqliteDatabase, transferId: number): number | null {
  const row = db.prepare('SELECT created_ms FROM main.transfers WHERE id = ?').get(transferId) as
    | { created_ms: bigint }
    | undefined
  return row === undefined ? null : Number(row.created_ms)
}
