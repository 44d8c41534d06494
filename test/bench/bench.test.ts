/**
 * bench.test.ts - the benchmark still runs and still checks itself: telepay and the raw script
 * write identical rows, every run leaves a balanced ledger with every acknowledged payment in it.
 * Its speed is judged by `npm run bench`, never here: this run is far too short to mean anything.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'telepay-bench-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('telepay bench ledger', () => {
  it('measures telepay beside raw SQLite and checks the rows and the ledger of every run', () => {
    const run = spawnSync(
      process.execPath,
      [
        'bin/telepay.js',
        'bench',
        'ledger',
        '--seconds',
        '0.2',
        '--subscribers',
        '200',
        '--dir',
        join(dir, 'run'),
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    )
    // 0: every target met; 1: a target missed on this machine. Anything else is a broken bench.
    expect([0, 1], run.stderr).toContain(run.status)
    const out = run.stdout
    expect(out).toContain('same rows: yes')
    for (const name of ['telepay_group_commit', 'raw_batched', 'telepay_alone', 'raw_alone']) {
      expect(out).toMatch(
        new RegExp(
          `^check ${name}: ledger balanced and completed payments = acknowledged ` +
            `\\((\\d[\\d,]*) = \\1,.*: ok$`,
          'm',
        ),
      )
    }
    expect(out).toMatch(/^(PASS|FAIL) {2}telepay \/ raw, batched: [\d,]+ \/ [\d,]+ = \d\.\d{3}/m)
    expect(out).toMatch(/^(PASS|FAIL) {2}telepay \/ raw, one commit per payment: /m)
    expect(out).toMatch(/^(PASS|FAIL) {2}telepay with group commit: [\d,]+\/s/m)
    expect(run.status === 0).toBe(!/^FAIL/m.test(out))
  })

  it('refuses an unknown option with its usage', () => {
    const run = spawnSync(process.execPath, ['bin/telepay.js', 'bench', 'ledger', '--fast'], {
      encoding: 'utf8',
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('unknown option --fast')
  })
})

describe('telepay bench', () => {
  it('names the benchmarks when given an unknown one, and wants options after a name', () => {
    const unknown = spawnSync(process.execPath, ['bin/telepay.js', 'bench', 'warp'], {
      encoding: 'utf8',
    })
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain(
      'unknown benchmark "warp"; choose ledger, sms, ussd, handset, console, startup, onsite, ' +
        'clearing, pos, storage, scale or all',
    )
    const loose = spawnSync(process.execPath, ['bin/telepay.js', 'bench', '--seconds', '1'], {
      encoding: 'utf8',
    })
    expect(loose.status).toBe(2)
    expect(loose.stderr).toContain('options go after a benchmark name')
  })
})
