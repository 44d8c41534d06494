/**
 * reasons.ts - every refusal the core can give, as stable snake_case codes ordered by the
 * precedence in which the core checks them (TigerBeetle's result enums). Channels render a
 * reason through the message catalogue; logs and the merchant API show the code itself.
 */

/** Ordered by descending precedence: decide() checks in this order and the tests assert it. */
export const reasons = [
  // The transport reused an idempotency key for another command.
  'idempotency_key_reused',
  // Malformed input, refused before anything is looked up.
  'amount_invalid',
  'amount_too_precise',
  'amount_not_positive',
  'msisdn_invalid',
  'pin_format_invalid',
  // The operating model does not let a subscriber register themselves (only a provider does).
  'registration_not_offered',
  // Who is asking.
  'payer_not_registered',
  'already_registered',
  'subscriber_locked',
  // The payment a command names (YES, NO, a refund, the bank's answer). It comes before the
  // parties: only a payment that is found and still open has a merchant, order or payee to check.
  'no_pending_payment',
  'payment_expired',
  'payment_not_found',
  'payment_not_refundable',
  'payment_not_completed',
  // What they ask about.
  'merchant_not_found',
  // The operator opens a merchant under a code another merchant has.
  'merchant_already_exists',
  // A merchant's fee rule whose floor is above its cap: no fee could satisfy both.
  'fee_rule_invalid',
  'customer_reference_required',
  'order_not_found',
  // The operator gives an order a number another order has.
  'order_already_exists',
  'order_already_paid',
  'payee_not_registered',
  'payee_is_payer',
  // An RFID-SIM on the blacklist: terminals block it, and it takes no more value.
  'card_blocked',
  // The operating model does not offer the account (the bank model has no wallet).
  'account_not_offered',
  'account_not_available',
  'account_not_allowed',
  // The operating model's bank serves only its own customers' payments to its own merchants.
  'merchant_bank_mismatch',
  // The user's authorization.
  'pin_required',
  'pin_incorrect',
  'pin_attempts_exceeded',
  // Money rules.
  'amount_above_payment_max',
  // One operator top-up: a slip of a few zeros must not credit a fortune.
  'amount_above_funding_max',
  'daily_limit_exceeded',
  'insufficient_funds',
  'wallet_cap_exceeded',
  // An RFID-SIM top-up past what an anonymous purse may hold (limits.purseHeldMaxMinor).
  'card_cap_exceeded',
  'refund_exceeds_payment',
  // The issuing bank.
  'bank_declined',
  'bank_unavailable',
  // The gateway itself.
  'system_busy',
] as const

export type Reason = (typeof reasons)[number]

/**
 * Whether the same command could succeed if sent again later. Idempotent replays still return
 * the stored outcome; a transient refusal means the user should try again with a new command.
 */
export function isTransient(reason: Reason): boolean {
  switch (reason) {
    case 'bank_unavailable':
    case 'system_busy':
    case 'subscriber_locked':
    case 'daily_limit_exceeded':
    case 'insufficient_funds':
    case 'wallet_cap_exceeded':
    case 'card_cap_exceeded':
    case 'bank_declined':
      return true
    case 'idempotency_key_reused':
    case 'amount_invalid':
    case 'amount_too_precise':
    case 'amount_not_positive':
    case 'msisdn_invalid':
    case 'pin_format_invalid':
    case 'registration_not_offered':
    case 'payer_not_registered':
    case 'already_registered':
    case 'merchant_not_found':
    case 'merchant_already_exists':
    case 'fee_rule_invalid':
    case 'customer_reference_required':
    case 'order_not_found':
    case 'order_already_exists':
    case 'order_already_paid':
    case 'payee_not_registered':
    case 'payee_is_payer':
    case 'card_blocked':
    case 'no_pending_payment':
    case 'payment_expired':
    case 'payment_not_found':
    case 'payment_not_refundable':
    case 'payment_not_completed':
    case 'account_not_offered':
    case 'account_not_available':
    case 'account_not_allowed':
    case 'merchant_bank_mismatch':
    case 'pin_required':
    case 'pin_incorrect':
    case 'pin_attempts_exceeded':
    case 'amount_above_payment_max':
    case 'amount_above_funding_max':
    case 'refund_exceeds_payment':
      return false
  }
}

/** Precedence rank of a reason: lower is checked first. */
export function reasonRank(reason: Reason): number {
  return reasons.indexOf(reason)
}
