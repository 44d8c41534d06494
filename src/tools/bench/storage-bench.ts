/**
 * storage-bench.ts - `telepay bench storage`: the ledger database's bytes per payment, without
 * the idempotency log's retention and with it. Each run seeds the benchmark world and pushes the
 * same payments through SqliteLedger.executeBatchNow in batches of 1,000, the clock moving so
 * that the retention window (operating.idempotencyKeepMs) holds `windowPayments` of them. The
 * pruned run takes one pruning step of operating.idempotencyPruneRowsMax rows after each batch, as
 * the gateway's sweep would; then the log holds the window only and its freed pages are reused.
 * Also timed: the pruning steps, and steps on the unpruned run's whole log (a backlog).
 *
 * A figure is the file's bytes (page_count * page_size, free pages included) and, per table with
 * its indexes, dbstat's bytes: over all the payments, and over the second half only, when the
 * pruned run is in its steady state. Not a speed benchmark: nothing here has a target.
 * Exports runStorageBench, formatStorageReport, parseStorageBenchArgs, storageBenchUsage.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { defaultLimits, defaultOperatingLimits } from '../../core/index.js'
import { checkLedger } from '../../ledger/reports/ledger-check.js'
import { SqliteLedger } from '../../ledger/sqlite-ledger.js'
import type { ParsedBenchArgs } from './bench-args.js'
import { parseBenchOptions } from './bench-args.js'
import { inBenchDir } from './bench-dir.js'
import { buildBenchWorld, buildPaymentPool, envelopeOf, seedDatabase } from './bench-world.js'
import type { LatencySummary } from './measure.js'
import { ms, rate, Samples, summarizeLatency } from './measure.js'

export interface StorageBenchOptions {
  readonly payments: number
  readonly subscribers: number
  /** Payments made within one retention window: what the pruned log holds in its steady state. */
  readonly windowPayments: number
  /** Steps run on the unpruned run's log, everything in it past the window (a backlog). */
  readonly backlogSteps: number
  /**
   * Keys `storage:<n>` instead of UUID-shaped ones. Each row's key goes into the log's unique
   * index: UUIDs (a merchant's usual Idempotency-Key) land anywhere in it, which splits its pages
   * and makes a pruning step touch pages all over it; counters only ever append.
   */
  readonly sequentialKeys: boolean
  readonly dir: string | null
  readonly keep: boolean
}

const defaults: StorageBenchOptions = {
  payments: 200_000,
  subscribers: 10_000,
  windowPayments: 20_000,
  backlogSteps: 20,
  sequentialKeys: false,
  dir: null,
  keep: false,
}

const batchPayments = 1_000
const keepMs = defaultOperatingLimits.idempotencyKeepMs
const pruneRowsMax = defaultOperatingLimits.idempotencyPruneRowsMax
/** 2026-11-21 10:00 China Standard Time, as the tests' ledgers start. */
const startMs = Date.UTC(2026, 10, 21, 2, 0, 0)

// A backslash that ends a line of the text below continues that line: the usage prints as written
// on one line, the source stays within 100 columns.
export const storageBenchUsage = `usage: telepay bench storage [--payments N] [--subscribers N] \
[--window-payments N] [--backlog-steps N]
                             [--sequential-keys] [--dir PATH] [--keep] [--json]
  --payments N         payments of each run (default ${rate(defaults.payments)})
  --subscribers N      subscribers in the world (default ${rate(defaults.subscribers)})
  --window-payments N  payments within one retention window (default \
${rate(defaults.windowPayments)})
  --backlog-steps N    pruning steps timed on the unpruned log (default ${defaults.backlogSteps})
  --sequential-keys    idempotency keys storage:1, storage:2... (default: UUID-shaped, random)
  --dir PATH           where the database files go (default: a new directory under ./data/bench)
  --keep               keep the database files
  --json               also print the report as JSON`

export function parseStorageBenchArgs(
  args: readonly string[],
): ParsedBenchArgs<StorageBenchOptions> {
  return parseBenchOptions(args, {
    defaults,
    numeric: {
      '--payments': 'payments',
      '--subscribers': 'subscribers',
      '--window-payments': 'windowPayments',
      '--backlog-steps': 'backlogSteps',
    },
    flags: { '--keep': 'keep', '--sequential-keys': 'sequentialKeys' },
    usage: storageBenchUsage,
    check: (options) => {
      const problems: string[] = []
      for (const key of ['payments', 'subscribers', 'windowPayments', 'backlogSteps'] as const)
        if (!Number.isInteger(options[key]) || options[key] < 0)
          problems.push(`${key} must be a whole number`)
      if (options.windowPayments < batchPayments)
        problems.push(`--window-payments must be at least ${batchPayments}`)
      // The second half is the steady state only once the first filled the window.
      if (options.payments < 2 * options.windowPayments || options.payments % 2_000 !== 0)
        problems.push('--payments must be a multiple of 2,000, at least twice --window-payments')
      if (options.subscribers < 10) problems.push('--subscribers must be at least 10')
      return problems
    },
  })
}

export interface TableBytes {
  readonly table: string
  /** The table and its indexes after seeding and at the end. */
  readonly seededBytes: number
  readonly finalBytes: number
}

export interface StorageRun {
  readonly pruned: boolean
  readonly seededBytes: number
  readonly halfBytes: number
  readonly finalBytes: number
  readonly freeBytes: number
  readonly tables: readonly TableBytes[]
  readonly logRows: number
  readonly pruneSteps: { readonly count: number; readonly rows: number } & LatencySummary
  /** executeBatchNow of one batch: how long a payment batch holds the writer, for comparison. */
  readonly batches: LatencySummary
  readonly problems: readonly string[]
}

export interface StorageReport {
  readonly options: StorageBenchOptions
  readonly msPerPayment: number
  readonly unpruned: StorageRun
  readonly pruned: StorageRun
  readonly backlog: { readonly logRows: number; readonly rows: number } & LatencySummary
}

function databaseBytes(ledger: SqliteLedger): { total: number; free: number } {
  const pragma = (name: string): number => Number(ledger.db.pragma(name, { simple: true }))
  const pageSize = pragma('page_size')
  return { total: pragma('page_count') * pageSize, free: pragma('freelist_count') * pageSize }
}

function tableBytes(ledger: SqliteLedger): Map<string, number> {
  const rows = ledger.db
    .prepare(
      'SELECT s.tbl_name AS name, SUM(d.pgsize) AS bytes FROM dbstat d ' +
        'JOIN sqlite_schema s ON s.name = d.name GROUP BY s.tbl_name',
    )
    .all() as { name: string; bytes: bigint }[]
  return new Map(rows.map((row) => [row.name, Number(row.bytes)]))
}

/** The same UUID-shaped key for a payment number in every run: a hash, not a random draw. */
function uuidShapedKey(index: number): string {
  const hex = createHash('sha256').update(`storage:${index}`).digest('hex')
  const parts = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)]
  return `api:${parts.join('-')}-${hex.slice(20, 32)}`
}

async function storageRun(
  path: string,
  options: StorageBenchOptions,
  pruned: boolean,
  msPerPayment: number,
): Promise<{ run: StorageRun; ledger: SqliteLedger; nowMs: number }> {
  const ledger = new SqliteLedger(path, defaultLimits)
  const seeded = databaseBytes(ledger).total
  const seededTables = tableBytes(ledger)
  const pool = buildPaymentPool(options.subscribers, 1)
  const problems: string[] = []
  const steps = new Samples()
  const batches = new Samples()
  let rowsPruned = 0
  let halfBytes = 0
  let nowMs = startMs
  for (let done = 0; done < options.payments; done += batchPayments) {
    const envelopes = Array.from({ length: batchPayments }, (_, index) => {
      nowMs = startMs + Math.round((done + index) * msPerPayment)
      const env = envelopeOf(pool, done + index, 'storage', nowMs)
      return options.sequentialKeys ? env : { ...env, key: uuidShapedKey(done + index) }
    })
    const batchStarted = performance.now()
    const outcomes = ledger.executeBatchNow(envelopes)
    batches.push(performance.now() - batchStarted)
    for (const outcome of outcomes) {
      const problem = outcome.ok
        ? outcome.result.ok
          ? null
          : `refused: ${outcome.result.reason}`
        : `error: ${outcome.error.message}`
      if (problem !== null && problems.length < 5) problems.push(problem)
    }
    if (pruned) {
      const started = performance.now()
      rowsPruned += await ledger.pruneCommandLog(nowMs - keepMs, pruneRowsMax)
      steps.push(performance.now() - started)
    }
    if (done + batchPayments === options.payments / 2) halfBytes = databaseBytes(ledger).total
  }
  const check = checkLedger(ledger.db, { mode: 'full' })
  if (!check.balanced) problems.push('the ledger is not balanced')
  const count = (sql: string): number => Number((ledger.db.prepare(sql).get() as { n: bigint }).n)
  const completed = count("SELECT COUNT(*) AS n FROM payments WHERE state = 'completed'")
  if (completed !== options.payments)
    problems.push(`${completed} payments completed of ${options.payments}`)
  const finalTables = tableBytes(ledger)
  const final = databaseBytes(ledger)
  const run: StorageRun = {
    pruned,
    seededBytes: seeded,
    halfBytes,
    finalBytes: final.total,
    freeBytes: final.free,
    tables: [...finalTables.keys()].sort().map((table) => ({
      table,
      seededBytes: seededTables.get(table) ?? 0,
      finalBytes: finalTables.get(table) ?? 0,
    })),
    logRows: count('SELECT COUNT(*) AS n FROM command_log'),
    pruneSteps: { count: steps.length, rows: rowsPruned, ...summarizeLatency(steps.toArray()) },
    batches: summarizeLatency(batches.toArray()),
    problems,
  }
  return { run, ledger, nowMs }
}

export async function runStorageBench(
  options: StorageBenchOptions,
  progress: (line: string) => void = () => undefined,
): Promise<StorageReport> {
  const msPerPayment = keepMs / options.windowPayments
  return inBenchDir(options, 'storage-', async (dir) => {
    progress(`seeding ${rate(options.subscribers)} subscribers`)
    const world = await buildBenchWorld(options.subscribers)
    const paths = { unpruned: join(dir, 'unpruned.sqlite'), pruned: join(dir, 'pruned.sqlite') }
    for (const path of Object.values(paths)) await seedDatabase(path, world, startMs)
    progress(`${rate(options.payments)} payments without pruning`)
    const unpruned = await storageRun(paths.unpruned, options, false, msPerPayment)
    // The backlog: a database that never pruned, everything in it past the window.
    const logRows = unpruned.run.logRows
    const steps = new Samples()
    let rows = 0
    for (let step = 0; step < options.backlogSteps; step += 1) {
      const started = performance.now()
      rows += await unpruned.ledger.pruneCommandLog(unpruned.nowMs + 1, pruneRowsMax)
      steps.push(performance.now() - started)
    }
    await unpruned.ledger.close()
    progress(`${rate(options.payments)} payments, one pruning step a batch`)
    const pruned = await storageRun(paths.pruned, options, true, msPerPayment)
    await pruned.ledger.close()
    return {
      options,
      msPerPayment,
      unpruned: unpruned.run,
      pruned: pruned.run,
      backlog: { logRows, rows, ...summarizeLatency(steps.toArray()) },
    }
  })
}

/** Bytes a payment, to one decimal. */
function perPayment(bytes: number, payments: number): string {
  return (bytes / payments).toFixed(1)
}

export function formatStorageReport(report: StorageReport): string[] {
  const { options } = report
  const half = options.payments / 2
  const lines = [
    `storage: ${rate(options.payments)} payments a run, ${rate(options.subscribers)} ` +
      `subscribers, batches of ${rate(batchPayments)}, ` +
      `${options.sequentialKeys ? 'sequential' : 'UUID-shaped'} keys; one payment every ` +
      `${(report.msPerPayment / 1000).toFixed(1)} s of the clock, so the ` +
      `${keepMs / 86_400_000}-day window holds ${rate(options.windowPayments)}`,
  ]
  for (const run of [report.unpruned, report.pruned]) {
    lines.push(
      '',
      run.pruned
        ? `with pruning (a step of at most ${rate(pruneRowsMax)} rows after each batch):`
        : 'without pruning:',
      `  database: ${rate(run.seededBytes)} bytes seeded, ${rate(run.finalBytes)} at the end ` +
        `(${rate(run.freeBytes)} of them free pages)`,
      `  bytes a payment: ${perPayment(run.finalBytes - run.seededBytes, options.payments)} ` +
        `over all ${rate(options.payments)}, ` +
        `${perPayment(run.finalBytes - run.halfBytes, half)} over the second half`,
      `  by table, bytes a payment over all: ${run.tables
        .filter((table) => table.finalBytes !== table.seededBytes)
        .map(
          (table) =>
            `${table.table} ${perPayment(table.finalBytes - table.seededBytes, options.payments)}`,
        )
        .join(', ')}`,
    )
    const log = run.tables.find((table) => table.table === 'command_log')
    lines.push(
      `  command_log at the end: ${rate(run.logRows)} rows, ${rate(log?.finalBytes ?? 0)} bytes` +
        (run.logRows > 0
          ? ` (${perPayment(log?.finalBytes ?? 0, run.logRows)} a row with its key index)`
          : ''),
    )
    lines.push(
      `  batches of ${rate(batchPayments)} payments: p50 ${ms(run.batches.p50Ms)}, ` +
        `p99 ${ms(run.batches.p99Ms)}, max ${ms(run.batches.maxMs)}`,
    )
    if (run.pruned)
      lines.push(
        `  pruning steps: ${rate(run.pruneSteps.count)}, ${rate(run.pruneSteps.rows)} rows; ` +
          `p50 ${ms(run.pruneSteps.p50Ms)}, p99 ${ms(run.pruneSteps.p99Ms)}, ` +
          `max ${ms(run.pruneSteps.maxMs)}`,
      )
    const problems = run.problems.join('; ')
    lines.push(
      `  check: ${problems === '' ? 'every payment completed, ledger balanced: ok' : problems}`,
    )
  }
  const { backlog } = report
  lines.push(
    '',
    `backlog: ${rate(backlog.rows)} rows of the unpruned log's ${rate(backlog.logRows)} in ` +
      `steps of at most ${rate(pruneRowsMax)}: p50 ${ms(backlog.p50Ms)}, ` +
      `p99 ${ms(backlog.p99Ms)}, max ${ms(backlog.maxMs)} a step`,
  )
  return lines
}
