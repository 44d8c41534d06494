/**
 * pay-order-bill.test.ts - ORDER <orderNo> and BILL <biller> <customerRef> <amount>: refusals in
 * precedence order, then paying the default world's open order 880001 (Cinema Tickets, 80.00)
 * and a utility bill.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  CINEMA,
  CINEMA_ORDER,
  confirm,
  expectBalanced,
  HAN,
  LI,
  lockOut,
  merchantBalance,
  moneySnapshot,
  NOBODY,
  ok,
  payBill,
  payMerchant,
  paymentIdOf,
  payOrder,
  RINGTONES,
  refusalTable,
  stateOf,
  TRANSFER_REF,
  WATER,
  ZHANG,
} from './helpers.js'

function orderPaidBy(t: TestLedger, orderNo: string): string | null {
  const row = t.ledger.db
    .prepare('SELECT paid_payment_id FROM orders WHERE order_no = ?')
    .get(orderNo) as { paid_payment_id: string | null }
  return row.paid_payment_id
}

describe('ORDER: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier ORDER, for another order',
      given: (t) => {
        ok(t, payOrder(LI, CINEMA_ORDER), { key: 'ussd:s1:3' })
      },
      when: (t) => t.run(payOrder(LI, '880002'), { key: 'ussd:s1:3' }),
    },
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number, for an order that does not exist',
      when: (t) => t.run(payOrder(NOBODY, '999999')),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked, for an order that does not exist',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(payOrder(LI, '999999')),
    },
    {
      reason: 'order_not_found',
      name: 'no such order, from a card the payer does not have',
      when: (t) => t.run(payOrder(HAN, '999999', 'bank')),
    },
    {
      reason: 'order_already_paid',
      name: 'paid by another subscriber, and from a card the payer does not have',
      given: (t) => {
        ok(t, payOrder(LI, CINEMA_ORDER, 'wallet', true), { pin: 'match' })
      },
      when: (t) => t.run(payOrder(HAN, CINEMA_ORDER, 'bank')),
    },
    {
      reason: 'order_already_paid',
      name: 'paid already by the same subscriber',
      given: (t) => {
        ok(t, payOrder(LI, CINEMA_ORDER, 'wallet', true), { pin: 'match' })
      },
      when: (t) => t.run(payOrder(LI, CINEMA_ORDER, 'wallet', true), { pin: 'match' }),
    },
    {
      reason: 'order_already_paid',
      name: 'held by a card payment the bank has not answered yet',
      given: (t) => {
        ok(t, payOrder(LI, CINEMA_ORDER, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(payOrder(HAN, CINEMA_ORDER)),
    },
    {
      reason: 'account_not_available',
      name: 'from a card the payer does not have',
      when: (t) => t.run(payOrder(HAN, CINEMA_ORDER, 'bank')),
    },
    {
      reason: 'pin_required',
      name: 'paid at once without the PIN, with too little in the wallet',
      when: (t) => t.run(payOrder(HAN, CINEMA_ORDER, 'wallet', true)),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong PIN, with too little in the wallet',
      when: (t) => t.run(payOrder(HAN, CINEMA_ORDER, 'wallet', true), { pin: 'mismatch' }),
    },
    {
      reason: 'amount_above_payment_max',
      name: '80.00 on a phone bill (micro-payments up to 50.00) that holds only 20.00',
      when: (t) => t.run(payOrder(HAN, CINEMA_ORDER, 'phone_bill')),
    },
    {
      reason: 'daily_limit_exceeded',
      name: '80.00 after 4950.00 today',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 495_000n, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(payOrder(LI, CINEMA_ORDER)),
    },
    {
      reason: 'insufficient_funds',
      name: '80.00 from a wallet holding 20.00',
      when: (t) => t.run(payOrder(HAN, CINEMA_ORDER)),
    },
  ])
})

describe('BILL: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier BILL, for another customer reference',
      given: (t) => {
        ok(t, payBill(LI, WATER, 'ACC-1', 3_000n), { key: 'wap:f1' })
      },
      when: (t) => t.run(payBill(LI, WATER, 'ACC-2', 3_000n), { key: 'wap:f1' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, without a customer reference, from an unregistered number',
      when: (t) => t.run(payBill(NOBODY, WATER, '', 0n)),
    },
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number, to a biller that does not exist',
      when: (t) => t.run(payBill(NOBODY, '2999', 'ACC-1', 3_000n)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked, without a customer reference',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(payBill(LI, WATER, '', 3_000n)),
    },
    {
      reason: 'merchant_not_found',
      name: 'no such biller, without a customer reference',
      when: (t) => t.run(payBill(LI, '2999', '', 3_000n)),
    },
    {
      reason: 'merchant_not_found',
      name: 'a merchant that is not a biller (Ringtone Store)',
      when: (t) => t.run(payBill(LI, RINGTONES, 'ACC-1', 3_000n)),
    },
    {
      reason: 'customer_reference_required',
      name: 'a blank customer reference, from a card the payer does not have',
      when: (t) => t.run(payBill(HAN, WATER, '   ', 3_000n, 'bank')),
    },
    {
      reason: 'account_not_available',
      name: 'from a card the payer does not have',
      when: (t) => t.run(payBill(HAN, WATER, 'ACC-1', 3_000n, 'bank')),
    },
    {
      reason: 'pin_required',
      name: 'paid at once from the wallet without the PIN',
      when: (t) => t.run(payBill(LI, WATER, 'ACC-1', 3_000n, 'wallet', true)),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong PIN, over the wallet maximum',
      when: (t) =>
        t.run(payBill(LI, WATER, 'ACC-1', 200_001n, 'wallet', true), { pin: 'mismatch' }),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'over the phone-bill maximum',
      when: (t) => t.run(payBill(LI, WATER, 'ACC-1', 5_001n, 'phone_bill')),
    },
    {
      reason: 'insufficient_funds',
      name: 'more than the wallet holds',
      when: (t) => t.run(payBill(ZHANG, WATER, 'ACC-1', 1n)),
    },
  ])
})

describe('ORDER and BILL: what a payment does', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('pays order 880001 for its own amount, after YES and the PIN', async () => {
    const asked = ok(t, payOrder(LI, CINEMA_ORDER))
    expect(asked.message.params).toMatchObject({ amount: '80.00', payee: 'Cinema Tickets' })
    expect(orderPaidBy(t, CINEMA_ORDER)).toBeNull()
    const paid = ok(t, confirm(LI), { pin: 'match' })
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(await t.balance(LI, 'wallet')).toBe(42_000n)
    expect(merchantBalance(t, CINEMA)).toBe(7_920n)
    expect(orderPaidBy(t, CINEMA_ORDER)).toBe(paymentIdOf(asked))
    await expectBalanced(t)
  })

  it('two wait on one order: the first YES pays it, the second is declined, unpaid', async () => {
    const liWaits = ok(t, payOrder(LI, CINEMA_ORDER))
    const zhangWaits = ok(t, payOrder(ZHANG, CINEMA_ORDER, 'bank'))
    ok(t, confirm(LI), { pin: 'match' })
    const before = moneySnapshot(t)
    const late = t.run(confirm(ZHANG), { pin: 'match' })
    expect(late.reason).toBe('order_already_paid')
    expect(late.payment?.state).toBe('declined')
    expect(await stateOf(t, paymentIdOf(zhangWaits))).toBe('declined')
    expect(moneySnapshot(t)).toEqual(before)
    expect(orderPaidBy(t, CINEMA_ORDER)).toBe(paymentIdOf(liWaits))
    // The declined payment no longer waits: the next YES finds nothing to confirm.
    expect(t.run(confirm(ZHANG), { pin: 'match' }).reason).toBe('no_pending_payment')
    await expectBalanced(t)
  })

  it('pays a water bill with its customer reference, net of the fee to the biller', async () => {
    const paid = ok(t, payBill(LI, WATER, 'ACC-778', 12_000n, 'wallet', true), { pin: 'match' })
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(paid.payment).toMatchObject({
      kind: 'bill',
      customerRef: 'ACC-778',
      merchantCode: WATER,
      state: 'completed',
    })
    expect(await t.balance(LI, 'wallet')).toBe(38_000n)
    expect(merchantBalance(t, WATER)).toBe(11_880n)
    await expectBalanced(t)
  })

  it('pays a bill from the phone bill with YES alone', async () => {
    ok(t, payBill(HAN, WATER, 'ACC-9', 2_000n, 'phone_bill'))
    const paid = ok(t, confirm(HAN), { pin: 'absent' })
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(await t.balance(HAN, 'phone_bill')).toBe(0n)
    expect(merchantBalance(t, WATER)).toBe(1_980n)
  })
})
