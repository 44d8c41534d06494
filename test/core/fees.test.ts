/**
 * fees.test.ts - the 1.00% merchant fee (rounded half up to the fen) and its shares by funding
 * account: phone bill operator 70 / platform 30; wallet platform 70 / operator 30; card bank 50 /
 * operator 20 / platform 30. The fen left over by rounding go to the platform, so the shares
 * always add up to the fee; the merchant receives the amount minus the fee. Balances are read
 * from the SQLite ledger itself.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FundingKind } from '../../src/core/index.js'
import { dayOf, dayStartMs, defaultLimits } from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  CINEMA,
  CINEMA_ORDER,
  expectBalanced,
  HAN,
  LI,
  loadWallet,
  merchantBalance,
  ok,
  partyBalance,
  payBill,
  payByCard,
  payMerchant,
  paymentIdOf,
  payOrder,
  RINGTONES,
  refund,
  sendMoney,
  topUp,
  WATER,
} from './helpers.js'

type Shares = { readonly bank: bigint; readonly operator: bigint; readonly platform: bigint }

function shares(t: TestLedger): Shares {
  return {
    bank: partyBalance(t, 'bank_fees'),
    operator: partyBalance(t, 'operator_fees'),
    platform: partyBalance(t, 'platform_fees'),
  }
}

/** Li pays Ringtone Store at once from the account; a card payment is captured by the bank. */
function pay(t: TestLedger, funding: FundingKind, amountMinor: bigint): string {
  const command = payMerchant(LI, RINGTONES, amountMinor, funding, true)
  if (funding === 'bank') return paymentIdOf(payByCard(t, command))
  return paymentIdOf(ok(t, command, { pin: funding === 'phone_bill' ? 'absent' : 'match' }))
}

const rows: readonly {
  funding: FundingKind
  amountMinor: bigint
  feeMinor: bigint
  shares: Shares
}[] = [
  // Exact percentages.
  {
    funding: 'phone_bill',
    amountMinor: 5_000n,
    feeMinor: 50n,
    shares: { bank: 0n, operator: 35n, platform: 15n },
  },
  {
    funding: 'wallet',
    amountMinor: 10_000n,
    feeMinor: 100n,
    shares: { bank: 0n, operator: 30n, platform: 70n },
  },
  {
    funding: 'bank',
    amountMinor: 10_000n,
    feeMinor: 100n,
    shares: { bank: 50n, operator: 20n, platform: 30n },
  },
  // The fee rounds half up: 0.49 fen is nothing, 0.50 fen is one.
  {
    funding: 'wallet',
    amountMinor: 49n,
    feeMinor: 0n,
    shares: { bank: 0n, operator: 0n, platform: 0n },
  },
  {
    funding: 'wallet',
    amountMinor: 50n,
    feeMinor: 1n,
    shares: { bank: 0n, operator: 0n, platform: 1n },
  },
  {
    funding: 'phone_bill',
    amountMinor: 149n,
    feeMinor: 1n,
    shares: { bank: 0n, operator: 0n, platform: 1n },
  },
  {
    funding: 'bank',
    amountMinor: 150n,
    feeMinor: 2n,
    shares: { bank: 1n, operator: 0n, platform: 1n },
  },
  {
    funding: 'wallet',
    amountMinor: 9_999n,
    feeMinor: 100n,
    shares: { bank: 0n, operator: 30n, platform: 70n },
  },
  // Shares that do not divide: each share is rounded down, the platform takes what is left.
  {
    funding: 'phone_bill',
    amountMinor: 1_234n,
    feeMinor: 12n,
    shares: { bank: 0n, operator: 8n, platform: 4n },
  },
  {
    funding: 'wallet',
    amountMinor: 1_234n,
    feeMinor: 12n,
    shares: { bank: 0n, operator: 3n, platform: 9n },
  },
  {
    funding: 'bank',
    amountMinor: 1_234n,
    feeMinor: 12n,
    shares: { bank: 6n, operator: 2n, platform: 4n },
  },
  {
    funding: 'phone_bill',
    amountMinor: 3_333n,
    feeMinor: 33n,
    shares: { bank: 0n, operator: 23n, platform: 10n },
  },
  {
    funding: 'wallet',
    amountMinor: 3_333n,
    feeMinor: 33n,
    shares: { bank: 0n, operator: 9n, platform: 24n },
  },
  {
    funding: 'bank',
    amountMinor: 3_333n,
    feeMinor: 33n,
    shares: { bank: 16n, operator: 6n, platform: 11n },
  },
]

describe('merchant fee and its shares, by funding account', () => {
  for (const row of rows) {
    const split = `${row.shares.bank}/${row.shares.operator}/${row.shares.platform}`
    const fee = `fee ${row.feeMinor}, bank/operator/platform ${split}`
    it(`${row.funding} ${row.amountMinor} fen: ${fee}`, async () => {
      const t = await openTestLedger()
      try {
        const payerBefore = await t.balance(LI, row.funding)
        const paymentId = pay(t, row.funding, row.amountMinor)
        expect(row.shares.bank + row.shares.operator + row.shares.platform).toBe(row.feeMinor)
        expect(shares(t)).toEqual(row.shares)
        expect(merchantBalance(t, RINGTONES)).toBe(row.amountMinor - row.feeMinor)
        expect(await t.balance(LI, row.funding)).toBe(payerBefore - row.amountMinor)
        expect((await t.ledger.payment(paymentId))?.feeMinor).toBe(row.feeMinor)
        await expectBalanced(t)
      } finally {
        await t.close()
      }
    })
  }
})

describe('fees on the ledger', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it("posts the fee shares as legs of the payment's own transfer", async () => {
    const paymentId = pay(t, 'bank', 10_000n)
    const legs = t.ledger.db
      .prepare(`
      SELECT a.owner AS owner, a.kind AS kind, e.amount_minor AS amount FROM transfers tr
      JOIN entries e ON e.transfer_id = tr.id JOIN accounts a ON a.id = e.account_id
      WHERE tr.payment_id = ? AND tr.kind = 'payment' ORDER BY e.leg`)
      .all(paymentId) as { owner: string; kind: string; amount: bigint }[]
    expect(legs.map((leg) => [leg.owner, leg.kind, leg.amount])).toEqual([
      [LI, 'bank', -10_000n],
      [RINGTONES, 'merchant', 9_900n],
      ['platform', 'bank_fees', 50n],
      ['platform', 'operator_fees', 20n],
      ['platform', 'platform_fees', 30n],
    ])
  })

  it('charges every kind of merchant payment: PAY, ORDER and BILL', async () => {
    ok(t, payMerchant(LI, RINGTONES, 10_000n, 'wallet', true), { pin: 'match' })
    ok(t, payOrder(LI, CINEMA_ORDER, 'wallet', true), { pin: 'match' })
    ok(t, payBill(LI, WATER, 'ACC-1', 5_000n, 'phone_bill', true))
    expect([
      merchantBalance(t, RINGTONES),
      merchantBalance(t, CINEMA),
      merchantBalance(t, WATER),
    ]).toEqual([9_900n, 7_920n, 4_950n])
    expect(shares(t)).toEqual({ bank: 0n, operator: 30n + 24n + 35n, platform: 70n + 56n + 15n })
    await expectBalanced(t)
  })

  it('charges nothing on airtime, sending money or loading the wallet', async () => {
    ok(t, topUp(LI, HAN, 1_000n, 'wallet', true), { pin: 'match' })
    ok(t, sendMoney(LI, HAN, 1_000n, true), { pin: 'match' })
    payByCard(t, loadWallet(LI, 10_000n, true))
    expect(shares(t)).toEqual({ bank: 0n, operator: 0n, platform: 0n })
    expect(await t.balance(HAN, 'phone_bill')).toBe(3_000n)
    expect(await t.balance(HAN, 'wallet')).toBe(3_000n)
    expect(await t.balance(LI, 'wallet')).toBe(58_000n)
  })

  it('charges nothing on a card payment the bank declined', async () => {
    const reserved = ok(t, payMerchant(LI, RINGTONES, 10_000n, 'bank', true), { pin: 'match' })
    t.run(bankOutcome(paymentIdOf(reserved), 'declined'))
    expect(shares(t)).toEqual({ bank: 0n, operator: 0n, platform: 0n })
    expect(merchantBalance(t, RINGTONES)).toBe(0n)
  })

  it('keeps the fee on a refund: the merchant bears it', async () => {
    const paymentId = pay(t, 'wallet', 10_000n)
    ok(t, refund(RINGTONES, paymentId, 10_000n))
    expect(shares(t)).toEqual({ bank: 0n, operator: 30n, platform: 70n })
    expect(merchantBalance(t, RINGTONES)).toBe(-100n)
    await expectBalanced(t)
  })

  it("the day's settlement shows the merchant gross, fees, refunds and net", async () => {
    const first = pay(t, 'wallet', 10_000n)
    pay(t, 'bank', 1_234n)
    ok(t, refund(RINGTONES, first, 2_000n))
    const day = dayOf(t.nowMs, defaultLimits)
    const start = dayStartMs(day, defaultLimits)
    const settlement = await t.ledger.settlement(RINGTONES, start, start + 86_400_000, '2026-11-21')
    expect(settlement).toEqual({
      merchantCode: RINGTONES,
      day: '2026-11-21',
      payments: 2,
      grossMinor: 11_234n,
      feesMinor: 112n,
      refundsMinor: 2_000n,
      netMinor: 9_122n,
    })
    expect(merchantBalance(t, RINGTONES)).toBe(settlement.netMinor)
  })
})
