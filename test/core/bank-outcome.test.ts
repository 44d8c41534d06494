/**
 * bank-outcome.test.ts - card payments: the PIN reserves the money on the card account and asks
 * for a `capture` bankStep; the issuer's answer (bank_outcome) then posts it (captured), or
 * releases the reservation and gives the day's allowance back (declined, unavailable).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { reasonRank } from '../../src/core/index.js'
import { decodeJson } from '../../src/ledger/codec.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  CINEMA,
  CINEMA_ORDER,
  confirm,
  expectBalanced,
  LI,
  loadWallet,
  MINUTE_MS,
  merchantBalance,
  moneySnapshot,
  ok,
  partyBalance,
  payMerchant,
  paymentIdOf,
  payOrder,
  RINGTONES,
  requestPayment,
  reservedOnCard,
  stateOf,
  TRANSFER_REF,
  ZHANG,
} from './helpers.js'

/** Li pays Ringtone Store by card with the PIN: reserved, waiting for the bank. */
function reserve(t: TestLedger, amountMinor: bigint, msisdn = LI): string {
  const reserved = ok(t, payMerchant(msisdn, RINGTONES, amountMinor, 'bank', true), {
    pin: 'match',
  })
  expect(reserved.message.key).toBe('payment.processing')
  expect(reserved.reference).toBeNull()
  expect(reserved.bankStep).toEqual({
    op: 'capture',
    paymentId: paymentIdOf(reserved),
    cardToken: expect.stringMatching(/^tok_/) as string,
    amountMinor,
  })
  return paymentIdOf(reserved)
}

describe('bank_outcome: refusals by descending precedence', () => {
  const rows = [
    {
      reason: 'payment_not_found',
      name: 'a declined answer for a payment that does not exist',
      outcome: 'declined',
      unknown: true,
    },
    { reason: 'bank_declined', name: 'the issuer declined', outcome: 'declined', unknown: false },
    {
      reason: 'bank_unavailable',
      name: 'the issuer did not answer',
      outcome: 'unavailable',
      unknown: false,
    },
  ] as const

  it('lists its rows in the order of reasons precedence', () => {
    const ranks = rows.map((row) => reasonRank(row.reason))
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
  })

  for (const row of rows) {
    it(`${row.reason}: ${row.name}; the reservation is released and no money moves`, async () => {
      const t = await openTestLedger()
      try {
        const before = moneySnapshot(t)
        const paymentId = reserve(t, 10_000n)
        expect(reservedOnCard(t, LI)).toBe(10_000n)
        const answered = t.run(bankOutcome(row.unknown ? 'P9999999' : paymentId, row.outcome))
        expect(answered.reason).toBe(row.reason)
        expect(answered.ok).toBe(false)
        expect(answered.reference).toBeNull()
        if (!row.unknown) {
          expect(reservedOnCard(t, LI)).toBe(0n)
          expect(moneySnapshot(t)).toEqual(before)
          expect(await stateOf(t, paymentId)).toBe(
            row.outcome === 'declined' ? 'declined' : 'failed',
          )
          expect((await t.ledger.payment(paymentId))?.reason).toBe(row.reason)
        }
        await expectBalanced(t)
      } finally {
        await t.close()
      }
    })
  }
})

describe('card payments', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('captured: the card drawn, the merchant paid net of the fee, the fee shared', async () => {
    const paymentId = reserve(t, 10_000n)
    expect(merchantBalance(t, RINGTONES)).toBe(0n)
    const captured = ok(t, bankOutcome(paymentId, 'captured'))
    expect(captured.message.key).toBe('payment.completed')
    expect(captured.reference).toMatch(TRANSFER_REF)
    expect(captured.payment).toMatchObject({
      state: 'completed',
      feeMinor: 100n,
      transferRef: captured.reference,
    })
    expect(reservedOnCard(t, LI)).toBe(0n)
    expect(await t.balance(LI, 'bank')).toBe(-10_000n)
    expect(merchantBalance(t, RINGTONES)).toBe(9_900n)
    expect([
      partyBalance(t, 'bank_fees'),
      partyBalance(t, 'operator_fees'),
      partyBalance(t, 'platform_fees'),
    ]).toEqual([50n, 20n, 30n])
    expect(await t.balance(LI, 'wallet')).toBe(50_000n)
    await expectBalanced(t)
  })

  it("declined: the day's allowance comes back; the amount can be paid again today", async () => {
    const declined = reserve(t, 400_000n)
    expect(t.run(payMerchant(LI, RINGTONES, 200_000n, 'bank', true), { pin: 'match' }).reason).toBe(
      'daily_limit_exceeded',
    )
    expect(t.run(bankOutcome(declined, 'declined')).reason).toBe('bank_declined')
    const again = reserve(t, 400_000n)
    ok(t, bankOutcome(again, 'captured'))
    expect(await t.balance(LI, 'bank')).toBe(-400_000n)
    expect(t.run(payMerchant(LI, RINGTONES, 100_001n, 'bank', true), { pin: 'match' }).reason).toBe(
      'daily_limit_exceeded',
    )
    await expectBalanced(t)
  })

  it('unavailable: the payment fails, the reservation and the allowance come back', async () => {
    const failed = reserve(t, 500_000n)
    expect(t.run(bankOutcome(failed, 'unavailable')).reason).toBe('bank_unavailable')
    expect(await stateOf(t, failed)).toBe('failed')
    expect(reservedOnCard(t, LI)).toBe(0n)
    ok(t, bankOutcome(reserve(t, 500_000n), 'captured'))
    await expectBalanced(t)
  })

  it("a decline answered the next day does not give back the new day's allowance", async () => {
    const yesterday = reserve(t, 300_000n)
    t.nowMs += 16 * 60 * MINUTE_MS
    reserve(t, 400_000n)
    t.run(bankOutcome(yesterday, 'declined'))
    expect(t.run(payMerchant(LI, RINGTONES, 100_001n, 'bank', true), { pin: 'match' }).reason).toBe(
      'daily_limit_exceeded',
    )
  })

  it("Zhang Wei's card (200.00 at the bank) is declined for 250.00 and nothing moves", async () => {
    const before = moneySnapshot(t)
    const paymentId = reserve(t, 25_000n, ZHANG)
    expect(t.run(bankOutcome(paymentId, 'declined')).reason).toBe('bank_declined')
    expect(moneySnapshot(t)).toEqual(before)
  })

  it('two reservations on one card are settled one by one', async () => {
    const first = reserve(t, 10_000n)
    const second = reserve(t, 20_000n)
    expect(reservedOnCard(t, LI)).toBe(30_000n)
    ok(t, bankOutcome(second, 'captured'))
    expect(reservedOnCard(t, LI)).toBe(10_000n)
    await expectBalanced(t)
    t.run(bankOutcome(first, 'declined'))
    expect(reservedOnCard(t, LI)).toBe(0n)
    expect(await t.balance(LI, 'bank')).toBe(-20_000n)
    await expectBalanced(t)
  })

  it('a late or repeated answer changes nothing: captured or declined stays so', async () => {
    const captured = reserve(t, 10_000n)
    const first = ok(t, bankOutcome(captured, 'captured'))
    const afterCapture = moneySnapshot(t)
    const repeated = ok(t, bankOutcome(captured, 'captured'))
    expect(repeated.reference).toBe(first.reference)
    expect(t.run(bankOutcome(captured, 'declined')).ok).toBe(true)
    expect(moneySnapshot(t)).toEqual(afterCapture)
    expect(await stateOf(t, captured)).toBe('completed')

    const declined = reserve(t, 10_000n)
    t.run(bankOutcome(declined, 'declined'))
    const afterDecline = moneySnapshot(t)
    expect(t.run(bankOutcome(declined, 'captured')).reason).toBe('bank_declined')
    expect(moneySnapshot(t)).toEqual(afterDecline)
    expect(await stateOf(t, declined)).toBe('declined')
    await expectBalanced(t)
  })

  it('confirmed by YES with the PIN, a card payment is reserved then captured', async () => {
    ok(t, payMerchant(LI, RINGTONES, 5_000n, 'bank'))
    expect(reservedOnCard(t, LI)).toBe(0n)
    const reserved = ok(t, confirm(LI), { pin: 'match' })
    expect(reserved.bankStep?.op).toBe('capture')
    expect(reservedOnCard(t, LI)).toBe(5_000n)
    ok(t, bankOutcome(paymentIdOf(reserved), 'captured'))
    expect(merchantBalance(t, RINGTONES)).toBe(4_950n)
    await expectBalanced(t)
  })

  it('an order paid by card is held while the bank decides, open after a decline', async () => {
    const reserved = ok(t, payOrder(LI, CINEMA_ORDER, 'bank', true), { pin: 'match' })
    expect(t.run(payOrder(ZHANG, CINEMA_ORDER, 'bank', true), { pin: 'match' }).reason).toBe(
      'order_already_paid',
    )
    t.run(bankOutcome(paymentIdOf(reserved), 'declined'))
    ok(t, payOrder(LI, CINEMA_ORDER, 'wallet', true), { pin: 'match' })
    expect(await t.balance(LI, 'wallet')).toBe(42_000n)
    expect(merchantBalance(t, CINEMA)).toBe(7_920n)
    await expectBalanced(t)
  })

  it('a declined LOAD leaves the wallet as it was', async () => {
    const reserved = ok(t, loadWallet(LI, 100_000n, true), { pin: 'match' })
    t.run(bankOutcome(paymentIdOf(reserved), 'declined'))
    expect(await t.balance(LI, 'wallet')).toBe(50_000n)
    expect(await t.balance(LI, 'bank')).toBe(0n)
  })

  it("a merchant's request paid by card tells the merchant once the bank answered", async () => {
    const requested = ok(
      t,
      requestPayment(CINEMA, LI, 8_000n, 'bank', 'https://cinema.example/hook'),
    )
    ok(t, confirm(LI), { pin: 'match' })
    expect(await t.ledger.dueOutbox('webhook', t.nowMs, 10)).toEqual([])
    ok(t, bankOutcome(paymentIdOf(requested), 'captured'))
    const hooks = (await t.ledger.dueOutbox('webhook', t.nowMs, 10)).map((item) =>
      decodeJson<{ paymentId: string }>(item.payload),
    )
    expect(hooks).toEqual([expect.objectContaining({ paymentId: paymentIdOf(requested) })])
    expect(merchantBalance(t, CINEMA)).toBe(7_920n)
  })
})
