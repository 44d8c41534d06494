/**
 * runs.ts - the measurements: telepay through GroupCommit with many submitters in flight or with
 * one payment at a time, and the bare-SQLite baseline in batches or one transaction per payment.
 * Each session opens a freshly seeded database file, warms up, is measured in slices that
 * alternate with the session it is compared with, and checks what it wrote. Exports
 * openTelepaySession, openRawSession, measurePair and their types.
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Envelope } from '../../core/index.js'
import { defaultLimits, defaultOperatingLimits } from '../../core/index.js'
import { GroupCommit } from '../../ledger/group-commit.js'
import { checkLedger } from '../../ledger/reports/ledger-check.js'
import { SqliteLedger } from '../../ledger/sqlite-ledger.js'
import type { SqliteDatabase } from '../../ledger/sqlite-open.js'
import type { PoolPayment } from './bench-world.js'
import { envelopeOf } from './bench-world.js'
import type { LatencySummary } from './measure.js'
import { Samples, summarizeLatency } from './measure.js'
import { openRawWriter } from './raw-sqlite.js'

export interface RunResult {
  /** Payments completed and acknowledged in the measured window. */
  readonly payments: number
  readonly elapsedS: number
  readonly paymentsPerSecond: number
  /**
   * telepay: submit to resolved promise; raw: the transaction holding the payment, begin to commit.
   */
  readonly latency: LatencySummary
  readonly transactions: number
  readonly meanBatch: number
  readonly largestBatch: number
  /** Problems found: refusals, errors, an unbalanced ledger, a count mismatch. Empty when sound. */
  readonly problems: readonly string[]
  /**
   * Completed payments in the database after the run (warm-up included) and the ones acknowledged.
   */
  readonly completedInDb: number
  readonly acknowledged: number
}

export interface RunOptions {
  readonly path: string
  readonly pool: readonly PoolPayment[]
  /**
   * Unmeasured payments first, always in batches, the same for every run: one pass over the pool
   * loads every subscriber and account into telepay's caches (the state a running gateway is in)
   * and grows each database alike before its measurement starts.
   */
  readonly warmupPayments: number
  /**
   * Idempotency keys: `sequential` counters (as SMPP message ids are) or `random` UUIDs (as a
   * merchant's Idempotency-Key usually is: each lands anywhere in the key's index). Default
   * sequential.
   */
  readonly keys?: 'sequential' | 'random'
  /** Told every 100,000 warm-up payments: a warm-up can be a history of millions. */
  readonly warmupProgress?: (done: number) => void
}

/** The key of payment number `index` of a run. */
function keyOf(options: RunOptions, index: number): string {
  return options.keys === 'random' ? randomUUID() : `bench:${index}`
}

/** Batch size (raw) and submitters in flight (telepay) of the warm-up. */
const warmupBatch = 1_000
const warmupInFlight = 2_000

interface Tally {
  ok: number
  refused: Map<string, number>
  errors: number
  firstError: string | null
}

/**
 * One side of a comparison, measured in slices that can alternate with the other side's: the
 * disk of a shared VM drifts, and alternating keeps the drift out of the ratio.
 */
export interface RunSession {
  /** The unmeasured warm-up: `warmupPayments` in batches. */
  warmUp(): Promise<void>
  /** Measures for `seconds` more, adding to what earlier slices measured. */
  measure(seconds: number): Promise<void>
  /** Mean payments per transaction measured so far. */
  meanBatch(): number
  /** Checks the ledger, closes the database and sums up every slice. */
  finish(): Promise<RunResult>
}

/** telepay: `inFlight` submitters, each awaiting its payment's answer before sending the next. */
export function openTelepaySession(
  options: RunOptions & {
    readonly inFlight: number
    readonly batchMax: number
    /** The ledger's row caches' bound (ledgerCacheRowsMax); absent: the default. */
    readonly cacheRowsMax?: number
  },
): RunSession {
  const ledger = new SqliteLedger(options.path, defaultLimits, {
    cacheRowsMax: options.cacheRowsMax,
  })
  const groupCommit = new GroupCommit(
    ledger,
    options.batchMax,
    defaultOperatingLimits.commandQueueDepthMax,
  )
  const tally: Tally = { ok: 0, refused: new Map(), errors: 0, firstError: null }
  const measured = { payments: 0, elapsedS: 0, transactions: 0, commands: 0, largestBatch: 0 }
  const latencies = new Samples()
  let next = 0
  const phase = async (
    seconds: number,
    inFlight: number,
    payments: number,
    samples: Samples | null,
  ): Promise<number> => {
    const started = performance.now()
    const deadline = started + seconds * 1000
    const last = next + payments
    const submitter = async (): Promise<void> => {
      while (performance.now() < deadline && next < last) {
        const env = {
          ...envelopeOf(options.pool, next, 'bench', Date.now()),
          key: keyOf(options, next),
        }
        next += 1
        if (samples === null && next % 100_000 === 0) options.warmupProgress?.(next)
        const submitted = performance.now()
        try {
          const result = await groupCommit.submit(env)
          samples?.push(performance.now() - submitted)
          if (result.ok) tally.ok += 1
          else
            tally.refused.set(
              result.reason ?? 'unknown',
              (tally.refused.get(result.reason ?? 'unknown') ?? 0) + 1,
            )
        } catch (error) {
          tally.errors += 1
          tally.firstError ??= error instanceof Error ? error.message : String(error)
        }
      }
    }
    await Promise.all(Array.from({ length: inFlight }, submitter))
    return (performance.now() - started) / 1000
  }
  return {
    warmUp: async () => {
      await phase(Number.POSITIVE_INFINITY, warmupInFlight, options.warmupPayments, null)
    },
    measure: async (seconds) => {
      const before = { ok: tally.ok, ...groupCommit.stats }
      groupCommit.stats.largestBatch = 0
      measured.elapsedS += await phase(
        seconds,
        options.inFlight,
        Number.POSITIVE_INFINITY,
        latencies,
      )
      measured.payments += tally.ok - before.ok
      measured.transactions += groupCommit.stats.batches - before.batches
      measured.commands += groupCommit.stats.commands - before.commands
      measured.largestBatch = Math.max(measured.largestBatch, groupCommit.stats.largestBatch)
    },
    meanBatch: () => (measured.transactions === 0 ? 0 : measured.commands / measured.transactions),
    finish: async () => {
      const check = checkLedger(ledger.db, { mode: 'full' })
      const completedInDb = countCompleted(ledger.db)
      await ledger.close()
      return {
        payments: measured.payments,
        elapsedS: measured.elapsedS,
        paymentsPerSecond: measured.payments / measured.elapsedS,
        latency: summarizeLatency(latencies.toArray()),
        transactions: measured.transactions,
        meanBatch: measured.transactions === 0 ? 0 : measured.commands / measured.transactions,
        largestBatch: measured.largestBatch,
        problems: problemsOf(tally, check.balanced, completedInDb),
        completedInDb,
        acknowledged: tally.ok,
      }
    },
  }
}

function countCompleted(db: SqliteDatabase): number {
  return Number(
    (
      db.prepare("SELECT COUNT(*) AS n FROM payments WHERE state = 'completed'").get() as {
        n: bigint
      }
    ).n,
  )
}

function problemsOf(tally: Tally, balanced: boolean, completedInDb: number): string[] {
  const problems: string[] = []
  for (const [reason, count] of tally.refused)
    problems.push(`${count} payments refused (${reason})`)
  if (tally.errors > 0)
    problems.push(
      `${tally.errors} payments failed with an error (first: ${tally.firstError ?? ''})`,
    )
  if (!balanced) problems.push('ledger check: not balanced')
  if (completedInDb !== tally.ok)
    problems.push(`${completedInDb} completed payments in the database, ${tally.ok} acknowledged`)
  return problems
}

/** The bare script: `batchSize()` payments per transaction, back to back. */
export function openRawSession(
  options: RunOptions & { readonly batchSize: () => number },
): RunSession {
  const writer = openRawWriter(options.path)
  const tally: Tally = { ok: 0, refused: new Map(), errors: 0, firstError: null }
  const measured = { payments: 0, elapsedS: 0, transactions: 0, largestBatch: 0 }
  const latencies = new Samples()
  let next = 0
  const batch: Envelope[] = []
  const phase = (
    seconds: number,
    batchSize: number,
    payments: number,
    samples: Samples | null,
  ): { elapsedS: number; transactions: number } => {
    const started = performance.now()
    const deadline = started + seconds * 1000
    const last = next + payments
    let transactions = 0
    while (performance.now() < deadline && next < last) {
      batch.length = 0
      const count = Math.min(batchSize, last - next)
      for (let index = 0; index < count; index += 1) {
        batch.push({
          ...envelopeOf(options.pool, next, 'bench', Date.now()),
          key: keyOf(options, next),
        })
        next += 1
      }
      const begun = performance.now()
      try {
        writer.commit(batch)
        tally.ok += batch.length
      } catch (error) {
        tally.errors += batch.length
        tally.firstError ??= error instanceof Error ? error.message : String(error)
      }
      samples?.push(performance.now() - begun)
      transactions += 1
    }
    return { elapsedS: (performance.now() - started) / 1000, transactions }
  }
  return {
    warmUp: () => {
      phase(Number.POSITIVE_INFINITY, warmupBatch, options.warmupPayments, null)
      return Promise.resolve()
    },
    measure: (seconds) => {
      const before = tally.ok
      const batchSize = options.batchSize()
      const slice = phase(seconds, batchSize, Number.POSITIVE_INFINITY, latencies)
      measured.elapsedS += slice.elapsedS
      measured.transactions += slice.transactions
      measured.payments += tally.ok - before
      measured.largestBatch = Math.max(measured.largestBatch, batchSize)
      return Promise.resolve()
    },
    meanBatch: () => (measured.transactions === 0 ? 0 : measured.payments / measured.transactions),
    finish: () => {
      const check = checkLedger(writer.db, { mode: 'full' })
      const completedInDb = countCompleted(writer.db)
      writer.close()
      return Promise.resolve({
        payments: measured.payments,
        elapsedS: measured.elapsedS,
        paymentsPerSecond: measured.payments / measured.elapsedS,
        latency: summarizeLatency(latencies.toArray()),
        transactions: measured.transactions,
        meanBatch: measured.transactions === 0 ? 0 : measured.payments / measured.transactions,
        largestBatch: measured.largestBatch,
        problems: problemsOf(tally, check.balanced, completedInDb),
        completedInDb,
        acknowledged: tally.ok,
      })
    },
  }
}

/**
 * Measures two sessions for `seconds` each, in `slices` alternating slices (A B B A A B ...),
 * after warming both up: each side meets the disk in the same states as the other.
 */
export async function measurePair(
  first: RunSession,
  second: RunSession,
  seconds: number,
  slices: number,
): Promise<[RunResult, RunResult]> {
  await first.warmUp()
  await second.warmUp()
  for (let slice = 0; slice < slices; slice += 1) {
    const order = slice % 2 === 0 ? [first, second] : [second, first]
    for (const session of order) await session.measure(seconds / slices)
  }
  return [await first.finish(), await second.finish()]
}
