/**
 * sqlite-view.ts - the LedgerView the core reads inside a batch, and the writer of its
 * decisions. The gateway process is the only writer of its database, so loaded rows are kept in
 * bounded caches; rows changed by a batch are marked dirty and written once at the end of the
 * batch (a hot merchant account gets one UPDATE per batch, not one per payment). Append-only rows
 * are inserted as they come (command log, outbox), transfers and entries many to a statement
 * (row-buffer.ts; nothing reads them inside a batch). If a batch fails, the
 * transaction rolls back and every cache is dropped. Exports SqliteView and
 * paymentCacheEntriesMax.
 */

import type {
  Account,
  ClearingRecord,
  Envelope,
  LedgerView,
  LoggedCommand,
  Merchant,
  Order,
  PartyKind,
  Payment,
  Purse,
  Subscriber,
  Transfer,
  Write,
} from '../core/index.js'
import { assert, assertNever, fundingKinds, isFinal } from '../core/index.js'
import type { CachedAccount } from './cached-account.js'
import { accountOfCached, cachedAccountOf } from './cached-account.js'
import { encodeJson } from './codec.js'
import { DayTotals } from './day-totals.js'
import { LruMap } from './lru-map.js'
import { PurseRows } from './purse-rows.js'
import { RowBuffer } from './row-buffer.js'
import type { Row } from './rows.js'
import {
  accountOfRow,
  accountParams,
  merchantOfRow,
  orderOfRow,
  orderParams,
  paymentIdOfSeq,
  paymentOfRow,
  paymentParams,
  seqOfPaymentId,
  subscriberOfRow,
  subscriberParams,
} from './rows.js'
import type { SqliteDatabase } from './sqlite-open.js'
import {
  encodeStoredResult,
  isReferable,
  parseStoredResult,
  sameFixedFields,
} from './stored-result.js'

/**
 * Payments and orders kept between batches: they are read again only while they wait (minutes).
 * The party caches' bound is the operator's (operating.ledgerCacheRowsMax).
 */
export const paymentCacheEntriesMax = 200_000

/** Each owner's account ids by kind; a kind absent means the owner has no such account. */
type OwnerAccounts = Partial<Record<Account['kind'], number>>

/** Legs of the largest transfer: payer, payee and three fee parties. */
const legsMax = 6

export class SqliteView implements LedgerView {
  private readonly subscribers: LruMap<string, Subscriber>
  private readonly accounts: LruMap<number, CachedAccount>
  /**
   * The accounts this batch read or wrote, as Accounts: each is made from its cached form once a
   * batch, and an account a payment changes is changed here only; its cached form (and its row)
   * follow at flush. Why: the merchant's and the fee parties' accounts change on every payment,
   * and making their cached form each time cost a payment four or five objects and a join of the
   * recent list. Emptied between batches (trim), so that none lives long enough to weigh on the
   * collector.
   */
  private readonly accountsOfBatch = new Map<number, Account>()
  private readonly owners: LruMap<string, OwnerAccounts>
  private readonly merchants: LruMap<string, Merchant>
  private readonly orders = new LruMap<string, Order>(paymentCacheEntriesMax)
  private readonly payments = new LruMap<string, Payment>(paymentCacheEntriesMax)
  private readonly dirtySubscribers = new Set<string>()
  private readonly dirtyAccounts = new Set<number>()
  /** Accounts created since the last flush: the only ones flush inserts; the others it updates. */
  private readonly newAccounts = new Set<number>()
  /** Accounts whose terms (floor, cap, card) changed since the last flush. */
  private readonly reshapedAccounts = new Set<number>()
  /** Merchants opened or changed since the last flush, with what the write carried. */
  private readonly dirtyMerchants = new Map<string, Extract<Write, { kind: 'merchant' }>>()
  private readonly dirtyOrders = new Set<string>()
  private readonly dirtyPayments = new Set<string>()
  /** Wallet loads written by this batch and not flushed yet, by payee: the database lags them. */
  private readonly unflushedLoads = new Map<string, Set<string>>()
  private paymentSeq = 0
  private transferId = 0
  private accountId = 0
  private orderNo = 0
  private readonly sql: ReturnType<typeof prepareStatements>
  private readonly purses: PurseRows
  private readonly transferRows: RowBuffer
  private readonly entryRows: RowBuffer
  private nowMs = 0

  private readonly dayTotals: DayTotals

  /**
   * `partyRowsMax`: the bound of each party cache (operating.ledgerCacheRowsMax); `dayOffsetMs`:
   * where local days begin (limits.dayOffsetMs), for the settlement's day totals.
   */
  constructor(
    private readonly db: SqliteDatabase,
    partyRowsMax: number,
    dayOffsetMs: number,
  ) {
    this.dayTotals = new DayTotals(dayOffsetMs)
    this.subscribers = new LruMap(partyRowsMax)
    this.accounts = new LruMap(partyRowsMax)
    this.owners = new LruMap(partyRowsMax)
    this.merchants = new LruMap(partyRowsMax)
    this.sql = prepareStatements(db)
    this.transferRows = new RowBuffer(
      db,
      'INSERT INTO transfers (id, kind, payment_id, created_ms)',
      4,
    )
    this.entryRows = new RowBuffer(
      db,
      'INSERT INTO entries (transfer_id, leg, account_id, amount_minor)',
      4,
    )
    this.purses = new PurseRows(db, partyRowsMax)
    this.reloadCounters()
  }

  /** Re-reads the id counters, after a rollback or a seed written outside batches. */
  reloadCounters(): void {
    const max = (sql: string): number =>
      Number((this.db.prepare(sql).get() as { m: bigint | null }).m ?? 0n)
    this.paymentSeq = max('SELECT MAX(seq) AS m FROM payments')
    this.transferId = max('SELECT MAX(id) AS m FROM transfers')
    this.accountId = max('SELECT MAX(id) AS m FROM accounts')
    // Order numbers are six digits or more; merchants' new orders follow the highest one.
    this.orderNo = Math.max(
      880_000,
      max("SELECT MAX(CAST(order_no AS INTEGER)) AS m FROM orders WHERE order_no GLOB '[0-9]*'"),
    )
  }

  /** Drops every cached row: the next read goes to the database. */
  forget(): void {
    this.accountsOfBatch.clear()
    for (const cache of this.caches()) cache.clear()
    for (const set of [
      this.dirtySubscribers,
      this.dirtyAccounts,
      this.newAccounts,
      this.reshapedAccounts,
      this.dirtyOrders,
      this.dirtyPayments,
    ])
      set.clear()
    this.dirtyMerchants.clear()
    this.unflushedLoads.clear()
    this.dayTotals.clear()
    this.transferRows.drop()
    this.entryRows.drop()
    this.purses.forget()
  }

  beginCommand(env: Envelope): void {
    this.nowMs = env.nowMs
    if (env.command.kind === 'clear_purchases')
      this.purses.prefetchClearing(env.command.terminalId, env.command.records)
  }

  commandLog(key: string): LoggedCommand | null {
    const row = this.sql.commandLog.get(key) as
      | { command_hash: string; result: string; payment_seq: bigint | null }
      | undefined
    if (row === undefined) return null
    // The payment it names may still be in this batch's cache only (written, not flushed yet).
    const referenced =
      row.payment_seq === null ? null : this.payment(paymentIdOfSeq(Number(row.payment_seq)))
    return { commandHash: row.command_hash, result: parseStoredResult(row.result, referenced) }
  }

  subscriber(msisdn: string): Subscriber | null {
    const cached = this.subscribers.get(msisdn)
    if (cached !== undefined) return cached
    const row = this.sql.subscriber.get(msisdn) as Row | undefined
    if (row === undefined) return null
    const subscriber = subscriberOfRow(row)
    this.subscribers.set(msisdn, subscriber)
    return subscriber
  }

  account(id: number): Account | null {
    const made = this.accountsOfBatch.get(id)
    if (made !== undefined) return made
    const cached = this.accounts.get(id)
    if (cached !== undefined) {
      const account = accountOfCached(cached)
      this.accountsOfBatch.set(id, account)
      return account
    }
    const row = this.sql.account.get(id) as Row | undefined
    return row === undefined ? null : this.remember(accountOfRow(row))
  }

  accountOf(owner: string, kind: Account['kind']): Account | null {
    const id = this.accountIdsOf(owner)[kind]
    return id === undefined ? null : this.account(id)
  }

  /**
   * All of an owner's account ids, read in one query when not cached: the daily total asks for
   * every funding account of a payer on each payment, and most payers have no card.
   */
  private accountIdsOf(owner: string): OwnerAccounts {
    const cached = this.owners.get(owner)
    if (cached !== undefined) return cached
    const ids: OwnerAccounts = {}
    for (const row of this.sql.accountsOf.all(owner) as Row[]) {
      const id = Number(row['id'])
      const account = this.accounts.peek(id) ?? cachedAccountOf(accountOfRow(row))
      this.accounts.set(id, account)
      ids[account.kind] = id
    }
    this.owners.set(owner, ids)
    return ids
  }

  /** An account as its row has it: cached in both forms. */
  private remember(account: Account): Account {
    this.accounts.set(account.id, cachedAccountOf(account))
    this.accountsOfBatch.set(account.id, account)
    return account
  }

  /** An account a write changed: its cached form and its row follow at flush. */
  private change(account: Account): void {
    this.accountsOfBatch.set(account.id, account)
    this.dirtyAccounts.add(account.id)
  }

  partyAccount(kind: PartyKind): Account {
    const account = this.accountOf('platform', kind)
    assert(account !== null, `party account ${kind} is missing`)
    return account
  }

  merchant(code: string): Merchant | null {
    const cached = this.merchants.get(code)
    if (cached !== undefined) return cached
    const row = this.sql.merchant.get(code) as Row | undefined
    if (row === undefined) return null
    const merchant = merchantOfRow(row)
    this.merchants.set(code, merchant)
    return merchant
  }

  order(orderNo: string): Order | null {
    const cached = this.orders.get(orderNo)
    if (cached !== undefined) return cached
    const row = this.sql.order.get(orderNo) as Row | undefined
    if (row === undefined) return null
    const order = orderOfRow(row)
    this.orders.set(orderNo, order)
    return order
  }

  payment(id: string): Payment | null {
    const cached = this.payments.get(id)
    if (cached !== undefined) return cached
    const row = this.sql.payment.get(id) as Row | undefined
    if (row === undefined) return null
    const payment = paymentOfRow(row)
    this.payments.set(id, payment)
    return payment
  }

  pendingWalletLoadsMinor(msisdn: string): bigint {
    const unflushed = this.unflushedLoads.get(msisdn)
    let sum = 0n
    for (const row of this.sql.authorizedLoads.all(msisdn) as {
      id: string
      amount_minor: bigint
    }[]) {
      if (unflushed?.has(row.id) !== true) sum += row.amount_minor
    }
    for (const id of unflushed ?? []) {
      const payment = this.payments.get(id)
      if (payment?.state === 'authorized') sum += payment.amountMinor
    }
    return sum
  }

  purse(cardNumber: string): Purse | null {
    return this.purses.purse(cardNumber)
  }

  recentClearedPurchases(cardNumber: string, limit: number) {
    return this.purses.recentCleared(cardNumber, limit)
  }

  isCleared(record: Pick<ClearingRecord, 'terminalSerial'>, terminalId: string): boolean {
    return this.purses.isCleared(record, terminalId)
  }

  duePayments(nowMs: number, limit: number): readonly Payment[] {
    this.flush()
    const rows = this.sql.duePayments.all(nowMs, limit) as { id: string }[]
    return rows
      .map((row) => this.payment(row.id))
      .filter(
        (payment): payment is Payment =>
          payment !== null &&
          payment.state === 'awaiting_authorization' &&
          payment.expiresMs <= nowMs,
      )
  }

  /**
   * Merges the recent lists of the subscriber's funding accounts (at most statementRowsMax each).
   */
  recentPayments(msisdn: string, limit: number): readonly Payment[] {
    const ids = new Set<string>()
    for (const kind of fundingKinds)
      for (const id of this.accountOf(msisdn, kind)?.recentPaymentIds ?? []) ids.add(id)
    return [...ids]
      .sort((a, b) => (seqOfPaymentId(b) ?? 0) - (seqOfPaymentId(a) ?? 0))
      .slice(0, limit)
      .map((id) => this.payment(id))
      .filter((payment): payment is Payment => payment !== null)
  }

  nextPaymentId(): string {
    this.paymentSeq += 1
    return paymentIdOfSeq(this.paymentSeq)
  }

  nextTransferId(): number {
    this.transferId += 1
    return this.transferId
  }

  nextAccountId(): number {
    this.accountId += 1
    return this.accountId
  }

  nextOrderNo(): string {
    this.orderNo += 1
    return String(this.orderNo)
  }

  apply(writes: readonly Write[]): void {
    for (const write of writes) {
      switch (write.kind) {
        case 'subscriber':
          this.subscribers.set(write.subscriber.msisdn, write.subscriber)
          this.dirtySubscribers.add(write.subscriber.msisdn)
          break
        case 'account':
          this.applyAccount(write.account)
          break
        case 'payment': {
          const previous = this.payments.get(write.payment.id)
          assert(
            previous === undefined || sameFixedFields(previous, write.payment),
            `payment ${write.payment.id} changed a field its row keeps`,
          )
          this.payments.set(write.payment.id, write.payment)
          this.dirtyPayments.add(write.payment.id)
          if (write.payment.kind === 'load' && write.payment.payeeMsisdn !== null) {
            const loads = this.unflushedLoads.get(write.payment.payeeMsisdn) ?? new Set<string>()
            loads.add(write.payment.id)
            this.unflushedLoads.set(write.payment.payeeMsisdn, loads)
          }
          break
        }
        case 'order':
          // An order numbered by the operator moves the counter past it, so that the next order
          // numbered here does not take the same number.
          if (/^[0-9]{1,15}$/.test(write.order.orderNo))
            this.orderNo = Math.max(this.orderNo, Number(write.order.orderNo))
          this.orders.set(write.order.orderNo, write.order)
          this.dirtyOrders.add(write.order.orderNo)
          break
        case 'merchant': {
          const previous = this.dirtyMerchants.get(write.merchant.code)
          this.merchants.set(write.merchant.code, write.merchant)
          // Opened and changed in one batch: still one INSERT, with the latest key and secret.
          this.dirtyMerchants.set(write.merchant.code, {
            ...previous,
            ...write,
            opened: write.opened || (previous?.opened ?? false),
          })
          break
        }
        case 'transfer':
          this.applyTransfer(write.transfer)
          break
        case 'purse':
          this.purses.applyPurse(write.purse)
          break
        case 'cleared':
          this.purses.applyCleared(write)
          break
        case 'notify':
          this.sql.outbox.run(
            write.notification.kind,
            encodeJson(write.notification),
            this.nowMs,
            this.nowMs,
          )
          break
        case 'log': {
          const stored = encodeStoredResult(write.result, isReferable(write.result.payment, writes))
          this.sql.logCommand.run(
            write.key,
            write.commandHash,
            stored.text,
            this.nowMs,
            stored.paymentSeq,
          )
          break
        }
        default:
          assertNever(write)
      }
    }
  }

  /**
   * An account write creates the account or sets its reservation and daily total; balances move
   * only by transfers.
   */
  private applyAccount(account: Account): void {
    const current = this.account(account.id)
    // Balances move only by transfers (applyTransfer); what else a write changes is taken.
    const next =
      current === null
        ? account
        : {
            ...current,
            reservedMinor: account.reservedMinor,
            outgoingDay: account.outgoingDay,
            outgoingMinor: account.outgoingMinor,
            recentPaymentIds: account.recentPaymentIds,
            floorMinor: account.floorMinor,
            capMinor: account.capMinor,
            card: account.card,
          }
    // The rare write that changes an account's terms (the operator's credit limit, a new card):
    // its row gets those columns too, which the UPDATE of every payment leaves out.
    if (
      current !== null &&
      (current.floorMinor !== account.floorMinor ||
        current.capMinor !== account.capMinor ||
        current.card?.token !== account.card?.token ||
        current.card?.bank !== account.card?.bank ||
        current.card?.last4 !== account.card?.last4)
    )
      this.reshapedAccounts.add(account.id)
    assert(next.reservedMinor >= 0n, `account ${account.id} reservation below zero`)
    if (current === null) {
      // Read the owner's ids before the new one joins them: the row is not written until flush.
      this.accountIdsOf(account.owner)[account.kind] = account.id
      this.newAccounts.add(account.id)
    }
    this.change(next)
  }

  private applyTransfer(transfer: Transfer): void {
    assert(
      transfer.legs.length >= 2 && transfer.legs.length <= legsMax,
      `transfer ${transfer.id} has ${transfer.legs.length} legs`,
    )
    let sum = 0n
    const accounts: Account[] = []
    for (const leg of transfer.legs) {
      sum += leg.amountMinor
      const account = this.account(leg.accountId)
      assert(account !== null, `transfer ${transfer.id} names unknown account ${leg.accountId}`)
      accounts.push(account)
      const balanceMinor = account.balanceMinor + leg.amountMinor
      // The core checked the floor; this catches a core that did not, before anything commits.
      assert(
        leg.amountMinor >= 0n || account.floorMinor === null || balanceMinor >= account.floorMinor,
        `transfer ${transfer.id} takes account ${account.id} below its floor`,
      )
      this.change({ ...account, balanceMinor })
    }
    assert(sum === 0n, `transfer ${transfer.id} does not sum to zero`)
    this.dayTotals.record(transfer, accounts)
    this.transferRows.add(transfer.id, transfer.kind, transfer.paymentId, transfer.createdMs)
    transfer.legs.forEach((leg, index) => {
      this.entryRows.add(transfer.id, index, leg.accountId, leg.amountMinor)
    })
  }

  /**
   * Writes every dirty row; called at the end of a batch and before queries that bypass the cache.
   */
  flush(): void {
    for (const msisdn of this.dirtySubscribers) {
      const subscriber = this.subscribers.peek(msisdn)
      if (subscriber !== undefined) this.sql.upsertSubscriber.run(...subscriberParams(subscriber))
    }
    for (const id of this.dirtyAccounts) {
      const account = this.accountsOfBatch.get(id)
      assert(account !== undefined, `changed account ${id} is not in the batch`)
      this.accounts.set(id, cachedAccountOf(account))
      // A plain UPDATE of the columns that change: an upsert of every column costs a payment
      // ~0.4 µs more.
      if (this.newAccounts.has(id)) {
        this.sql.insertAccount.run(...accountParams(account))
        continue
      }
      this.sql.updateAccount.run(
        account.balanceMinor,
        account.reservedMinor,
        account.outgoingDay,
        account.outgoingMinor,
        account.recentPaymentIds.join(','),
        id,
      )
      if (this.reshapedAccounts.has(id))
        this.sql.reshapeAccount.run(
          account.floorMinor,
          account.capMinor,
          account.card?.bank ?? null,
          account.card?.last4 ?? null,
          account.card?.token ?? null,
          id,
        )
    }
    // After the accounts: a new merchant's row names its account.
    for (const write of this.dirtyMerchants.values()) {
      const { merchant } = write
      if (write.opened)
        this.sql.insertMerchant.run(
          merchant.code,
          merchant.name,
          merchant.category,
          merchant.accountId,
          write.apiKeySha256 ?? null,
          write.webhookSecret ?? null,
          merchant.settlementBank,
          merchant.feeBasisPoints,
          merchant.feeFixedMinor,
          merchant.feeMinMinor,
          merchant.feeMaxMinor,
        )
      else
        this.sql.updateMerchant.run(
          merchant.name,
          merchant.category,
          merchant.settlementBank,
          merchant.feeBasisPoints,
          merchant.feeFixedMinor,
          merchant.feeMinMinor,
          merchant.feeMaxMinor,
          write.apiKeySha256 ?? null,
          write.webhookSecret ?? null,
          merchant.code,
        )
    }
    for (const orderNo of this.dirtyOrders) {
      const order = this.orders.peek(orderNo)
      if (order !== undefined) this.sql.upsertOrder.run(...orderParams(order))
    }
    for (const id of this.dirtyPayments) {
      const payment = this.payments.peek(id)
      if (payment === undefined) continue
      this.sql.upsertPayment.run(...paymentParams(payment))
      // A payment in a final state is rarely read again (a refund, a statement), and every one kept
      // would outlive a young-generation collection and be copied into the old one: the next read
      // goes to its row.
      if (isFinal(payment.state)) this.payments.delete(id)
    }
    this.dirtySubscribers.clear()
    this.dirtyAccounts.clear()
    this.newAccounts.clear()
    this.reshapedAccounts.clear()
    this.dirtyMerchants.clear()
    this.dirtyOrders.clear()
    this.dirtyPayments.clear()
    this.unflushedLoads.clear()
    this.dayTotals.flush(this.sql.addDayTotals)
    this.transferRows.write()
    this.entryRows.write()
    this.purses.flush()
  }

  /** Keeps each cache within its bound, least recently used rows first; between batches only. */
  trim(): void {
    this.accountsOfBatch.clear()
    for (const cache of this.caches()) cache.trim()
    this.purses.trim()
  }

  private caches(): readonly LruMap<unknown, unknown>[] {
    return [
      this.subscribers,
      this.accounts,
      this.owners,
      this.merchants,
      this.orders,
      this.payments,
    ]
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    commandLog: db.prepare(
      'SELECT command_hash, result, payment_seq FROM command_log WHERE key = ?',
    ),
    logCommand: db.prepare(
      'INSERT INTO command_log (key, command_hash, result, created_ms, payment_seq) ' +
        'VALUES (?, ?, ?, ?, ?)',
    ),
    subscriber: db.prepare('SELECT * FROM subscribers WHERE msisdn = ?'),
    account: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    accountsOf: db.prepare('SELECT * FROM accounts WHERE owner = ?'),
    merchant: db.prepare('SELECT * FROM merchants WHERE code = ?'),
    order: db.prepare('SELECT * FROM orders WHERE order_no = ?'),
    payment: db.prepare('SELECT * FROM payments WHERE id = ?'),
    authorizedLoads: db.prepare(
      'SELECT id, amount_minor FROM payments INDEXED BY payments_authorized_payee WHERE ' +
        "payee_msisdn = ? AND state = 'authorized' AND kind = 'load'",
    ),
    duePayments: db.prepare(
      "SELECT id FROM payments WHERE state = 'awaiting_authorization' AND expires_ms <= ? " +
        'ORDER BY expires_ms LIMIT ?',
    ),
    outbox: db.prepare(
      'INSERT INTO outbox (kind, payload, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?)',
    ),
    upsertSubscriber: db.prepare(`
      INSERT INTO subscribers (msisdn, name, language, pin_hash, pin_failures, locked_until_ms,
        pending_payment_id)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (msisdn) DO UPDATE SET name = excluded.name, language = excluded.language,
        pin_hash = excluded.pin_hash, pin_failures = excluded.pin_failures,
        locked_until_ms = excluded.locked_until_ms,
        pending_payment_id = excluded.pending_payment_id`),
    insertAccount: db.prepare(`
      INSERT INTO accounts (id, kind, owner, balance_minor, reserved_minor, floor_minor, cap_minor,
        card_bank, card_last4, card_token, outgoing_day, outgoing_minor, recent_payments)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    addDayTotals: db.prepare(`
      INSERT INTO day_totals (day_start_ms, account_id, kind, payments, gross_minor, fees_minor,
        moved_minor)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (day_start_ms, account_id, kind) DO UPDATE SET
        payments = payments + excluded.payments,
        gross_minor = gross_minor + excluded.gross_minor,
        fees_minor = fees_minor + excluded.fees_minor,
        moved_minor = moved_minor + excluded.moved_minor`),
    reshapeAccount: db.prepare(`
      UPDATE accounts SET floor_minor = ?, cap_minor = ?, card_bank = ?, card_last4 = ?,
        card_token = ?
      WHERE id = ?`),
    insertMerchant: db.prepare(`
      INSERT INTO merchants (code, name, category, account_id, api_key_sha256, webhook_secret,
        settlement_bank, fee_basis_points, fee_fixed_minor, fee_min_minor, fee_max_minor)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    // A key or secret left out (NULL) stays as it was.
    updateMerchant: db.prepare(`
      UPDATE merchants SET name = ?, category = ?, settlement_bank = ?, fee_basis_points = ?,
        fee_fixed_minor = ?, fee_min_minor = ?, fee_max_minor = ?,
        api_key_sha256 = COALESCE(?, api_key_sha256), webhook_secret = COALESCE(?, webhook_secret)
      WHERE code = ?`),
    updateAccount: db.prepare(`
      UPDATE accounts SET balance_minor = ?, reserved_minor = ?, outgoing_day = ?,
        outgoing_minor = ?, recent_payments = ?
      WHERE id = ?`),
    upsertOrder: db.prepare(`
      INSERT INTO orders (order_no, merchant_code, amount_minor, reference, description,
        paid_payment_id, created_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (order_no) DO UPDATE SET paid_payment_id = excluded.paid_payment_id`),
    // Only these columns change after the insert: logged results refer to the row for the rest
    // (stored-result.ts).
    upsertPayment: db.prepare(`
      INSERT INTO payments (seq, id, state, kind, initiator, channel, payer_msisdn, funding,
        merchant_code, payee_msisdn, order_no, customer_ref, amount_minor, fee_minor,
        refunded_minor, merchant_reference, description, callback_url, reason, transfer_ref,
        created_ms, updated_ms, expires_ms, trail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (seq) DO UPDATE SET state = excluded.state, fee_minor = excluded.fee_minor,
        refunded_minor = excluded.refunded_minor, reason = excluded.reason,
        transfer_ref = excluded.transfer_ref, updated_ms = excluded.updated_ms,
        expires_ms = excluded.expires_ms, trail = excluded.trail`),
  }
}
