/**
 * handset-bench.test.ts - the handset benchmark still runs and checks itself: a short run gets
 * replies on both sides (web handsets over /sim/mo and their live streams, SMPP phones each on a
 * bind of its own), prints each side's latency, the ratio and a verdict that follows the figures,
 * and bad options are refused naming them. Its speed is judged by the benchmark, never here.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  formatHandsetBenchReport,
  handsetBenchDefaults,
  parseHandsetBenchArgs,
  runHandsetBench,
} from '../../src/tools/bench/handset-bench.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-handset-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('telepay bench handset', () => {
  it('measures both sides, prints them beside each other and a verdict', async () => {
    const report = await runHandsetBench({
      ...handsetBenchDefaults,
      seconds: 1,
      slices: 2,
      warmupSeconds: 0,
      handsets: 3,
      thinkMs: 50,
      pinHashCost: 16,
      dir: join(root, 'run'),
    })
    for (const side of [report.handsets, report.smpp]) {
      expect(side.replies, side.name).toBeGreaterThan(3)
      expect(side.lost, side.name).toBe(0)
      expect(side.latency.p99Ms).toBeGreaterThanOrEqual(side.latency.p50Ms)
    }
    const lines = formatHandsetBenchReport(report)
    expect(lines[3]).toMatch(/^handsets p50 \d+\.\d ms, p99 \d+\.\d ms, .* 0 lost: 3 web handsets/)
    expect(lines[4]).toMatch(/^smpp {5}p50 \d+\.\d ms, p99 .* 0 lost: 3 SMPP phones, a bind each/)
    expect(lines[5]).toMatch(/^handsets \/ smpp: p99 x\d+\.\d\d$/)
    const verdict = lines[6] ?? ''
    expect(verdict.startsWith('PASS')).toBe(report.handsets.latency.p99Ms < 100)
    expect(report.pass).toBe(verdict.startsWith('PASS'))
    // The run's database is gone unless --keep.
    expect(readdirSync(root)).toEqual([])
  }, 60_000)

  it('refuses bad options, naming them', () => {
    expect(parseHandsetBenchArgs(['--handsets', '0'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('--handsets must be a whole number from 1 to 100'),
    })
    expect(parseHandsetBenchArgs(['--frob'])).toMatchObject({ ok: false })
    expect(parseHandsetBenchArgs(['--think-ms', '250'])).toMatchObject({
      ok: true,
      options: { thinkMs: 250 },
    })
  })
})
