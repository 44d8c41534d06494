/**
 * sms-bench.test.ts - the SMS benchmark still runs and still checks itself: a short run over
 * real loopback SMPP completes flows on both sides, leaves a balanced ledger where every
 * acknowledged payment moved its money once, and prints its verdicts; the bare echo echoes; the
 * money check catches a payment that was not acknowledged; the flows repeat for a seed; bad
 * options are refused. Its speed is judged by the benchmark itself, never here.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benchMsisdn } from '../../src/tools/bench/bench-world.js'
import { startSmsBenchGateway } from '../../src/tools/bench/sms/bench-gateway.js'
import { startEchoServer } from '../../src/tools/bench/sms/echo-server.js'
import { FlowSource } from '../../src/tools/bench/sms/flows.js'
import { checkMoney } from '../../src/tools/bench/sms/money-check.js'
import {
  formatSmsBenchReport,
  parseSmsBenchArgs,
  runSmsBench,
  smsBenchDefaults,
} from '../../src/tools/bench/sms-bench.js'
import { PhoneEsme } from '../../src/tools/phones/phone-esme.js'
import { pattern } from '../support/pattern.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-sms-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const small = {
  ...smsBenchDefaults,
  seconds: 0.6,
  slices: 2,
  warmupSeconds: 0.2,
  binds: 2,
  windowMax: 8,
  flowsPerBind: 8,
  subscribers: 40,
  walletShare: 0.2,
  pinHashCost: 16,
}

describe('runSmsBench', () => {
  it('completes flows on both sides, moves each acked payment once, prints verdicts', async () => {
    const dir = join(root, 'run')
    const report = await runSmsBench({ ...small, dir })
    expect(report.telepay.problems).toEqual([])
    expect(report.echo.problems).toEqual([])
    expect(report.telepay.commands).toBeGreaterThan(0)
    expect(report.echo.commands).toBeGreaterThan(0)
    expect(report.telepay.flowsCompleted.phone_bill_pay).toBeGreaterThan(0)
    expect(report.telepay.flowsCompleted.wallet_pay).toBeGreaterThan(0)
    expect(report.ratio).toBeCloseTo(
      report.telepay.commandsPerSecond / report.echo.commandsPerSecond,
      9,
    )
    expect(report.telepay.latency.p99Ms).toBeGreaterThanOrEqual(report.telepay.latency.p50Ms)
    const { money } = report
    expect(money.ledgerBalanced).toBe(true)
    expect(money.paymentsAcked).toBe(
      report.telepay.flowsCompleted.phone_bill_pay + report.telepay.flowsCompleted.wallet_pay,
    )
    expect(money.paymentsCompletedInDb).toBe(money.paymentsAcked)
    expect(money.phoneBillMovedMinor).toBe(money.phoneBillAckedMinor)
    expect(money.walletMovedMinor).toBe(money.walletAckedMinor)
    expect(money.exactlyOnce).toBe(true)
    expect(report.sound).toBe(true)
    expect(report.pass).toBe(report.verdicts.every((verdict) => verdict.pass))
    const lines = formatSmsBenchReport(report)
    expect(lines).toContainEqual(
      expect.stringMatching(/^check ledger: balanced \([\d,]+ transfers\): ok$/),
    )
    expect(lines).toContainEqual(expect.stringMatching(/^check money: .*: ok$/))
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^(PASS|FAIL) {2}telepay SMS commands with their reply: [\d,]+\/s \(target >= 5,000\/s\)$/,
      ),
    )
    expect(lines).toContainEqual(
      expect.stringMatching(
        pattern(
          /^(PASS|FAIL) {2}telepay \/ bare smpp echo: [\d,]+ \/ [\d,]+ = \d\.\d{3} \(target >= /,
          /0\.25\)$/,
        ),
      ),
    )
    expect(lines.join('\n')).toContain('scrypt N=16')
    expect(existsSync(dir)).toBe(false)
  })
})

describe('the bare smpp echo', () => {
  it('answers each submit_sm and sends the same text back from the number it went to', async () => {
    const echo = await startEchoServer('127.0.0.1')
    const phones = new PhoneEsme({ host: echo.host, port: echo.port, shortCode: '12588' })
    try {
      expect(await phones.bind()).toBeNull()
      for (const text of ['PAY 1001 0.25 P', '余额 钱包']) {
        expect(await phones.send('8613800138000', text)).toMatchObject({ ok: true })
        const mt = await phones.next('8613800138000', 5_000)
        expect(mt).toMatchObject({ from: '12588', to: '8613800138000', text })
      }
      expect(echo.counters).toEqual({ echoed: 2, refused: 0 })
    } finally {
      await phones.close()
      await echo.close()
    }
  })
})

describe('checkMoney', () => {
  it('holds when what moved was acknowledged, fails on a payment nobody saw acked', async () => {
    const dir = join(root, 'money')
    const gateway = await startSmsBenchGateway(dir, {
      subscribers: 3,
      pinHashCost: 16,
      windowMax: 4,
      flowsPerBind: 4,
    })
    const smpp = gateway.smpp
    if (smpp === null) throw new Error('no SMSC simulator')
    const phones = new PhoneEsme({ host: smpp.host, port: smpp.port })
    try {
      expect(await phones.bind()).toBeNull()
      const payer = benchMsisdn(1)
      expect(await checkMoney(gateway, 3, new Map())).toMatchObject({
        exactlyOnce: true,
        paymentsAcked: 0,
        subscribersMismatched: 0,
      })
      await phones.send(payer, 'PAY 1001 0.25 P', { userMessageReference: 1 })
      expect((await phones.next(payer, 5_000))?.text).toMatch(/Reply YES/)
      await phones.send(payer, 'YES', { userMessageReference: 2 })
      expect((await phones.next(payer, 5_000))?.text).toMatch(/^Paid CNY 0\.25 /)
      const unseen = await checkMoney(gateway, 3, new Map())
      expect(unseen).toMatchObject({
        exactlyOnce: false,
        subscribersMismatched: 1,
        paymentsCompletedInDb: 1,
        phoneBillMovedMinor: 25n,
      })
      const seen = await checkMoney(
        gateway,
        3,
        new Map([[payer, { phoneBillMinor: 25n, walletMinor: 0n, payments: 1 }]]),
      )
      expect(seen).toMatchObject({
        exactlyOnce: true,
        ledgerBalanced: true,
        paymentsAcked: 1,
        subscribersMismatched: 0,
      })
    } finally {
      await phones.close()
      await gateway.close()
    }
  })
})

describe('the flows', () => {
  it('repeat for a seed, pair every PAY with its YES and follow the shares', () => {
    const take = (seed: number, mix: { balanceShare: number; walletShare: number }) => {
      const source = new FlowSource(seed, mix)
      return Array.from({ length: 300 }, () => source.next())
    }
    const mix = { balanceShare: 0.4, walletShare: 0.1 }
    const flows = take(7, mix)
    expect(take(7, mix)).toEqual(flows)
    expect(take(8, mix)).not.toEqual(flows)
    for (const flow of flows) {
      if (flow.kind === 'balance') expect(flow.steps.map((step) => step.text)).toEqual(['BAL'])
      else {
        expect(flow.steps[0]?.text).toMatch(
          flow.kind === 'wallet_pay' ? /^PAY \d{4} \d+\.\d\d W$/ : /^PAY \d{4} \d+\.\d\d P$/,
        )
        expect(flow.steps[1]?.text).toBe(flow.kind === 'wallet_pay' ? 'YES 1234' : 'YES')
        expect(flow.amountMinor).toBeGreaterThan(0n)
      }
    }
    expect(
      take(7, { balanceShare: 1, walletShare: 0 }).every((flow) => flow.kind === 'balance'),
    ).toBe(true)
    expect(
      take(7, { balanceShare: 0, walletShare: 0 }).every((flow) => flow.kind === 'phone_bill_pay'),
    ).toBe(true)
  })
})

describe('parseSmsBenchArgs', () => {
  it('takes the defaults, reads numbers and refuses what cannot run', () => {
    expect(parseSmsBenchArgs([])).toEqual({ ok: true, options: smsBenchDefaults, json: false })
    const parsed = parseSmsBenchArgs([
      '--binds',
      '4',
      '--window',
      '16',
      '--wallet-share',
      '0',
      '--keep',
      '--json',
    ])
    expect(parsed).toMatchObject({
      ok: true,
      json: true,
      options: { binds: 4, windowMax: 16, walletShare: 0, keep: true },
    })
    expect(parseSmsBenchArgs(['--fast'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown option --fast'),
    })
    expect(parseSmsBenchArgs(['--binds'])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--binds needs a value\n/),
    })
    expect(parseSmsBenchArgs(['--balance-share', '0.7', '--wallet-share', '0.5'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('balanceShare + walletShare must be <= 1'),
    })
    expect(parseSmsBenchArgs(['--pin-hash-cost', '1000'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('pinHashCost must be a power of two'),
    })
  })
})
