/**
 * console-bench.test.ts - the console benchmark still runs and checks itself: a short run logs
 * in, loads the console page and reads the overview stream on an idle gateway and then under the
 * SMS load (the gateway in a process of its own), prints both phases beside each other with a
 * verdict that follows the figures, and bad options are refused naming them. Its speed is judged
 * by the benchmark, never here.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  consoleBenchDefaults,
  formatConsoleBenchReport,
  parseConsoleBenchArgs,
  runConsoleBench,
} from '../../src/tools/bench/console-bench.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-console-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('telepay bench console', () => {
  it('measures the console idle and under load, and gives a verdict', async () => {
    const report = await runConsoleBench({
      ...consoleBenchDefaults,
      seconds: 3,
      warmupSeconds: 0,
      binds: 2,
      windowMax: 4,
      dir: join(root, 'run'),
    })
    for (const phase of [report.idle, report.load]) {
      expect(phase.pageLoads, phase.name).toBeGreaterThan(3)
      expect(phase.page.p99Ms).toBeGreaterThanOrEqual(phase.page.p50Ms)
      // Three seconds of a stream that sends at once and then every second.
      expect(phase.updates, phase.name).toBeGreaterThanOrEqual(2)
    }
    expect(report.idle.smsCommandsPerSecond).toBeNull()
    expect(report.load.smsCommandsPerSecond).toBeGreaterThan(0)
    const lines = formatConsoleBenchReport(report)
    expect(lines[3]).toMatch(/^idle {7}page p50 \d+\.\d ms, p99 \d+\.\d ms \(\d+ loads\)/)
    expect(lines[4]).toMatch(/^under load page p50 .* SMS load [\d,]+ commands\/s/)
    const verdict = lines[6] ?? ''
    const met = report.load.page.p99Ms < 200 && report.load.gap.p99Ms <= 1_100
    expect(verdict.startsWith('PASS')).toBe(met)
    expect(report.pass).toBe(met)
    expect(readdirSync(root)).toEqual([])
  }, 120_000)

  it('refuses bad options, naming them', () => {
    expect(parseConsoleBenchArgs(['--seconds', '1'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('--seconds must be a whole number from 3 to 3600'),
    })
    expect(parseConsoleBenchArgs(['--binds', '4'])).toMatchObject({
      ok: true,
      options: { binds: 4 },
    })
  })
})
