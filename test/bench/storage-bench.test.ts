/**
 * storage-bench.test.ts - `telepay bench storage` still runs and still checks itself: both runs
 * complete every payment on a balanced ledger, the pruned one keeps only the window in its
 * idempotency log and grows by fewer bytes a payment. Its figures are for docs/benchmarks.md
 * ("Storage: bytes a payment"), measured with the defaults; this run is far too small to mean
 * anything.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'telepay-storage-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface SideJson {
  readonly logRows: number
  readonly seededBytes: number
  readonly halfBytes: number
  readonly finalBytes: number
  readonly tables: readonly { table: string; seededBytes: number; finalBytes: number }[]
}

describe('telepay bench storage', () => {
  it('measures bytes a payment without pruning and with it, and checks both runs', () => {
    const run = spawnSync(
      process.execPath,
      [
        'bin/telepay.js',
        'bench',
        'storage',
        '--payments',
        '4000',
        '--subscribers',
        '200',
        '--window-payments',
        '1000',
        '--backlog-steps',
        '2',
        '--dir',
        join(dir, 'run'),
        '--json',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    )
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.match(/check: every payment completed, ledger balanced: ok/g)).toHaveLength(2)
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('\n{') + 1)) as {
      unpruned: SideJson
      pruned: SideJson
      backlog: { rows: number }
    }
    expect(report.unpruned.logRows).toBe(4000)
    // The window's 1,000 and the one stamped at its first instant.
    expect(report.pruned.logRows).toBe(1001)
    // Pruning holds the log to its window: its growth, not the payments' (which keep their
    // rows and trails for ever), is what must shrink.
    const logGrowth = (side: typeof report.pruned): number => {
      const log = side.tables.find((table) => table.table === 'command_log')
      return (log?.finalBytes ?? 0) - (log?.seededBytes ?? 0)
    }
    expect(logGrowth(report.pruned)).toBeLessThan(logGrowth(report.unpruned) * 0.4)
    const secondHalf = (side: typeof report.pruned): number => side.finalBytes - side.halfBytes
    expect(secondHalf(report.pruned)).toBeLessThan(secondHalf(report.unpruned))
    expect(report.backlog.rows).toBe(2000)
  })
})
