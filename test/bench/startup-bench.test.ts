/**
 * startup-bench.test.ts - `telepay bench startup` as an operator runs it: one start of each side
 * (compiled, through tsx, bare node) prints the report's lines (each side's ready time, idle
 * memory and CPU, the ratios, a verdict per target), its JSON agrees with them, its exit code
 * follows the verdicts, and it leaves no data directory behind; bad options are refused naming
 * them. The timings themselves are the benchmark's to judge, never this test's: the machine is
 * shared, and a dist/ older than the sources is built first.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = mkdtempSync(join(tmpdir(), 'telepay-startup-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function telepay(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [resolve('bin/telepay.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString('utf8')
  })
  child.stderr.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString('utf8')
  })
  return new Promise((done) => child.once('close', (code) => done({ code, ...out })))
}

describe('telepay bench startup', () => {
  it('prints each side, the ratios and a verdict per target, and its JSON agrees', async () => {
    const run = await telepay([
      'bench',
      'startup',
      '--runs',
      '1',
      '--idle-seconds=0.2',
      '--dir',
      root,
      '--json',
    ])
    const lines = run.stdout.split('\n')
    const jsonStart = lines.indexOf('{')
    expect(jsonStart).toBeGreaterThan(0)
    const report = lines.slice(0, jsonStart)
    const json = JSON.parse(lines.slice(jsonStart).join('\n'))

    expect(report[0]).toMatch(/^telepay start-up bench: 1 starts per side/)
    for (const side of ['compiled', 'tsx', 'bare']) {
      const line = report.find((text) => text.startsWith(`${side} `))
      expect(line, side).toMatch(
        /ready \d+\.\d{3} s \(.*\), idle \d+\.\d MiB \(.*\), cpu to ready \d+\.\d{3} s: node /,
      )
    }
    expect(report).toContainEqual(
      expect.stringMatching(/^compiled \/ bare: ready x\d+\.\d\d, idle memory x\d+\.\d\d; tsx/),
    )
    const verdicts = report.filter((text) => /^(PASS|FAIL) {2}/.test(text))
    expect(verdicts).toHaveLength(2)
    expect(verdicts[0]).toMatch(/compiled start-up to a ready \/healthz: .* \(target < 0\.500 s\)/)
    expect(verdicts[1]).toMatch(/compiled idle resident memory: .* \(target < 100\.0 MiB\)/)
    // The exit code is the verdicts': 0 when both pass, 1 when one fails.
    expect(run.code).toBe(verdicts.every((text) => text.startsWith('PASS')) ? 0 : 1)

    for (const side of [json.compiled, json.sources, json.bare]) {
      expect(side.samples).toHaveLength(1)
      expect(side.readyMs).toBeGreaterThan(0)
      expect(side.rssMiB).toBeGreaterThan(10)
    }
    // The gateway holds more than an empty HTTP server: each figure is its own process's.
    expect(json.compiled.rssMiB).toBeGreaterThan(json.bare.rssMiB)
    expect(json.sources.rssMiB).toBeGreaterThan(json.bare.rssMiB)
    expect(json.pass).toBe(run.code === 0)
    // Every fresh data directory is gone again.
    expect(readdirSync(root)).toEqual([])
  }, 300_000)

  it('refuses bad options, naming them', async () => {
    const [zero, unknown] = await Promise.all([
      telepay(['bench', 'startup', '--runs', '0']),
      telepay(['bench', 'startup', '--frob']),
    ])
    expect(zero.code).toBe(2)
    expect(zero.stderr).toContain('--runs must be a whole number from 1 to 100')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown option --frob')
  })
})
