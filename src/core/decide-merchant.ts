/**
 * decide-merchant.ts - what a merchant asks by the web API: a payment request to a subscriber
 * (the Paybox model: the merchant names the MSISDN, the user confirms), an order payable on any
 * channel, and refunds.
 */
import type { Envelope, MerchantCommand } from './commands.js'
import type { Outcome } from './decide-payment.js'
import { awaitAuthorization, newPayment, paymentMessage } from './decide-payment.js'
import type { Order, Payment } from './entities.js'
import type { Limits } from './limits.js'
import { formatAmount } from './money.js'
import { checkAccountOffered, checkMerchantBank, checkPaymentMax } from './payment-intent.js'
import { deliveryStep, refundStep, withSteps } from './payment-trail.js'
import { refused, succeeded } from './results.js'
import type { LedgerView, Write } from './view.js'
import { transferRef } from './view.js'

type RequestPayment = Extract<MerchantCommand, { kind: 'request_payment' }>

/**
 * A merchant's request to pay. Funds and daily limits are checked only when the user confirms:
 * a merchant must not learn a subscriber's balance from a refusal.
 */
export function decideRequestPayment(
  env: Envelope,
  command: RequestPayment,
  view: LedgerView,
  limits: Limits,
): Outcome {
  if (command.amountMinor <= 0n) return { result: refused('amount_not_positive', 'en'), writes: [] }
  const payer = view.subscriber(command.msisdn)
  if (payer === null) return { result: refused('payer_not_registered', 'en'), writes: [] }
  if (payer.lockedUntilMs > env.nowMs)
    return { result: refused('subscriber_locked', 'en'), writes: [] }
  const merchant = view.merchant(command.merchantCode)
  if (merchant === null) return { result: refused('merchant_not_found', 'en'), writes: [] }
  const model = limits.operatingModel
  const notOffered = checkAccountOffered('merchant', command.funding, model)
  if (notOffered !== null) return { result: refused(notOffered, 'en'), writes: [] }
  const payerAccount = view.accountOf(payer.msisdn, command.funding)
  if (payerAccount === null) return { result: refused('account_not_available', 'en'), writes: [] }
  // The merchant learns only that the subscriber is another bank's customer, as its bank would.
  const otherBank = checkMerchantBank(payerAccount, merchant, model)
  if (otherBank !== null) return { result: refused(otherBank, 'en'), writes: [] }
  const overMax = checkPaymentMax(command.funding, command.amountMinor, limits)
  if (overMax !== null) return { result: refused(overMax, 'en'), writes: [] }

  const intent = {
    kind: 'merchant' as const,
    payer,
    funding: command.funding,
    payerAccount,
    amountMinor: command.amountMinor,
    merchant,
    payeeAccount: null,
    payeePendingMinor: 0n,
    purse: null,
    payeeMsisdn: null,
    orderNo: null,
    customerRef: null,
  }
  const payment = newPayment(env, intent, view, 'merchant', {
    merchantReference: command.reference,
    description: command.description,
    callbackUrl: command.callbackUrl,
  })
  const waiting = awaitAuthorization(env, intent, payment, view, limits)
  const prompt = {
    // A phone-bill charge is confirmed by the SIM alone, so its prompt asks for YES without a PIN.
    key:
      command.funding === 'phone_bill'
        ? ('request.prompt_sim' as const)
        : ('request.prompt' as const),
    params: {
      ...paymentMessage('request.prompt', intent, null).params,
      reference: command.reference,
    },
  }
  const writes: Write[] = [
    ...waiting.writes,
    {
      kind: 'notify',
      notification: {
        kind: 'sms',
        msisdn: payer.msisdn,
        language: payer.language,
        message: prompt,
        paymentId: payment.id,
      },
    },
  ]
  const message = {
    key: 'request.accepted' as const,
    params: { amount: formatAmount(command.amountMinor) },
  }
  return { result: succeeded(message, 'en', { payment: waiting.result.payment }), writes }
}

export function decideCreateOrder(
  env: Envelope,
  command: Extract<MerchantCommand, { kind: 'create_order' }>,
  view: LedgerView,
): Outcome {
  if (command.amountMinor <= 0n) return { result: refused('amount_not_positive', 'en'), writes: [] }
  if (view.merchant(command.merchantCode) === null)
    return { result: refused('merchant_not_found', 'en'), writes: [] }
  if (command.orderNo !== undefined && view.order(command.orderNo) !== null)
    return { result: refused('order_already_exists', 'en'), writes: [] }
  const order: Order = {
    orderNo: command.orderNo ?? view.nextOrderNo(),
    merchantCode: command.merchantCode,
    amountMinor: command.amountMinor,
    reference: command.reference,
    description: command.description,
    paidPaymentId: null,
    createdMs: env.nowMs,
  }
  const message = {
    key: 'order.created' as const,
    params: { orderNo: order.orderNo, amount: formatAmount(order.amountMinor) },
  }
  return {
    result: succeeded(message, 'en', { data: { kind: 'order', order } }),
    writes: [{ kind: 'order', order }],
  }
}

/**
 * A refund is a new transfer from the merchant back to the account that paid; the fee is not
 * returned (the merchant bears it, as with card acquirers). Refunds never exceed what was paid.
 */
export function decideRefund(
  env: Envelope,
  command: Extract<MerchantCommand, { kind: 'refund' }>,
  view: LedgerView,
): Outcome {
  if (command.amountMinor <= 0n) return { result: refused('amount_not_positive', 'en'), writes: [] }
  const payment = view.payment(command.paymentId)
  if (payment === null || payment.merchantCode !== command.merchantCode)
    return { result: refused('payment_not_found', 'en'), writes: [] }
  if (payment.state !== 'completed')
    return { result: refused('payment_not_refundable', 'en', { payment }), writes: [] }
  const remaining = payment.amountMinor - payment.refundedMinor
  if (command.amountMinor > remaining)
    return { result: refused('refund_exceeds_payment', 'en', { payment }), writes: [] }

  const merchant = view.merchant(command.merchantCode)
  const payerAccount = view.accountOf(payment.payerMsisdn, payment.funding)
  if (merchant === null || payerAccount === null)
    return { result: refused('account_not_available', 'en', { payment }), writes: [] }
  const transferId = view.nextTransferId()
  const reference = transferRef(transferId)
  const legs = [
    { accountId: merchant.accountId, amountMinor: -command.amountMinor },
    { accountId: payerAccount.id, amountMinor: command.amountMinor },
  ]
  const refunded: Payment = withSteps(
    {
      ...payment,
      refundedMinor: payment.refundedMinor + command.amountMinor,
      updatedMs: env.nowMs,
    },
    [refundStep(env.nowMs, command.amountMinor, reference)],
  )
  const payer = view.subscriber(payment.payerMsisdn)
  const writes: Write[] = [
    {
      kind: 'transfer',
      transfer: {
        id: transferId,
        kind: 'refund',
        paymentId: payment.id,
        createdMs: env.nowMs,
        legs,
      },
    },
    { kind: 'payment', payment: refunded },
  ]
  const notice = {
    key: 'refund.completed' as const,
    params: {
      amount: formatAmount(command.amountMinor),
      payee: merchant.name,
      ref: reference,
      account: payment.funding,
    },
  }
  if (payer !== null)
    writes.push({
      kind: 'notify',
      notification: {
        kind: 'sms',
        msisdn: payer.msisdn,
        language: payer.language,
        message: notice,
      },
    })
  const bankStep =
    payment.funding === 'bank' && payerAccount.card !== null
      ? {
          op: 'refund' as const,
          paymentId: payment.id,
          cardToken: payerAccount.card.token,
          amountMinor: command.amountMinor,
          reference,
        }
      : null
  const data = {
    kind: 'refund' as const,
    reference,
    amountMinor: command.amountMinor,
    refundedMinor: refunded.refundedMinor,
    remainingMinor: remaining - command.amountMinor,
  }
  return {
    result: succeeded(notice, 'en', { payment: refunded, reference, bankStep, data }),
    writes,
  }
}

/**
 * Step 9: the merchant reports the goods delivered. Once only: a second report (a retry with a
 * new key, a double click) answers with the payment as it is and records nothing more.
 */
export function decideDelivery(
  env: Envelope,
  command: Extract<MerchantCommand, { kind: 'report_delivery' }>,
  view: LedgerView,
): Outcome {
  const payment = view.payment(command.paymentId)
  if (payment === null || payment.merchantCode !== command.merchantCode)
    return { result: refused('payment_not_found', 'en'), writes: [] }
  if (payment.state !== 'completed')
    return { result: refused('payment_not_completed', 'en', { payment }), writes: [] }
  const message = { key: 'delivery.recorded' as const, params: { paymentId: payment.id } }
  if (payment.trail.some((entry) => entry.code === 9))
    return { result: succeeded(message, 'en', { payment }), writes: [] }
  const delivered = withSteps(payment, [deliveryStep(env.nowMs, command.note)])
  return {
    result: succeeded(message, 'en', { payment: delivered }),
    writes: [{ kind: 'payment', payment: delivered }],
  }
}
