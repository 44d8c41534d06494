/**
 * big-world.test.ts - `telepay world generate`, `fill` and `merchants` as an operator runs them
 * (`node bin/telepay.js ...` in a child process), judged by what a real gateway started on the
 * same data directory then serves: a generated subscriber's balance over USSD, a payment a
 * generated merchant requests with its derived API key and the subscriber confirms with the
 * documented PIN, the card opened at the bank; then the history a fill adds, spread over the
 * days, balanced, and settled for a past day by the admin API.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultLimits, formatAmount } from '../../src/core/index.js'
import {
  generatedCard,
  generatedMerchant,
  generatedMsisdn,
  generatedSubscriber,
} from '../../src/tools/world/generate-world.js'
import type { CliRun } from '../support/cli-runs.js'
import { telepayIn } from '../support/cli-runs.js'
import { localDateOf, startTestGateway } from '../support/gateway-fixture.js'

const DAY_MS = 86_400_000

/** `telepay ...` in the scratch directory, with no TELEPAY_* setting of the test run's. */
function telepay(args: readonly string[]): Promise<CliRun> {
  return telepayIn(args, { cwd: scratch })
}

/** One hop of an Africa's Talking USSD session (POST /ussd): the answer's body. */
async function ussd(url: string, msisdn: string, sessionId: string, text: string): Promise<string> {
  const response = await fetch(`${url}/ussd`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ sessionId, serviceCode: '*123#', phoneNumber: msisdn, text }),
  })
  return response.text()
}

let scratch: string
let dataDir: string
let generated: CliRun
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'telepay-world-'))
  dataDir = join(scratch, 'data')
  generated = await telepay([
    'world',
    'generate',
    '--subscribers',
    '2000',
    '--merchants',
    '5',
    '--data-dir',
    dataDir,
  ])
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe('telepay world generate', () => {
  it('writes 2,000 subscribers and 5 merchants, says where, and the ledger balances', async () => {
    expect(generated.stderr).toBe('')
    expect(generated.code).toBe(0)
    expect(generated.stdout).toMatch(
      /^generated 2,000 subscribers, 5 merchants and 200 cards in [\d.]+ s \([\d,]+ subscribers\/s/,
    )
    expect(generated.stdout).toContain('subscribers: 8615000000000 to 8615000001999, PIN 1234')
    expect(generated.stdout).toContain(`600001  API key ${generatedMerchant(1, 0).apiKey}`)
    expect(generated.stdout).toContain(`telepay world merchants --data-dir ${dataDir} --seed 1`)
    const check = await telepay(['ledger', 'check', '--data-dir', dataDir])
    expect(check.code).toBe(0)
    // 2,000 subscribers' two accounts, 5 merchants' and 6 of the platform (the e-purse float too).
    expect(check.stdout).toMatch(/^balanced: 4000 transfers, 8000 entries, 4211 accounts/)
  })

  it('lists the merchants and their keys, checked against the ledger for the seed', async () => {
    const listed = await telepay(['world', 'merchants', '--data-dir', dataDir])
    expect(listed.code).toBe(0)
    const lines = listed.stdout.trim().split('\n')
    expect(lines).toHaveLength(5)
    for (const [index, line] of lines.entries()) {
      const merchant = generatedMerchant(1, index)
      expect(line.split('\t')).toEqual([
        merchant.code,
        merchant.category,
        merchant.apiKey,
        merchant.webhookSecret,
        merchant.name,
      ])
    }
    const wrongSeed = await telepay(['world', 'merchants', '--data-dir', dataDir, '--seed', '2'])
    expect(wrongSeed.code).toBe(1)
    expect(wrongSeed.stderr).toContain('pass the --seed the world was generated with')
  })

  it('is served by a gateway on the data dir: USSD balance, merchant key, PIN, card', async () => {
    const t = await startTestGateway({ dir: dataDir })
    try {
      const index = 1_234
      const msisdn = generatedMsisdn(index)
      const expected = generatedSubscriber(1, index, '', 10, defaultLimits.walletHeldMaxMinor)
      expect(await ussd(t.url, msisdn, 'big-world-1', '')).toMatch(/^CON /)
      const balance = await ussd(t.url, msisdn, 'big-world-1', '1')
      expect(balance).toMatch(/^END /)
      expect(balance).toContain(formatAmount(expected.walletMinor))
      expect(balance).toContain(formatAmount(expected.phoneBillMinor))

      const merchant = generatedMerchant(1, 1)
      const request = await t.request('POST', '/api/v1/payment-requests', {
        token: merchant.apiKey,
        body: { msisdn, amount: '12.34', reference: 'big-world', account: 'wallet' },
      })
      expect(request.status).toBe(202)
      const wrongKey = await t.request('POST', '/api/v1/payment-requests', {
        token: `${merchant.apiKey}0`,
        body: { msisdn, amount: '1.00', reference: 'big-world-2', account: 'wallet' },
      })
      expect(wrongKey.status).toBe(401)
      expect((await t.confirm(msisdn, '9999')).reason).toBe('pin_incorrect')
      const confirmed = await t.confirm(msisdn, '1234')
      expect(confirmed.ok).toBe(true)
      expect(confirmed.payment?.state).toBe('completed')
      expect(await t.balance(msisdn, 'wallet')).toBe(formatAmount(expected.walletMinor - 1_234n))

      // Subscriber 0 holds a card (every 10th does): its balance is the bank's.
      const card = generatedCard(1, 0, 10)
      expect(card).not.toBeNull()
      expect(await t.balance(generatedMsisdn(0), 'bank')).toBe(
        formatAmount(card?.balanceMinor ?? 0n),
      )
      expect((await t.subscriber(generatedMsisdn(1))).accounts.map((a) => a.account)).toEqual([
        'wallet',
        'phone_bill',
      ])
    } finally {
      await t.close({ keepDir: true })
    }
  })
})

describe('telepay world fill', () => {
  it('adds 5,000 payments over 3 days through the core: by day, balanced, settled', async () => {
    const before = Date.now()
    const filled = await telepay([
      'world',
      'fill',
      '--payments',
      '5000',
      '--days',
      '3',
      '--data-dir',
      dataDir,
    ])
    expect(filled.code).toBe(0)
    expect(filled.stdout).toMatch(
      /^filled 5,000 payments in [\d.]+ s \([\d,]+ payments\/s\): 5,000 completed, 0 refused, 0 fa/,
    )
    expect((await telepay(['ledger', 'check', '--data-dir', dataDir])).code).toBe(0)

    const db = new Database(join(dataDir, 'telepay.sqlite'), { readonly: true })
    let byDay: Map<string, number>
    try {
      const rows = db
        .prepare("SELECT created_ms FROM payments WHERE state = 'completed'")
        .safeIntegers(false)
        .all() as { created_ms: number }[]
      byDay = new Map()
      for (const row of rows) {
        const day = localDateOf(row.created_ms)
        byDay.set(day, (byDay.get(day) ?? 0) + 1)
      }
    } finally {
      db.close()
    }
    // Three days of 24 hours cut four local days: the two whole ones hold a third each.
    const yesterday = localDateOf(before - DAY_MS)
    const dayBefore = localDateOf(before - 2 * DAY_MS)
    for (const day of [yesterday, dayBefore]) {
      expect(byDay.get(day)).toBeGreaterThan(1_600)
      expect(byDay.get(day)).toBeLessThan(1_740)
    }
    expect(byDay.get(localDateOf(before - 4 * DAY_MS))).toBeUndefined()

    const t = await startTestGateway({ dir: dataDir })
    try {
      const settlement = await t.admin('GET', `/admin/api/settlements?date=${yesterday}`)
      expect(settlement.status).toBe(200)
      const merchants = settlement.json.merchants as { merchant: string; payments: number }[]
      const settled = merchants.reduce((sum, merchant) => sum + merchant.payments, 0)
      // 90 % of the mix pays merchants; the rest are SENDs between subscribers.
      expect(settled).toBeGreaterThan(0.8 * (byDay.get(yesterday) ?? 0))
      expect(settled).toBeLessThan(byDay.get(yesterday) ?? 0)
      expect(merchants.map((merchant) => merchant.merchant).sort()).toEqual(
        [0, 1, 2, 3, 4].map((index) => generatedMerchant(1, index).code),
      )
    } finally {
      await t.close({ keepDir: true })
    }
  })
})

describe('telepay world: refusals and bad options', () => {
  it('refuses to replace a world without --force (exit 1), and replaces it with', async () => {
    const dir = join(scratch, 'twice')
    const generate = ['world', 'generate', '--data-dir', dir]
    const first = await telepay([...generate, '--subscribers', '50', '--merchants', '1'])
    expect(first.code).toBe(0)
    const again = await telepay([...generate, '--subscribers', '30', '--merchants', '0'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(
      `${join(dir, 'telepay.sqlite')} already holds a world (50 subscribers, 1 merchant, ` +
        'no payments); pass --force to replace it',
    )
    const forced = await telepay([
      ...generate,
      ...['--subscribers', '30', '--merchants', '0', '--cards-every', '0', '--force'],
    ])
    expect(forced.code).toBe(0)
    expect(forced.stdout).toContain('generated 30 subscribers, 0 merchants and 0 cards')
    const check = await telepay(['ledger', 'check', '--data-dir', dir])
    expect(check.stdout).toMatch(/^balanced: 60 transfers, 120 entries, 66 accounts/)
    // The old world's cards went with it.
    expect(existsSync(join(dir, 'bank.sqlite'))).toBe(false)
  })

  it('exits 2 with a clear message on bad options, and explains itself on --help', async () => {
    const runs = await Promise.all([
      telepay(['world', 'generate', '--subscribers', 'many', '--merchants', '1']),
      telepay(['world', 'generate', '--subscribers', '10']),
      telepay(['world', 'generate', '--subscribers', '10', '--merchants', '1', '--pin', '12']),
      telepay(['world', 'fill', '--payments', '10', '--keys', 'shuffled', '--data-dir', dataDir]),
      telepay(['world', 'fill', '--payments', '10', '--data-dir', join(scratch, 'nowhere')]),
      telepay(['world', 'fill', '--payments', '0', '--data-dir', dataDir]),
      telepay(['world', 'generate', '--subscribers', '10', '--merchants', '1', '--colour']),
      telepay(['world', 'regenerate']),
    ])
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2])
    const messages = runs.map((run) => run.stderr.split('\n')[0])
    expect(messages).toEqual([
      'telepay world generate: --subscribers: expected an integer from 1 to 100,000,000, ' +
        'got "many"',
      'telepay world generate: --merchants is required',
      'telepay world generate: --pin: expected 4 to 6 digits, got "12"',
      'telepay world fill: --keys: expected random or sequential, got "shuffled"',
      `telepay world fill: no ledger at ${join(scratch, 'nowhere', 'telepay.sqlite')} ` +
        '(telepay world generate first, or pass --data-dir)',
      'telepay world fill: --payments: expected an integer from 1 to 1,000,000,000, got "0"',
      'telepay world generate: unknown option --colour',
      'telepay world: unknown command "regenerate"',
    ])
    const help = await telepay(['world', 'generate', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('One scrypt hash is computed and')
    const top = await telepay(['--help'])
    expect(top.stdout).toMatch(/^\s+world\s+world files and big generated worlds/m)
  })
})
