/**
 * startup-bench.test.ts - `telepay bench startup` as an operator runs it: one start of each side
 * (compiled, through tsx, bare node) prints the report's lines (each side's ready time, idle
 * memory and CPU, the ratios, a verdict per target), its JSON agrees with them, its exit code
 * follows the verdicts, and it leaves no data directory behind; bad options are refused naming
 * them. The timings themselves are the benchmark's to judge, never this test's: the machine is
 * shared, and a dist/ older than the sources is built first. Then the build the bench measured, as
 * a user runs it: the bundle starts, exports the world (the yaml package, loaded on demand), loads
 * a world file (a text the build did not parse), serves the web handset and its static files, and
 * checks the ledger in the report worker, which starts from tsc's tree beside the bundle.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/tools/bench/startup/launch.js'

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

describe('the compiled program (dist/bundle, built by the bench above when stale)', () => {
  it('starts, exports and loads a world, and checks the ledger in its report worker', async () => {
    const [http, smpp] = [await freePort(), await freePort()]
    const dir = mkdtempSync(join(root, 'compiled-'))
    const child = spawn(
      process.execPath,
      [
        resolve('bin/telepay.js'),
        'start',
        '--port',
        `${http}`,
        '--smpp-port',
        `${smpp}`,
        '--pos-port',
        '0',
      ],
      {
        env: { ...process.env, TELEPAY_CODE: 'compiled', TELEPAY_DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    const closed = new Promise((done) => child.once('close', done))
    try {
      await new Promise<void>((ready, failed) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8')
          if (stdout.includes('telepay is ready')) ready()
        })
        child.once('close', (code) => failed(new Error(`exited ${code}: ${stderr}`)))
      })
      const base = `http://127.0.0.1:${http}/admin/api`
      const headers = { authorization: 'Bearer test_admin_token' }
      const exported = await fetch(`${base}/world`, { headers })
      expect(exported.status).toBe(200)
      const world = await exported.text()
      expect(world).toContain('msisdn: "8613800138000"')

      const extra =
        'subscribers:\n  - msisdn: "8613900000042"\n    name: Wang Fang\n    pin: "2468"\n'
      const loaded = await fetch(`${base}/world`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/yaml' },
        body: `${extra}merchants: []\n`,
      })
      expect(loaded.status, await loaded.clone().text()).toBe(200)
      const subscriber = await fetch(`${base}/subscribers/8613900000042`, { headers })
      expect(await subscriber.json()).toMatchObject({ msisdn: '8613900000042', name: 'Wang Fang' })

      // The web pages and their static files, found from the repository root by the bundle too.
      const site = `http://127.0.0.1:${http}`
      const handset = await fetch(`${site}/handset`)
      expect(handset.status).toBe(200)
      expect(await handset.text()).toContain('Li Lei')
      expect((await fetch(`${site}/static/phone.js`)).status).toBe(200)

      const check = await fetch(`${base}/ledger/check`, { headers })
      expect(await check.json()).toMatchObject({ balanced: true, unbalancedTransfers: [] })
    } finally {
      child.kill('SIGTERM')
      await closed
    }
    // The log (JSON on stderr off a terminal) has no warning or error: nothing fell back.
    expect(stderr).toContain('"msg":"telepay listening"')
    expect(stderr).not.toMatch(/"level":"(warn|error|fatal)"/)
  }, 60_000)
})
