/**
 * merchant.test.ts - what a merchant asks by the web API: a payment request to a subscriber (the
 * Paybox flow: the subscriber is asked by SMS and confirms with YES <PIN>), an order payable on
 * any channel, and refunds (partial, full, never more than was paid, only of completed payments).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Notification } from '../../src/core/index.js'
import { decodeJson } from '../../src/ledger/codec.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  CINEMA,
  cancel,
  confirm,
  createOrder,
  expectBalanced,
  HAN,
  LI,
  lockOut,
  merchantBalance,
  moneySnapshot,
  NOBODY,
  ok,
  partyBalance,
  payMerchant,
  paymentIdOf,
  payOrder,
  RINGTONES,
  refund,
  refusalTable,
  requestPayment,
  SECOND_MS,
  stateOf,
  TRANSFER_REF,
} from './helpers.js'

const HOOK = 'https://cinema.example/telepay'

function lastPaymentId(t: TestLedger): string {
  return (
    t.ledger.db.prepare('SELECT id FROM payments ORDER BY seq DESC LIMIT 1').get() as { id: string }
  ).id
}

async function outbox<K extends Notification['kind']>(
  t: TestLedger,
  kind: K,
): Promise<Extract<Notification, { kind: K }>[]> {
  return (await t.ledger.dueOutbox(kind, t.nowMs, 50)).map((item) =>
    decodeJson<Extract<Notification, { kind: K }>>(item.payload),
  )
}

/** Li pays Ringtone Store 25.00 from the given account at once: the merchant receives 24.75. */
function paidByLi(t: TestLedger, funding: 'wallet' | 'phone_bill' = 'wallet'): string {
  return paymentIdOf(
    ok(t, payMerchant(LI, RINGTONES, 2_500n, funding, true), {
      pin: funding === 'wallet' ? 'match' : 'absent',
    }),
  )
}

describe('payment request: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the Idempotency-Key of an earlier request, for another amount',
      given: (t) => {
        ok(t, requestPayment(CINEMA, LI, 8_000n), { key: 'api:1002:inv-1' })
      },
      when: (t) => t.run(requestPayment(CINEMA, LI, 9_000n), { key: 'api:1002:inv-1' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, to an unregistered number',
      when: (t) => t.run(requestPayment(CINEMA, NOBODY, 0n)),
    },
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number, from an unknown merchant',
      when: (t) => t.run(requestPayment('9999', NOBODY, 8_000n)),
    },
    {
      reason: 'subscriber_locked',
      name: 'a subscriber locked by three wrong PINs',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(requestPayment(CINEMA, LI, 8_000n)),
    },
    {
      reason: 'merchant_not_found',
      name: 'an unknown merchant, from a card the subscriber does not have',
      when: (t) => t.run(requestPayment('9999', HAN, 8_000n, 'bank')),
    },
    {
      reason: 'account_not_available',
      name: 'from a card the subscriber does not have, over the card maximum',
      when: (t) => t.run(requestPayment(CINEMA, HAN, 5_000_001n, 'bank')),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'over 50.00 on the phone bill',
      when: (t) => t.run(requestPayment(CINEMA, LI, 5_001n, 'phone_bill')),
    },
  ])
})

describe('order creation: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the Idempotency-Key of an earlier order, for another amount',
      given: (t) => {
        ok(t, createOrder(CINEMA, 3_500n), { key: 'api:1002:o-1' })
      },
      when: (t) => t.run(createOrder(CINEMA, 4_000n), { key: 'api:1002:o-1' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, for an unknown merchant',
      when: (t) => t.run(createOrder('9999', 0n)),
    },
    {
      reason: 'merchant_not_found',
      name: 'an unknown merchant',
      when: (t) => t.run(createOrder('9999', 3_500n)),
    },
  ])
})

describe('refund: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the Idempotency-Key of an earlier refund, for another amount',
      given: (t) => {
        ok(t, refund(RINGTONES, paidByLi(t), 1_000n), { key: 'api:1001:r-1' })
      },
      when: (t) => t.run(refund(RINGTONES, lastPaymentId(t), 500n), { key: 'api:1001:r-1' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, of a payment that does not exist',
      when: (t) => t.run(refund(RINGTONES, 'P9999999', 0n)),
    },
    {
      reason: 'payment_not_found',
      name: 'a payment that does not exist',
      when: (t) => t.run(refund(RINGTONES, 'P9999999', 1_000n)),
    },
    {
      reason: 'payment_not_found',
      name: "another merchant's payment, for more than was paid",
      given: (t) => {
        paidByLi(t)
      },
      when: (t) => t.run(refund(CINEMA, lastPaymentId(t), 9_999n)),
    },
    {
      reason: 'payment_not_refundable',
      name: 'a payment still waiting for YES, for more than its amount',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n))
      },
      when: (t) => t.run(refund(RINGTONES, lastPaymentId(t), 9_999n)),
    },
    {
      reason: 'payment_not_refundable',
      name: 'a card payment the bank declined',
      given: (t) => {
        const reserved = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'bank', true), { pin: 'match' })
        t.run(bankOutcome(paymentIdOf(reserved), 'declined'))
      },
      when: (t) => t.run(refund(RINGTONES, lastPaymentId(t), 1_000n)),
    },
    {
      reason: 'payment_not_refundable',
      name: 'a card payment still waiting for the bank',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 2_500n, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(refund(RINGTONES, lastPaymentId(t), 1_000n)),
    },
    {
      reason: 'refund_exceeds_payment',
      name: 'one fen more than was paid',
      given: (t) => {
        paidByLi(t)
      },
      when: (t) => t.run(refund(RINGTONES, lastPaymentId(t), 2_501n)),
    },
    {
      reason: 'refund_exceeds_payment',
      name: 'one fen more than is left after a partial refund',
      given: (t) => {
        ok(t, refund(RINGTONES, paidByLi(t), 1_000n))
      },
      when: (t) => t.run(refund(RINGTONES, lastPaymentId(t), 1_501n)),
    },
  ])
})

describe('merchant API: what it does', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  describe('payment request (Paybox)', () => {
    it('asks the subscriber by SMS, in their language, and waits', async () => {
      const accepted = ok(t, requestPayment(CINEMA, HAN, 1_500n, 'wallet', HOOK))
      expect(accepted.message).toEqual({ key: 'request.accepted', params: { amount: '15.00' } })
      expect(accepted.payment).toMatchObject({
        state: 'awaiting_authorization',
        initiator: 'merchant',
        merchantReference: 'INV-1',
        callbackUrl: HOOK,
      })
      expect(await outbox(t, 'sms')).toEqual([
        {
          kind: 'sms',
          msisdn: HAN,
          language: 'zh',
          message: {
            key: 'request.prompt',
            params: expect.objectContaining({
              amount: '15.00',
              payee: 'Cinema Tickets',
              reference: 'INV-1',
            }) as object,
          },
          // The payment it asks about, so that a channel showing it instead answers that one only.
          paymentId: accepted.payment?.id,
        },
      ])
      expect(await outbox(t, 'webhook')).toEqual([])
      expect(await t.balance(HAN, 'wallet')).toBe(2_000n)
    })

    it('YES with the PIN pays the merchant net of the fee and queues the webhook', async () => {
      const requested = ok(t, requestPayment(CINEMA, LI, 8_000n, 'wallet', HOOK))
      const paid = ok(t, confirm(LI), { pin: 'match' })
      expect(paid.reference).toMatch(TRANSFER_REF)
      expect(await stateOf(t, paymentIdOf(requested))).toBe('completed')
      expect(await t.balance(LI, 'wallet')).toBe(42_000n)
      expect(merchantBalance(t, CINEMA)).toBe(7_920n)
      expect(await outbox(t, 'webhook')).toEqual([
        { kind: 'webhook', paymentId: paymentIdOf(requested), merchantCode: CINEMA, url: HOOK },
      ])
      await expectBalanced(t)
    })

    it('a request on the phone bill is confirmed by YES alone', async () => {
      ok(t, requestPayment(CINEMA, LI, 3_000n, 'phone_bill'))
      ok(t, confirm(LI))
      expect(await t.balance(LI, 'phone_bill')).toBe(2_000n)
    })

    it('hides the balance: a request past the wallet is accepted, declined at YES', async () => {
      const requested = ok(t, requestPayment(CINEMA, HAN, 40_000n, 'wallet', HOOK))
      const before = moneySnapshot(t)
      const declined = t.run(confirm(HAN), { pin: 'match' })
      expect(declined.reason).toBe('insufficient_funds')
      expect(await stateOf(t, paymentIdOf(requested))).toBe('declined')
      expect(moneySnapshot(t)).toEqual(before)
      expect((await outbox(t, 'webhook')).map((hook) => hook.paymentId)).toEqual([
        paymentIdOf(requested),
      ])
    })

    it('NO cancels the request and the merchant is told', async () => {
      const requested = ok(t, requestPayment(CINEMA, LI, 8_000n, 'wallet', HOOK))
      ok(t, cancel(LI))
      expect(await stateOf(t, paymentIdOf(requested))).toBe('cancelled')
      expect((await outbox(t, 'webhook')).map((hook) => hook.paymentId)).toEqual([
        paymentIdOf(requested),
      ])
      expect(await t.balance(LI, 'wallet')).toBe(50_000n)
    })

    it('an unanswered request expires after 120 s and the merchant is told', async () => {
      const requested = ok(t, requestPayment(CINEMA, LI, 8_000n, 'wallet', HOOK))
      t.nowMs += 120 * SECOND_MS
      ok(t, { kind: 'expire_due' })
      expect(await stateOf(t, paymentIdOf(requested))).toBe('expired')
      expect((await outbox(t, 'webhook')).map((hook) => hook.paymentId)).toEqual([
        paymentIdOf(requested),
      ])
    })

    it('a newer request replaces the older one waiting for the same subscriber', async () => {
      const older = ok(t, requestPayment(CINEMA, LI, 8_000n))
      const newer = ok(t, requestPayment(RINGTONES, LI, 1_000n))
      expect(await stateOf(t, paymentIdOf(older))).toBe('cancelled')
      ok(t, confirm(LI), { pin: 'match' })
      expect(await stateOf(t, paymentIdOf(newer))).toBe('completed')
      expect(merchantBalance(t, CINEMA)).toBe(0n)
      expect(merchantBalance(t, RINGTONES)).toBe(990n)
    })
  })

  describe('orders', () => {
    it('creates an order after 880001 that any subscriber can then pay', async () => {
      const created = ok(t, createOrder(CINEMA, 3_500n))
      expect(created.data).toMatchObject({
        kind: 'order',
        order: {
          orderNo: '880002',
          merchantCode: CINEMA,
          amountMinor: 3_500n,
          paidPaymentId: null,
        },
      })
      expect(created.message.params).toEqual({ orderNo: '880002', amount: '35.00' })
      expect(ok(t, createOrder(CINEMA, 1_000n)).data).toMatchObject({
        order: { orderNo: '880003' },
      })
      ok(t, payOrder(LI, '880002', 'phone_bill', true))
      expect(await t.balance(LI, 'phone_bill')).toBe(1_500n)
      expect(merchantBalance(t, CINEMA)).toBe(3_465n)
      expect(t.run(payOrder(HAN, '880002')).reason).toBe('order_already_paid')
      await expectBalanced(t)
    })
  })

  describe('refunds', () => {
    it('a partial refund goes back to the paying wallet; the merchant bears the fee', async () => {
      const paymentId = paidByLi(t)
      const refunded = ok(t, refund(RINGTONES, paymentId, 1_000n))
      expect(refunded.reference).toMatch(TRANSFER_REF)
      expect(refunded.data).toEqual({
        kind: 'refund',
        reference: refunded.reference,
        amountMinor: 1_000n,
        refundedMinor: 1_000n,
        remainingMinor: 1_500n,
      })
      expect(await t.balance(LI, 'wallet')).toBe(48_500n)
      expect(merchantBalance(t, RINGTONES)).toBe(1_475n)
      expect(partyBalance(t, 'operator_fees') + partyBalance(t, 'platform_fees')).toBe(25n)
      expect(await stateOf(t, paymentId)).toBe('completed')
      await expectBalanced(t)
    })

    it('tells the subscriber by SMS', async () => {
      ok(t, refund(RINGTONES, paidByLi(t), 1_000n))
      expect(await outbox(t, 'sms')).toEqual([
        expect.objectContaining({
          msisdn: LI,
          message: {
            key: 'refund.completed',
            params: expect.objectContaining({ amount: '10.00', payee: 'Ringtone Store' }) as object,
          },
        }),
      ])
    })

    it('a full refund returns everything paid; the merchant is left minus the fee', async () => {
      ok(t, refund(RINGTONES, paidByLi(t), 2_500n))
      expect(await t.balance(LI, 'wallet')).toBe(50_000n)
      expect(merchantBalance(t, RINGTONES)).toBe(-25n)
      await expectBalanced(t)
    })

    it('partial refunds add up to the payment and no further', async () => {
      const paymentId = paidByLi(t)
      ok(t, refund(RINGTONES, paymentId, 1_000n))
      expect(ok(t, refund(RINGTONES, paymentId, 1_500n)).data).toMatchObject({
        refundedMinor: 2_500n,
        remainingMinor: 0n,
      })
      const before = moneySnapshot(t)
      expect(t.run(refund(RINGTONES, paymentId, 1n)).reason).toBe('refund_exceeds_payment')
      expect(moneySnapshot(t)).toEqual(before)
      expect(await t.balance(LI, 'wallet')).toBe(50_000n)
    })

    it('a refund of a phone-bill payment credits the phone bill', async () => {
      ok(t, refund(RINGTONES, paidByLi(t, 'phone_bill'), 2_500n))
      expect(await t.balance(LI, 'phone_bill')).toBe(5_000n)
    })

    it('a refund of a card payment credits the card account, asks the bank to refund', async () => {
      const reserved = ok(t, payMerchant(LI, RINGTONES, 10_000n, 'bank', true), { pin: 'match' })
      ok(t, bankOutcome(paymentIdOf(reserved), 'captured'))
      const refunded = ok(t, refund(RINGTONES, paymentIdOf(reserved), 4_000n))
      expect(refunded.bankStep).toMatchObject({
        op: 'refund',
        paymentId: paymentIdOf(reserved),
        amountMinor: 4_000n,
        reference: refunded.reference,
      })
      expect(await t.balance(LI, 'bank')).toBe(-6_000n)
      await expectBalanced(t)
    })
  })
})
