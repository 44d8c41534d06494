/**
 * json.ts - what the web channels (the merchant API, WAP, IVR's simulation API) and the admin
 * API share of JSON: how money and payments look (amounts as strings with two decimals, "25.00",
 * states in the merchant API's words, times as ISO 8601) and how an error is answered.
 */

import type { Response } from 'express'
import type { Payment } from '../../core/index.js'
import { formatAmount, merchantStatusOf } from '../../core/index.js'

export type Json =
  | string
  | number
  | boolean
  | null
  | readonly Json[]
  | { readonly [key: string]: Json }

export function paymentJson(payment: Payment): Json {
  return {
    id: payment.id,
    status: merchantStatusOf(payment.state),
    state: payment.state,
    kind: payment.kind,
    initiator: payment.initiator,
    channel: payment.channel,
    msisdn: payment.payerMsisdn,
    account: payment.funding,
    merchant: payment.merchantCode,
    payee: payment.payeeMsisdn,
    orderNo: payment.orderNo,
    customerRef: payment.customerRef,
    amount: formatAmount(payment.amountMinor),
    fee: formatAmount(payment.feeMinor),
    refunded: formatAmount(payment.refundedMinor),
    currency: 'CNY',
    reference: payment.merchantReference,
    description: payment.description,
    transactionRef: payment.transferRef,
    reason: payment.reason,
    createdAt: new Date(payment.createdMs).toISOString(),
    updatedAt: new Date(payment.updatedMs).toISOString(),
    expiresAt:
      payment.state === 'awaiting_authorization' ? new Date(payment.expiresMs).toISOString() : null,
  }
}

export function sendError(
  response: Response,
  status: number,
  error: string,
  message: string,
): void {
  response.status(status).json({ error, message })
}

/**
 * The refusal of a body that is not a JSON object where an API takes one (all of them do): a
 * form, plain text, no body, or JSON that is an array, a string, a number, true or null.
 */
export function sendBodyInvalid(response: Response): void {
  sendError(
    response,
    400,
    'body_invalid',
    'the body must be a JSON object, sent with Content-Type: application/json',
  )
}
