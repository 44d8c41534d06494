/**
 * payment-states.ts - the nine-step remote payment flow as one state table. Every change of a
 * payment's state goes through nextState(), so an illegal move is a programmer error caught at
 * once, and a final state stays final.
 *
 *   requested ──> awaiting_authorization ──> authorized ──> completed
 *       │                 │   │   │              │  └────> declined (the bank said no)
 *       │                 │   │   │              └───────> failed   (the bank did not answer)
 *       │                 │   │   └──> expired   (no answer within the authorization TTL)
 *       │                 │   └──────> cancelled (NO, or a newer payment replaced it)
 *       │                 └──────────> declined  (PIN lockout, limits or funds at confirmation)
 *       └──> authorized (the PIN came with the request) / declined
 */
import { assert } from './assert.js'

export const paymentStates = [
  'requested',
  'awaiting_authorization',
  'authorized',
  'completed',
  'declined',
  'cancelled',
  'expired',
  'failed',
] as const

export type PaymentState = (typeof paymentStates)[number]

const transitions: Readonly<Record<PaymentState, readonly PaymentState[]>> = {
  requested: ['awaiting_authorization', 'authorized', 'declined'],
  awaiting_authorization: ['authorized', 'declined', 'cancelled', 'expired'],
  authorized: ['completed', 'declined', 'failed'],
  completed: [],
  declined: [],
  cancelled: [],
  expired: [],
  failed: [],
}

export function isFinal(state: PaymentState): boolean {
  return transitions[state].length === 0
}

export function canMove(from: PaymentState, to: PaymentState): boolean {
  return transitions[from].includes(to)
}

/** Asserts that a move is in the table and returns the target state. */
export function nextState(from: PaymentState, to: PaymentState): PaymentState {
  assert(canMove(from, to), `payment state ${from} cannot move to ${to}`)
  return to
}

/** Names used by the merchant API (SPEC section 8) for a payment's state. */
export function merchantStatusOf(state: PaymentState): string {
  switch (state) {
    case 'requested':
    case 'awaiting_authorization':
      return 'pending_authorization'
    case 'authorized':
      return 'processing'
    case 'completed':
    case 'declined':
    case 'cancelled':
    case 'expired':
    case 'failed':
      return state
  }
}
