/**
 * checkout.ts - the web checkout shared by the merchant channel (which opens checkouts and asks
 * the phone through the core) and the public checkout page (src/web/checkout): what a checkout
 * is, the desk that keeps them, its bounds, and the signed result a shop gets back on its return
 * URL. Exports Checkout, CheckoutStatus, CheckoutView, CheckoutDesk, CheckoutPayAnswer,
 * CheckoutResult, checkoutLimits, checkoutFinalStatuses, checkoutCanonicalString,
 * signCheckoutResult, checkoutReturnUrl, isReturnUrl.
 */
import { createHmac } from 'node:crypto'

export const checkoutLimits = {
  /**
   * How long a checkout waits for its shopper: a person who left the shop's basket for the
   * checkout types a phone number within minutes, and the phone's prompt expires by itself
   * (limits.requestExpiryMs); after this the page says the checkout expired.
   */
  checkoutTtlMs: 30 * 60_000,
  /**
   * Checkouts kept at once (in memory: a restart forgets the open ones, whose shoppers start
   * again from the shop). A few hundred bytes each; a shop opening checkouts in a loop cannot
   * grow memory past this: the oldest one is dropped first.
   */
  checkoutsMax: 20_000,
  /**
   * Checkouts one merchant keeps at once: a busy shop has a few hundred shoppers paying at the
   * same moment; past this its own oldest goes, so that one shop opening checkouts in a loop
   * cannot push other shops' shoppers out of the book.
   */
  checkoutsPerMerchantMax: 2_000,
  /** Longest return URL taken: a shop's page with an order id, not a data store. */
  returnUrlLengthMax: 2_048,
} as const

/** A checkout's state, in the merchant API's words once a payment request exists. */
export type CheckoutStatus =
  | 'open'
  | 'pending_authorization'
  | 'processing'
  | 'completed'
  | 'declined'
  | 'cancelled'
  | 'expired'
  | 'failed'

/** The statuses a checkout ends in: its page returns to the shop with one of these. */
export const checkoutFinalStatuses: ReadonlySet<CheckoutStatus> = new Set([
  'completed',
  'declined',
  'cancelled',
  'expired',
  'failed',
])

export interface Checkout {
  /** `ck_` and 22 random characters: not guessable, unlike payment ids. */
  readonly id: string
  readonly merchantCode: string
  readonly merchantName: string
  readonly amountMinor: bigint
  readonly reference: string
  readonly description: string
  /** Where the page sends the shopper at the end; null for a payment request's own page. */
  readonly returnUrl: string | null
  readonly createdMs: number
  readonly expiresMs: number
  /** The page's form token: every POST of this checkout's page carries it. */
  readonly csrfToken: string
  /** The payment request made for the phone number the shopper typed; null before that. */
  paymentId: string | null
  /** Set when the shopper went back to the shop without paying. */
  cancelled: boolean
  /** Phone numbers tried and refused: each try is a command of its own (its idempotency key). */
  attempts: number
  /** A phone is being asked now: a second submit or a return waits for the answer. */
  paying: boolean
}

export interface CheckoutView {
  readonly checkout: Checkout
  readonly status: CheckoutStatus
  /** The payer's number with its middle masked, once a payment request exists. */
  readonly phone: string | null
  /** Why it failed, in the merchant API's words (payment_expired, insufficient_funds...). */
  readonly reason: string | null
}

export type CheckoutPayAnswer =
  | { readonly ok: true; readonly paymentId: string }
  | {
      readonly ok: false
      readonly status: number
      readonly error: string
      readonly message: string
    }

/** What a shop gets back on its return URL, signed under its webhook secret. */
export interface CheckoutResult {
  readonly checkout: string
  readonly status: CheckoutStatus
  /** The payment's id, or '' when none was made (the shopper went back first). */
  readonly payment: string
  readonly amount: string
  readonly reference: string
}

export interface CheckoutDesk {
  /** A checkout's view by its id, or a payment request's own page by the payment's id. */
  /** A checkout, or a payment request's page when `pageToken` is its requestPageToken. */
  view(id: string, pageToken?: string | null): Promise<CheckoutView | null>
  /** Asks the phone for the checkout's payment: the same payment request as the merchant API's. */
  pay(id: string, msisdn: string): Promise<CheckoutPayAnswer>
  /**
   * The URL the page sends the shopper to now: the shop's return URL with the signed result. A
   * checkout not paid yet is cancelled by going back; null when it has no return URL, or while
   * its payment is still under way.
   */
  returnTo(id: string): Promise<string | null>
}

/**
 * The text a checkout's signature is made of: a version tag, then the five fields, one a line.
 * A shop rebuilds it from the query parameters it got and compares HMACs.
 */
export function checkoutCanonicalString(result: CheckoutResult): string {
  return [
    'telepay-checkout-v1',
    result.checkout,
    result.status,
    result.payment,
    result.amount,
    result.reference,
  ].join('\n')
}

/** Lowercase hex HMAC-SHA256 of the canonical string under the merchant's webhook secret. */
/**
 * The token of a payment request's own checkout page (`/checkout/<payment id>?t=<token>`): the
 * payment ids are sequential and the page needs no log-in, so without it anyone could walk
 * through recent requests. The merchant's API answer gives the page's address; a shop can also
 * make it from its webhook secret. 32 hex characters of HMAC-SHA256.
 */
export function requestPageToken(paymentId: string, webhookSecret: string): string {
  return createHmac('sha256', webhookSecret)
    .update(`telepay-checkout-page-v1\n${paymentId}`)
    .digest('hex')
    .slice(0, 32)
}

export function signCheckoutResult(result: CheckoutResult, webhookSecret: string): string {
  return createHmac('sha256', webhookSecret).update(checkoutCanonicalString(result)).digest('hex')
}

/** The return URL with the result and its signature as query parameters (others kept). */
export function checkoutReturnUrl(
  returnUrl: string,
  result: CheckoutResult,
  webhookSecret: string,
): string {
  const url = new URL(returnUrl)
  const fields: Record<string, string> = { ...result }
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value)
  url.searchParams.set('signature', signCheckoutResult(result, webhookSecret))
  return url.toString()
}

/** An absolute http or https URL without credentials: where a page may send a shopper. */
export function isReturnUrl(value: string): boolean {
  if (value.length > checkoutLimits.returnUrlLengthMax) return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.hostname !== ''
  )
}
