/**
 * results.ts - what the core answers: a CommandResult value for every command, never an
 * exception for an expected refusal. Results are stored for idempotent replay, so they are
 * plain data (bigints are kept; src/ledger/codec.ts encodes them).
 */
import type { Card, FundingKind, Language, Order, Payment } from './entities.js'
import type { Message } from './messages.js'
import type { Reason } from './reasons.js'

export interface BalanceLine {
  readonly funding: FundingKind
  readonly balanceMinor: bigint
  /** For a phone bill: how far below zero it may go. */
  readonly creditLimitMinor: bigint
  readonly card: Card | null
}

export interface StatementRow {
  readonly paymentId: string
  readonly reference: string | null
  readonly kind: Payment['kind']
  readonly state: Payment['state']
  readonly direction: 'out' | 'in'
  readonly amountMinor: bigint
  readonly counterparty: string
  readonly createdMs: number
}

export type ResultData =
  | { readonly kind: 'balances'; readonly lines: readonly BalanceLine[] }
  | { readonly kind: 'statement'; readonly rows: readonly StatementRow[] }
  | { readonly kind: 'order'; readonly order: Order }
  | {
      readonly kind: 'refund'
      readonly reference: string
      /** This refund's amount (refundedMinor is all refunds of the payment so far). */
      readonly amountMinor: bigint
      readonly refundedMinor: bigint
      readonly remainingMinor: bigint
    }
  | { readonly kind: 'expired'; readonly paymentIds: readonly string[] }
  /** An operator top-up: its transfer and the account's balance after it. */
  | {
      readonly kind: 'funded'
      readonly transferId: number
      readonly reference: string
      readonly balanceMinor: bigint
    }
  | ClearingSummary

/**
 * A step the gateway must take with the issuing bank after this result is committed: no
 * ledger transaction is ever held open across a call to the bank.
 */
/** How one upload cleared, record by record. */
export interface ClearingSummary {
  readonly kind: 'clearing'
  /** Terminal serials posted now. */
  readonly accepted: readonly number[]
  /** Terminal serials cleared before (this upload again, or the same purchase from elsewhere). */
  readonly duplicates: readonly number[]
  /** Terminal serials of records for cards the platform never issued. */
  readonly unknownCards: readonly number[]
  readonly clearedMinor: bigint
  readonly feeMinor: bigint
}

export type BankStep =
  | {
      readonly op: 'capture'
      readonly paymentId: string
      readonly cardToken: string
      readonly amountMinor: bigint
    }
  | {
      readonly op: 'refund'
      readonly paymentId: string
      readonly cardToken: string
      readonly amountMinor: bigint
      readonly reference: string
    }

export interface CommandResult {
  readonly ok: boolean
  readonly reason: Reason | null
  readonly message: Message
  readonly language: Language
  /** Short transaction reference for final replies (SPEC section 4). */
  readonly reference: string | null
  readonly payment: Payment | null
  readonly bankStep: BankStep | null
  readonly data: ResultData | null
}

/** A refusal with what its text shows (the most a payment may be, the card's bank...). */
export interface Refusal {
  readonly reason: Reason
  readonly params?: Readonly<Record<string, string>>
}

export function refused(
  refusal: Reason | Refusal,
  language: Language,
  extra: { params?: Readonly<Record<string, string>>; payment?: Payment | null } = {},
): CommandResult {
  const reason = typeof refusal === 'string' ? refusal : refusal.reason
  const params = extra.params ?? (typeof refusal === 'string' ? undefined : refusal.params)
  return {
    ok: false,
    reason,
    message: { key: `refusal.${reason}`, params: params ?? {} },
    language,
    reference: null,
    payment: extra.payment ?? null,
    bankStep: null,
    data: null,
  }
}

export function succeeded(
  message: Message,
  language: Language,
  extra: Partial<Pick<CommandResult, 'reference' | 'payment' | 'bankStep' | 'data'>> = {},
): CommandResult {
  return {
    ok: true,
    reason: null,
    message,
    language,
    reference: extra.reference ?? null,
    payment: extra.payment ?? null,
    bankStep: extra.bankStep ?? null,
    data: extra.data ?? null,
  }
}
