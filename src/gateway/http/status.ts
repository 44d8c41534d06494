/**
 * status.ts - the one translation from the core's refusal reasons to HTTP status codes for the
 * web channels and the admin API. A refused payment is not an HTTP error of the request: it is
 * 422 with the reason. Also the status of a request that cannot be read, and the bearer token.
 */
import type { Reason } from '../../core/index.js'

export function httpStatusOf(reason: Reason): number {
  switch (reason) {
    case 'idempotency_key_reused':
    case 'merchant_already_exists':
    case 'order_already_exists':
      return 409
    case 'merchant_not_found':
    case 'order_not_found':
    case 'payment_not_found':
      return 404
    case 'system_busy':
    case 'bank_unavailable':
      return 503
    case 'amount_invalid':
    case 'amount_too_precise':
    case 'amount_not_positive':
    case 'msisdn_invalid':
    case 'pin_format_invalid':
    case 'fee_rule_invalid':
      return 400
    case 'registration_not_offered':
    case 'payer_not_registered':
    case 'already_registered':
    case 'subscriber_locked':
    case 'customer_reference_required':
    case 'order_already_paid':
    case 'payee_not_registered':
    case 'payee_is_payer':
    case 'card_blocked':
    case 'no_pending_payment':
    case 'payment_expired':
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
    case 'daily_limit_exceeded':
    case 'insufficient_funds':
    case 'wallet_cap_exceeded':
    case 'card_cap_exceeded':
    case 'refund_exceeds_payment':
    case 'bank_declined':
      return 422
  }
}

/**
 * The status of a request the gateway cannot read (body-parser's http-errors: too long, not
 * JSON, a charset, coding or compressed stream it cannot read; the router's 400 for a path
 * parameter with a bad escape), or null for any other error. Such a request is the sender's
 * mistake: it is answered with this 4xx and never logged as an error, so that hostile requests
 * cannot flood the error log.
 */
export function requestErrorStatusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('status' in error)) return null
  const status = Number((error as { status: unknown }).status)
  // Most name what failed in `type` (entity.too.large, charset.unsupported, ...); a stream that
  // does not inflate (raw-body) and a path parameter that does not decode (the router) come as a
  // bare 400. Other 4xx errors (a file sendFile lost)
  // are not the body's, and stay errors of ours.
  const typed = typeof (error as { type?: unknown }).type === 'string'
  return typed && status >= 400 && status < 500 ? status : status === 400 ? 400 : null
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null. The scheme is matched in any
 * case (RFC 9110 section 11.1: auth schemes are case-insensitive), so `bearer` and `BEARER` work;
 * the token itself is compared exactly by the caller.
 */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '')
  return match?.[1] ?? null
}
