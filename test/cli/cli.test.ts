/**
 * cli.test.ts - the `telepay` program as an operator runs it: `node bin/telepay.js ...` in a
 * child process, judged by its exit code and what it prints. The ledger it checks is one a real
 * gateway wrote; the corruption is a raw SQL UPDATE, as a careless operator would make it.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliRun } from '../support/cli-runs.js'
import { envWith, telepayIn } from '../support/cli-runs.js'
import {
  httpRequest,
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../support/gateway-fixture.js'

const bin = resolve('bin/telepay.js')

function telepay(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliRun> {
  return telepayIn(args, options)
}

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'telepay-cli-'))
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe('telepay --help and unknown commands', () => {
  it('lists the commands on --help and exits 0; an unknown command exits 2 naming it', async () => {
    const [help, unknown, bare, subHelp] = await Promise.all([
      telepay(['--help'], { cwd: scratch }),
      telepay(['frobnicate'], { cwd: scratch }),
      telepay([], { cwd: scratch }),
      telepay(['ledger', '--help'], { cwd: scratch }),
    ])
    expect(help.code).toBe(0)
    for (const command of ['start', 'ledger', 'conformance', 'bench'])
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\s+\\S`, 'm'))
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "frobnicate"')
    // No command at all is a usage error too: the help goes out, the exit code is not 0.
    expect(bare.code).not.toBe(0)
    expect(bare.stdout).toContain('Usage: telepay <command>')
    expect(subHelp.code).toBe(0)
    expect(subHelp.stdout).toContain('telepay ledger check')
  })
})

describe('telepay ledger check', () => {
  let dir: string
  let ledgerFile: string

  beforeAll(async () => {
    // A real gateway writes the ledger: opening balances, a payment, a refund.
    const t = await startTestGateway()
    dir = t.dir
    ledgerFile = t.gateway.config.ledgerFile
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '100.00',
      reference: 'cli',
    })
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    expect(
      (await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/refunds`, { amount: '40.00' }))
        .status,
    ).toBe(201)
    await t.close({ keepDir: true })
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints "balanced", exits 0 on the gateway ledger, by --file or --data-dir', async () => {
    const [byFile, byDir, asJson] = await Promise.all([
      telepay(['ledger', 'check', '--file', ledgerFile], { cwd: scratch }),
      telepay(['ledger', 'check', '--data-dir', dir], { cwd: scratch }),
      telepay(['ledger', 'check', '--file', ledgerFile, '--json'], { cwd: scratch }),
    ])
    // Three processes open the file at once: none may be refused for it (stderr says why).
    expect(byFile.code, byFile.stderr).toBe(0)
    expect(byFile.stdout).toMatch(/^balanced: 6 transfers, \d+ entries, \d+ accounts, total 0\.00/)
    expect(byDir.code, byDir.stderr).toBe(0)
    expect(byDir.stdout).toMatch(/^balanced:/)
    expect(asJson.code, asJson.stderr).toBe(0)
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      balanced: true,
      transfers: 6,
      total: '0.00',
      driftedAccounts: [],
    })
  })

  it('exits 1 naming the account after a raw balance UPDATE; 2 if it cannot check', async () => {
    const copy = join(scratch, 'corrupt.sqlite')
    const source = new Database(ledgerFile, { readonly: true })
    await source.backup(copy)
    source.close()
    const db = new Database(copy)
    db.defaultSafeIntegers(true)
    const wallet = db
      .prepare("SELECT id FROM accounts WHERE owner = ? AND kind = 'wallet'")
      .get(LI) as { id: bigint }
    db.prepare('UPDATE accounts SET balance_minor = balance_minor + 10000 WHERE id = ?').run(
      wallet.id,
    )
    db.close()

    const notALedger = join(scratch, 'notes.sqlite')
    writeFileSync(notALedger, 'these are not the books you are looking for\n'.repeat(200))

    const [corrupt, missing, wrongUse, unreadable, badConfig] = await Promise.all([
      telepay(['ledger', 'check', '--file', copy], { cwd: scratch }),
      telepay(['ledger', 'check', '--file', join(scratch, 'nothing-here.sqlite')], {
        cwd: scratch,
      }),
      telepay(['ledger', 'audit'], { cwd: scratch }),
      telepay(['ledger', 'check', '--file', notALedger], { cwd: scratch }),
      telepay(['ledger', 'check', '--file', ledgerFile], {
        cwd: scratch,
        env: { TELEPAY_PIN_HASH_COST: '1000' },
      }),
    ])
    expect(corrupt.code).toBe(1)
    expect(corrupt.stdout).toMatch(/^NOT BALANCED:/)
    // 500.00 - 100.00 + 40.00 in the entries; 100.00 more in the edited balance.
    expect(corrupt.stdout).toContain(`account ${wallet.id} balance 540.00 but entries 440.00`)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no ledger at')
    expect(existsSync(join(scratch, 'nothing-here.sqlite'))).toBe(false)
    expect(wrongUse.code).toBe(2)
    // Exit 1 says "not balanced": a file that is no ledger, or a bad setting, must not say that.
    expect(unreadable.code).toBe(2)
    expect(unreadable.stderr).toContain('cannot open')
    expect(badConfig.code).toBe(2)
    expect(badConfig.stderr).toContain('pinHashCost')
  })
})

describe('telepay start', () => {
  it('refuses a bad configuration value with exit code 2, a message naming the key', async () => {
    const badFileDir = mkdtempSync(join(scratch, 'conf-'))
    writeFileSync(
      join(badFileDir, 'telepay.config.json'),
      JSON.stringify({ operating: { bankTimeoutMs: 0 } }),
    )
    const dataDir = join(scratch, 'never-created')
    const [badPort, badFile, badOption] = await Promise.all([
      telepay(['start'], {
        cwd: scratch,
        env: { TELEPAY_HTTP_PORT: 'abc', TELEPAY_DATA_DIR: dataDir },
      }),
      telepay(['start'], { cwd: badFileDir, env: { TELEPAY_DATA_DIR: dataDir } }),
      telepay(['start', '--colour'], { cwd: scratch, env: { TELEPAY_DATA_DIR: dataDir } }),
    ])
    expect(badPort.code).toBe(2)
    expect(badPort.stderr).toContain('http.port')
    expect(badPort.stderr).toContain('"abc"')
    expect(badFile.code).toBe(2)
    expect(badFile.stderr).toContain('operating.bankTimeoutMs')
    expect(badOption.code).toBe(2)
    expect(badOption.stderr).toContain('--colour')
    expect(existsSync(dataDir)).toBe(false)
  })

  it('starts from the environment, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dataDir = join(scratch, 'started')
    const child = spawn(process.execPath, [bin, 'start'], {
      cwd: scratch,
      env: envWith({
        TELEPAY_HTTP_PORT: '0',
        TELEPAY_SMPP_PORT: '0',
        TELEPAY_POS_PORT: '0',
        TELEPAY_DATA_DIR: dataDir,
        TELEPAY_PIN_HASH_COST: '1024',
        TELEPAY_CLOCK: 'test',
        TELEPAY_LOG_LEVEL: 'info',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolveExit) => child.once('close', resolveExit))
    let banner = ''
    child.stdout.on('data', (chunk: Buffer) => {
      banner += chunk.toString('utf8')
    })
    let log = ''
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8')
        const match = /"http":"(http:\/\/[^"]+)".*"msg":"telepay listening"/.exec(log)
        if (match?.[1] !== undefined) resolveUrl(match[1])
      })
      void exited.then((code) =>
        reject(new Error(`telepay start exited ${String(code)} before listening:\n${log}`)),
      )
    })
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const health = await httpRequest(url, 'GET', '/healthz')
      expect(health.status).toBe(200)
      expect(health.json).toMatchObject({ status: 'ready', store: 'ok' })
      // The default world is loaded on first start.
      const li = await httpRequest(url, 'GET', `/admin/api/subscribers/${LI}`, {
        token: 'test_admin_token',
      })
      expect(li.json.accounts[0]).toEqual({
        account: 'wallet',
        balance: '500.00',
        creditLimit: '0.00',
      })
      const clock = await httpRequest(url, 'POST', '/admin/api/clock', {
        token: 'test_admin_token',
        body: { advanceSeconds: 1 },
      })
      expect(clock.status).toBe(200)
      // One gateway per data directory: a second start and a reset are refused while it runs.
      const second = await telepay(
        ['start', '--port', '0', '--smpp-port', '0', '--pos-port', '0'],
        {
          cwd: scratch,
          env: { TELEPAY_DATA_DIR: dataDir },
        },
      )
      expect(second.code).toBe(2)
      expect(second.stderr).toMatch(
        /^telepay: the data directory .*started is in use by another telepay \(pid \d+, started /,
      )
      const reset = await telepay(['reset', '--data-dir', dataDir, '--yes'], { cwd: scratch })
      expect(reset.code).toBe(1)
      expect(reset.stderr).toContain('is in use by a running telepay')
      expect(existsSync(join(dataDir, 'telepay.sqlite'))).toBe(true)
      // SIGHUP reads the menus and call scripts again, and the gateway goes on.
      child.kill('SIGHUP')
      for (let waited = 0; waited < 50 && !log.includes('IVR call scripts reloaded'); waited += 1)
        await new Promise((resolveWait) => setTimeout(resolveWait, 100))
      expect(log).toContain('USSD menus reloaded (SIGHUP)')
      expect(log).toContain('IVR call scripts reloaded (SIGHUP)')
      expect((await httpRequest(url, 'GET', '/healthz')).status).toBe(200)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    // stderr is a pipe, not a terminal: every line is JSON (logFormat auto).
    const entries = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(entries.find((entry) => entry['msg'] === 'world loaded')).toMatchObject({
      level: 'info',
      world: 'default',
    })
    expect(entries.at(-1)).toMatchObject({ level: 'info', msg: 'stop: done' })
    // The banner says where it listens and what to try there, on stdout.
    expect(banner).toContain('telepay is ready: operating model cooperative, world default')
    expect(banner).toContain(`  http   ${url}  (/healthz`)
    expect(banner).toContain(`  web    ${url}/handset  (a phone in the browser`)
    expect(banner).toContain(`  data   ${dataDir}`)
    expect(banner).toContain(`npx telepay ussd ${LI} --url ${url}`)
    // Stopped, it left no lock: a reset without --yes off a terminal asks for it, with it deletes.
    expect(existsSync(join(dataDir, 'telepay.lock'))).toBe(false)
    const unasked = await telepay(['reset', '--data-dir', dataDir], { cwd: scratch })
    expect(unasked.code).toBe(2)
    expect(unasked.stderr).toContain('not on a terminal: add --yes')
    expect(unasked.stdout).toContain(join(dataDir, 'telepay.sqlite'))
    const check = await telepay(['ledger', 'check', '--data-dir', dataDir], { cwd: scratch })
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(/^balanced:/)
    const reset = await telepay(['reset', '--data-dir', dataDir, '--yes'], { cwd: scratch })
    expect(reset.code).toBe(0)
    expect(reset.stdout).toContain('deleted; the next telepay start loads its world')
    expect(existsSync(join(dataDir, 'telepay.sqlite'))).toBe(false)
    // The simulator's cards and terminal records go with the world they belong to.
    expect(existsSync(join(dataDir, 'rfid-sim.sqlite'))).toBe(false)
    expect(existsSync(join(dataDir, 'terminals'))).toBe(false)
    expect(existsSync(join(dataDir, 'ota-loads.sqlite'))).toBe(false)
  })

  it('checks a world file without loading it, every problem with its place', async () => {
    const good = await telepay(['world', 'check', resolve('fixtures/world/default.yaml')], {
      cwd: scratch,
    })
    expect(good.code).toBe(0)
    expect(good.stdout).toContain('3 subscribers, 5 merchants and billers, 1 open orders: ok')
    const file = join(scratch, 'broken-world.yaml')
    writeFileSync(file, "subscribers: [{ msisdn: '1', name: x, pin: '1' }]\nmerchants: []\n")
    const bad = await telepay(['world', 'check', file], { cwd: scratch })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('has 2 problem(s)')
    expect(bad.stderr).toContain('subscribers[0].pin: must be 4 to 6 digits')
    const start = await telepay(
      ['start', '--world', file, '--port', '0', '--smpp-port', '0', '--pos-port', '0'],
      {
        cwd: scratch,
        env: { TELEPAY_DATA_DIR: join(scratch, 'never') },
      },
    )
    expect(start.code).toBe(2)
    expect(start.stderr).toContain('subscribers[0].msisdn: must be an international number')
  })
})
