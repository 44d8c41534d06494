/**
 * onsite-bench.test.ts - `telepay bench onsite` in a short run: both sides tap (every telepay tap
 * paid, or the bench throws), the report's lines and verdict follow its figures, the files are
 * removed, bad options are refused. The timings are the benchmark's to judge, not this test's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  formatOnsiteBenchReport,
  onsiteBenchTargets,
  parseOnsiteBenchArgs,
  runOnsiteBench,
} from '../../src/tools/bench/onsite-bench.js'
import { pcscInstalled } from '../../src/tools/pcsc/pcscd.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-onsite-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('telepay bench onsite', () => {
  it('taps on both sides and reports the p99 against the 400 ms bound', async () => {
    const dir = join(root, 'run')
    const report = await runOnsiteBench({ seconds: 0.4, dir, keep: false, pcscTaps: 5 })
    expect(report.telepay.taps).toBeGreaterThan(0)
    expect(report.baseline.taps).toBeGreaterThan(0)
    const bound = onsiteBenchTargets.tapP99MsMax
    // Where pcscd, vpcd and scriptor are installed (CI), the gate is timed over PC/SC too.
    expect(report.pcsc.ran).toBe(pcscInstalled)
    if (report.pcsc.ran) {
      expect(report.pcsc.taps.count).toBe(5)
      // SELECT, READ BINARY, INITIALIZE FOR PURCHASE, DEBIT FOR PURCHASE (and the log's record).
      expect(report.pcsc.apdusPerTap).toBeGreaterThanOrEqual(4)
      expect(report.pcsc.roundTrip.p50Ms).toBeGreaterThan(0)
    }
    expect(report.pass).toBe(
      report.telepay.p99Ms < bound && (!report.pcsc.ran || report.pcsc.taps.p99Ms < bound),
    )
    const lines = formatOnsiteBenchReport(report)
    expect(lines.at(-1)).toMatch(
      /^(PASS|FAIL) {2}tap p99 [\d.]+ ms in process(, [\d.]+ ms over PC\/SC)? \(target < 400 ms\)$/,
    )
    expect(lines.join('\n')).toContain(`(${report.telepay.taps} taps)`)
    expect(existsSync(dir)).toBe(false)
  })

  it('refuses an option it does not know and a bad number', () => {
    expect(parseOnsiteBenchArgs(['--seconds', 'x'])).toEqual({
      ok: false,
      error: '--seconds needs a number >= 0.1',
    })
    expect(parseOnsiteBenchArgs(['--fast']).ok).toBe(false)
  })
})
