/**
 * store.ts - the ledger port: an asynchronous, batch-shaped interface, so that an engine with a
 * network round trip (PostgreSQL) can replace SQLite without touching the core or the channels.
 * A batch's results resolve only after the batch is durable.
 */

import type {
  Account,
  AccountKind,
  CommandResult,
  Envelope,
  FeeParty,
  Language,
  Merchant,
  Order,
  Payment,
  PaymentState,
  Purse,
  Subscriber,
  TransferKind,
} from '../core/index.js'
import type { World } from '../world/world.js'
import type {
  CardSerialFloor,
  CardSerialWindow,
  ClearedPurchase,
  ClearingReportRow,
  PurseReconciliation,
} from './purse-reads.js'
import type { WorldRows } from './world-rows.js'

export type BatchOutcome =
  | { readonly ok: true; readonly result: CommandResult }
  | { readonly ok: false; readonly error: Error }

export interface SubscriberDetail {
  readonly subscriber: Subscriber
  readonly accounts: readonly Account[]
}

export interface MerchantAuth {
  readonly merchant: Merchant
  readonly webhookSecret: string
}

export interface LedgerCheck {
  readonly balanced: boolean
  /** incremental: read the transfers since the last check; full: read all history again. */
  readonly mode: 'incremental' | 'full'
  /** The last transfer the check read: the history through it is checked. */
  readonly throughTransferId: number
  /** Transfers this run read (all of them for a full check). */
  readonly readTransfers: number
  readonly transfers: number
  readonly entries: number
  readonly accounts: number
  /** Sum of every account's balance: zero in a closed double-entry ledger. */
  readonly totalMinor: bigint
  /** Transfers without entries. */
  readonly orphanTransfers: number
  readonly unbalancedTransfers: readonly {
    readonly transferId: number
    readonly sumMinor: bigint
  }[]
  readonly driftedAccounts: readonly {
    readonly accountId: number
    readonly balanceMinor: bigint
    readonly entriesMinor: bigint
  }[]
  readonly reservationMismatches: readonly {
    readonly accountId: number
    readonly reservedMinor: bigint
    readonly authorizedMinor: bigint
  }[]
}

export interface MerchantSettlement {
  readonly merchantCode: string
  readonly day: string
  readonly payments: number
  readonly grossMinor: bigint
  readonly feesMinor: bigint
  readonly refundsMinor: bigint
  readonly netMinor: bigint
}

/** The fees one party took in a day: of all merchants' payments, or of one merchant's. */
export interface PartyFees {
  readonly party: FeeParty
  readonly feesMinor: bigint
}

export interface PartySettlement {
  readonly day: string
  readonly parties: readonly PartyFees[]
  readonly merchants: readonly MerchantSettlement[]
}

export interface OutboxItem {
  readonly id: number
  /** `card_load`: a top-up to send to an RFID-SIM over the air (gateway/onsite/ota-loads.ts). */
  readonly kind: 'sms' | 'webhook' | 'card_load'
  readonly payload: string
  readonly attempts: number
  readonly createdMs: number
}

/** An outbox row in any state, as the operator console lists them. */
export interface OutboxRow extends OutboxItem {
  readonly nextAttemptMs: number
  readonly deliveredMs: number | null
  readonly abandonedMs: number | null
  readonly lastError: string | null
}

/** An SMS reply already rendered, as kept in the outbox; `commandKey` names the MO it answers. */
export interface KeptSmsReply {
  readonly msisdn: string
  readonly text: string
  readonly commandKey: string | null
  /** The message log's id of the reply's first try (src/gateway/handset), kept with it. */
  readonly messageId?: string
}

export interface TransactionFilter {
  readonly msisdn: string | null
  readonly limit: number
  /** Payments older than this one (its seq): the next page. */
  readonly beforeSeq: number | null
}

/**
 * The operator's search of payments by what they are (state, channel, merchant, a reference),
 * on top of a TransactionFilter. It reads at most `scanRowsMax` payments, newest first (of one
 * subscriber's when `msisdn` is set), and answers the matches among them: a rare filter over a
 * long history costs one bounded read a page, and the page says where to go on.
 */
export interface PaymentSearch extends TransactionFilter {
  /** Any of these states; null: every state. */
  readonly states: readonly PaymentState[] | null
  readonly channel: string | null
  readonly merchantCode: string | null
  /** The payment's transfer reference, the merchant's reference or the payment's id. */
  readonly reference: string | null
  readonly scanRowsMax: number
}

export interface PaymentPage {
  readonly payments: readonly Payment[]
  /**
   * The seq the next page starts below; null once nothing older is left to read. A page shorter
   * than the limit with a next seq stopped at the search's bound, not at the end.
   */
  readonly nextBeforeSeq: number | null
}

/** One leg of a transfer as the operator reads it: whose account, which one, how much. */
export interface LegDetail {
  readonly leg: number
  readonly accountId: number
  readonly accountKind: AccountKind
  /** MSISDN, merchant code, or "platform" for party accounts. */
  readonly owner: string
  /** Positive credits the account, negative debits it. */
  readonly amountMinor: bigint
}

export interface TransferDetail {
  readonly id: number
  readonly kind: TransferKind
  readonly paymentId: string | null
  readonly createdMs: number
  readonly legs: readonly LegDetail[]
}

/** A page of one merchant's rows, newest first; `next` is the cursor of the next page. */
export interface MerchantPage<T> {
  readonly items: readonly T[]
  readonly next: string | null
}

export interface MerchantPaymentQuery {
  readonly code: string
  readonly limit: number
  /** The id of the last payment of the page before, or null for the newest. */
  readonly before: string | null
  /** A status in the merchant API's words (merchantStatusOf), or null for all. */
  readonly status: string | null
}

/** One day's completed payments of one channel of a merchant. */
export interface SalesRow {
  /** The local day, YYYY-MM-DD. */
  readonly date: string
  readonly channel: string
  readonly payments: number
  readonly grossMinor: bigint
  readonly feesMinor: bigint
  readonly refundedMinor: bigint
}

/** One POST of a webhook and what came back. */
export interface WebhookAttempt {
  readonly attempt: number
  readonly atMs: number
  /** The HTTP status of the answer; null when none came (a timeout, a refused connection). */
  readonly statusCode: number | null
  /** The first bytes of the answer's body, or the error. */
  readonly responseSnippet: string
  /** X-Telepay-Signature as sent. */
  readonly signature: string
  readonly body: string
}

export interface WebhookAttemptRecord extends WebhookAttempt {
  readonly outboxId: number
  readonly merchantCode: string
  readonly paymentId: string
  readonly url: string
}

export interface WebhookDelivery {
  /** The outbox row: the event id the body and X-Telepay-Event-Id carry. */
  readonly id: number
  readonly paymentId: string
  readonly url: string
  readonly createdMs: number
  readonly state: 'delivered' | 'retrying' | 'abandoned'
  readonly attemptCount: number
  readonly deliveredMs: number | null
  readonly nextAttemptMs: number | null
  /** Newest first. */
  readonly attempts: readonly WebhookAttempt[]
}

export interface LedgerStore {
  executeBatch(envelopes: readonly Envelope[]): Promise<readonly BatchOutcome[]>
  isEmpty(): Promise<boolean>
  seedWorld(world: World, nowMs: number): Promise<void>
  subscriber(msisdn: string): Promise<SubscriberDetail | null>
  /**
   * What a PIN check reads of a subscriber, and nothing more (every PIN-authorized command reads
   * it before its hash is checked): the stored hash and the lock's end.
   */
  pinState(
    msisdn: string,
  ): Promise<{ readonly pinHash: string; readonly lockedUntilMs: number } | null>
  payment(id: string): Promise<Payment | null>
  transactions(filter: TransactionFilter): Promise<readonly Payment[]>
  searchPayments(search: PaymentSearch): Promise<PaymentPage>
  /**
   * The transfers that moved a payment's money, oldest first, each with its legs: the payment's
   * own (its transferRef) and its refunds (found at the times its trail records them).
   */
  paymentTransfers(payment: Payment): Promise<readonly TransferDetail[]>
  authorizedPayments(): Promise<readonly Payment[]>
  /**
   * Whether any payment waiting for authorization has expired by nowMs: a cheap check before a
   * sweep.
   */
  hasDuePayments(nowMs: number): Promise<boolean>
  merchantByApiKey(apiKey: string): Promise<MerchantAuth | null>
  merchantAuth(code: string): Promise<MerchantAuth | null>
  /** Every merchant and biller (or the one of `code`), by code, with its account's balance. */
  merchants(code?: string): Promise<readonly { merchant: Merchant; balanceMinor: bigint }[]>
  /** Whether an order of this number exists, paid or not. */
  orderExists(orderNo: string): Promise<boolean>
  /** Whether a command is in the command log under this key. */
  commandLogged(key: string): Promise<boolean>
  /**
   * The first answers logged under keys that begin with `prefix`, in key order, at most `limit`
   * a page:
   * an online terminal's batch (keys `pos:<terminal>:<batch>:`), whose totals its settlement
   * compares, and one transaction a void or refund names.
   */
  loggedResults(
    prefix: string,
    limit: number,
    /** Only keys after this one (the last of the page before). */
    afterKey?: string | null,
  ): Promise<readonly { readonly key: string; readonly result: CommandResult }[]>
  /** The world the ledger holds now, for an export (src/ledger/world-rows.ts). */
  worldRows(): Promise<WorldRows>
  /**
   * The first `limit` subscribers by MSISDN, with name and language only: the web handset's
   * number picker, which must not read a million-subscriber world to draw a list.
   */
  subscriberList(
    limit: number,
  ): Promise<readonly { msisdn: string; name: string; language: Language }[]>
  settlement(
    merchantCode: string,
    dayStartMs: number,
    dayEndMs: number,
    day: string,
  ): Promise<MerchantSettlement>
  /** Who took the fees of one merchant's payments of a day: every fee party, zero included. */
  merchantPartyFees(
    merchantCode: string,
    dayStartMs: number,
    dayEndMs: number,
  ): Promise<readonly PartyFees[]>
  partySettlement(dayStartMs: number, dayEndMs: number, day: string): Promise<PartySettlement>
  /**
   * The ledger check (reports/ledger-check.ts), incremental unless told `full`; progress is
   * reported in transfers read.
   */
  check(options?: {
    readonly mode?: 'incremental' | 'full'
    readonly progress?: (progress: { doneTransfers: number; totalTransfers: number }) => void
  }): Promise<LedgerCheck>
  dueOutbox(kind: OutboxItem['kind'], nowMs: number, limit: number): Promise<readonly OutboxItem[]>
  /** One kind's rows in any state, newest first, before the row `beforeId` (null: the newest). */
  outboxPage(
    kind: OutboxItem['kind'],
    limit: number,
    beforeId: number | null,
  ): Promise<readonly OutboxRow[]>
  /**
   * Puts a row back in the outbox, due now (the operator's resend): one more attempt, numbered
   * after the ones before, so that each attempt's record is kept; one that fails is retried
   * only while the row is under its attempts bound. False when there is no such row.
   */
  outboxResend(id: number, kind: OutboxItem['kind'], nowMs: number): Promise<boolean>
  /** Notifications waiting (not delivered, not abandoned), by kind: the console's outbox depth. */
  outboxDepth(): Promise<Record<OutboxItem['kind'], number>>
  outboxDelivered(id: number, nowMs: number): Promise<void>
  outboxFailed(
    id: number,
    nextAttemptMs: number | null,
    error: string,
    nowMs: number,
  ): Promise<void>
  /**
   * Keeps a reply the SMS channel could not send as an SMS outbox row, due at once. With a
   * command key (the MO's id) it is kept once: the key's reply marker in the command log makes a
   * second keep of the same command a no-op (false).
   */
  keepSmsReply(reply: KeptSmsReply, nowMs: number): Promise<boolean>
  /**
   * Whether a reply of this command (kept under `<commandKey>#<n>`) is in the outbox: it must not
   * be sent again.
   */
  smsReplyKept(commandKey: string): Promise<boolean>
  /**
   * One bounded step of the idempotency log's retention: deletes logged commands (and kept-reply
   * markers) stamped before `beforeMs`, at most `rowsMax` of them, oldest first, in a short
   * transaction of its own; returns how many went. A row stamped at or after `beforeMs` is never
   * deleted. Payments, transfers, entries and the outbox are never touched.
   */
  pruneCommandLog(beforeMs: number, rowsMax: number): Promise<number>
  /** One merchant's payments, newest first, a page at a time (merchant-reads.ts). */
  merchantPayments(query: MerchantPaymentQuery): Promise<MerchantPage<Payment>>
  /** One merchant's orders, newest first, a page at a time; `before` is an order number. */
  merchantOrders(code: string, limit: number, before: string | null): Promise<MerchantPage<Order>>
  /** One merchant's completed payments of [fromMs, toMs) by local day and channel. */
  merchantSales(code: string, fromMs: number, toMs: number): Promise<readonly SalesRow[]>
  /** One merchant's webhook deliveries, newest first; `before` is an event id. */
  webhookDeliveries(
    code: string,
    limit: number,
    before: number | null,
  ): Promise<MerchantPage<WebhookDelivery>>
  recordWebhookAttempt(record: WebhookAttemptRecord): Promise<void>
  close(): Promise<void>
  /** The RFID-SIM purses (src/ledger/purse-reads.ts). */
  terminalClearedRuns(
    terminalId: string,
    fromSerial: number,
    toSerial: number,
  ): Promise<(readonly [number, number])[]>
  cardClearedRuns(
    windows: readonly CardSerialWindow[],
  ): Promise<Map<string, (readonly [number, number])[]>>
  terminalLastClearedBelow(
    terminalId: string,
    belowSerial: number,
    floorSerial: number,
  ): Promise<number | null>
  cardsLastClearedBelow(floors: readonly CardSerialFloor[]): Promise<Map<string, number>>
  clearingReport(fromMs: number, toMs: number): Promise<ClearingReportRow[]>
  purseReconciliation(): Promise<PurseReconciliation>
  purseOfCard(cardNumber: string): Promise<Purse | null>
  clearedOfCard(cardNumber: string, limit: number): Promise<ClearedPurchase[]>
  blacklistedCards(): Promise<string[]>
}
