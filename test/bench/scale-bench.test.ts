/**
 * scale-bench.test.ts - `telepay bench scale` still runs and still checks itself: the small size
 * (CI's) runs end to end, section A measuring telepay and raw SQLite at both world sizes on
 * balanced ledgers, section D opening every session it dialled in a gateway process of its own
 * and hopping among them with every answer the right screen; the report lists each check with
 * its figure, baseline and bound, and its verdict follows the checks. The options parse and
 * refuse what cannot run, and `telepay bench scale --help` prints them. Its speed is judged by
 * the benchmark itself, never here: the figures are only checked to be figures.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { GroupCommitScaleData } from '../../src/tools/bench/scale/group-commit.js'
import type { OpenSessionsData } from '../../src/tools/bench/scale/open-sessions.js'
import type { ReportsUnderLoadData } from '../../src/tools/bench/scale/reports-under-load.js'
import type { StoredHistoryData } from '../../src/tools/bench/scale/stored-history.js'
import {
  formatScaleBenchReport,
  parseScaleBenchArgs,
  runScaleBench,
  scaleBenchDefaults,
  scaleBenchSmall,
} from '../../src/tools/bench/scale-bench.js'
import { pattern } from '../support/pattern.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-scale-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('runScaleBench', () => {
  it('runs sections A and D at the small size and reports every check', async () => {
    const report = await runScaleBench({
      ...scaleBenchSmall,
      sections: ['A', 'D'],
      dir: join(root, 'run'),
    })
    expect(report.sections.map((section) => section.id)).toEqual(['A', 'D'])
    const [a, d] = report.sections
    if (a === undefined || d === undefined) throw new Error('a section is missing')
    expect(a.problems).toEqual([])
    expect(d.problems).toEqual([])

    const group = a.data as GroupCommitScaleData
    expect(group.sizes.map((size) => size.subscribers)).toEqual(scaleBenchSmall.subscribers)
    for (const size of group.sizes) {
      expect(size.telepayPerSecond).toBeGreaterThan(0)
      expect(size.rawPerSecond).toBeGreaterThan(0)
      expect(size.ratio).toBeCloseTo(size.telepayPerSecond / size.rawPerSecond, 9)
      expect(size.payments).toBeGreaterThan(0)
      expect(size.telepayP99Ms).toBeGreaterThanOrEqual(size.telepayP50Ms)
      // The caches sized for the world (three accounts a subscriber), and what they cost.
      expect(size.cacheRowsMax).toBe(size.subscribers * 3 + 1_000)
      expect(size.telepayHeapBytes).toBeGreaterThan(0)
    }
    expect(a.checks.map((check) => check.name)).toEqual([
      'ratio_2000',
      'ratio_10000',
      'cliff_2000_10000',
    ])

    const open = d.data as OpenSessionsData
    expect(open.open.opened).toBe(scaleBenchSmall.sessions)
    expect(open.openAtEnd).toBe(open.openExpected)
    expect(open.openExpected).toBeGreaterThan(scaleBenchSmall.sessions)
    expect(open.open.partRates).toHaveLength(10)
    for (const partRate of open.open.partRates) expect(partRate).toBeGreaterThan(0)
    expect(open.flatRatio).toBeCloseTo(
      (open.open.partRates[9] ?? 0) / (open.open.partRates[0] ?? 1),
      9,
    )
    expect(open.hops.hops).toBeGreaterThan(0)
    expect(open.hops.sessionsTouched).toBeGreaterThan(0)
    expect(open.hops.latency.p99Ms).toBeGreaterThanOrEqual(open.hops.latency.p50Ms)
    expect(open.hops.latencyByStep.core.p50Ms).toBeGreaterThan(0)
    expect(open.memoryBefore.rss).toBeGreaterThan(0)
    expect(open.memoryAfter.heapUsed).toBeGreaterThan(0)
    expect(Number.isFinite(open.rssPerSessionBytes)).toBe(true)
    expect(open.ussdLimits.sessionsInMemoryMax).toBe(scaleBenchSmall.sessionsInMemory)
    expect(d.checks.map((check) => check.name)).toEqual(['flat_opening', 'hop_p99_ms'])

    for (const section of report.sections)
      expect(section.pass).toBe(section.checks.every((check) => check.pass))
    expect(report.pass).toBe(report.sections.every((section) => section.pass))
    const lines = formatScaleBenchReport(report)
    expect(lines).toContain(
      'A  group commit at each world size, beside raw SQLite writing the same rows',
    )
    expect(lines).toContainEqual(expect.stringMatching(/^D {2}5,000 open USSD sessions over HTTP/))
    expect(lines).toContainEqual(
      expect.stringMatching(
        pattern(
          /^A {2}group commit, 10,000 subscribers +[\d,]+ payments\/s +raw [\d,]+\/s/,
          / +ratio \d\.\d{3} +>= 0\.85 +(PASS|FAIL)$/,
        ),
      ),
    )
    expect(lines).toContainEqual(expect.stringMatching(/^D {2}hop p99 .* < 50 ms +(PASS|FAIL)$/))
    expect(lines).toContainEqual(expect.stringMatching(/memory per open session: -?[\d,]+ bytes/))
  }, 120_000)
})

describe('parseScaleBenchArgs', () => {
  it('takes the issue sizes by default, the CI sizes with --small, and overrides either', () => {
    const full = parseScaleBenchArgs([])
    expect(full.ok && full.options).toMatchObject({
      sections: ['A', 'B', 'C', 'D'],
      storedPayments: 5_000_000,
      subscribers: scaleBenchDefaults.subscribers,
      sessions: 100_000,
    })
    const small = parseScaleBenchArgs(['--sessions', '6000', '--small', '--json'])
    expect(small.ok && small.options).toMatchObject({
      subscribers: scaleBenchSmall.subscribers,
      sessions: 6_000,
      small: true,
    })
    expect(small.ok && small.json).toBe(true)
    const chosen = parseScaleBenchArgs(['--sections', 'open-sessions', '--subscribers', '10,20'])
    expect(chosen.ok && chosen.options).toMatchObject({ sections: ['D'], subscribers: [10, 20] })
    expect(parseScaleBenchArgs(['--sections', 'd,a']).ok).toBe(true)
    const bounded = parseScaleBenchArgs(['--cache-rows', '150_000'])
    expect(bounded.ok && bounded.options.cacheRows).toBe(150_000)
    expect(full.ok && full.options.cacheRows).toBe('world')
  })

  it('refuses what cannot run', () => {
    const refused = (args: string[]): string => {
      const parsed = parseScaleBenchArgs(args)
      return parsed.ok ? '' : parsed.error
    }
    expect(refused(['--sections', 'E'])).toContain('no section E')
    expect(refused(['--subscribers', '100000,10000'])).toContain('sizes must grow')
    expect(refused(['--sessions', '100'])).toContain('sessions must be >=')
    expect(refused(['--fast'])).toContain('unknown option --fast')
    expect(refused(['--cache-rows', 'many'])).toContain(
      '--cache-rows needs a number of rows or world',
    )
    expect(refused(['--cache-rows', '0'])).toContain('--cache-rows needs')
    expect(refused(['--help'])).toContain('usage: telepay bench scale')
  })

  it('runs sections B and C on a stored history and reports what they measured', async () => {
    const report = await runScaleBench({
      ...scaleBenchSmall,
      sections: ['B', 'C'],
      storedPayments: 20_000,
      seconds: 0.5,
      users: 50,
      hopSeconds: 2,
      dir: join(root, 'history'),
    })
    expect(report.sections.map((section) => section.id)).toEqual(['B', 'C'])
    const [b, c] = report.sections
    if (b === undefined || c === undefined) throw new Error('sections missing')
    expect(b.problems).toEqual([])
    expect(c.problems).toEqual([])
    const stored = b.data as StoredHistoryData
    expect(stored.storedPayments).toBe(20_000)
    expect(stored.withHistoryPerSecond).toBeGreaterThan(0)
    expect(stored.withoutPerSecond).toBeGreaterThan(0)
    expect(stored.ratio).toBeCloseTo(stored.withHistoryPerSecond / stored.withoutPerSecond, 9)
    expect(b.checks.map((check) => check.name)).toEqual(['ratio_stored'])
    const reports = c.data as ReportsUnderLoadData
    expect(reports.fill.completed).toBe(20_000)
    expect(reports.busiestDayPayments).toBeGreaterThan(0)
    expect(reports.quiet.hops).toBeGreaterThan(0)
    expect(reports.underReports.hops).toBeGreaterThan(0)
    expect(reports.checkMs.length).toBeGreaterThan(0)
    expect(reports.settlementMs.length).toBeGreaterThan(0)
    // A full check reads every transfer: the history's and the world's opening ones.
    expect(reports.checkTransfers).toBeGreaterThan(20_000)
    expect(c.checks.map((check) => check.name)).toEqual(['hop_p99_under_reports', 'settlement_ms'])
    expect(report.pass).toBe(report.sections.every((section) => section.pass))
  })

  it('is what `telepay bench scale --help` prints, exiting 0', () => {
    const run = spawnSync(process.execPath, ['bin/telepay.js', 'bench', 'scale', '--help'], {
      encoding: 'utf8',
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('usage: telepay bench scale [--small]')
    expect(run.stdout).toContain(
      'A (group-commit), B (stored-history), C (reports-under-load), D (open-sessions)',
    )
  })
})
