/**
 * response-codes.ts - field 39 of an answer to a POS terminal, from the core's reason for a
 * refusal: one table, every reason in it (the compiler holds it whole), the codes CUP terminals
 * act on (the notes, E.3): 00 approved, 03 invalid merchant, 05 do not honour, 12 invalid
 * transaction, 13 invalid amount, 14 invalid card, 25 original not found, 51 insufficient funds,
 * 55 wrong PIN, 61 over the amount limit, 75 PIN tries exceeded, 91 issuer or switch down, 94
 * duplicate, 96 system malfunction; and A0, a MAC that does not check (sign on again), which is
 * the host's own refusal, not the core's. Exports responseCodes, responseCodeOf, approved,
 * macFailed, ResponseCode.
 */
import type { Reason } from '../../core/index.js'

export const approved = '00'
export const macFailed = 'A0'

export const responseCodes = {
  idempotency_key_reused: '94',
  amount_invalid: '13',
  amount_too_precise: '13',
  amount_not_positive: '13',
  msisdn_invalid: '14',
  pin_format_invalid: '55',
  registration_not_offered: '12',
  payer_not_registered: '14',
  already_registered: '12',
  // Locked after three wrong PINs on any channel: the terminal shows the same as the third.
  subscriber_locked: '75',
  no_pending_payment: '25',
  payment_expired: '12',
  payment_not_found: '25',
  payment_not_refundable: '12',
  payment_not_completed: '12',
  merchant_not_found: '03',
  merchant_already_exists: '12',
  fee_rule_invalid: '12',
  customer_reference_required: '12',
  order_not_found: '12',
  order_already_exists: '12',
  order_already_paid: '12',
  payee_not_registered: '14',
  payee_is_payer: '12',
  card_blocked: '14',
  account_not_offered: '12',
  account_not_available: '12',
  account_not_allowed: '12',
  merchant_bank_mismatch: '12',
  pin_required: '55',
  pin_incorrect: '55',
  pin_attempts_exceeded: '75',
  amount_above_payment_max: '61',
  amount_above_funding_max: '61',
  daily_limit_exceeded: '61',
  insufficient_funds: '51',
  wallet_cap_exceeded: '61',
  card_cap_exceeded: '61',
  refund_exceeds_payment: '13',
  bank_declined: '05',
  bank_unavailable: '91',
  system_busy: '96',
} as const satisfies Record<Reason, string>

export type ResponseCode = (typeof responseCodes)[Reason] | typeof approved | typeof macFailed

/** The code for a refusal; null (no reason: the core failed) is a system malfunction. */
export function responseCodeOf(reason: Reason | null): ResponseCode {
  return reason === null ? '96' : responseCodes[reason]
}
