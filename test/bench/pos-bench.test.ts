/**
 * pos-bench.test.ts - `telepay bench pos` in a short run: terminals in their own thread pay
 * through a real gateway's ISO 8583 host and through the bare echo, every approved purchase is a
 * completed POS payment in the ledger (count and sum), the report's lines and verdicts follow its
 * figures, the files are removed, bad options are refused. The timings are the benchmark's to
 * judge, not this test's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  formatPosBenchReport,
  parsePosBenchArgs,
  posBenchTargets,
  runPosBench,
} from '../../src/tools/bench/pos-bench.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-pos-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('telepay bench pos', () => {
  it('pays every approved purchase once and compares with the echo', async () => {
    const dir = join(root, 'run')
    const report = await runPosBench(
      { seconds: 1, terminals: 4, subscribers: 50, dir, keep: false },
      () => undefined,
    )
    expect(report.telepay.messages).toBeGreaterThan(0)
    expect(report.echo.messages).toBeGreaterThan(0)
    expect(report.telepay.problems).toEqual([])
    expect(report.money.paidCount).toBe(String(report.telepay.approved))
    expect(report.money.paidMinor).toBe(report.money.approvedMinor)
    expect(report.pass).toBe(
      report.telepay.perSecond >= posBenchTargets.purchasesPerSecondMin &&
        report.ratio >= posBenchTargets.echoRatioMin,
    )
    const lines = formatPosBenchReport(report)
    expect(lines.at(-1)).toBe('PASS every approved purchase paid once')
    expect(lines.find((line) => line.startsWith('ratio '))).toBe(`ratio ${report.ratio.toFixed(3)}`)
    expect(existsSync(dir)).toBe(false)
  }, 60_000)

  it('refuses an option it does not know and a bad number', () => {
    expect(parsePosBenchArgs(['--terminals', '0'])).toEqual({
      ok: false,
      error: '--terminals needs 1 to 2000',
    })
    expect(parsePosBenchArgs(['--fast']).ok).toBe(false)
  })
})
