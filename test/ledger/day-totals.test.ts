/**
 * day-totals.test.ts - the settlement read from the running day totals (src/ledger/day-totals.ts)
 * is the settlement the scan of the day's transfers gives, for every day of a mixed workload
 * (payments from each account, a card capture, a bill, an order, refunds, a top-up, a merchant
 * at its own rate) spread over two local days; the totals are read by the day's key, not
 * scanned; and a changed day boundary starts them again and settles by the scan meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Command } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import { dayStartOf, msPerDay, rollupValidFor } from '../../src/ledger/day-totals.js'
import { settlementQueries } from '../../src/ledger/reports/settlement.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import {
  bankOutcome,
  CINEMA,
  CINEMA_ORDER,
  ok,
  payBill,
  payMerchant,
  paymentIdOf,
  payOrder,
  RINGTONES,
  refund,
  WATER,
} from '../core/helpers.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

const LI = '8613800138000'
const ZHANG = '8613900139000'
let t: TestLedger | null = null
afterEach(async () => {
  await t?.close()
  t = null
})

function workload(ledger: TestLedger): void {
  ok(ledger, {
    kind: 'open_merchant',
    code: '4001',
    name: 'Noodle Bar',
    category: 'merchant',
    settlementBank: null,
    feeBasisPoints: 250n,
    apiKeySha256: 'a'.repeat(64),
    webhookSecret: 'noodle-secret-0123',
  } satisfies Command)
  const paid = ok(ledger, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'match' })
  ok(ledger, payMerchant(LI, RINGTONES, 1_000n, 'phone_bill'))
  ok(ledger, { kind: 'confirm', msisdn: LI })
  ok(ledger, payMerchant(LI, '4001', 10_000n, 'wallet', true), { pin: 'match' })
  ok(ledger, payBill(LI, WATER, 'W-1', 3_300n, 'wallet', true), { pin: 'match' })
  const card = ok(ledger, payMerchant(ZHANG, CINEMA, 5_000n, 'bank', true), { pin: 'match' })
  ok(ledger, bankOutcome(paymentIdOf(card), 'captured'))
  ok(ledger, { kind: 'fund_account', msisdn: LI, funding: 'wallet', amountMinor: 700n })
  ok(ledger, refund(RINGTONES, paymentIdOf(paid), 500n))
  // The next local day: an order, and a refund of the day before's payment.
  ledger.nowMs += msPerDay
  ok(ledger, payOrder(LI, CINEMA_ORDER, 'wallet', true), { pin: 'match' })
  ok(ledger, refund(RINGTONES, paymentIdOf(paid), 700n))
}

/** The settlement of the day that holds `nowMs`, from the totals and from the scan. */
async function bothWays(ledger: TestLedger, nowMs: number) {
  const startMs = dayStartOf(nowMs, defaultLimits.dayOffsetMs)
  const endMs = startMs + msPerDay
  expect(rollupValidFor(ledger.ledger.db, startMs, endMs)).toBe(true)
  const fromTotals = await ledger.ledger.partySettlement(startMs, endMs, 'd')
  const merchant = await ledger.ledger.settlement(RINGTONES, startMs, endMs, 'd')
  // Force the scan: the totals start after this day.
  ledger.ledger.db.prepare('UPDATE settlement_rollup SET since_ms = ?').run(endMs)
  expect(rollupValidFor(ledger.ledger.db, startMs, endMs)).toBe(false)
  const fromScan = await ledger.ledger.partySettlement(startMs, endMs, 'd')
  expect(await ledger.ledger.settlement(RINGTONES, startMs, endMs, 'd')).toEqual(merchant)
  ledger.ledger.db.prepare('UPDATE settlement_rollup SET since_ms = 0').run()
  return { fromTotals, fromScan }
}

describe('the day totals', () => {
  it('settle each day as the scan of its transfers does', async () => {
    t = await openTestLedger()
    const firstDayMs = t.nowMs
    workload(t)
    for (const dayMs of [firstDayMs, t.nowMs]) {
      const { fromTotals, fromScan } = await bothWays(t, dayMs)
      expect(fromTotals).toEqual(fromScan)
      expect(fromTotals.merchants.length).toBeGreaterThan(0)
    }
    const first = (await bothWays(t, firstDayMs)).fromTotals
    expect(first.merchants.find((row) => row.merchantCode === '4001')).toMatchObject({
      payments: 1,
      grossMinor: 10_000n,
      feesMinor: 250n,
    })
  })

  it('are read by the day, not scanned', async () => {
    t = await openTestLedger()
    const plan = t.ledger.db
      .prepare(`EXPLAIN QUERY PLAN ${settlementQueries.dayTotals}`)
      .all(0) as { detail: string }[]
    expect(plan.map((row) => row.detail).join()).toMatch(/SEARCH day_totals USING PRIMARY KEY/)
  })

  it('start again when the day boundary changes, the days before settled by the scan', async () => {
    t = await openTestLedger()
    workload(t)
    const path = t.ledger.path
    await t.ledger.close()
    const utc = new SqliteLedger(path, { ...defaultLimits, dayOffsetMs: 0 })
    try {
      const startMs = dayStartOf(t.nowMs, 0)
      expect(rollupValidFor(utc.db, startMs, startMs + msPerDay)).toBe(false)
      const rows = utc.db.prepare('SELECT COUNT(*) AS n FROM day_totals').get() as { n: bigint }
      expect(rows.n).toBe(0n)
      expect(rollupValidFor(utc.db, startMs + msPerDay, startMs + 2 * msPerDay)).toBe(true)
      // The scan still settles the days before, at the new boundary.
      const settled = await utc.partySettlement(startMs, startMs + msPerDay, 'd')
      expect(settled.merchants.length).toBeGreaterThan(0)
    } finally {
      await utc.close()
      t.ledger.close = () => Promise.resolve()
    }
  })
})
