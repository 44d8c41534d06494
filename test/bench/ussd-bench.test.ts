/**
 * ussd-bench.test.ts - the USSD benchmark still runs and still checks itself: a short run over
 * real loopback HTTP walks the pay-merchant menu to END on both sides (load generator beside the
 * servers and in a worker thread), first in a closed loop and then with users thinking between
 * hops (far fewer requests in flight, payments included, walks carried over slice ends), leaves
 * a balanced ledger where every END "Paid" of both measurements moved its money once, and prints
 * both methods, the load averages and its verdicts; the bare express baseline answers CON as
 * long as it was told; the money check catches a payment nobody saw acknowledged; the walks
 * repeat for a seed; bad options are refused. Its speed is judged by the benchmark itself,
 * never here.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benchMsisdn } from '../../src/tools/bench/bench-world.js'
import { checkMoney } from '../../src/tools/bench/sms/money-check.js'
import { startBareExpress } from '../../src/tools/bench/ussd/bare-express.js'
import { startUssdBenchGateway } from '../../src/tools/bench/ussd/bench-gateway.js'
import { walkOnce } from '../../src/tools/bench/ussd/load.js'
import {
  expectedScreen,
  hopForm,
  hopTexts,
  shapeOf,
  WalkSource,
} from '../../src/tools/bench/ussd/walks.js'
import {
  formatUssdBenchReport,
  parseUssdBenchArgs,
  runUssdBench,
  ussdBenchDefaults,
} from '../../src/tools/bench/ussd-bench.js'
import { pattern } from '../support/pattern.js'

const root = mkdtempSync(join(tmpdir(), 'telepay-ussd-bench-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const small = {
  ...ussdBenchDefaults,
  seconds: 0.6,
  slices: 2,
  warmupSeconds: 0.2,
  sessions: 4,
  subscribers: 30,
  walletShare: 0.3,
  pinHashCost: 16,
  thinkMs: 40,
  thinkSeconds: 1.2,
}

/** Requests in flight on average (Little's law): hops per second times the mean latency. */
function inFlight(side: {
  readonly hopsPerSecond: number
  readonly meanLatencyMs: number
}): number {
  return (side.hopsPerSecond * side.meanLatencyMs) / 1_000
}

describe('runUssdBench', () => {
  it('walks to END on both sides, moves each acked payment once, prints verdicts', async () => {
    const dir = join(root, 'run')
    const report = await runUssdBench({ ...small, dir })
    expect(report.telepay.problems).toEqual([])
    expect(report.express.problems).toEqual([])
    expect(report.telepay.hops).toBeGreaterThan(0)
    expect(report.express.hops).toBeGreaterThan(0)
    expect(report.telepay.walksCompleted.phone_bill_pay).toBeGreaterThan(0)
    expect(report.telepay.walksCompleted.wallet_pay).toBeGreaterThan(0)
    // Six hops a walk: every completed walk answered six requests.
    const walks =
      report.telepay.walksCompleted.phone_bill_pay + report.telepay.walksCompleted.wallet_pay
    expect(report.telepay.hopsTotal).toBe(walks * 6)
    expect(report.ratio).toBeCloseTo(report.telepay.hopsPerSecond / report.express.hopsPerSecond, 9)
    expect(report.telepay.latency.p99Ms).toBeGreaterThanOrEqual(report.telepay.latency.p50Ms)
    expect(report.telepay.latencyByHop.pay_wallet_pin.p50Ms).toBeGreaterThan(0)
    // With think time: the same sessions, each mostly thinking, so far fewer requests in flight
    // than sessions; walks go on over slice ends and reach their payment.
    const { thinking } = report
    for (const side of [thinking.telepay, thinking.express]) {
      expect(side.problems).toEqual([])
      expect(side.hops).toBeGreaterThan(0)
      expect(side.latency.p99Ms).toBeGreaterThanOrEqual(side.latency.p50Ms)
      expect(inFlight(side)).toBeLessThan(
        inFlight(report.telepay.name === side.name ? report.telepay : report.express),
      )
      expect(inFlight(side)).toBeLessThan(small.sessions / 2)
    }
    const thinkWalks =
      thinking.telepay.walksCompleted.phone_bill_pay + thinking.telepay.walksCompleted.wallet_pay
    expect(thinkWalks).toBeGreaterThan(0)
    expect(thinking.telepay.latencyByHop.pay_phone_bill.p50Ms).toBeGreaterThan(0)
    expect(thinking.telepay.hopsTotal).toBeGreaterThanOrEqual(thinkWalks * 6)
    expect(thinking.telepay.walksUnderWay).toBeLessThanOrEqual(small.sessions)
    expect(report.telepay.walksUnderWay).toBe(0)
    expect(report.loadAverage.before).toHaveLength(3)
    const { money } = report
    expect(money.ledgerBalanced).toBe(true)
    // The two probe walks pay too.
    expect(money.paymentsAcked).toBe(walks + thinkWalks + 2)
    expect(money.paymentsCompletedInDb).toBe(money.paymentsAcked)
    expect(money.phoneBillMovedMinor).toBe(money.phoneBillAckedMinor)
    expect(money.walletMovedMinor).toBe(money.walletAckedMinor)
    expect(money.walletMovedMinor).toBeGreaterThan(0n)
    expect(money.exactlyOnce).toBe(true)
    expect(report.sound).toBe(true)
    expect(report.pass).toBe(report.verdicts.every((verdict) => verdict.pass))
    expect(Object.keys(report.answerLengths).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4:1',
      '4:2',
      '5:1',
      '5:2',
    ])
    const lines = formatUssdBenchReport(report)
    expect(lines).toContainEqual(
      expect.stringMatching(/^check ledger: balanced \([\d,]+ transfers\): ok$/),
    )
    expect(lines).toContainEqual(expect.stringMatching(/^check money: .*: ok$/))
    expect(lines).toContainEqual(
      expect.stringMatching(
        pattern(
          /^(PASS|FAIL) {2}telepay \/ bare express hops per second, closed loop of 4 sessions: /,
          /[\d,]+ \/ [\d,]+ = \d\.\d{3} \(target >= 0\.6\)$/,
        ),
      ),
    )
    expect(lines).toContainEqual(
      expect.stringMatching(
        pattern(
          /^(PASS|FAIL) {2}telepay hop p99 with think time: [\d.]+ ms at 4 sessions thinking /,
          /40 ms \+-50% before each hop \(target < 50 ms at 200 sessions; measured at 4 sessions/,
        ),
      ),
    )
    const p99Verdict = report.verdicts.find((verdict) => verdict.name === 'p99_ms')
    expect(p99Verdict?.value).toBe(thinking.telepay.latency.p99Ms)
    expect(lines).toContainEqual(expect.stringMatching(/^method: closed loop .*Little's law/))
    expect(lines).toContainEqual(expect.stringMatching(/^method: think time .*40 ms \+-50%/))
    expect(lines).toContainEqual(
      expect.stringMatching(
        pattern(
          /^machine: .*load average \(1\/5\/15 min\) [\d.]+ [\d.]+ [\d.]+ at the start, [\d.]+ /,
          /[\d.]+ [\d.]+ at the end/,
        ),
      ),
    )
    expect(
      lines.filter((line) => /^ {2}(closed loop|think time) (telepay|bare express): /.test(line)),
    ).toHaveLength(4)
    expect(lines.join('\n')).toContain('scrypt N=16')
    expect(existsSync(dir)).toBe(false)
  })

  it('runs the same with the load generator in a worker thread', async () => {
    const report = await runUssdBench({ ...small, dir: join(root, 'worker'), worker: true })
    expect(report.telepay.problems).toEqual([])
    expect(report.express.problems).toEqual([])
    expect(report.telepay.hops).toBeGreaterThan(0)
    expect(report.express.hops).toBeGreaterThan(0)
    expect(report.thinking.telepay.hops).toBeGreaterThan(0)
    expect(report.thinking.express.hops).toBeGreaterThan(0)
    expect(report.money.exactlyOnce).toBe(true)
    expect(report.sound).toBe(true)
    expect(formatUssdBenchReport(report).join('\n')).toContain('load generator in a worker thread')
  })
})

describe('the bare express baseline', () => {
  it("answers CON as long as telepay's for the request shape; refuses missing fields", async () => {
    const lengths: Record<string, number> = { '0': 30, '1': 12, '4:1': 50 }
    const bare = await startBareExpress('127.0.0.1', (shape) => lengths[shape] ?? 0)
    try {
      const post = async (body: string): Promise<{ status: number; text: string }> => {
        const response = await fetch(`${bare.url}/ussd`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        })
        return { status: response.status, text: await response.text() }
      }
      for (const [text, length] of [
        ['', 30],
        ['2', 12],
        ['2*1001*1.50*1', 50],
      ] as const) {
        const answer = await post(hopForm('s-1', benchMsisdn(1), text))
        expect(answer.status).toBe(200)
        expect(answer.text.startsWith('CON ')).toBe(true)
        expect(answer.text).toHaveLength(length)
      }
      expect((await post('sessionId=s-1&text=')).status).toBe(400)
      expect(bare.counters).toEqual({ answered: 3, refused: 1 })
    } finally {
      await bare.close()
    }
  })
})

describe('checkMoney after USSD walks', () => {
  it('holds when what moved was acknowledged, fails on a payment nobody saw acked', async () => {
    const gateway = await startUssdBenchGateway(join(root, 'money'), {
      subscribers: 3,
      pinHashCost: 16,
    })
    try {
      const payer = benchMsisdn(1)
      const walk = new WalkSource(5, 1).next()
      const answers = await walkOnce(gateway.url, payer, 'money-1', walk)
      expect(answers).toHaveLength(6)
      for (const [hop, answer] of answers.entries())
        expect(answer.ok && expectedScreen(walk, hop, answer.body)).toBe(true)
      const unseen = await checkMoney(gateway, 3, new Map())
      expect(unseen).toMatchObject({
        exactlyOnce: false,
        subscribersMismatched: 1,
        paymentsCompletedInDb: 1,
        walletMovedMinor: walk.amountMinor,
      })
      const seen = await checkMoney(
        gateway,
        3,
        new Map([[payer, { phoneBillMinor: 0n, walletMinor: walk.amountMinor, payments: 1 }]]),
      )
      expect(seen).toMatchObject({
        exactlyOnce: true,
        ledgerBalanced: true,
        paymentsAcked: 1,
        subscribersMismatched: 0,
      })
    } finally {
      await gateway.close()
    }
  })
})

describe('the walks', () => {
  it('repeat for a seed, walk six hops to a payment and follow the wallet share', () => {
    const take = (seed: number, walletShare: number) => {
      const source = new WalkSource(seed, walletShare)
      return Array.from({ length: 300 }, () => source.next())
    }
    const walks = take(7, 0.3)
    expect(take(7, 0.3)).toEqual(walks)
    expect(take(8, 0.3)).not.toEqual(walks)
    for (const walk of walks) {
      expect(walk.inputs[0]).toBe('2')
      expect(walk.inputs[1]).toBe(walk.merchantCode)
      expect(walk.inputs[2]).toMatch(/^\d\.\d\d$/)
      expect(walk.inputs.slice(3)).toEqual(walk.kind === 'wallet_pay' ? ['1', '1234'] : ['2', '1'])
      expect(walk.amountMinor).toBeGreaterThan(0n)
      const texts = hopTexts(walk)
      expect(texts).toHaveLength(6)
      expect(texts[0]).toBe('')
      expect(texts[5]).toBe(walk.inputs.join('*'))
    }
    const wallets = walks.filter((walk) => walk.kind === 'wallet_pay').length
    expect(wallets).toBeGreaterThan(50)
    expect(wallets).toBeLessThan(130)
    expect(take(7, 0).every((walk) => walk.kind === 'phone_bill_pay')).toBe(true)
  })

  it('give each request a shape from its text alone, the account telling the last 2 apart', () => {
    expect(
      ['', '2', '2*1001', '2*1001*1.50', '2*1001*1.50*1', '2*1001*1.50*2*1'].map(shapeOf),
    ).toEqual(['0', '1', '2', '3', '4:1', '5:2'])
  })
})

describe('parseUssdBenchArgs', () => {
  it('takes the defaults, reads numbers and refuses what cannot run', () => {
    expect(parseUssdBenchArgs([])).toEqual({ ok: true, options: ussdBenchDefaults, json: false })
    const parsed = parseUssdBenchArgs([
      '--sessions',
      '50',
      '--wallet-share',
      '0',
      '--worker',
      '--keep',
      '--json',
      '--think-ms',
      '2000',
      '--think-seconds',
      '20',
    ])
    expect(parsed).toMatchObject({
      ok: true,
      json: true,
      options: {
        sessions: 50,
        walletShare: 0,
        worker: true,
        keep: true,
        thinkMs: 2_000,
        thinkSeconds: 20,
      },
    })
    expect(parseUssdBenchArgs(['--think-ms', '0'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('thinkMs must be an integer from 1'),
    })
    // Slices of 30 s leave a paused walk's session idle past the channel's 30 s idle timeout.
    expect(parseUssdBenchArgs(['--think-seconds', '120', '--slices', '4'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('idle timeout'),
    })
    expect(parseUssdBenchArgs(['--fast'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown option --fast'),
    })
    expect(parseUssdBenchArgs(['--sessions'])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--sessions needs a value\n/),
    })
    expect(parseUssdBenchArgs(['--sessions', '300', '--subscribers', '300'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('subscribers must be > sessions'),
    })
    expect(parseUssdBenchArgs(['--wallet-share', '1.5'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('walletShare must be in [0, 1]'),
    })
    expect(parseUssdBenchArgs(['--pin-hash-cost', '1000'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('pinHashCost must be a power of two'),
    })
  })
})
