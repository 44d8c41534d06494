/**
 * group-commit.ts - section A of `telepay bench scale`: the ledger bench's group-commit pair at
 * each world size (10,000, 100,000 and 1,000,000 subscribers by default). Each world is built
 * and seeded once; telepay (GroupCommit -> SqliteLedger, 2,000 submitters in flight, batches of
 * up to 1,000) and the raw-SQLite script writing the same rows in batches as large run on two
 * copies of it, each warmed up with two payments per subscriber (telepay's caches as full as
 * their bound lets them be, as in a running gateway), then measured in alternating slices, exactly
 * as `telepay bench ledger` does (run-bench.ts measureBatchedPair). The checks: the ratio at
 * every size, and no cliff between sizes. Exports groupCommitSection, groupCommitTargets,
 * GroupCommitScaleData, GroupCommitAtSize.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { defaultOperatingLimits } from '../../../core/index.js'
import { rate } from '../measure.js'
import { measureBatchedPair, seedBenchFiles, slicesPerMeasurement } from '../run-bench.js'
import type { RunResult } from '../runs.js'
import type { ScaleCheck, ScaleSectionReport } from './report.js'
import { checkOf, sectionOf } from './report.js'
import type { ScaleSection, SectionContext } from './sections.js'

export const groupCommitTargets = {
  /** telepay's payments per second over the raw script's, at every size. */
  ratioMin: 0.85,
  /**
   * No cliff: from one size to the next the ratio falls by at most this much. The ratio, not
   * the rate: both sides slow down as the file and its indexes outgrow the page cache, and the
   * machine's load moves both alike; what must not happen is telepay losing ground to raw SQLite
   * as the world grows (a cache that stops fitting, a scan that grows with the subscribers).
   */
  ratioDropMax: 0.1,
} as const

/** Twice the batch bound, as the ledger bench: one batch commits while the next one fills. */
const inFlight = defaultOperatingLimits.groupCommitCommandsMax * 2

export interface GroupCommitAtSize {
  readonly subscribers: number
  /** Building the world and seeding its file. */
  readonly seedSeconds: number
  /** The bound of telepay's row caches (ledgerCacheRowsMax) at this size. */
  readonly cacheRowsMax: number
  /** telepay's heap after its warm-up (its caches as full as the bound lets them be). */
  readonly telepayHeapBytes: number | null
  readonly telepayPerSecond: number
  readonly rawPerSecond: number
  readonly ratio: number
  readonly telepayP50Ms: number
  readonly telepayP99Ms: number
  readonly meanBatch: number
  readonly payments: number
  readonly rawPayments: number
  readonly problems: readonly string[]
}

export interface GroupCommitScaleData {
  readonly seconds: number
  readonly inFlight: number
  readonly batchMax: number
  readonly sizes: readonly GroupCommitAtSize[]
}

export const groupCommitSection: ScaleSection = {
  id: 'A',
  name: 'group-commit',
  run: runGroupCommit,
}

async function runGroupCommit(context: SectionContext): Promise<ScaleSectionReport> {
  const { options, progress } = context
  const batchMax = defaultOperatingLimits.groupCommitCommandsMax
  const sizes: GroupCommitAtSize[] = []
  for (const subscribers of options.subscribers) {
    const dir = join(context.dir, `subscribers-${subscribers}`)
    const count = subscribers.toLocaleString('en')
    progress(`A: building and seeding a world of ${count} subscribers`)
    const seedStarted = performance.now()
    const files = await seedBenchFiles(dir, subscribers)
    const seedSeconds = (performance.now() - seedStarted) / 1000
    progress(
      `A: ${count} subscribers seeded in ${seedSeconds.toFixed(1)} s; warming up each side ` +
        `with ${files.pool.length.toLocaleString('en')} payments, then ${options.seconds} s ` +
        `per side in ${slicesPerMeasurement} alternating slices`,
    )
    const cacheRowsMax = cacheRowsFor(options.cacheRows, subscribers)
    const { telepay, raw, telepayHeapBytes } = await measureBatchedPair({
      cacheRowsMax,
      seconds: options.seconds,
      inFlight,
      batchMax,
      pool: files.pool,
      subscribers: files.subscribers,
      poolSeed: files.poolSeed,
      fresh: files.fresh,
    })
    const atSize = figuresAt(subscribers, seedSeconds, telepay, raw, cacheRowsMax, telepayHeapBytes)
    sizes.push(atSize)
    progress(
      `A: ${count} subscribers: telepay ${rate(atSize.telepayPerSecond)}/s, raw ` +
        `${rate(atSize.rawPerSecond)}/s, ratio ${atSize.ratio.toFixed(3)}`,
    )
    // The next world's files need the disk more than this one's need keeping (1,000,000
    // subscribers seed ~450 MB, and each side writes a copy).
    if (!options.keep) rmSync(dir, { recursive: true, force: true })
  }
  const checks = checksOf(sizes)
  const problems = sizes.flatMap((size) =>
    size.problems.map((problem) => `${size.subscribers.toLocaleString('en')}: ${problem}`),
  )
  const data: GroupCommitScaleData = { seconds: options.seconds, inFlight, batchMax, sizes }
  return sectionOf({
    id: 'A',
    title: 'group commit at each world size, beside raw SQLite writing the same rows',
    lines: linesOf(data),
    checks,
    problems,
    data,
  })
}

/**
 * The bound of telepay's row caches at a world size: `world` sizes them for the working set,
 * which is the whole world when every subscriber pays at random (each subscriber has three
 * accounts; the accounts cache is the largest), as a gateway is configured for its traffic
 * (ledgerCacheRowsMax); a number is taken as given (the default 150,000 shows the bounded case).
 */
export function cacheRowsFor(cacheRows: number | 'world', subscribers: number): number {
  return cacheRows === 'world' ? subscribers * 3 + 1_000 : cacheRows
}

function figuresAt(
  subscribers: number,
  seedSeconds: number,
  telepay: RunResult,
  raw: RunResult,
  cacheRowsMax: number,
  telepayHeapBytes: number | null,
): GroupCommitAtSize {
  return {
    subscribers,
    seedSeconds,
    cacheRowsMax,
    telepayHeapBytes,
    telepayPerSecond: telepay.paymentsPerSecond,
    rawPerSecond: raw.paymentsPerSecond,
    ratio: raw.paymentsPerSecond > 0 ? telepay.paymentsPerSecond / raw.paymentsPerSecond : 0,
    telepayP50Ms: telepay.latency.p50Ms,
    telepayP99Ms: telepay.latency.p99Ms,
    meanBatch: telepay.meanBatch,
    payments: telepay.payments,
    rawPayments: raw.payments,
    problems: [
      ...telepay.problems.map((problem) => `telepay: ${problem}`),
      ...raw.problems.map((problem) => `raw: ${problem}`),
    ],
  }
}

function checksOf(sizes: readonly GroupCommitAtSize[]): ScaleCheck[] {
  const targets = groupCommitTargets
  const checks: ScaleCheck[] = sizes.map((size) =>
    checkOf({
      name: `ratio_${size.subscribers}`,
      label: `group commit, ${size.subscribers.toLocaleString('en')} subscribers`,
      figure: `${rate(size.telepayPerSecond)} payments/s`,
      baseline: `raw ${rate(size.rawPerSecond)}/s`,
      value: size.ratio,
      valueText: `ratio ${size.ratio.toFixed(3)}`,
      bound: { op: '>=', limit: targets.ratioMin },
    }),
  )
  sizes.forEach((size, index) => {
    const before = sizes[index - 1]
    if (before === undefined) return
    const drop = before.ratio - size.ratio
    checks.push(
      checkOf({
        name: `cliff_${before.subscribers}_${size.subscribers}`,
        label:
          `no cliff, ${before.subscribers.toLocaleString('en')} -> ` +
          `${size.subscribers.toLocaleString('en')}`,
        figure: `ratio ${size.ratio.toFixed(3)}`,
        baseline: `ratio ${before.ratio.toFixed(3)}`,
        value: drop,
        valueText: drop >= 0 ? `fell ${drop.toFixed(3)}` : `rose ${(-drop).toFixed(3)}`,
        bound: { op: '<=', limit: targets.ratioDropMax },
      }),
    )
  })
  return checks
}

function linesOf(data: GroupCommitScaleData): string[] {
  const header = [
    'subscribers',
    'seeded in',
    'cache rows',
    'heap MB',
    'telepay/s',
    'raw/s',
    'ratio',
    'p50 ms',
    'p99 ms',
  ]
  const rows = data.sizes.map((size) => [
    size.subscribers.toLocaleString('en'),
    `${size.seedSeconds.toFixed(1)} s`,
    size.cacheRowsMax.toLocaleString('en'),
    size.telepayHeapBytes === null ? '-' : (size.telepayHeapBytes / 2 ** 20).toFixed(0),
    rate(size.telepayPerSecond),
    rate(size.rawPerSecond),
    size.ratio.toFixed(3),
    size.telepayP50Ms.toFixed(1),
    size.telepayP99Ms.toFixed(1),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ')
  return [
    `each size: a world built once (one PIN hash for all), telepay with group commit ` +
      `(<= ${data.batchMax.toLocaleString('en')} a batch, ${data.inFlight.toLocaleString('en')} ` +
      `in flight) and raw SQLite committing as many at once, on copies of it`,
    `warm-up per side: two payments per subscriber, not counted; then ${data.seconds} s per ` +
      `side in ${slicesPerMeasurement} alternating slices; WAL + synchronous=FULL on both`,
    `no cliff: the ratio at each size >= ${groupCommitTargets.ratioMin}, and it falls by at ` +
      `most ${groupCommitTargets.ratioDropMax} from one size to the next`,
    line(header),
    ...rows.map(line),
    ...data.sizes.map(
      (size) =>
        `check ${size.subscribers.toLocaleString('en')}: ledger balanced and completed = ` +
        `acknowledged on both sides: ${size.problems.length === 0 ? 'ok' : 'PROBLEMS'}`,
    ),
  ]
}
