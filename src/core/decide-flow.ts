/**
 * decide-flow.ts - the later steps of the remote payment flow: the user's confirmation or
 * cancellation of a waiting payment, the bank's answer on a reserved card payment, and the
 * expiry of payments nobody confirmed.
 */

import { assert } from './assert.js'
import type { BankOutcome, Envelope } from './commands.js'
import type { Outcome } from './decide-payment.js'
import {
  checkPin,
  endPayment,
  executeAuthorized,
  paymentMessage,
  postPayment,
} from './decide-payment.js'
import type { Account, Payment, Subscriber } from './entities.js'
import type { Limits } from './limits.js'
import { dayOf } from './limits.js'
import { formatAmount } from './money.js'
import type { Intent } from './payment-intent.js'
import {
  checkMoney,
  countsTowardDailyLimit,
  requestOfPayment,
  resolveIntent,
} from './payment-intent.js'
import { nextState } from './payment-states.js'
import { bankResultStep, institutionOf, withSteps } from './payment-trail.js'
import { cardNumberOf, emptyPurse } from './purse.js'
import type { Reason } from './reasons.js'
import { refused, succeeded } from './results.js'
import type { LedgerView, Write } from './view.js'

/**
 * Finds the payment waiting for a subscriber, or the reason there is none. A named payment that
 * is not the one waiting (it was replaced, or ended) counts as none waiting: the answer was given
 * to a payment that is gone, and must not move the one that took its place.
 */
function waitingPayment(
  msisdn: string,
  paymentId: string | undefined,
  view: LedgerView,
  nowMs: number,
): { subscriber: Subscriber; payment: Payment } | Reason {
  const subscriber = view.subscriber(msisdn)
  if (subscriber === null) return 'payer_not_registered'
  if (subscriber.lockedUntilMs > nowMs) return 'subscriber_locked'
  const payment =
    subscriber.pendingPaymentId === null ? null : view.payment(subscriber.pendingPaymentId)
  if (payment === null || payment.state !== 'awaiting_authorization') return 'no_pending_payment'
  if (paymentId !== undefined && payment.id !== paymentId) return 'no_pending_payment'
  return { subscriber, payment }
}

export function decideConfirm(
  env: Envelope,
  msisdn: string,
  paymentId: string | undefined,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const language = view.subscriber(msisdn)?.language ?? 'en'
  const waiting = waitingPayment(msisdn, paymentId, view, env.nowMs)
  if (typeof waiting === 'string') return { result: refused(waiting, language), writes: [] }
  const { subscriber, payment } = waiting

  if (env.nowMs >= payment.expiresMs)
    return decline(payment, subscriber, 'payment_expired', env.nowMs, 'expired')
  const resolved = resolveIntent(requestOfPayment(payment), view, env.nowMs, limits)
  if (!resolved.ok)
    return decline(payment, subscriber, resolved.reason, env.nowMs, 'declined', resolved.params)

  const pin = checkPin(env, subscriber, payment.funding, limits)
  if (pin.reason === 'pin_attempts_exceeded')
    return decline(payment, pin.subscriber, pin.reason, env.nowMs, 'declined', pin.params)
  if (pin.reason !== null)
    return {
      result: refused(pin.reason, language, { payment, params: pin.params }),
      writes: pin.writes,
    }

  const intent: Intent = { ...resolved.intent, payer: pin.subscriber }
  const reason = checkMoney(intent, view, env.nowMs, limits)
  if (reason !== null)
    return decline(payment, pin.subscriber, reason.reason, env.nowMs, 'declined', reason.params)
  const authorized = { ...payment, state: nextState(payment.state, 'authorized') }
  return executeAuthorized(env, intent, authorized, view, limits)
}

/** Ends a waiting payment with a refusal and frees the subscriber's waiting slot. */
function decline(
  payment: Payment,
  subscriber: Subscriber,
  reason: Reason,
  nowMs: number,
  state: 'declined' | 'expired',
  params: Readonly<Record<string, string>> = {},
): Outcome {
  const writes: Write[] = [
    ...endPayment(payment, state, reason, nowMs),
    { kind: 'subscriber', subscriber: { ...subscriber, pendingPaymentId: null } },
  ]
  const ended: Payment = { ...payment, state, reason, updatedMs: nowMs }
  return { result: refused(reason, subscriber.language, { payment: ended, params }), writes }
}

export function decideCancel(
  env: Envelope,
  msisdn: string,
  paymentId: string | undefined,
  view: LedgerView,
): Outcome {
  const language = view.subscriber(msisdn)?.language ?? 'en'
  const waiting = waitingPayment(msisdn, paymentId, view, env.nowMs)
  if (typeof waiting === 'string') return { result: refused(waiting, language), writes: [] }
  const { subscriber, payment } = waiting
  // Past its TTL the payment ended by itself, whether or not the sweep has run yet: the merchant
  // and the statement must see it expired, as a YES at this moment would report it.
  if (env.nowMs >= payment.expiresMs)
    return decline(payment, subscriber, 'payment_expired', env.nowMs, 'expired')
  const writes: Write[] = [
    ...endPayment(payment, 'cancelled', null, env.nowMs),
    { kind: 'subscriber', subscriber: { ...subscriber, pendingPaymentId: null } },
  ]
  const cancelled: Payment = { ...payment, state: 'cancelled', updatedMs: env.nowMs }
  const message = {
    key: 'payment.cancelled' as const,
    params: { amount: formatAmount(payment.amountMinor), payee: payeeName(payment, view) },
  }
  return { result: succeeded(message, language, { payment: cancelled }), writes }
}

function payeeName(payment: Payment, view: LedgerView): string {
  return (
    (payment.merchantCode === null ? null : view.merchant(payment.merchantCode)?.name) ??
    payment.payeeMsisdn ??
    ''
  )
}

/**
 * Loads the parties of a payment that has been authorized, without re-checking rules: the user
 * consented and the bank reserved the money, so posting must not be refused now.
 */
function authorizedIntent(payment: Payment, view: LedgerView): Intent {
  const payer = view.subscriber(payment.payerMsisdn)
  const payerAccount = view.accountOf(payment.payerMsisdn, payment.funding)
  assert(payer !== null && payerAccount !== null, `payment ${payment.id} lost its payer`)
  const merchant = payment.merchantCode === null ? null : view.merchant(payment.merchantCode)
  const payeeKind = payment.kind === 'airtime' ? 'phone_bill' : 'wallet'
  const card = payment.kind === 'card'
  const payeeAccount = card
    ? view.partyAccount('card_float')
    : payment.payeeMsisdn === null
      ? null
      : view.accountOf(payment.payeeMsisdn, payeeKind)
  return {
    kind: payment.kind,
    payer,
    funding: payment.funding,
    payerAccount,
    amountMinor: payment.amountMinor,
    merchant,
    payeeAccount,
    payeePendingMinor: 0n,
    purse: card
      ? (view.purse(cardNumberOf(payment.payerMsisdn)) ?? emptyPurse(payment.payerMsisdn))
      : null,
    payeeMsisdn: payment.payeeMsisdn,
    orderNo: payment.orderNo,
    customerRef: payment.customerRef,
  }
}

export function decideBankOutcome(
  env: Envelope,
  paymentId: string,
  outcome: BankOutcome,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const payment = view.payment(paymentId)
  if (payment === null) return { result: refused('payment_not_found', 'en'), writes: [] }
  const intent = authorizedIntent(payment, view)
  const language = intent.payer.language
  if (payment.state !== 'authorized') {
    // The outcome was applied already (a retry after a crash): answer with the payment as it is.
    const answer =
      payment.state === 'completed'
        ? succeeded(paymentMessage('payment.completed', intent, payment.transferRef), language, {
            payment,
            reference: payment.transferRef,
          })
        : refused(payment.reason ?? 'bank_unavailable', language, { payment })
    return { result: answer, writes: [] }
  }
  // Step 4's actor, the card's bank, whatever it answered.
  const institution = institutionOf(limits.operatingModel, payment.funding, intent.payerAccount)
  const released = {
    ...intent.payerAccount,
    reservedMinor: intent.payerAccount.reservedMinor - payment.amountMinor,
  }
  assert(
    released.reservedMinor >= 0n,
    `reservation of ${payment.id} exceeds the account's reserved total`,
  )
  if (outcome === 'captured') {
    // postPayment writes the payer's account: the reservation released, the payment on its recent
    // list.
    const answer = bankResultStep(env.nowMs, institution)
    const posted = postPayment(env, { ...intent, payerAccount: released }, payment, view, limits, [
      answer,
    ])
    const writes: Write[] = posted.writes
    const result = succeeded(
      paymentMessage('payment.completed', intent, posted.payment.transferRef),
      language,
      {
        payment: posted.payment,
        reference: posted.payment.transferRef,
      },
    )
    return { result, writes }
  }
  const reason: Reason = outcome === 'declined' ? 'bank_declined' : 'bank_unavailable'
  const ending =
    outcome === 'declined'
      ? endPayment(
          withSteps(payment, [bankResultStep(env.nowMs, institution)]),
          'declined',
          reason,
          env.nowMs,
        )
      : endPayment(payment, 'failed', reason, env.nowMs, null, institution)
  const writes: Write[] = [
    { kind: 'account', account: withoutOutgoing(released, payment, limits) },
    ...ending,
  ]
  if (payment.orderNo !== null) {
    const order = view.order(payment.orderNo)
    if (order !== null && order.paidPaymentId === payment.id)
      writes.push({ kind: 'order', order: { ...order, paidPaymentId: null } })
  }
  const ended: Payment = {
    ...payment,
    state: outcome === 'declined' ? 'declined' : 'failed',
    reason,
    updatedMs: env.nowMs,
  }
  return { result: refused(reason, language, { payment: ended }), writes }
}

/** Gives back the daily allowance a reservation took, when the bank did not take the money. */
function withoutOutgoing(account: Account, payment: Payment, limits: Limits): Account {
  if (
    !countsTowardDailyLimit(payment.kind) ||
    account.outgoingDay !== dayOf(payment.updatedMs, limits)
  )
    return account
  const outgoingMinor = account.outgoingMinor - payment.amountMinor
  return { ...account, outgoingMinor: outgoingMinor < 0n ? 0n : outgoingMinor }
}

export function decideExpireDue(env: Envelope, view: LedgerView, limits: Limits): Outcome {
  const due = view.duePayments(env.nowMs, limits.expirySweepRowsMax)
  const writes: Write[] = []
  for (const payment of due) {
    writes.push(...endPayment(payment, 'expired', 'payment_expired', env.nowMs))
    const payer = view.subscriber(payment.payerMsisdn)
    if (payer !== null && payer.pendingPaymentId === payment.id) {
      writes.push({ kind: 'subscriber', subscriber: { ...payer, pendingPaymentId: null } })
    }
    // Nobody is waiting on a channel for this answer, so the payer is told by SMS that nothing
    // was taken, whichever channel or merchant started the payment.
    if (payer !== null) {
      const message = {
        key: 'payment.expired' as const,
        params: { amount: formatAmount(payment.amountMinor), payee: payeeName(payment, view) },
      }
      writes.push({
        kind: 'notify',
        notification: { kind: 'sms', msisdn: payer.msisdn, language: payer.language, message },
      })
    }
  }
  const message = { key: 'expiry.swept' as const, params: { count: String(due.length) } }
  return {
    result: succeeded(message, 'en', {
      data: { kind: 'expired', paymentIds: due.map((payment) => payment.id) },
    }),
    writes,
  }
}
