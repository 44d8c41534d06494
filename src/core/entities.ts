/**
 * entities.ts - what the ledger holds, as the core sees it: subscribers, their accounts,
 * merchants, orders and payments. Plain readonly data; the store loads and saves them.
 */
import type { PaymentState } from './payment-states.js'
import type { Reason } from './reasons.js'
import type { TrailStep } from './trail.js'

export type Language = 'en' | 'zh'

/** The three ways a subscriber pays (SPEC section 3). */
export type FundingKind = 'wallet' | 'phone_bill' | 'bank'
export const fundingKinds: readonly FundingKind[] = ['wallet', 'phone_bill', 'bank']

/**
 * Accounts that belong to the platform and its partners rather than to a subscriber. `opening`
 * is the other side of the balances a world starts with; `funding` the other side of the money
 * the operator credits later (cash at an agent, a bank deposit): money that entered from outside
 * telepay, so neither is ever settled to anyone.
 */
export type PartyKind =
  | 'operator_fees'
  | 'bank_fees'
  | 'platform_fees'
  | 'opening'
  | 'funding'
  /**
   * The e-purse float: the value held on subscribers' RFID-SIM purses, which the platform owes
   * whoever the cards pay. A card top-up credits it, a cleared purchase at a gate or till debits it
   * to the merchant (src/core/decide-purse.ts).
   */
  | 'card_float'

export type AccountKind = FundingKind | 'merchant' | PartyKind

export interface Card {
  readonly bank: string
  readonly last4: string
  /** The issuer's token for the card; the only card identity the gateway keeps. */
  readonly token: string
}

export interface Account {
  readonly id: number
  readonly kind: AccountKind
  /** MSISDN, merchant code, or "platform" for party accounts. */
  readonly owner: string
  /** Posted balance: the sum of the account's entries. */
  readonly balanceMinor: bigint
  /** Debits authorized and waiting for the bank's capture. */
  readonly reservedMinor: bigint
  /**
   * Lowest the balance may go (0 for a wallet, minus the credit limit for a phone bill); null:
   * unbounded.
   */
  readonly floorMinor: bigint | null
  /** Most the balance may reach (the wallet's holding cap); null: unbounded. */
  readonly capMinor: bigint | null
  readonly card: Card | null
  /**
   * The local day that outgoingMinor counts, and the money that left the subscriber from this
   * account that day. The daily limit is per subscriber: the sum over their funding accounts.
   * It is kept beside the balance, not on the subscriber, so a payment rewrites one row, not two.
   */
  readonly outgoingDay: number
  readonly outgoingMinor: bigint
  /**
   * The latest payments that moved money on this account, newest first, at most statementRowsMax:
   * the mini statement reads them from the row each payment rewrites anyway, instead of an index of
   * payments by payer, which would cost a randomly placed page write per payment.
   */
  readonly recentPaymentIds: readonly string[]
}

export interface Subscriber {
  readonly msisdn: string
  readonly name: string
  readonly language: Language
  /** scrypt hash in the form written by src/service/pin-hasher.ts; never a PIN. */
  readonly pinHash: string
  readonly pinFailures: number
  readonly lockedUntilMs: number
  /** At most one payment waits for the subscriber's confirmation (SPEC section 4). */
  readonly pendingPaymentId: string | null
}

export type MerchantCategory = 'merchant' | 'biller'

export interface Merchant {
  readonly code: string
  readonly name: string
  readonly category: MerchantCategory
  readonly accountId: number
  /**
   * The bank the merchant settles with ("ICBC", the name cards carry), or null when none is
   * known. Under the bank operating model a card pays only merchants of its own bank.
   */
  readonly settlementBank: string | null
  /** Its own merchant fee in basis points (a contract rate); null: the platform's default. */
  readonly feeBasisPoints: bigint | null
  /** The rest of its fee rule (fees.ts, FeeRule): a fixed part per payment, a floor, a cap. */
  readonly feeFixedMinor: bigint
  readonly feeMinMinor: bigint
  /** null: no cap. */
  readonly feeMaxMinor: bigint | null
}

export interface Order {
  readonly orderNo: string
  readonly merchantCode: string
  readonly amountMinor: bigint
  readonly reference: string
  readonly description: string
  readonly paidPaymentId: string | null
  readonly createdMs: number
}

/**
 * What a payment buys; it decides the payee and whether a merchant fee applies. `card` tops up
 * the payer's RFID-SIM purse: the money goes to the float and over the air to the card.
 */
export type PaymentKind = 'merchant' | 'order' | 'bill' | 'airtime' | 'send' | 'load' | 'card'

export interface Payment {
  readonly id: string
  readonly state: PaymentState
  readonly kind: PaymentKind
  /** Who started it: the payer on a channel, or a merchant by the web API (Paybox model). */
  readonly initiator: 'payer' | 'merchant'
  readonly channel: string
  readonly payerMsisdn: string
  readonly funding: FundingKind
  readonly merchantCode: string | null
  readonly payeeMsisdn: string | null
  readonly orderNo: string | null
  readonly customerRef: string | null
  readonly amountMinor: bigint
  readonly feeMinor: bigint
  readonly refundedMinor: bigint
  readonly merchantReference: string | null
  readonly description: string | null
  readonly callbackUrl: string | null
  /** Why it ended declined or failed. */
  readonly reason: Reason | null
  /** Short reference of the transfer that moved the money, once it moved. */
  readonly transferRef: string | null
  readonly createdMs: number
  readonly updatedMs: number
  readonly expiresMs: number
  /**
   * The nine-step record of the flow so far, oldest first (src/core/trail.ts): every change of the
   * payment appends to it in the same decision, so the store writes both in one row.
   */
  readonly trail: readonly TrailStep[]
}

/** One leg of a transfer: positive credits the account, negative debits it. */
export interface Leg {
  readonly accountId: number
  readonly amountMinor: bigint
}

/** `clearing`: an offline purchase on an RFID-SIM purse, cleared from the float to the merchant. */
export type TransferKind = 'payment' | 'refund' | 'opening' | 'funding' | 'clearing'

export interface Transfer {
  readonly id: number
  readonly kind: TransferKind
  readonly paymentId: string | null
  readonly createdMs: number
  readonly legs: readonly Leg[]
}
