/**
 * decide-payment.ts - a payment from a phone: checked, then either left waiting for the user's
 * YES/PIN, posted at once (wallet, phone bill), or reserved for the issuing bank (card).
 */
import type { Envelope, PaymentCommand } from './commands.js'
import type { Account, Leg, Payment, PaymentKind, Subscriber } from './entities.js'
import type { Limits } from './limits.js'
import { dayOf } from './limits.js'
import type { Message, MessageKey } from './messages.js'
import { formatAmount } from './money.js'
import { feeSplitOf } from './operating-models.js'
import type { Intent } from './payment-intent.js'
import {
  accountOutgoingToday,
  checkMoney,
  countsTowardDailyLimit,
  pinRequired,
  requestOfCommand,
  resolveIntent,
} from './payment-intent.js'
import { nextState } from './payment-states.js'
import {
  authorizationRequestStep,
  authorizedSteps,
  endedStep,
  postedSteps,
  requestSteps,
  withSteps,
} from './payment-trail.js'
import type { Purse } from './purse.js'
import type { Reason } from './reasons.js'
import type { CommandResult } from './results.js'
import { refused, succeeded } from './results.js'
import type { TrailStep } from './trail.js'
import type { LedgerView, Write } from './view.js'
import { transferRef } from './view.js'

export interface Outcome {
  readonly result: CommandResult
  readonly writes: Write[]
}

export function decidePaymentCommand(
  env: Envelope,
  command: PaymentCommand,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const resolved = resolveIntent(requestOfCommand(command), view, env.nowMs, limits)
  const language = view.subscriber(command.msisdn)?.language ?? 'en'
  if (!resolved.ok) return { result: refused(resolved, language), writes: [] }
  const intent = resolved.intent

  if (!command.authorize) {
    const reason = checkMoney(intent, view, env.nowMs, limits)
    if (reason !== null) return { result: refused(reason, language), writes: [] }
    return awaitAuthorization(env, intent, newPayment(env, intent, view, 'payer'), view, limits)
  }

  const pin = checkPin(env, intent.payer, intent.funding, limits)
  if (pin.reason !== null)
    return { result: refused(pin.reason, language, { params: pin.params }), writes: pin.writes }
  const payer = pin.subscriber
  const reason = checkMoney({ ...intent, payer }, view, env.nowMs, limits)
  if (reason !== null) return { result: refused(reason, language), writes: pin.writes }
  const payment = newPayment(env, intent, view, 'payer')
  return executeAuthorized(
    env,
    { ...intent, payer },
    { ...payment, state: nextState('requested', 'authorized') },
    view,
    limits,
  )
}

/** Builds a new payment record in `requested` for an intent. */
export function newPayment(
  env: Envelope,
  intent: Intent,
  view: LedgerView,
  initiator: Payment['initiator'],
  merchantFields: Partial<Pick<Payment, 'merchantReference' | 'description' | 'callbackUrl'>> = {},
): Payment {
  const payment: Payment = {
    id: view.nextPaymentId(),
    state: 'requested',
    kind: intent.kind,
    initiator,
    channel: env.channel,
    payerMsisdn: intent.payer.msisdn,
    funding: intent.funding,
    merchantCode: intent.merchant?.code ?? null,
    payeeMsisdn: intent.payeeMsisdn,
    orderNo: intent.orderNo,
    customerRef: intent.customerRef,
    amountMinor: intent.amountMinor,
    feeMinor: 0n,
    refundedMinor: 0n,
    merchantReference: null,
    description: null,
    callbackUrl: null,
    reason: null,
    transferRef: null,
    createdMs: env.nowMs,
    updatedMs: env.nowMs,
    expiresMs: env.nowMs + 0,
    trail: requestSteps(env.nowMs),
    ...merchantFields,
  }
  return payment
}

/**
 * Leaves a payment waiting for the user's YES/PIN. The subscriber's older waiting payment, if
 * any, is cancelled: a subscriber has at most one (SPEC section 4).
 */
export function awaitAuthorization(
  env: Envelope,
  intent: Intent,
  payment: Payment,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const writes: Write[] = []
  const previous =
    intent.payer.pendingPaymentId === null ? null : view.payment(intent.payer.pendingPaymentId)
  if (previous !== null && previous.state === 'awaiting_authorization') {
    writes.push(
      ...endPayment(previous, 'cancelled', null, env.nowMs, 'replaced by a newer payment'),
    )
  }
  const waiting: Payment = withSteps(
    {
      ...payment,
      state: nextState(payment.state, 'awaiting_authorization'),
      expiresMs: env.nowMs + limits.authorizationTtlMs,
      updatedMs: env.nowMs,
    },
    [authorizationRequestStep(env.nowMs)],
  )
  // Not on the account's recent list yet: the mini statement lists payments that moved money,
  // and this one may still be declined, cancelled or expire.
  writes.push({ kind: 'payment', payment: waiting })
  writes.push({ kind: 'subscriber', subscriber: { ...intent.payer, pendingPaymentId: waiting.id } })
  const key = pinRequired(intent.funding) ? 'payment.confirm_pin' : 'payment.confirm_sim'
  const result = succeeded(paymentMessage(key, intent, null), intent.payer.language, {
    payment: waiting,
  })
  return { result, writes }
}

/**
 * Moves a payment to a final state without moving money, telling the merchant if it asked; its
 * trail says why (the reason, or `why` when there is none) and who ended it (`actor`: the
 * platform unless said otherwise).
 */
export function endPayment(
  payment: Payment,
  state: 'cancelled' | 'expired' | 'declined' | 'failed',
  reason: Reason | null,
  nowMs: number,
  why: string | null = null,
  actor: string | null = null,
): Write[] {
  const ended: Payment = {
    ...payment,
    state: nextState(payment.state, state),
    reason,
    updatedMs: nowMs,
    trail: [...payment.trail, endedStep(payment, state, nowMs, why, actor)],
  }
  return [{ kind: 'payment', payment: ended }, ...webhookOf(ended)]
}

export function webhookOf(payment: Payment): Write[] {
  if (payment.callbackUrl === null || payment.merchantCode === null) return []
  return [
    {
      kind: 'notify',
      notification: {
        kind: 'webhook',
        paymentId: payment.id,
        merchantCode: payment.merchantCode,
        url: payment.callbackUrl,
      },
    },
  ]
}

interface PinOutcome {
  readonly reason: Reason | null
  readonly subscriber: Subscriber
  readonly writes: Write[]
  /** For the refusal's text: how many tries are left after a wrong PIN, how long a lock lasts. */
  readonly params: Readonly<Record<string, string>>
}

const noParams: Readonly<Record<string, string>> = {}

/**
 * Counts a PIN attempt. A wrong PIN is remembered even though the command is refused, and the
 * last allowed wrong PIN locks the subscriber on every channel.
 */
export function checkPin(
  env: Envelope,
  subscriber: Subscriber,
  funding: Payment['funding'],
  limits: Limits,
): PinOutcome {
  if (env.pin === 'absent') {
    return pinRequired(funding)
      ? { reason: 'pin_required', subscriber, writes: [], params: noParams }
      : { reason: null, subscriber, writes: [], params: noParams }
  }
  if (env.pin === 'match') {
    if (subscriber.pinFailures === 0)
      return { reason: null, subscriber, writes: [], params: noParams }
    const reset = { ...subscriber, pinFailures: 0 }
    return {
      reason: null,
      subscriber: reset,
      writes: [{ kind: 'subscriber', subscriber: reset }],
      params: noParams,
    }
  }
  const failures = subscriber.pinFailures + 1
  if (failures >= limits.pinAttemptsMax) {
    const locked = { ...subscriber, pinFailures: 0, lockedUntilMs: env.nowMs + limits.pinLockMs }
    const lockMinutes = String(Math.ceil(limits.pinLockMs / 60_000))
    return {
      reason: 'pin_attempts_exceeded',
      subscriber: locked,
      writes: [{ kind: 'subscriber', subscriber: locked }],
      params: { lockMinutes },
    }
  }
  const counted = { ...subscriber, pinFailures: failures }
  const triesLeft = String(limits.pinAttemptsMax - failures)
  return {
    reason: 'pin_incorrect',
    subscriber: counted,
    writes: [{ kind: 'subscriber', subscriber: counted }],
    params: { triesLeft },
  }
}

/**
 * Carries out an authorized payment: posts it at once from a wallet or phone bill, or reserves
 * it for the bank's capture from a card. The daily total counts the payment from here on.
 */
export function executeAuthorized(
  env: Envelope,
  intent: Intent,
  payment: Payment,
  view: LedgerView,
  limits: Limits,
): Outcome {
  // Appended where the payment is next written (reserved here, or posted), not by a copy of
  // the payment of its own: this runs for every payment.
  const steps = authorizedSteps(
    payment,
    intent.payerAccount,
    env.nowMs,
    env.channel,
    env.pin === 'match',
    limits.operatingModel,
  )
  const payerAccount = withOutgoing(intent.payerAccount, intent, env.nowMs, limits)
  const payer =
    intent.payer.pendingPaymentId === payment.id
      ? { ...intent.payer, pendingPaymentId: null }
      : intent.payer
  // Most payments leave the subscriber row as it was (no PIN failures to reset, no waiting
  // payment to clear): it is then not rewritten, which spares a page write per payment.
  const writes: Write[] =
    payer === view.subscriber(payer.msisdn) ? [] : [{ kind: 'subscriber', subscriber: payer }]

  if (intent.funding === 'bank') {
    const card = payerAccount.card
    const reservedAccount = {
      ...payerAccount,
      reservedMinor: payerAccount.reservedMinor + intent.amountMinor,
    }
    const authorized: Payment = {
      ...payment,
      updatedMs: env.nowMs,
      trail: [...payment.trail, ...steps],
    }
    writes.push({ kind: 'account', account: reservedAccount })
    writes.push({ kind: 'payment', payment: authorized })
    if (intent.orderNo !== null) writes.push(...orderPaid(intent.orderNo, authorized.id, view))
    const bankStep = {
      op: 'capture' as const,
      paymentId: authorized.id,
      cardToken: card?.token ?? '',
      amountMinor: intent.amountMinor,
    }
    const result = succeeded(
      paymentMessage('payment.processing', intent, null),
      intent.payer.language,
      { payment: authorized, bankStep },
    )
    return { result, writes }
  }

  const posted = postPayment(env, { ...intent, payerAccount }, payment, view, limits, steps)
  writes.push(...posted.writes)
  const result = succeeded(
    paymentMessage('payment.completed', intent, posted.payment.transferRef),
    intent.payer.language,
    {
      payment: posted.payment,
      reference: posted.payment.transferRef,
    },
  )
  return { result, writes }
}

/**
 * Puts a payment at the head of an account's recent list (once), keeping the list bounded. Only
 * postPayment calls it: the list is the mini statement's "last five", and a payment that never
 * moved money (declined, cancelled, expired, refused by the bank) must not take one of its slots.
 */
export function withRecent(account: Account, paymentId: string, limits: Limits): Account {
  if (account.recentPaymentIds[0] === paymentId) return account
  const recentPaymentIds = [
    paymentId,
    ...account.recentPaymentIds.filter((id) => id !== paymentId),
  ].slice(0, limits.statementRowsMax)
  return { ...account, recentPaymentIds }
}

/** Counts the payment in the daily total kept on the account it leaves. */
function withOutgoing(account: Account, intent: Intent, nowMs: number, limits: Limits): Account {
  if (!countsTowardDailyLimit(intent.kind)) return account
  return {
    ...account,
    outgoingDay: dayOf(nowMs, limits),
    outgoingMinor: accountOutgoingToday(account, nowMs, limits) + intent.amountMinor,
  }
}

/**
 * Posts the transfer of an authorized payment: payer leg, payee leg and fee legs at once. It
 * writes the payer's account (intent.payerAccount as the caller left it, with the payment at the
 * head of its recent list), so callers do not write that account themselves.
 */
export function postPayment(
  env: Envelope,
  intent: Intent,
  payment: Payment,
  view: LedgerView,
  limits: Limits,
  steps: readonly TrailStep[] = [],
): { payment: Payment; writes: Write[] } {
  const amount = intent.amountMinor
  const legs: Leg[] = [{ accountId: intent.payerAccount.id, amountMinor: -amount }]
  let feeMinor = 0n
  if (intent.merchant !== null) {
    const split = feeSplitOf(intent.funding, amount, limits, intent.merchant)
    feeMinor = split.feeMinor
    legs.push({ accountId: intent.merchant.accountId, amountMinor: amount - feeMinor })
    for (const share of split.shares)
      legs.push({ accountId: view.partyAccount(share.party).id, amountMinor: share.amountMinor })
  } else if (intent.payeeAccount !== null) {
    legs.push({ accountId: intent.payeeAccount.id, amountMinor: amount })
  }
  // Money received shows on the payee's statement too (SEND, airtime for another number, LOAD);
  // a card top-up's payee is the float, which keeps no statement: its purse records the load.
  const payeeWrites: Write[] =
    intent.purse !== null
      ? cardLoadWrites(intent.purse, payment.id, amount)
      : intent.payeeAccount === null || intent.payeeAccount.id === intent.payerAccount.id
        ? []
        : [{ kind: 'account', account: withRecent(intent.payeeAccount, payment.id, limits) }]
  const transferId = view.nextTransferId()
  const completed: Payment = {
    ...payment,
    state: nextState(payment.state, 'completed'),
    feeMinor,
    transferRef: transferRef(transferId),
    updatedMs: env.nowMs,
    trail: [...payment.trail, ...steps, ...postedSteps(payment, env.nowMs)],
  }
  const writes: Write[] = [
    { kind: 'account', account: withRecent(intent.payerAccount, payment.id, limits) },
    ...payeeWrites,
    {
      kind: 'transfer',
      transfer: {
        id: transferId,
        kind: 'payment',
        paymentId: payment.id,
        createdMs: env.nowMs,
        legs,
      },
    },
    { kind: 'payment', payment: completed },
    ...webhookOf(completed),
  ]
  if (intent.orderNo !== null) writes.push(...orderPaid(intent.orderNo, payment.id, view))
  return { payment: completed, writes }
}

/**
 * A card top-up posted into the float: the purse counts it as on its way, and the gateway is told
 * to send it to the SIM over the air (the outbox row commits with the transfer, so a crash between
 * the two cannot lose it).
 */
function cardLoadWrites(purse: Purse, paymentId: string, amountMinor: bigint): Write[] {
  return [
    { kind: 'purse', purse: { ...purse, loadingMinor: purse.loadingMinor + amountMinor } },
    { kind: 'notify', notification: { kind: 'card_load', paymentId, msisdn: purse.msisdn } },
  ]
}

function orderPaid(orderNo: string, paymentId: string, view: LedgerView): Write[] {
  const order = view.order(orderNo)
  if (order === null || order.paidPaymentId === paymentId) return []
  return [{ kind: 'order', order: { ...order, paidPaymentId: paymentId } }]
}

/** The user-facing words for a payment: amount, payee and funding account. */
/**
 * Airtime, loads and transfers are not "paying" someone: their confirmations and receipts say
 * what they are ("Buy CNY 20.00 airtime for ...") under keys of their own.
 */
const keysByKind: Readonly<
  Partial<Record<PaymentKind, Readonly<Partial<Record<MessageKey, MessageKey>>>>>
> = {
  airtime: {
    'payment.confirm_pin': 'airtime.confirm_pin',
    'payment.confirm_sim': 'airtime.confirm_sim',
    'payment.completed': 'airtime.completed',
  },
  load: { 'payment.confirm_pin': 'load.confirm_pin', 'payment.completed': 'load.completed' },
  send: { 'payment.confirm_pin': 'send.confirm_pin', 'payment.completed': 'send.completed' },
  card: {
    'payment.confirm_pin': 'card_load.confirm_pin',
    'payment.confirm_sim': 'card_load.confirm_sim',
    'payment.completed': 'card_load.sent',
  },
}

export function paymentMessage(
  generalKey: MessageKey,
  intent: Intent,
  reference: string | null,
): Message {
  const key = keysByKind[intent.kind]?.[generalKey] ?? generalKey
  const payee = intent.merchant?.name ?? intent.payeeMsisdn ?? ''
  const params: Record<string, string> = {
    amount: formatAmount(intent.amountMinor),
    payee,
    account: intent.funding,
  }
  if (reference !== null) params['ref'] = reference
  return { key, params }
}
