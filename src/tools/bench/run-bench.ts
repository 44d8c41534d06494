/**
 * run-bench.ts - `telepay bench`: durable payments per second through the core (GroupCommit ->
 * SqliteLedger -> decide), beside a bare-SQLite script writing the same rows on the same disk with
 * the same durability (WAL + synchronous=FULL), each with and without batching, measured in the
 * same run; the ratios, p50/p99 latency, and PASS/FAIL against the targets of the benchmark
 * issue. Speed targets are checked here, never by timed unit tests. Exports runBench,
 * seedBenchFiles, measureBatchedPair, BenchFiles and slicesPerMeasurement.
 *
 * Excluded from every figure: PIN verification (scrypt, done before the core; all subscribers
 * share one hash), channel parsing, and the sha256 command hash, computed once per command of
 * the payment pool as the channel edge would.
 */
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { defaultOperatingLimits } from '../../core/index.js'
import { inBenchDir } from './bench-dir.js'
import type { PoolPayment } from './bench-world.js'
import { buildBenchWorld, buildPaymentPool, seedDatabase } from './bench-world.js'
import { openIsolatedSession } from './isolated/isolated-session.js'
import type { FsyncFigure, MachineInfo } from './measure.js'
import { machineInfo, measureFsync } from './measure.js'
import type { RunResult } from './runs.js'
import { measurePair, openRawSession, openTelepaySession } from './runs.js'
import type { RowComparison } from './same-rows.js'
import { compareRows } from './same-rows.js'

/** The targets on a 2-core machine. */
export const benchTargets = {
  groupCommitPaymentsPerSecondMin: 30_000,
  batchedRatioMin: 0.5,
  unbatchedRatioMin: 0.8,
} as const

const subscriberCountDefault = 10_000
/** Twice the batch bound: one batch commits while the next one fills. */
const inFlightPerBatch = 2
const rowCheckPayments = 200
/** Each measurement runs in this many slices, alternating with the one it is compared with. */
export const slicesPerMeasurement = 4

interface BenchOptions {
  readonly seconds: number
  readonly dir: string | null
  readonly json: boolean
  readonly subscribers: number
  readonly inFlight: number
  readonly batchMax: number
  readonly keep: boolean
}

type Parsed =
  | { readonly ok: true; readonly options: BenchOptions }
  | { readonly ok: false; readonly error: string }

// A backslash that ends a line of the text below continues that line: the usage prints as written
// on one line, the source stays within 100 columns.
const usage = `usage: telepay bench ledger [--seconds N] [--dir PATH] [--subscribers N] \
[--batch-max N] [--in-flight N] [--keep] [--json]
  --seconds N      length of each of the four measurements (default 5), each after an unmeasured
                   warm-up: every pooled payment once (two per subscriber), in batches
  --dir PATH       where the database files go (default: a new directory under ./data/bench, the \
gateway's disk)
  --subscribers N  subscribers in the world (default ${subscriberCountDefault})
  --batch-max N    commands per group commit \
(default ${defaultOperatingLimits.groupCommitCommandsMax}, the gateway's groupCommitCommandsMax)
  --in-flight N    concurrent submitters for the group-commit run (default twice the batch bound)
  --keep           keep the database files
  --json           also print a JSON summary`

export function parseBenchArgs(args: readonly string[]): Parsed {
  const options = {
    seconds: 5,
    dir: null as string | null,
    json: false,
    subscribers: subscriberCountDefault,
    keep: false,
    batchMax: defaultOperatingLimits.groupCommitCommandsMax,
    inFlight: null as number | null,
  }
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]
    const value = args[index + 1]
    const number = (name: string, min: number): number | string => {
      index += 1
      const parsed = Number(value)
      return value !== undefined && Number.isFinite(parsed) && parsed >= min
        ? parsed
        : `${name} needs a number >= ${min}`
    }
    let outcome: number | string | null = null
    switch (arg) {
      case '--seconds':
        outcome = number(arg, 0.1)
        if (typeof outcome === 'number') options.seconds = outcome
        break
      case '--subscribers':
        outcome = number(arg, 10)
        if (typeof outcome === 'number') options.subscribers = Math.floor(outcome)
        break
      case '--in-flight':
        outcome = number(arg, 1)
        if (typeof outcome === 'number') options.inFlight = Math.floor(outcome)
        break
      case '--batch-max':
        outcome = number(arg, 1)
        if (typeof outcome === 'number') options.batchMax = Math.floor(outcome)
        break
      case '--dir':
        if (value === undefined) return { ok: false, error: '--dir needs a path' }
        options.dir = value
        index += 1
        break
      case '--json':
        options.json = true
        break
      case '--keep':
        options.keep = true
        break
      case '--help':
      case '-h':
        return { ok: false, error: usage }
      default:
        return { ok: false, error: `unknown option ${String(arg)}\n${usage}` }
    }
    if (typeof outcome === 'string') return { ok: false, error: outcome }
  }
  return {
    ok: true,
    options: { ...options, inFlight: options.inFlight ?? options.batchMax * inFlightPerBatch },
  }
}

interface Measurement {
  readonly name: string
  readonly label: string
  readonly result: RunResult
}

export async function runBench(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const parsed = parseBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const options = parsed.options
  return inBenchDir(options, 'run-', (dir) => benchIn(dir, options))
}

async function benchIn(dir: string, options: BenchOptions): Promise<number> {
  const machine = machineInfo()
  const fsync = measureFsync(dir, 0.5)
  const { pool, subscribers, poolSeed, seeded, fresh } = await seedBenchFiles(
    dir,
    options.subscribers,
  )
  log(
    `telepay bench: ${options.subscribers.toLocaleString('en')} subscribers, ` +
      `${options.seconds} s per measurement (${slicesPerMeasurement} alternating slices) ` +
      `after a warm-up of ${pool.length.toLocaleString('en')} payments, databases in ${dir}`,
  )
  const rows = await compareRows(seeded, pool, rowCheckPayments)
  const rowVerdict =
    rows.differences.length === 0
      ? 'telepay and the raw script wrote identical rows'
      : 'ROWS DIFFER'
  log(`row check: ${rowVerdict} for ${rows.payments} payments`)

  const common = { pool, warmupPayments: pool.length }
  const measurements: Measurement[] = []
  const record = (name: string, label: string, result: RunResult): void => {
    measurements.push({ name, label, result })
    log(`  ${label}: ${formatRate(result.paymentsPerSecond)} payments/s`)
  }
  const bound =
    options.batchMax === defaultOperatingLimits.groupCommitCommandsMax
      ? ''
      : ', NOT the gateway default'
  const { telepay: batched, raw: rawBatched } = await measureBatchedPair({
    ...options,
    pool,
    subscribers,
    poolSeed,
    fresh,
  })
  record(
    'telepay_group_commit',
    `telepay, group commit (<= ${options.batchMax.toLocaleString('en')} per batch${bound}, ` +
      `${options.inFlight.toLocaleString('en')} in flight)`,
    batched,
  )
  record(
    'raw_batched',
    `raw SQLite, ${rawBatched.meanBatch.toLocaleString('en', { maximumFractionDigits: 0 })} ` +
      `per transaction`,
    rawBatched,
  )
  const aloneTelepay = openTelepaySession({
    ...common,
    path: fresh('telepay-alone'),
    inFlight: 1,
    batchMax: options.batchMax,
  })
  const aloneRaw = openRawSession({ ...common, path: fresh('raw-alone'), batchSize: () => 1 })
  const [alone, rawAlone] = await measurePair(
    aloneTelepay,
    aloneRaw,
    options.seconds,
    slicesPerMeasurement,
  )
  record('telepay_alone', 'telepay, each payment commits alone', alone)
  record('raw_alone', 'raw SQLite, one transaction per payment', rawAlone)

  const verdicts = verdictsOf(batched, rawBatched, alone, rawAlone)
  process.stdout.write(`${report(machine, fsync, options, rows, measurements, verdicts)}\n`)
  if (options.json) {
    const summary = jsonSummary(machine, fsync, options, rows, measurements, verdicts)
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
  }
  const sound =
    rows.differences.length === 0 &&
    measurements.every((measurement) => measurement.result.problems.length === 0)
  return sound && verdicts.every((verdict) => verdict.pass) ? 0 : 1
}

/** The seeded world's files: the payment pool, the seeded file, and fresh copies of it by name. */
export interface BenchFiles {
  readonly pool: readonly PoolPayment[]
  /** What the pool is built from (buildPaymentPool), for a session that rebuilds it. */
  readonly subscribers: number
  readonly poolSeed: number
  readonly seeded: string
  /** A new copy of the seeded file, `dir`/`name`.sqlite. */
  readonly fresh: (name: string) => string
}

/** Builds the world of `subscribers` and its payment pool, and seeds `dir`/seeded.sqlite. */
export async function seedBenchFiles(dir: string, subscribers: number): Promise<BenchFiles> {
  const world = await buildBenchWorld(subscribers)
  const pool = buildPaymentPool(subscribers, poolSeed)
  const seeded = join(dir, 'seeded.sqlite')
  await seedDatabase(seeded, world, Date.now())
  if (existsSync(`${seeded}-wal`))
    throw new Error('the seeded database kept a WAL file: copies of it would be incomplete')
  const fresh = (name: string): string => {
    // A copy of the seeded file (checkpointed and closed, so it is complete without its WAL).
    const path = join(dir, `${name}.sqlite`)
    copyFileSync(seeded, path)
    return path
  }
  return { pool, subscribers, poolSeed, seeded, fresh }
}

/** The seed of every bench's payment pool: the same payments in every run. */
const poolSeed = 20_261_121

/**
 * The group-commit pair on fresh copies: telepay with `inFlight` submitters and batches of at
 * most `batchMax`, and the bare script committing as many payments at once as telepay's batches
 * held, each warmed up with every pooled payment once, then measured for `seconds` in alternating
 * slices. Each side runs in a worker thread of its own (isolated/), with its own heap, as it
 * would in a process of its own. Also what `telepay bench scale` runs at each world size.
 */
export async function measureBatchedPair(
  options: Pick<BenchOptions, 'seconds' | 'inFlight' | 'batchMax'> &
    Pick<BenchFiles, 'pool' | 'subscribers' | 'poolSeed' | 'fresh'> & {
      /** telepay's row caches' bound; absent: the default (ledgerCacheRowsMax). */
      readonly cacheRowsMax?: number
    },
): Promise<BatchedPair> {
  const common = {
    subscribers: options.subscribers,
    poolSeed: options.poolSeed,
    warmupPayments: options.pool.length,
  }
  const batchedTelepay = openIsolatedSession({
    side: 'telepay',
    ...common,
    path: options.fresh('telepay-batched'),
    inFlight: options.inFlight,
    batchMax: options.batchMax,
    ...(options.cacheRowsMax === undefined ? {} : { cacheRowsMax: options.cacheRowsMax }),
  })
  // The bare script commits as many payments at once as telepay's batches held (known after
  // telepay's first slice).
  const batchedRaw = openIsolatedSession(
    { side: 'raw', ...common, path: options.fresh('raw-batched') },
    () => Math.max(1, Math.round(batchedTelepay.meanBatch())),
  )
  const [telepay, raw] = await measurePair(
    batchedTelepay,
    batchedRaw,
    options.seconds,
    slicesPerMeasurement,
  )
  return { telepay, raw, telepayHeapBytes: batchedTelepay.heapAfterWarmUpBytes() }
}

/** The two sides' results, and telepay's heap after its warm-up (its caches' cost). */
export interface BatchedPair {
  readonly telepay: RunResult
  readonly raw: RunResult
  readonly telepayHeapBytes: number | null
}

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

interface Verdict {
  readonly name: string
  readonly value: number
  readonly target: number
  readonly pass: boolean
  readonly text: string
}

function verdictsOf(
  batched: RunResult,
  rawBatched: RunResult,
  alone: RunResult,
  rawAlone: RunResult,
): Verdict[] {
  const batchedRatio = batched.paymentsPerSecond / rawBatched.paymentsPerSecond
  const aloneRatio = alone.paymentsPerSecond / rawAlone.paymentsPerSecond
  const targets = benchTargets
  return [
    {
      name: 'group_commit_rate',
      value: batched.paymentsPerSecond,
      target: targets.groupCommitPaymentsPerSecondMin,
      pass: batched.paymentsPerSecond >= targets.groupCommitPaymentsPerSecondMin,
      text:
        `telepay with group commit: ${formatRate(batched.paymentsPerSecond)}/s ` +
        `(target >= ${formatRate(targets.groupCommitPaymentsPerSecondMin)}/s)`,
    },
    {
      name: 'batched_ratio',
      value: batchedRatio,
      target: targets.batchedRatioMin,
      pass: batchedRatio >= targets.batchedRatioMin,
      text:
        `telepay / raw, batched: ${formatRate(batched.paymentsPerSecond)} / ` +
        `${formatRate(rawBatched.paymentsPerSecond)} = ${batchedRatio.toFixed(3)} ` +
        `(target >= ${targets.batchedRatioMin})`,
    },
    {
      name: 'unbatched_ratio',
      value: aloneRatio,
      target: targets.unbatchedRatioMin,
      pass: aloneRatio >= targets.unbatchedRatioMin,
      text:
        `telepay / raw, one commit per payment: ${formatRate(alone.paymentsPerSecond)} / ` +
        `${formatRate(rawAlone.paymentsPerSecond)} = ${aloneRatio.toFixed(3)} ` +
        `(target >= ${targets.unbatchedRatioMin})`,
    },
  ]
}

function report(
  machine: MachineInfo,
  fsync: FsyncFigure,
  options: BenchOptions,
  rows: RowComparison,
  measurements: readonly Measurement[],
  verdicts: readonly Verdict[],
): string {
  const lines: string[] = []
  lines.push(
    `machine: ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, ` +
      `SQLite ${machine.sqlite} (better-sqlite3 ${machine.betterSqlite3})`,
  )
  lines.push(
    `disk: fdatasync of a rewritten 4 KiB block ${fsync.p50Ms.toFixed(3)} ms p50, ` +
      `${formatRate(fsync.perSecond)}/s (${fsync.writes} writes)`,
  )
  lines.push(
    'durability: WAL + synchronous=FULL in every measurement; a payment counts once its ' +
      'commit returned',
  )
  lines.push(
    `world: ${options.subscribers.toLocaleString('en')} subscribers, default merchants; ` +
      `authorized merchant payments, half phone-bill (no PIN), half wallet (PIN already checked)`,
  )
  lines.push(
    'excluded: PIN verification (scrypt), channel parsing, command hashing ' +
      '(precomputed per pooled command)',
  )
  lines.push(
    `warm-up before each measurement, not counted: ` +
      `${(options.subscribers * 2).toLocaleString('en')} payments ` +
      `(each subscriber once from each account) in batches of 1,000`,
  )
  const perPayment = Object.entries(rows.rowsPerPayment)
    .filter(([, count]) => count > 0)
    .map(([table, count]) => `${table} ${count.toFixed(2)}`)
    .join(', ')
  lines.push(
    `rows inserted per payment: ${perPayment}; updated: payer subscriber, payer account, ` +
      `merchant and fee accounts`,
  )
  const sameRows =
    rows.differences.length === 0
      ? `yes, every table identical after ${rows.payments} payments through each`
      : `NO\n  ${rows.differences.join('\n  ')}`
  lines.push(`same rows: ${sameRows}`)
  lines.push('')
  const header = ['measurement', 'payments/s', 'p50 ms', 'p99 ms', 'per txn', 'payments']
  const table = measurements.map((m) => [
    m.label,
    formatRate(m.result.paymentsPerSecond),
    m.result.latency.p50Ms.toFixed(2),
    m.result.latency.p99Ms.toFixed(2),
    m.result.meanBatch.toFixed(m.result.meanBatch % 1 === 0 ? 0 : 1),
    m.result.payments.toLocaleString('en'),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...table.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
  lines.push(line(header))
  for (const row of table) lines.push(line(row))
  lines.push(
    'latency: telepay from submit to the resolved promise (after commit); raw: ' +
      'the transaction holding the payment, begin to commit',
  )
  lines.push(
    `each pair (telepay and raw, batched; telepay and raw, alone) ` +
      `ran in ${slicesPerMeasurement} alternating slices (A B B A ...) on the same disk`,
  )
  lines.push('')
  for (const verdict of verdicts) lines.push(`${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.text}`)
  for (const m of measurements) {
    const state =
      m.result.problems.length === 0 ? 'ok' : `PROBLEMS: ${m.result.problems.join('; ')}`
    lines.push(
      `check ${m.name}: ledger balanced and completed payments = acknowledged ` +
        `(${m.result.completedInDb.toLocaleString('en')} = ` +
        `${m.result.acknowledged.toLocaleString('en')}, warm-up included): ${state}`,
    )
  }
  return lines.join('\n')
}

function jsonSummary(
  machine: MachineInfo,
  fsync: FsyncFigure,
  options: BenchOptions,
  rows: RowComparison,
  measurements: readonly Measurement[],
  verdicts: readonly Verdict[],
) {
  return {
    machine,
    fsync,
    options: {
      seconds: options.seconds,
      warmupPayments: options.subscribers * 2,
      subscribers: options.subscribers,
      inFlight: options.inFlight,
      batchMax: options.batchMax,
    },
    sameRows: {
      payments: rows.payments,
      identical: rows.differences.length === 0,
      rowsPerPayment: rows.rowsPerPayment,
    },
    measurements: measurements.map((m) => ({
      name: m.name,
      label: m.label,
      paymentsPerSecond: Math.round(m.result.paymentsPerSecond),
      payments: m.result.payments,
      elapsedS: m.result.elapsedS,
      p50Ms: m.result.latency.p50Ms,
      p99Ms: m.result.latency.p99Ms,
      maxMs: m.result.latency.maxMs,
      transactions: m.result.transactions,
      meanBatch: m.result.meanBatch,
      largestBatch: m.result.largestBatch,
      problems: m.result.problems,
    })),
    verdicts: verdicts.map((verdict) => ({
      name: verdict.name,
      value: verdict.value,
      target: verdict.target,
      pass: verdict.pass,
    })),
  }
}

function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en')
}
