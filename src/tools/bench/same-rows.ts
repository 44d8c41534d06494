/**
 * same-rows.ts - proves the baseline fair: the same payments, with the same keys and clock, go
 * through telepay and through the bare script on two copies of the same seeded database, and
 * every table must come out identical. Exports compareRows.
 */
import { copyFileSync } from 'node:fs'
import type { Envelope } from '../../core/index.js'
import { defaultLimits } from '../../core/index.js'
import { encodeJson } from '../../ledger/codec.js'
import { SqliteLedger } from '../../ledger/sqlite-ledger.js'
import type { SqliteDatabase } from '../../ledger/sqlite-open.js'
import type { PoolPayment } from './bench-world.js'
import { envelopeOf } from './bench-world.js'
import { openRawWriter } from './raw-sqlite.js'

const tables: readonly { readonly name: string; readonly order: string }[] = [
  { name: 'subscribers', order: 'msisdn' },
  { name: 'accounts', order: 'id' },
  { name: 'payments', order: 'seq' },
  { name: 'transfers', order: 'id' },
  { name: 'entries', order: 'transfer_id, leg' },
  { name: 'command_log', order: 'key' },
  { name: 'outbox', order: 'id' },
]

export interface RowComparison {
  readonly payments: number
  /** Rows each payment added, by table, as telepay wrote them. */
  readonly rowsPerPayment: Readonly<Record<string, number>>
  readonly differences: readonly string[]
}

/** `seededPath` is a freshly seeded, checkpointed database; two copies of it are written. */
export async function compareRows(
  seededPath: string,
  pool: readonly PoolPayment[],
  payments: number,
): Promise<RowComparison> {
  const telepayPath = `${seededPath}.telepay-rows`
  const rawPath = `${seededPath}.raw-rows`
  copyFileSync(seededPath, telepayPath)
  copyFileSync(seededPath, rawPath)
  const nowMs = Date.now()
  const envelopes: Envelope[] = Array.from({ length: payments }, (_, index) =>
    envelopeOf(pool, index, 'rows', nowMs),
  )

  const ledger = new SqliteLedger(telepayPath, defaultLimits)
  const before = countRows(ledger.db)
  const outcomes = ledger.executeBatchNow(envelopes)
  const after = countRows(ledger.db)
  const telepayRows = dumpRows(ledger.db)
  await ledger.close()

  const raw = openRawWriter(rawPath)
  raw.commit(envelopes)
  const rawRows = dumpRows(raw.db)
  raw.close()

  const differences: string[] = []
  const failed = outcomes.filter((outcome) => !outcome.ok || !outcome.result.ok).length
  if (failed > 0) differences.push(`${failed} of ${payments} telepay payments did not complete`)
  for (const table of tables) {
    const ours = telepayRows.get(table.name) ?? []
    const theirs = rawRows.get(table.name) ?? []
    if (ours.length !== theirs.length)
      differences.push(`${table.name}: telepay has ${ours.length} rows, raw ${theirs.length}`)
    const firstDiffering = ours.findIndex((row, index) => row !== theirs[index])
    if (firstDiffering >= 0)
      differences.push(
        `${table.name}: first differing row\n  telepay ${ours[firstDiffering]}\n  raw     ` +
          `${theirs[firstDiffering] ?? '(none)'}`,
      )
  }
  const rowsPerPayment: Record<string, number> = {}
  for (const table of tables)
    rowsPerPayment[table.name] =
      ((after.get(table.name) ?? 0) - (before.get(table.name) ?? 0)) / payments
  return { payments, rowsPerPayment, differences }
}

function countRows(db: SqliteDatabase): Map<string, number> {
  return new Map(
    tables.map((table) => [
      table.name,
      Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table.name}`).get() as { n: bigint }).n),
    ]),
  )
}

function dumpRows(db: SqliteDatabase): Map<string, string[]> {
  return new Map(
    tables.map((table) => [
      table.name,
      db.prepare(`SELECT * FROM ${table.name} ORDER BY ${table.order}`).all().map(encodeJson),
    ]),
  )
}
