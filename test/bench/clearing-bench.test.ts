/**
 * clearing-bench.test.ts - `telepay bench clearing` in a short run: every record of the file is
 * uploaded, its TAC recomputed and cleared through a real gateway (or the bench throws), the
 * baseline recomputes the same TACs, the report's lines and verdict follow its figures, the files
 * are removed, bad options are refused. The timings are the benchmark's to judge, not this test's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  clearingBenchTargets,
  formatClearingBenchReport,
  parseClearingBenchArgs,
  runClearingBench,
} from '../../src/tools/bench/clearing-bench.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-clearing-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('telepay bench clearing', () => {
  it('clears every record of the file and reports the minute bound', async () => {
    const dir = join(root, 'run')
    const report = await runClearingBench(
      { records: 3_000, cards: 40, dir, keep: false },
      () => undefined,
    )
    expect(report.accepted).toBe(3_000)
    expect(report.batches).toBe(1)
    expect(report.rawTacsPerSecond).toBeGreaterThan(0)
    expect(report.pass).toBe(report.millionSeconds < clearingBenchTargets.fileSecondsMax)
    const lines = formatClearingBenchReport(report)
    expect(lines[0]).toBe('clearing: 3,000 records over 40 cards, 1 signed batch files')
    expect(lines.at(-1)).toMatch(/^ {2}a million records: [\d.]+ s, bound 60 s: (PASS|FAIL)$/)
    expect(existsSync(dir)).toBe(false)
  }, 60_000)

  it('refuses an option it does not know and a bad number', () => {
    expect(parseClearingBenchArgs(['--records', '0'])).toEqual({
      ok: false,
      error: '--records needs a whole number >= 1',
    })
    expect(parseClearingBenchArgs(['--fast']).ok).toBe(false)
  })
})
