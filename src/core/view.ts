/**
 * view.ts - the port between the pure core and the ledger store. The core reads through a
 * LedgerView (synchronous, already-loaded state inside one store transaction) and answers with a
 * Decision: a result plus the writes, as data, that the store applies in the same transaction.
 */

import type { ClearingRecord } from './commands.js'
import type {
  Account,
  Language,
  Merchant,
  Order,
  PartyKind,
  Payment,
  Subscriber,
  Transfer,
} from './entities.js'
import type { Message } from './messages.js'
import type { Purse } from './purse.js'
import type { CommandResult } from './results.js'

export interface LoggedCommand {
  readonly commandHash: string
  readonly result: CommandResult
}

export interface LedgerView {
  commandLog(key: string): LoggedCommand | null
  subscriber(msisdn: string): Subscriber | null
  account(id: number): Account | null
  accountOf(owner: string, kind: Account['kind']): Account | null
  partyAccount(kind: PartyKind): Account
  merchant(code: string): Merchant | null
  order(orderNo: string): Order | null
  payment(id: string): Payment | null
  /**
   * Money on its way into a subscriber's wallet: wallet loads authorized and waiting for the
   * bank's capture. The wallet cap counts it (TigerBeetle's credits_pending), or loads and sends
   * that each fit alone could overfill the wallet once the bank captures.
   */
  pendingWalletLoadsMinor(msisdn: string): bigint
  /** Payments awaiting authorization whose expiry is at or before nowMs, oldest first. */
  duePayments(nowMs: number, limit: number): readonly Payment[]
  /** The subscriber's latest payments that moved money, as payer or payee, newest first. */
  recentPayments(msisdn: string, limit: number): readonly Payment[]
  /** The RFID-SIM purse the platform keeps for a card; null: never loaded (an empty card). */
  purse(cardNumber: string): Purse | null
  /**
   * Whether a purchase was cleared already, by either of its keys: the card's offline serial
   * (the same purchase uploaded again, by any terminal) or the terminal's serial.
   */
  isCleared(
    record: Pick<ClearingRecord, 'cardNumber' | 'cardSerial' | 'terminalSerial'>,
    terminalId: string,
  ): boolean
  /** A card's latest cleared purchases that moved money, newest first. */
  recentClearedPurchases(
    cardNumber: string,
    limit: number,
  ): readonly {
    readonly merchantCode: string
    readonly amountMinor: bigint
    readonly atMs: number
  }[]
  nextPaymentId(): string
  nextTransferId(): number
  nextAccountId(): number
  nextOrderNo(): string
}

export type Notification =
  /**
   * `paymentId` when the SMS asks about one payment (a merchant's request): a channel that shows
   * it instead (a USSD push) answers that payment and no other.
   */
  | {
      readonly kind: 'sms'
      readonly msisdn: string
      readonly language: Language
      readonly message: Message
      readonly paymentId?: string
    }
  | {
      readonly kind: 'webhook'
      readonly paymentId: string
      readonly merchantCode: string
      readonly url: string
    }
  /** A card top-up paid into the float: the gateway sends it to the SIM over the air. */
  | { readonly kind: 'card_load'; readonly paymentId: string; readonly msisdn: string }

export type Write =
  | { readonly kind: 'subscriber'; readonly subscriber: Subscriber }
  | { readonly kind: 'account'; readonly account: Account }
  | { readonly kind: 'payment'; readonly payment: Payment }
  | { readonly kind: 'order'; readonly order: Order }
  /**
   * A merchant opened (`opened`: its row is new) or changed; the API key's hash and the webhook
   * secret are not on the Merchant the core reads, so they come beside it, when set.
   */
  | {
      readonly kind: 'merchant'
      readonly merchant: Merchant
      readonly opened: boolean
      readonly apiKeySha256?: string
      readonly webhookSecret?: string
    }
  | { readonly kind: 'transfer'; readonly transfer: Transfer }
  | { readonly kind: 'purse'; readonly purse: Purse }
  /** A purchase cleared (with the transfer that paid it, if it charged anything). */
  | {
      readonly kind: 'cleared'
      readonly terminalId: string
      readonly merchantCode: string
      readonly record: ClearingRecord
      readonly feeMinor: bigint
      readonly transferId: number | null
      readonly clearedMs: number
    }
  | { readonly kind: 'notify'; readonly notification: Notification }
  | {
      readonly kind: 'log'
      readonly key: string
      readonly commandHash: string
      readonly result: CommandResult
    }

export interface Decision {
  readonly result: CommandResult
  readonly writes: readonly Write[]
}

/** Short reference of a transfer, as printed on receipts: "T" and six base-36 characters. */
export function transferRef(transferId: number): string {
  return `T${transferId.toString(36).toUpperCase().padStart(6, '0')}`
}
