/**
 * issuing-bank.ts - the interface to the bank that issued a subscriber's card: the "credit
 * institution" of the remote payment flow. The simulated bank implements it; a connector to a
 * real bank would too. Every call is keyed by the gateway's payment id (`reference`), so a call
 * repeated after a crash or a timeout finds the same authorization instead of making another.
 */

export type AuthorizationAnswer =
  | { readonly approved: true; readonly authorizationId: string }
  | { readonly approved: false; readonly code: 'insufficient_funds' | 'card_unknown' | 'declined' }

/** What the bank knows of a reference, for recovery after a crash. */
export type HoldState = 'none' | 'authorized' | 'reserved' | 'captured' | 'released'

export interface IssuingBank {
  /** Checks the card and its funds for an amount; approves with an authorization id or declines. */
  authorize(request: {
    readonly reference: string
    readonly cardToken: string
    readonly amountMinor: bigint
  }): Promise<AuthorizationAnswer>
  /** Holds the authorized amount on the card. */
  reserve(authorizationId: string): Promise<void>
  /** Takes the held money. */
  capture(authorizationId: string): Promise<void>
  /** Lets the held money go. */
  release(authorizationId: string): Promise<void>
  /** Puts money back on a card (a merchant's refund). */
  refund(request: {
    readonly reference: string
    readonly cardToken: string
    readonly amountMinor: bigint
  }): Promise<void>
  /** Available balance of a card, or null when the card is unknown. */
  balance(cardToken: string): Promise<bigint | null>
  status(
    reference: string,
  ): Promise<{ readonly state: HoldState; readonly authorizationId: string | null }>
}

/** The bank could not be reached or did not answer in time. */
export class BankUnavailableError extends Error {
  override readonly name = 'BankUnavailableError'
}
