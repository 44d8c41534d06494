/**
 * confirm-cancel.test.ts - the two-step flow: a payment waits for YES <PIN> (YES alone for a
 * phone-bill micro-payment) or NO; three wrong PINs lock the subscriber on every command for
 * 15 minutes; a waiting payment expires after 120 s; a new payment cancels the older waiting one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Command } from '../../src/core/index.js'
import { decodeJson } from '../../src/ledger/codec.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  balance,
  CINEMA,
  CINEMA_ORDER,
  cancel,
  changePin,
  confirm,
  expectBalanced,
  HAN,
  LI,
  loadWallet,
  lockOut,
  MINUTE_MS,
  merchantBalance,
  moneySnapshot,
  NOBODY,
  ok,
  payBill,
  payByCard,
  payMerchant,
  paymentIdOf,
  payOrder,
  RINGTONES,
  refusalTable,
  requestPayment,
  SECOND_MS,
  sendMoney,
  statement,
  stateOf,
  TRANSFER_REF,
  topUp,
  WATER,
  ZHANG,
} from './helpers.js'

/** The payment a confirm page showed, before a newer one replaced it (rows run one at a time). */
let shown = ''

describe('YES: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'a NO under the key of an earlier YES',
      given: (t) => {
        t.run(confirm(LI), { key: 'sms:100', pin: 'match' })
      },
      when: (t) => t.run(cancel(LI), { key: 'sms:100' }),
    },
    {
      reason: 'payer_not_registered',
      name: 'from an unregistered number',
      when: (t) => t.run(confirm(NOBODY), { pin: 'match' }),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked while a payment waits, with the right PIN now',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
        lockOut(t, LI)
      },
      when: (t) => t.run(confirm(LI), { pin: 'match' }),
    },
    {
      reason: 'no_pending_payment',
      name: 'nothing waits',
      when: (t) => t.run(confirm(LI), { pin: 'match' }),
    },
    {
      reason: 'no_pending_payment',
      name:
        'the payment a page showed was replaced by a newer one, which a YES naming the old ' +
        'one must not pay',
      given: (t) => {
        shown = paymentIdOf(ok(t, payMerchant(LI, RINGTONES, 2_500n)))
        ok(t, payMerchant(LI, CINEMA, 30_000n))
      },
      when: (t) => t.run(confirm(LI, shown), { pin: 'match' }),
    },
    {
      reason: 'no_pending_payment',
      name: 'the waiting payment was confirmed already',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
        ok(t, confirm(LI), { pin: 'match' })
      },
      when: (t) => t.run(confirm(LI), { pin: 'match' }),
    },
    {
      reason: 'payment_expired',
      name: '120 s after the request, with a wrong PIN',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
        t.nowMs += 120 * SECOND_MS
      },
      when: (t) => t.run(confirm(LI), { pin: 'mismatch' }),
    },
    {
      reason: 'order_already_paid',
      name: 'the order was paid by someone else while this payment waited',
      given: (t) => {
        ok(t, payOrder(LI, CINEMA_ORDER))
        ok(t, payOrder(ZHANG, CINEMA_ORDER, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(confirm(LI), { pin: 'match' }),
    },
    {
      reason: 'pin_required',
      name: 'YES alone for a wallet payment the wallet no longer covers',
      given: (t) => {
        ok(t, payMerchant(HAN, RINGTONES, 1_500n))
        ok(t, payMerchant(HAN, RINGTONES, 1_000n, 'wallet', true), { pin: 'match' })
      },
      when: (t) => t.run(confirm(HAN), { pin: 'absent' }),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong PIN for a payment the wallet no longer covers',
      given: (t) => {
        ok(t, payMerchant(HAN, RINGTONES, 1_500n))
        ok(t, payMerchant(HAN, RINGTONES, 1_000n, 'wallet', true), { pin: 'match' })
      },
      when: (t) => t.run(confirm(HAN), { pin: 'mismatch' }),
    },
    {
      reason: 'pin_attempts_exceeded',
      name: 'the third wrong PIN',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
        t.run(confirm(LI), { pin: 'mismatch' })
        t.run(confirm(LI), { pin: 'mismatch' })
      },
      when: (t) => t.run(confirm(LI), { pin: 'mismatch' }),
    },
    {
      reason: 'daily_limit_exceeded',
      name: "a card payment used the day's allowance while this one waited",
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 10_000n))
        ok(t, payMerchant(LI, RINGTONES, 495_000n, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(confirm(LI), { pin: 'match' }),
    },
    {
      reason: 'insufficient_funds',
      name: 'the wallet was spent while the payment waited',
      given: (t) => {
        ok(t, payMerchant(HAN, RINGTONES, 1_500n))
        ok(t, payMerchant(HAN, RINGTONES, 1_000n, 'wallet', true), { pin: 'match' })
      },
      when: (t) => t.run(confirm(HAN), { pin: 'match' }),
    },
    {
      reason: 'wallet_cap_exceeded',
      name: "the payee's wallet filled up while the SEND waited",
      given: (t) => {
        ok(t, sendMoney(HAN, LI, 100n))
        payByCard(t, loadWallet(LI, 950_000n, true))
      },
      when: (t) => t.run(confirm(HAN), { pin: 'match' }),
    },
  ])
})

describe('NO: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'a YES under the key of an earlier NO',
      given: (t) => {
        t.run(cancel(LI), { key: 'sms:200' })
      },
      when: (t) => t.run(confirm(LI), { key: 'sms:200', pin: 'match' }),
    },
    {
      reason: 'payer_not_registered',
      name: 'from an unregistered number',
      when: (t) => t.run(cancel(NOBODY)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked while a payment waits',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
        lockOut(t, LI)
      },
      when: (t) => t.run(cancel(LI)),
    },
    {
      reason: 'no_pending_payment',
      name: 'nothing waits',
      when: (t) => t.run(cancel(LI)),
    },
    {
      reason: 'no_pending_payment',
      name:
        'the payment a page showed was replaced by a newer one, which a NO naming the old one ' +
        'must not cancel',
      given: (t) => {
        shown = paymentIdOf(ok(t, payMerchant(LI, RINGTONES, 2_500n)))
        ok(t, payMerchant(LI, CINEMA, 30_000n))
      },
      when: (t) => t.run(cancel(LI, shown)),
    },
    {
      reason: 'payment_expired',
      name: '120 s after the request, before the sweep ran',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
        t.nowMs += 120 * SECOND_MS
      },
      when: (t) => t.run(cancel(LI)),
    },
  ])
})

describe('the two-step flow', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('YES or NO naming a replaced payment leaves the newer one; naming it answers it', async () => {
    const old = paymentIdOf(ok(t, payMerchant(LI, RINGTONES, 2_500n)))
    const newer = paymentIdOf(ok(t, payMerchant(LI, CINEMA, 30_000n)))
    expect(t.run(confirm(LI, old), { pin: 'match' }).reason).toBe('no_pending_payment')
    expect(t.run(cancel(LI, old)).reason).toBe('no_pending_payment')
    expect(await stateOf(t, newer)).toBe('awaiting_authorization')
    const paid = ok(t, confirm(LI, newer), { pin: 'match' })
    expect(paid.payment?.id).toBe(newer)
    expect(await stateOf(t, newer)).toBe('completed')
    await expectBalanced(t)
  })

  it('YES with the PIN pays the waiting payment and says so with a reference', async () => {
    const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n))
    const paid = ok(t, confirm(LI), { pin: 'match' })
    expect(paid.message.key).toBe('payment.completed')
    expect(paid.message.params).toMatchObject({
      amount: '25.00',
      payee: 'Ringtone Store',
      ref: paid.reference,
    })
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(await stateOf(t, paymentIdOf(asked))).toBe('completed')
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
    expect(merchantBalance(t, RINGTONES)).toBe(2_475n)
    await expectBalanced(t)
  })

  it('YES alone pays a phone-bill micro-payment', async () => {
    ok(t, payMerchant(LI, RINGTONES, 1_000n, 'phone_bill'))
    const paid = ok(t, confirm(LI), { pin: 'absent' })
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(await t.balance(LI, 'phone_bill')).toBe(4_000n)
    await expectBalanced(t)
  })

  it('a wrong PIN leaves the payment waiting for another try', async () => {
    const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n))
    const wrong = t.run(confirm(LI), { pin: 'mismatch' })
    expect(wrong.reason).toBe('pin_incorrect')
    expect(await stateOf(t, paymentIdOf(asked))).toBe('awaiting_authorization')
    ok(t, confirm(LI), { pin: 'match' })
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
  })

  it('NO cancels the waiting payment and moves nothing', async () => {
    const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n))
    const before = moneySnapshot(t)
    const cancelled = ok(t, cancel(LI))
    expect(cancelled.message.key).toBe('payment.cancelled')
    expect(cancelled.payment?.state).toBe('cancelled')
    expect(await stateOf(t, paymentIdOf(asked))).toBe('cancelled')
    expect(moneySnapshot(t)).toEqual(before)
    expect(t.run(confirm(LI), { pin: 'match' }).reason).toBe('no_pending_payment')
  })

  it('a new payment cancels the older waiting one; YES pays only the new one', async () => {
    const older = ok(t, payMerchant(LI, RINGTONES, 2_500n))
    const newer = ok(t, payBill(LI, WATER, 'ACC-1', 3_000n))
    expect(await stateOf(t, paymentIdOf(older))).toBe('cancelled')
    expect(await stateOf(t, paymentIdOf(newer))).toBe('awaiting_authorization')
    ok(t, confirm(LI), { pin: 'match' })
    expect(await stateOf(t, paymentIdOf(newer))).toBe('completed')
    expect(await t.balance(LI, 'wallet')).toBe(47_000n)
    expect(merchantBalance(t, RINGTONES)).toBe(0n)
    expect(merchantBalance(t, WATER)).toBe(2_970n)
    await expectBalanced(t)
  })

  it("a subscriber's own PAY cancels a waiting merchant request; the merchant hears", async () => {
    const requested = ok(
      t,
      requestPayment(CINEMA, LI, 8_000n, 'wallet', 'https://cinema.example/hook'),
    )
    ok(t, payMerchant(LI, RINGTONES, 2_500n))
    expect(await stateOf(t, paymentIdOf(requested))).toBe('cancelled')
    const hooks = (await t.ledger.dueOutbox('webhook', t.nowMs, 10)).map((item) =>
      decodeJson<{ paymentId: string }>(item.payload),
    )
    expect(hooks).toEqual([
      expect.objectContaining({
        paymentId: paymentIdOf(requested),
        url: 'https://cinema.example/hook',
      }),
    ])
  })

  describe('expiry after 120 s', () => {
    it('YES at 119.999 s still pays', async () => {
      ok(t, payMerchant(LI, RINGTONES, 2_500n))
      t.nowMs += 120 * SECOND_MS - 1
      ok(t, confirm(LI), { pin: 'match' })
      expect(await t.balance(LI, 'wallet')).toBe(47_500n)
    })

    it('YES at 120 s ends the payment as expired and pays nothing', async () => {
      const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n))
      t.nowMs += 120 * SECOND_MS
      const late = t.run(confirm(LI), { pin: 'match' })
      expect(late.reason).toBe('payment_expired')
      expect(late.payment?.state).toBe('expired')
      expect(await stateOf(t, paymentIdOf(asked))).toBe('expired')
      expect(await t.balance(LI, 'wallet')).toBe(50_000n)
      expect(t.run(confirm(LI), { pin: 'match' }).reason).toBe('no_pending_payment')
    })

    it('NO at 120 s reports the payment expired, not cancelled', async () => {
      const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n))
      t.nowMs += 120 * SECOND_MS
      expect(t.run(cancel(LI)).reason).toBe('payment_expired')
      expect(await stateOf(t, paymentIdOf(asked))).toBe('expired')
      expect(t.run(cancel(LI)).reason).toBe('no_pending_payment')
    })

    it('the sweep expires what is due at 120 s and nothing younger', async () => {
      const first = ok(t, payMerchant(LI, RINGTONES, 2_500n))
      t.nowMs += 30 * SECOND_MS
      const second = ok(t, payMerchant(HAN, RINGTONES, 1_000n))
      t.nowMs += 90 * SECOND_MS
      const swept = ok(t, { kind: 'expire_due' })
      expect(swept.data).toEqual({ kind: 'expired', paymentIds: [paymentIdOf(first)] })
      expect(await stateOf(t, paymentIdOf(first))).toBe('expired')
      expect(await stateOf(t, paymentIdOf(second))).toBe('awaiting_authorization')
      expect(t.run(confirm(LI), { pin: 'match' }).reason).toBe('no_pending_payment')
      ok(t, confirm(HAN), { pin: 'match' })
      expect(await t.balance(LI, 'wallet')).toBe(50_000n)
      expect(await t.balance(HAN, 'wallet')).toBe(1_000n)
    })
  })

  describe('three wrong PINs', () => {
    /** Every command of a subscriber, and a merchant's request naming them. */
    const everyCommand: readonly { name: string; command: Command }[] = [
      { name: 'PAY', command: payMerchant(LI, RINGTONES, 100n, 'wallet', true) },
      {
        name: 'PAY from the phone bill',
        command: payMerchant(LI, RINGTONES, 100n, 'phone_bill', true),
      },
      { name: 'ORDER', command: payOrder(LI, CINEMA_ORDER) },
      { name: 'BILL', command: payBill(LI, WATER, 'ACC-1', 100n) },
      { name: 'TOPUP', command: topUp(LI, HAN, 100n) },
      { name: 'LOAD', command: loadWallet(LI, 100n, true) },
      { name: 'SEND', command: sendMoney(LI, HAN, 100n, true) },
      { name: 'YES', command: confirm(LI) },
      { name: 'NO', command: cancel(LI) },
      { name: 'PIN', command: changePin(LI) },
      { name: 'BAL', command: balance(LI) },
      { name: 'HIST', command: statement(LI) },
      { name: "a merchant's payment request", command: requestPayment(CINEMA, LI, 100n) },
    ]

    it('lock the subscriber: the third declines the waiting payment', async () => {
      const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n))
      expect(t.run(confirm(LI), { pin: 'mismatch' }).reason).toBe('pin_incorrect')
      expect(t.run(confirm(LI), { pin: 'mismatch' }).reason).toBe('pin_incorrect')
      const third = t.run(confirm(LI), { pin: 'mismatch' })
      expect(third.reason).toBe('pin_attempts_exceeded')
      expect(third.payment?.state).toBe('declined')
      expect(await stateOf(t, paymentIdOf(asked))).toBe('declined')
      expect(await t.balance(LI, 'wallet')).toBe(50_000n)
    })

    for (const { name, command } of everyCommand) {
      it(`refuse ${name} for 15 minutes, even with the right PIN, then allow it`, async () => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
        for (let i = 0; i < 3; i += 1) t.run(confirm(LI), { pin: 'mismatch' })
        const before = moneySnapshot(t)
        t.nowMs += 15 * MINUTE_MS - 1
        const locked = t.run(command, { pin: 'match', newPinHash: 'fake$5678' })
        expect(locked.reason).toBe('subscriber_locked')
        expect(moneySnapshot(t)).toEqual(before)
        t.nowMs += 1
        const after = t.run(command, { pin: 'match', newPinHash: 'fake$5678' })
        expect(after.reason).not.toBe('subscriber_locked')
        await expectBalanced(t)
      })
    }

    it('the lock does not stop others from paying the locked subscriber', async () => {
      lockOut(t, LI)
      ok(t, sendMoney(HAN, LI, 1_000n, true), { pin: 'match' })
      expect(await t.balance(LI, 'wallet')).toBe(51_000n)
    })

    it('after the lock, the count of wrong PINs starts again from zero', () => {
      lockOut(t, LI)
      t.nowMs += 15 * MINUTE_MS
      expect(
        t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' }).reason,
      ).toBe('pin_incorrect')
      expect(
        t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' }).reason,
      ).toBe('pin_incorrect')
      expect(
        t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'mismatch' }).reason,
      ).toBe('pin_attempts_exceeded')
    })

    it('are counted across commands and channels: two on YES and one on PIN lock', () => {
      ok(t, payMerchant(LI, RINGTONES, 2_500n))
      t.run(confirm(LI), { pin: 'mismatch', channel: 'sms' })
      t.run(confirm(LI), { pin: 'mismatch', channel: 'ussd' })
      expect(
        t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678', channel: 'wap' }).reason,
      ).toBe('pin_attempts_exceeded')
      expect(
        t.run(payMerchant(LI, CINEMA, 100n, 'phone_bill', true), { channel: 'ivr' }).reason,
      ).toBe('subscriber_locked')
    })
  })
})
