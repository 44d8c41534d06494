/**
 * stored-history.ts - section B of `telepay bench scale`: group commit with random idempotency
 * keys (UUIDs, as merchants send them) on a ledger that already holds millions of payments made
 * with such keys, beside the same on a ledger that holds none. Both start from copies of one
 * seeded world; the history is written through the real core by group commit (the stored side's
 * warm-up), so its key index, its payment rows and its indexes by payer and time are what years
 * of traffic leave. The two sides are measured in alternating slices. Its check: the rate with
 * the history at least 0.8 of the rate without. Exports storedHistorySection,
 * storedHistoryTargets, StoredHistoryData.
 */
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { defaultOperatingLimits } from '../../../core/index.js'
import { openIsolatedSession } from '../isolated/isolated-session.js'
import { rate } from '../measure.js'
import { seedBenchFiles, slicesPerMeasurement } from '../run-bench.js'
import type { RunResult } from '../runs.js'
import type { ScaleSectionReport } from './report.js'
import { checkOf, sectionOf } from './report.js'
import type { ScaleSection, SectionContext } from './sections.js'

export const storedHistoryTargets = {
  /** Payments/s with the history stored over payments/s with none. */
  ratioMin: 0.8,
} as const

/** The ledger bench's submitters in flight: enough to fill every group commit. */
const inFlight = 2_000

export interface StoredHistoryData {
  readonly subscribers: number
  readonly storedPayments: number
  readonly fillSeconds: number
  readonly storedFileBytes: number
  readonly withHistoryPerSecond: number
  readonly withoutPerSecond: number
  readonly ratio: number
  readonly withHistoryP99Ms: number
  readonly withoutP99Ms: number
}

export const storedHistorySection: ScaleSection = {
  id: 'B',
  name: 'stored-history',
  run: runStoredHistory,
}

async function runStoredHistory(context: SectionContext): Promise<ScaleSectionReport> {
  const { options, progress } = context
  const dir = join(context.dir, 'stored-history')
  const subscribers = options.historySubscribers
  const stored = options.storedPayments
  progress(`B: seeding a world of ${subscribers.toLocaleString('en')} subscribers`)
  const files = await seedBenchFiles(dir, subscribers)
  const common = {
    side: 'telepay' as const,
    subscribers: files.subscribers,
    poolSeed: files.poolSeed,
    keys: 'random' as const,
    inFlight,
    batchMax: defaultOperatingLimits.groupCommitCommandsMax,
  }
  const fillStarted = performance.now()
  let shownMs = fillStarted
  const withHistoryPath = files.fresh('with-history')
  // Each side in a worker thread of its own (isolated/): the history's caches and the empty
  // side's do not share a heap.
  const withHistory = openIsolatedSession(
    { ...common, path: withHistoryPath, warmupPayments: stored },
    undefined,
    (done) => {
      if (performance.now() - shownMs < 5_000) return
      shownMs = performance.now()
      const perSecond = done / ((shownMs - fillStarted) / 1000)
      progress(
        `B: history ${done.toLocaleString('en')} of ${stored.toLocaleString('en')} payments ` +
          `(${rate(perSecond)}/s)`,
      )
    },
  )
  const without = openIsolatedSession({
    ...common,
    path: files.fresh('without'),
    warmupPayments: files.pool.length,
  })
  progress(
    `B: writing ${stored.toLocaleString('en')} payments of history with random keys, then ` +
      `${options.seconds} s per side in ${slicesPerMeasurement} alternating slices`,
  )
  await withHistory.warmUp()
  const fillSeconds = (performance.now() - fillStarted) / 1000
  const storedFileBytes = statSync(withHistoryPath).size
  await without.warmUp()
  for (let slice = 0; slice < slicesPerMeasurement; slice += 1) {
    const order = slice % 2 === 0 ? [withHistory, without] : [without, withHistory]
    for (const side of order) await side.measure(options.seconds / slicesPerMeasurement)
  }
  const full = await withHistory.finish()
  const empty = await without.finish()
  if (!options.keep) rmSync(dir, { recursive: true, force: true })
  const data = dataOf(subscribers, stored, fillSeconds, storedFileBytes, full, empty)
  progress(
    `B: with ${stored.toLocaleString('en')} stored ${rate(data.withHistoryPerSecond)}/s, ` +
      `with none ${rate(data.withoutPerSecond)}/s, ratio ${data.ratio.toFixed(3)}`,
  )
  const check = checkOf({
    name: 'ratio_stored',
    label: `random keys, ${stored.toLocaleString('en')} payments stored`,
    figure: `${rate(data.withHistoryPerSecond)} payments/s`,
    baseline: `none stored ${rate(data.withoutPerSecond)}/s`,
    value: data.ratio,
    valueText: `ratio ${data.ratio.toFixed(3)}`,
    bound: { op: '>=', limit: storedHistoryTargets.ratioMin },
  })
  const problems = [
    ...full.problems.map((problem) => `with history: ${problem}`),
    ...empty.problems.map((problem) => `without: ${problem}`),
  ]
  return sectionOf({
    id: 'B',
    title: 'group commit with random idempotency keys, with millions of payments stored',
    lines: linesOf(data),
    checks: [check],
    problems,
    data,
  })
}

function dataOf(
  subscribers: number,
  storedPayments: number,
  fillSeconds: number,
  storedFileBytes: number,
  full: RunResult,
  empty: RunResult,
): StoredHistoryData {
  return {
    subscribers,
    storedPayments,
    fillSeconds,
    storedFileBytes,
    withHistoryPerSecond: full.paymentsPerSecond,
    withoutPerSecond: empty.paymentsPerSecond,
    ratio: empty.paymentsPerSecond > 0 ? full.paymentsPerSecond / empty.paymentsPerSecond : 0,
    withHistoryP99Ms: full.latency.p99Ms,
    withoutP99Ms: empty.latency.p99Ms,
  }
}

function linesOf(data: StoredHistoryData): string[] {
  return [
    `a world of ${data.subscribers.toLocaleString('en')} subscribers; on one copy ` +
      `${data.storedPayments.toLocaleString('en')} payments with random (UUID) keys written ` +
      `through the core by group commit first (${data.fillSeconds.toFixed(0)} s, ` +
      `${rate(data.storedPayments / Math.max(data.fillSeconds, 0.001))}/s; file ` +
      `${(data.storedFileBytes / 1e6).toFixed(0)} MB), the other warmed up with one pass of the ` +
      'pool; both then measured with random keys, in alternating slices',
    `with the history: ${rate(data.withHistoryPerSecond)} payments/s, p99 ` +
      `${data.withHistoryP99Ms.toFixed(1)} ms`,
    `without: ${rate(data.withoutPerSecond)} payments/s, p99 ${data.withoutP99Ms.toFixed(1)} ms`,
    `ratio ${data.ratio.toFixed(3)} (target >= ${storedHistoryTargets.ratioMin})`,
  ]
}
