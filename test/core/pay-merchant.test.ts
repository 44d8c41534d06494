/**
 * pay-merchant.test.ts - PAY <merchant> <amount> [<acct>]: every refusal in precedence order,
 * then what a successful payment does to the balances from each funding account.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseAmount } from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  confirm,
  expectBalanced,
  HAN,
  LI,
  lockOut,
  MINUTE_MS,
  merchantBalance,
  NOBODY,
  ok,
  payMerchant,
  paymentIdOf,
  RINGTONES,
  refusalTable,
  reservedOnCard,
  stateOf,
  TRANSFER_REF,
  ZHANG,
} from './helpers.js'

describe('PAY: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier payment, for another amount',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n), { key: 'sms:42' })
      },
      when: (t) => t.run(payMerchant(LI, RINGTONES, 2_600n), { key: 'sms:42' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, from an unregistered number',
      when: (t) => t.run(payMerchant(NOBODY, RINGTONES, 0n)),
    },
    {
      reason: 'amount_not_positive',
      name: 'a negative amount',
      when: (t) => t.run(payMerchant(LI, RINGTONES, -100n)),
    },
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number, to a merchant that does not exist',
      when: (t) => t.run(payMerchant(NOBODY, '9999', 2_500n)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked by three wrong PINs, even with the right PIN now',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'match' }),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked, to a merchant that does not exist',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(payMerchant(LI, '9999', 2_500n)),
    },
    {
      reason: 'merchant_not_found',
      name: 'no such merchant, from a card the payer does not have',
      when: (t) => t.run(payMerchant(HAN, '9999', 2_500n, 'bank')),
    },
    {
      reason: 'account_not_available',
      name: 'from a card the payer does not have, over the card maximum',
      when: (t) => t.run(payMerchant(HAN, RINGTONES, 5_000_001n, 'bank')),
    },
    {
      reason: 'pin_required',
      name: 'paid at once from the wallet without the PIN, over the wallet maximum',
      when: (t) => t.run(payMerchant(LI, RINGTONES, 200_001n, 'wallet', true), { pin: 'absent' }),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong PIN, over the wallet maximum',
      when: (t) => t.run(payMerchant(LI, RINGTONES, 200_001n, 'wallet', true), { pin: 'mismatch' }),
    },
    {
      reason: 'pin_attempts_exceeded',
      name: 'the third wrong PIN in a row',
      given: (t) => {
        t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'mismatch' })
        t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'mismatch' })
      },
      when: (t) => t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'mismatch' }),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'over the wallet maximum (2000.00) and more than the wallet holds (500.00)',
      when: (t) => t.run(payMerchant(LI, RINGTONES, 200_001n)),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'a phone-bill micro-payment over 50.00, though the credit would cover it',
      when: (t) => t.run(payMerchant(LI, RINGTONES, 5_001n, 'phone_bill')),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'a card payment over 50000.00',
      when: (t) => t.run(payMerchant(LI, RINGTONES, 5_000_001n, 'bank')),
    },
    {
      reason: 'daily_limit_exceeded',
      name: 'past 5000.00 today with an empty wallet',
      given: (t) => {
        ok(t, payMerchant(ZHANG, RINGTONES, 499_999n, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(payMerchant(ZHANG, RINGTONES, 2n)),
    },
    {
      reason: 'daily_limit_exceeded',
      name: 'past 5000.00 today, with enough in the wallet',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 499_000n, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(payMerchant(LI, RINGTONES, 1_001n)),
    },
    {
      reason: 'insufficient_funds',
      name: 'more than the wallet holds',
      when: (t) => t.run(payMerchant(HAN, RINGTONES, 2_001n)),
    },
    {
      reason: 'insufficient_funds',
      name: 'more than a phone bill without credit holds',
      when: (t) => t.run(payMerchant(HAN, RINGTONES, 2_001n, 'phone_bill')),
    },
    {
      reason: 'insufficient_funds',
      name: 'a phone bill already at minus its credit limit',
      given: (t) => {
        for (let i = 0; i < 3; i += 1) ok(t, payMerchant(LI, RINGTONES, 5_000n, 'phone_bill', true))
      },
      when: (t) => t.run(payMerchant(LI, RINGTONES, 1n, 'phone_bill')),
    },
  ])
})

describe('the amount as typed (PAY 1001 <amount>)', () => {
  const rows = [
    { typed: 'abc', reason: 'amount_invalid' },
    { typed: '25.', reason: 'amount_invalid' },
    { typed: '-2.505', reason: 'amount_too_precise' },
    { typed: '25.505', reason: 'amount_too_precise' },
    { typed: '-25', reason: 'amount_not_positive' },
    { typed: '0.00', reason: 'amount_not_positive' },
  ] as const
  for (const row of rows) {
    it(`refuses "${row.typed}" as ${row.reason}`, () => {
      expect(parseAmount(row.typed)).toEqual({ ok: false, reason: row.reason })
    })
  }
  for (const [typed, minor] of [
    ['25', 2_500n],
    ['25.5', 2_550n],
    ['25.50', 2_550n],
    [' 0.01 ', 1n],
  ] as const) {
    it(`reads "${typed}" as ${minor} fen`, () => {
      expect(parseAmount(typed)).toEqual({ ok: true, minor })
    })
  }
})

describe('PAY: what a payment does', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('asks for YES and the PIN first, and moves nothing until then', async () => {
    const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n))
    expect(asked.message.key).toBe('payment.confirm_pin')
    expect(asked.message.params).toMatchObject({ amount: '25.00', payee: 'Ringtone Store' })
    expect(asked.payment?.state).toBe('awaiting_authorization')
    expect(asked.reference).toBeNull()
    expect(await t.balance(LI, 'wallet')).toBe(50_000n)
    expect(merchantBalance(t, RINGTONES)).toBe(0n)
  })

  it('asks for YES alone from the phone bill: the SIM is the authentication', () => {
    const asked = ok(t, payMerchant(LI, RINGTONES, 500n, 'phone_bill'))
    expect(asked.message.key).toBe('payment.confirm_sim')
  })

  it('pays from the wallet at once with the PIN, with a short reference', async () => {
    const paid = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'match' })
    expect(paid.message.key).toBe('payment.completed')
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(paid.payment?.state).toBe('completed')
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
    expect(merchantBalance(t, RINGTONES)).toBe(2_475n)
    await expectBalanced(t)
  })

  it('pays from the phone bill down to minus its credit limit', async () => {
    for (let i = 0; i < 3; i += 1) ok(t, payMerchant(LI, RINGTONES, 5_000n, 'phone_bill', true))
    expect(await t.balance(LI, 'phone_bill')).toBe(-10_000n)
    await expectBalanced(t)
  })

  it('pays exactly the wallet maximum and exactly the phone-bill maximum', async () => {
    ok(t, payMerchant(LI, RINGTONES, 5_000n, 'phone_bill', true))
    ok(t, payMerchant(LI, RINGTONES, 50_000n, 'wallet', true), { pin: 'match' })
    expect(await t.balance(LI, 'phone_bill')).toBe(0n)
    expect(await t.balance(LI, 'wallet')).toBe(0n)
  })

  it('reserves a card payment for the bank instead of posting it', async () => {
    const reserved = ok(t, payMerchant(LI, RINGTONES, 10_000n, 'bank', true), { pin: 'match' })
    expect(reserved.message.key).toBe('payment.processing')
    expect(reserved.payment?.state).toBe('authorized')
    expect(reserved.bankStep).toMatchObject({
      op: 'capture',
      amountMinor: 10_000n,
      paymentId: paymentIdOf(reserved),
    })
    expect(reservedOnCard(t, LI)).toBe(10_000n)
    expect(await t.balance(LI, 'bank')).toBe(0n)
    expect(merchantBalance(t, RINGTONES)).toBe(0n)
    expect(await stateOf(t, paymentIdOf(reserved))).toBe('authorized')
    await expectBalanced(t)
  })

  it('counts exactly 5000.00 a day, and starts again the next local day', async () => {
    ok(t, payMerchant(LI, RINGTONES, 490_000n, 'bank', true), { pin: 'match' })
    ok(t, payMerchant(LI, RINGTONES, 10_000n, 'wallet', true), { pin: 'match' })
    expect(t.run(payMerchant(LI, RINGTONES, 1n, 'wallet', true), { pin: 'match' }).reason).toBe(
      'daily_limit_exceeded',
    )
    // The test clock starts at 10:00 China Standard Time: 14 hours later is the next local day.
    t.nowMs += 14 * 60 * MINUTE_MS
    ok(t, payMerchant(LI, RINGTONES, 1n, 'wallet', true), { pin: 'match' })
    expect(await t.balance(LI, 'wallet')).toBe(39_999n)
  })

  it('a correct PIN clears earlier wrong ones, so two more wrong PINs do not lock', () => {
    t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' })
    t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' })
    ok(t, payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'match' })
    expect(
      t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' }).reason,
    ).toBe('pin_incorrect')
    expect(
      t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' }).reason,
    ).toBe('pin_incorrect')
    ok(t, payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'match' })
  })

  it('a wrong PIN tells how many tries are left, and the lock how long it lasts', () => {
    expect(
      t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' }).message.params,
    ).toEqual({ triesLeft: '2' })
    expect(
      t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' }).message.params,
    ).toEqual({ triesLeft: '1' })
    const locked = t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' })
    expect(locked.reason).toBe('pin_attempts_exceeded')
    expect(locked.message.params).toEqual({ lockMinutes: '15' })
  })

  it('answers a Chinese-speaking payer in Chinese', () => {
    expect(ok(t, payMerchant(HAN, RINGTONES, 100n)).language).toBe('zh')
    expect(t.run(payMerchant(HAN, RINGTONES, 9_999n)).language).toBe('zh')
  })

  it('a refused PAY leaves an earlier waiting payment waiting', async () => {
    const first = ok(t, payMerchant(LI, RINGTONES, 2_500n))
    expect(t.run(payMerchant(LI, RINGTONES, 200_001n)).reason).toBe('amount_above_payment_max')
    expect(await stateOf(t, paymentIdOf(first))).toBe('awaiting_authorization')
    ok(t, confirm(LI), { pin: 'match' })
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
  })
})
