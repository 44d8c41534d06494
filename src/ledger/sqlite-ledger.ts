/**
 * sqlite-ledger.ts - the default ledger engine: one SQLite file in WAL mode with
 * synchronous=FULL, written by this process alone. A batch of commands runs in one IMMEDIATE
 * transaction and one fsync; if anything in it throws, the batch rolls back and its commands run
 * again one by one, so one bad command fails alone.
 */
import { createHash } from 'node:crypto'
import type { Statement, Transaction } from 'better-sqlite3'
import type {
  AccountKind,
  CommandResult,
  Envelope,
  Language,
  Limits,
  Merchant,
  Order,
  Payment,
  TransferKind,
} from '../core/index.js'
import { decide, defaultOperatingLimits } from '../core/index.js'
import type { World } from '../world/world.js'
import type { BulkWorld } from './bulk-seed.js'
import { merchantWriter, orderWriter, seedWorldBulk } from './bulk-seed.js'
import { Checkpointer, checkpointerLimits } from './checkpointer.js'
import { encodeJson } from './codec.js'
import { startDayTotals } from './day-totals.js'
import {
  merchantOrderPage,
  merchantPaymentPage,
  merchantSales,
  recordWebhookAttempt,
  webhookDeliveryPage,
} from './merchant-reads.js'
import type { CardSerialFloor, CardSerialWindow } from './purse-reads.js'
import {
  blacklistedCards,
  cardClearedRuns,
  cardsLastClearedBelow,
  clearedOfCard,
  clearingReport,
  purseOfCard,
  purseReconciliation,
  terminalClearedRuns,
  terminalLastClearedBelow,
} from './purse-reads.js'
import { attachCheckState } from './reports/check-state.js'
import { ReportWorker } from './reports/client.js'
import type { ReportJob, ReportResult } from './reports/jobs.js'
import { runReport } from './reports/jobs.js'
import type { CheckProgress } from './reports/ledger-check.js'
import type { Row } from './rows.js'
import {
  accountOfRow,
  merchantOfRow,
  paymentIdOfSeq,
  paymentOfRow,
  seqOfPaymentId,
  subscriberOfRow,
  transferIdOfRef,
} from './rows.js'
import type { SqliteDatabase } from './sqlite-open.js'
import { openLedgerDatabase } from './sqlite-open.js'
import { SqliteView } from './sqlite-view.js'
import type {
  BatchOutcome,
  KeptSmsReply,
  LedgerCheck,
  LedgerStore,
  MerchantAuth,
  MerchantPage,
  MerchantPaymentQuery,
  MerchantSettlement,
  OutboxItem,
  OutboxRow,
  PartyFees,
  PartySettlement,
  PaymentPage,
  PaymentSearch,
  SalesRow,
  SubscriberDetail,
  TransactionFilter,
  TransferDetail,
  WebhookAttemptRecord,
  WebhookDelivery,
} from './store.js'
import { parseStoredResult } from './stored-result.js'
import type { WorldRows } from './world-rows.js'
import { readWorldRows } from './world-rows.js'

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * WAL pages that accumulate before a commit also copies them into the database file (a
 * checkpoint). SQLite's default is 1,000 pages, about 4 MB; a group-commit batch of 1,000
 * payments writes about that much, so at the default nearly every commit also copied the same hot
 * pages (subscribers, accounts, indexes) back and synced the database file. At 10,000 pages
 * (about 40 MB of WAL) a page rewritten by ten batches is copied once: measured +23 % payments/s
 * on the benchmark's 2-core machine. Durability is unchanged: every commit still syncs the WAL
 * (synchronous=FULL).
 */
export const walAutocheckpointPages = 10_000

/**
 * The operator's search of payments, newest first, a page at a time (`before`: the seq of the
 * last row of the page before). One subscriber's payments are read through the indexes by payer
 * and by payee (schema version 9), each no further than one page: the cost is the page's, however
 * old the payments or long the history.
 */
export const transactionsQueries = {
  all: 'SELECT * FROM payments WHERE seq < @before ORDER BY seq DESC LIMIT @limit',
  // INDEXED BY and CROSS JOIN keep the planner on this plan (the page's seqs from the two
  // indexes, then their rows by key) even where the statistics of a small world with few payers
  // make a scan of the newest payments look cheaper: on years of history it is not.
  ofSubscriber: `
    SELECT p.* FROM (
      SELECT seq FROM (SELECT seq FROM payments INDEXED BY payments_payer
        WHERE payer_msisdn = @msisdn AND seq < @before
        ORDER BY seq DESC LIMIT @limit)
      UNION
      SELECT seq FROM (SELECT seq FROM payments INDEXED BY payments_payee
        WHERE payee_msisdn = @msisdn AND seq < @before
        ORDER BY seq DESC LIMIT @limit)) s
    CROSS JOIN payments p ON p.seq = s.seq
    ORDER BY s.seq DESC LIMIT @limit`,
} as const

/** The seqs of the newest payments a search reads (of one subscriber when @msisdn is set). */
const searchWindows = {
  all: 'SELECT seq FROM payments WHERE seq < @before ORDER BY seq DESC LIMIT @scan',
  ofSubscriber: `
    SELECT seq FROM (
      SELECT seq FROM (SELECT seq FROM payments INDEXED BY payments_payer
        WHERE payer_msisdn = @msisdn AND seq < @before
        ORDER BY seq DESC LIMIT @scan)
      UNION
      SELECT seq FROM (SELECT seq FROM payments INDEXED BY payments_payee
        WHERE payee_msisdn = @msisdn AND seq < @before
        ORDER BY seq DESC LIMIT @scan))
    ORDER BY seq DESC LIMIT @scan`,
} as const

/**
 * The SQL of a search: its window of seqs (searchWindows), then the rows of those seqs by key and
 * the conditions the search names. Each condition is a fixed text with bound values, so the
 * statements are few and cached, and no value is ever part of the SQL.
 */
function searchSql(search: PaymentSearch): { sql: string; params: Record<string, unknown> } {
  const conditions: string[] = []
  const params: Record<string, unknown> = {}
  if (search.states !== null) {
    const names = search.states.map((state, index) => {
      params[`state${index}`] = state
      return `@state${index}`
    })
    conditions.push(`p.state IN (${names.join(', ')})`)
  }
  if (search.channel !== null) {
    conditions.push('p.channel = @channel')
    params['channel'] = search.channel
  }
  if (search.merchantCode !== null) {
    conditions.push('p.merchant_code = @merchant')
    params['merchant'] = search.merchantCode
  }
  if (search.reference !== null) {
    conditions.push(
      '(p.transfer_ref = @reference OR p.merchant_reference = @reference OR p.id = @reference)',
    )
    params['reference'] = search.reference
  }
  const window = search.msisdn === null ? searchWindows.all : searchWindows.ofSubscriber
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`
  return {
    sql: `SELECT p.* FROM (${window}) s CROSS JOIN payments p ON p.seq = s.seq ${where}
      ORDER BY p.seq DESC LIMIT @limit`,
    params,
  }
}

export interface SqliteLedgerOptions {
  /**
   * Where reports run. `worker`: on threads of their own with their own connections, so that a
   * check of all history or a busy day's settlement never holds up the gateway's event loop (a
   * USSD hop has a 5 s deadline); the gateway's choice. `inline`: on this connection, for tools
   * that have nothing else to do, and for a ledger in memory, which no other connection can see.
   */
  readonly reports?: 'inline' | 'worker'
  /** The bound of each party cache; operating.ledgerCacheRowsMax by default. */
  readonly cacheRowsMax?: number | undefined
  /** What a failed checkpoint or checkpoint thread says (the gateway logs it). */
  readonly onCheckpointError?: (error: string) => void
}

export class SqliteLedger implements LedgerStore {
  readonly db: SqliteDatabase
  private readonly view: SqliteView
  /** Checks and settlements; a full re-check has a thread of its own so it delays neither. */
  private readonly workers: { readonly quick: ReportWorker; readonly long: ReportWorker } | null
  /** Checkpoints the WAL off the event loop, for a gateway (reports: worker). */
  private readonly checkpointer: Checkpointer | null
  private checkStateAttached = false
  /** Built once: better-sqlite3 builds four wrapper functions per db.transaction() call. */
  private readonly decideAndWrite: Transaction<(envelopes: readonly Envelope[]) => CommandResult[]>

  constructor(
    readonly path: string,
    private readonly limits: Limits,
    options: SqliteLedgerOptions = {},
  ) {
    this.db = openLedgerDatabase(path)
    this.workers =
      options.reports === 'worker' && path !== ':memory:'
        ? { quick: new ReportWorker(path), long: new ReportWorker(path) }
        : null
    this.checkpointer =
      options.reports === 'worker' && path !== ':memory:'
        ? new Checkpointer(path, options.onCheckpointError)
        : null
    // With the checkpoint thread, the writer's own checkpoint is only a safety net.
    this.db.pragma(
      `wal_autocheckpoint = ${
        this.checkpointer === null ? walAutocheckpointPages : checkpointerLimits.walSafetyPages
      }`,
    )
    this.checkpointer?.start()
    this.ensurePartyAccounts()
    startDayTotals(this.db, limits.dayOffsetMs)
    this.view = new SqliteView(
      this.db,
      options.cacheRowsMax ?? defaultOperatingLimits.ledgerCacheRowsMax,
      limits.dayOffsetMs,
    )
    this.decideAndWrite = this.db.transaction((envelopes: readonly Envelope[]) => {
      const decided = envelopes.map((env) => {
        this.view.beginCommand(env)
        const decision = decide(env, this.view, this.limits)
        this.view.apply(decision.writes)
        return decision.result
      })
      this.view.flush()
      return decided
    })
  }

  private ensurePartyAccounts(): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO accounts (kind, owner, balance_minor, reserved_minor, ' +
        "floor_minor, cap_minor) VALUES (?, 'platform', 0, 0, NULL, NULL)",
    )
    this.db
      .transaction(() => {
        for (const kind of [
          'opening',
          'funding',
          'operator_fees',
          'bank_fees',
          'platform_fees',
          'card_float',
        ])
          insert.run(kind)
      })
      .immediate()
  }

  executeBatch(envelopes: readonly Envelope[]): Promise<readonly BatchOutcome[]> {
    return Promise.resolve(this.executeBatchNow(envelopes))
  }

  /** Runs a batch synchronously: decide each command in order, write, commit once. */
  executeBatchNow(envelopes: readonly Envelope[]): BatchOutcome[] {
    try {
      const results = this.decideAndWrite.immediate(envelopes)
      this.view.trim()
      return results.map((result) => ({ ok: true, result }))
    } catch (error) {
      this.view.forget()
      if (envelopes.length === 1)
        return [{ ok: false, error: error instanceof Error ? error : new Error(String(error)) }]
      return envelopes.flatMap((env) => this.executeBatchNow([env]))
    }
  }

  isEmpty(): Promise<boolean> {
    return Promise.resolve(this.db.prepare('SELECT 1 FROM subscribers LIMIT 1').get() === undefined)
  }

  /** Loads a fixture world: subscribers, accounts with opening transfers, merchants, orders. */
  seedWorld(world: World, nowMs: number): Promise<void> {
    const db = this.db
    const insertSubscriber = db.prepare(
      'INSERT INTO subscribers (msisdn, name, language, pin_hash, pin_failures, ' +
        'locked_until_ms, pending_payment_id) VALUES (?, ?, ?, ?, 0, 0, NULL)',
    )
    const insertAccount = db.prepare(
      'INSERT INTO accounts (kind, owner, balance_minor, reserved_minor, floor_minor, ' +
        'cap_minor, card_bank, card_last4, card_token) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)',
    )
    const insertMerchant = merchantWriter(db)
    const insertOrder = orderWriter(db)
    const insertTransfer = db.prepare(
      "INSERT INTO transfers (kind, payment_id, created_ms) VALUES ('opening', NULL, ?)",
    )
    const insertEntry = db.prepare(
      'INSERT INTO entries (transfer_id, leg, account_id, amount_minor) VALUES (?, ?, ?, ?)',
    )
    const moveBalance = db.prepare(
      'UPDATE accounts SET balance_minor = balance_minor + ? WHERE id = ?',
    )
    const openingId = (
      db.prepare("SELECT id FROM accounts WHERE owner = 'platform' AND kind = 'opening'").get() as {
        id: bigint
      }
    ).id
    const open = (accountId: bigint, amountMinor: bigint): void => {
      if (amountMinor === 0n) return
      const transferId = insertTransfer.run(nowMs).lastInsertRowid
      insertEntry.run(transferId, 0, openingId, -amountMinor)
      insertEntry.run(transferId, 1, accountId, amountMinor)
      moveBalance.run(-amountMinor, openingId)
      moveBalance.run(amountMinor, accountId)
    }
    db.transaction(() => {
      for (const subscriber of world.subscribers) {
        insertSubscriber.run(
          subscriber.msisdn,
          subscriber.name,
          subscriber.language,
          subscriber.pinHash,
        )
        const wallet = insertAccount.run(
          'wallet',
          subscriber.msisdn,
          0n,
          0n,
          this.limits.walletHeldMaxMinor,
          null,
          null,
          null,
        ).lastInsertRowid
        const phoneBill = insertAccount.run(
          'phone_bill',
          subscriber.msisdn,
          0n,
          -subscriber.creditLimitMinor,
          null,
          null,
          null,
          null,
        ).lastInsertRowid
        open(BigInt(wallet), subscriber.walletMinor)
        open(BigInt(phoneBill), subscriber.phoneBillMinor)
        if (subscriber.card !== null) {
          // The card's balance lives at the issuing bank; this account records what was drawn from
          // it.
          insertAccount.run(
            'bank',
            subscriber.msisdn,
            0n,
            null,
            null,
            subscriber.card.bank,
            subscriber.card.last4,
            subscriber.card.token,
          )
        }
      }
      for (const merchant of world.merchants) {
        const accountId = insertAccount.run(
          'merchant',
          merchant.code,
          0n,
          null,
          null,
          null,
          null,
          null,
        ).lastInsertRowid
        insertMerchant(merchant, accountId)
      }
      for (const order of world.orders) insertOrder(order, nowMs)
    }).immediate()
    this.view.forget()
    this.view.reloadCounters()
    return Promise.resolve()
  }

  /**
   * seedWorld for worlds of millions (telepay world generate): the same rows, written by
   * bulk-seed.ts with the subscribers streamed. Returns how many subscribers were written.
   */
  seedWorldBulk(world: BulkWorld, nowMs: number): number {
    const count = seedWorldBulk(this.db, this.limits, world, nowMs)
    this.view.forget()
    this.view.reloadCounters()
    return count
  }

  // Channels read a subscriber before every PIN check and a payment after every card capture:
  // their statements are prepared once, not per call.
  private readonly prepared = new Map<string, Statement>()
  private statement(sql: string): Statement {
    let statement = this.prepared.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.prepared.set(sql, statement)
    }
    return statement
  }

  subscriber(msisdn: string): Promise<SubscriberDetail | null> {
    const row = this.statement('SELECT * FROM subscribers WHERE msisdn = ?').get(msisdn) as
      | Row
      | undefined
    if (row === undefined) return Promise.resolve(null)
    const accounts = (
      this.statement('SELECT * FROM accounts WHERE owner = ? ORDER BY id').all(msisdn) as Row[]
    ).map(accountOfRow)
    return Promise.resolve({ subscriber: subscriberOfRow(row), accounts })
  }

  pinState(
    msisdn: string,
  ): Promise<{ readonly pinHash: string; readonly lockedUntilMs: number } | null> {
    const row = this.statement(
      'SELECT pin_hash, locked_until_ms FROM subscribers WHERE msisdn = ?',
    ).get(msisdn) as { pin_hash: string; locked_until_ms: bigint } | undefined
    return Promise.resolve(
      row === undefined
        ? null
        : { pinHash: row.pin_hash, lockedUntilMs: Number(row.locked_until_ms) },
    )
  }

  payment(id: string): Promise<Payment | null> {
    const row = this.statement('SELECT * FROM payments WHERE id = ?').get(id) as Row | undefined
    return Promise.resolve(row === undefined ? null : paymentOfRow(row))
  }

  transactions(filter: TransactionFilter): Promise<readonly Payment[]> {
    const params = {
      msisdn: filter.msisdn,
      limit: filter.limit,
      before: filter.beforeSeq ?? Number.MAX_SAFE_INTEGER,
    }
    const rows = this.statement(
      filter.msisdn === null ? transactionsQueries.all : transactionsQueries.ofSubscriber,
    ).all(params) as Row[]
    return Promise.resolve(rows.map(paymentOfRow))
  }

  searchPayments(search: PaymentSearch): Promise<PaymentPage> {
    const bounds = {
      msisdn: search.msisdn,
      before: search.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      scan: search.scanRowsMax,
    }
    const { sql, params } = searchSql(search)
    const rows = this.statement(sql).all({ ...bounds, ...params, limit: search.limit }) as Row[]
    const payments = rows.map(paymentOfRow)
    const last = payments.at(-1)
    if (payments.length === search.limit && last !== undefined)
      return Promise.resolve({ payments, nextBeforeSeq: seqOfPaymentId(last.id) })
    // A short page: the window was the rest of history, or the search stopped at its bound.
    const window = search.msisdn === null ? searchWindows.all : searchWindows.ofSubscriber
    const end = this.statement(`SELECT MIN(seq) AS oldest, COUNT(*) AS seqs FROM (${window})`).get(
      bounds,
    ) as Row
    const full = Number(end['seqs']) === search.scanRowsMax
    return Promise.resolve({ payments, nextBeforeSeq: full ? Number(end['oldest']) : null })
  }

  paymentTransfers(payment: Payment): Promise<readonly TransferDetail[]> {
    const ids = new Set<number>()
    const own = payment.transferRef === null ? null : transferIdOfRef(payment.transferRef)
    if (own !== null) ids.add(own)
    // A refund is a transfer of the payment's at the time its trail step records: read by the
    // index of transfers by time, not by a scan of every transfer for the payment's id.
    const refunds = this.statement(
      'SELECT id FROM transfers WHERE created_ms = ? AND payment_id = ?',
    )
    for (const entry of payment.trail) {
      if (entry.code !== 'refund') continue
      for (const row of refunds.all(entry.atMs, payment.id) as Row[]) ids.add(Number(row['id']))
    }
    const transfer = this.statement('SELECT * FROM transfers WHERE id = ?')
    const legs = this.statement(
      'SELECT e.leg, e.account_id, e.amount_minor, a.kind, a.owner FROM entries e ' +
        'JOIN accounts a ON a.id = e.account_id WHERE e.transfer_id = ? ORDER BY e.leg',
    )
    const details: TransferDetail[] = []
    for (const id of [...ids].sort((a, b) => a - b)) {
      const row = transfer.get(id) as Row | undefined
      if (row === undefined) continue
      details.push({
        id,
        kind: String(row['kind']) as TransferKind,
        paymentId: row['payment_id'] === null ? null : String(row['payment_id']),
        createdMs: Number(row['created_ms']),
        legs: (legs.all(id) as Row[]).map((leg) => ({
          leg: Number(leg['leg']),
          accountId: Number(leg['account_id']),
          accountKind: String(leg['kind']) as AccountKind,
          owner: String(leg['owner']),
          amountMinor: BigInt(leg['amount_minor'] as bigint),
        })),
      })
    }
    return Promise.resolve(details)
  }

  authorizedPayments(): Promise<readonly Payment[]> {
    const rows = this.db
      .prepare("SELECT * FROM payments WHERE state = 'authorized' ORDER BY seq")
      .all() as Row[]
    return Promise.resolve(rows.map(paymentOfRow))
  }

  hasDuePayments(nowMs: number): Promise<boolean> {
    const row = this.db
      .prepare(
        "SELECT 1 FROM payments WHERE state = 'awaiting_authorization' AND expires_ms <= ? LIMIT 1",
      )
      .get(nowMs)
    return Promise.resolve(row !== undefined)
  }

  merchantByApiKey(apiKey: string): Promise<MerchantAuth | null> {
    const row = this.db
      .prepare('SELECT * FROM merchants WHERE api_key_sha256 = ?')
      .get(sha256Hex(apiKey)) as Row | undefined
    return Promise.resolve(
      row === undefined
        ? null
        : { merchant: merchantOfRow(row), webhookSecret: String(row['webhook_secret']) },
    )
  }

  merchantAuth(code: string): Promise<MerchantAuth | null> {
    const row = this.db.prepare('SELECT * FROM merchants WHERE code = ?').get(code) as
      | Row
      | undefined
    return Promise.resolve(
      row === undefined
        ? null
        : { merchant: merchantOfRow(row), webhookSecret: String(row['webhook_secret']) },
    )
  }

  merchants(code?: string): Promise<readonly { merchant: Merchant; balanceMinor: bigint }[]> {
    const select =
      'SELECT m.*, a.balance_minor FROM merchants m JOIN accounts a ON a.id = m.account_id '
    const rows = (
      code === undefined
        ? this.db.prepare(`${select} ORDER BY m.code`).all()
        : this.db.prepare(`${select} WHERE m.code = ?`).all(code)
    ) as Row[]
    return Promise.resolve(
      rows.map((row) => ({
        merchant: merchantOfRow(row),
        balanceMinor: BigInt(row['balance_minor'] as bigint),
      })),
    )
  }

  orderExists(orderNo: string): Promise<boolean> {
    const row = this.db.prepare('SELECT 1 FROM orders WHERE order_no = ?').get(orderNo)
    return Promise.resolve(row !== undefined)
  }

  commandLogged(key: string): Promise<boolean> {
    const row = this.db.prepare('SELECT 1 FROM command_log WHERE key = ?').get(key)
    return Promise.resolve(row !== undefined)
  }

  async loggedResults(
    prefix: string,
    limit: number,
    afterKey: string | null = null,
  ): Promise<readonly { readonly key: string; readonly result: CommandResult }[]> {
    if (prefix === '') throw new Error('loggedResults needs a prefix')
    // A range of the key's unique index: from the prefix to the first key past all it begins
    // (its last character one higher; the keys that ask this are ASCII).
    const last = prefix.charCodeAt(prefix.length - 1)
    const end = `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}`
    const rows = this.statement(
      'SELECT key, result, payment_seq FROM command_log WHERE key >= ? AND key > ? AND key < ? ' +
        'ORDER BY key LIMIT ?',
    ).all(prefix, afterKey ?? '', end, limit) as {
      key: string
      result: string
      payment_seq: bigint | null
    }[]
    const logged = []
    for (const row of rows) {
      const referenced =
        row.payment_seq === null
          ? null
          : await this.payment(paymentIdOfSeq(Number(row.payment_seq)))
      logged.push({ key: row.key, result: parseStoredResult(row.result, referenced) })
    }
    return logged
  }

  worldRows(): Promise<WorldRows> {
    return Promise.resolve(readWorldRows(this.db))
  }

  subscriberList(
    limit: number,
  ): Promise<readonly { msisdn: string; name: string; language: Language }[]> {
    // The primary key's order: a walk of its first `limit` entries, whatever the world's size.
    const rows = this.db
      .prepare('SELECT msisdn, name, language FROM subscribers ORDER BY msisdn LIMIT ?')
      .all(limit) as { msisdn: string; name: string; language: string }[]
    return Promise.resolve(
      rows.map((row) => ({
        msisdn: row.msisdn,
        name: row.name,
        language: row.language === 'zh' ? ('zh' as const) : ('en' as const),
      })),
    )
  }

  async settlement(
    merchantCode: string,
    dayStartMs: number,
    dayEndMs: number,
    day: string,
  ): Promise<MerchantSettlement> {
    return (await this.report({
      kind: 'merchant_settlement',
      merchantCode,
      startMs: dayStartMs,
      endMs: dayEndMs,
      day,
    })) as MerchantSettlement
  }

  async merchantPartyFees(
    merchantCode: string,
    dayStartMs: number,
    dayEndMs: number,
  ): Promise<readonly PartyFees[]> {
    return (await this.report({
      kind: 'merchant_party_fees',
      merchantCode,
      startMs: dayStartMs,
      endMs: dayEndMs,
    })) as readonly PartyFees[]
  }

  async partySettlement(
    dayStartMs: number,
    dayEndMs: number,
    day: string,
  ): Promise<PartySettlement> {
    return (await this.report({
      kind: 'party_settlement',
      startMs: dayStartMs,
      endMs: dayEndMs,
      day,
    })) as PartySettlement
  }

  async check(
    options: {
      readonly mode?: 'incremental' | 'full'
      readonly progress?: (progress: CheckProgress) => void
    } = {},
  ): Promise<LedgerCheck> {
    const mode = options.mode ?? 'incremental'
    return (await this.report({ kind: 'check', mode }, options.progress)) as LedgerCheck
  }

  private report(
    job: ReportJob,
    progress: (progress: CheckProgress) => void = () => {},
  ): Promise<ReportResult> {
    if (this.workers !== null) {
      const worker =
        job.kind === 'check' && job.mode === 'full' ? this.workers.long : this.workers.quick
      return worker.run(job, progress)
    }
    if (!this.checkStateAttached) {
      attachCheckState(this.db, this.path)
      this.checkStateAttached = true
    }
    return Promise.resolve(runReport(this.db, job, progress))
  }

  outboxPage(
    kind: OutboxItem['kind'],
    limit: number,
    beforeId: number | null,
  ): Promise<readonly OutboxRow[]> {
    // By the primary key, newest first: a page costs its rows, however long the outbox's history.
    const rows = this.db
      .prepare(`
      SELECT * FROM outbox WHERE kind = ? AND id < ? ORDER BY id DESC LIMIT ?`)
      .all(kind, beforeId ?? Number.MAX_SAFE_INTEGER, limit) as Row[]
    const orNull = (value: unknown): number | null => (value === null ? null : Number(value))
    return Promise.resolve(
      rows.map((row) => ({
        id: Number(row['id']),
        kind,
        payload: String(row['payload']),
        attempts: Number(row['attempts']),
        createdMs: Number(row['created_ms']),
        nextAttemptMs: Number(row['next_attempt_ms']),
        deliveredMs: orNull(row['delivered_ms']),
        abandonedMs: orNull(row['abandoned_ms']),
        lastError: row['last_error'] === null ? null : String(row['last_error']),
      })),
    )
  }

  outboxResend(id: number, kind: OutboxItem['kind'], nowMs: number): Promise<boolean> {
    const changed = this.db
      .prepare(`
      UPDATE outbox SET next_attempt_ms = ?, delivered_ms = NULL,
        abandoned_ms = NULL, last_error = NULL
      WHERE id = ? AND kind = ?`)
      .run(nowMs, id, kind).changes
    return Promise.resolve(changed > 0)
  }

  outboxDepth(): Promise<Record<OutboxItem['kind'], number>> {
    // The due index holds exactly the rows waiting, so this reads the index, not the table.
    const rows = this.db
      .prepare(`
      SELECT kind, COUNT(*) AS n FROM outbox INDEXED BY outbox_due
      WHERE delivered_ms IS NULL AND abandoned_ms IS NULL GROUP BY kind`)
      .all() as { kind: string; n: bigint }[]
    const depth: Record<OutboxItem['kind'], number> = { sms: 0, webhook: 0, card_load: 0 }
    for (const row of rows)
      if (row.kind === 'sms' || row.kind === 'webhook' || row.kind === 'card_load')
        depth[row.kind] = Number(row.n)
    return Promise.resolve(depth)
  }

  dueOutbox(
    kind: OutboxItem['kind'],
    nowMs: number,
    limit: number,
  ): Promise<readonly OutboxItem[]> {
    const rows = this.db
      .prepare(`
      SELECT id, kind, payload, attempts, created_ms FROM outbox
      WHERE kind = ? AND next_attempt_ms <= ? AND delivered_ms IS NULL AND abandoned_ms IS NULL
      ORDER BY next_attempt_ms LIMIT ?`)
      .all(kind, nowMs, limit) as Row[]
    return Promise.resolve(
      rows.map((row) => ({
        id: Number(row['id']),
        kind,
        payload: String(row['payload']),
        attempts: Number(row['attempts']),
        createdMs: Number(row['created_ms']),
      })),
    )
  }

  // A row delivered or abandoned is settled for good: a late report of it (a push answered twice,
  // a retried hop) changes nothing.
  outboxDelivered(id: number, nowMs: number): Promise<void> {
    this.db
      .prepare(
        'UPDATE outbox SET delivered_ms = ?, attempts = attempts + 1 ' +
          'WHERE id = ? AND delivered_ms IS NULL AND abandoned_ms IS NULL',
      )
      .run(nowMs, id)
    return Promise.resolve()
  }

  outboxFailed(
    id: number,
    nextAttemptMs: number | null,
    error: string,
    nowMs: number,
  ): Promise<void> {
    if (nextAttemptMs === null) {
      this.db
        .prepare(
          'UPDATE outbox SET abandoned_ms = ?, attempts = attempts + 1, ' +
            'last_error = ? WHERE id = ? AND delivered_ms IS NULL AND abandoned_ms IS NULL',
        )
        .run(nowMs, error, id)
    } else {
      this.db
        .prepare(
          'UPDATE outbox SET next_attempt_ms = ?, attempts = attempts + 1, ' +
            'last_error = ? WHERE id = ? AND delivered_ms IS NULL AND abandoned_ms IS NULL',
        )
        .run(nextAttemptMs, error, id)
    }
    return Promise.resolve()
  }

  keepSmsReply(reply: KeptSmsReply, nowMs: number): Promise<boolean> {
    const keep = this.db.transaction(() => {
      if (reply.commandKey !== null) {
        const marked = this.db
          .prepare(
            'INSERT OR IGNORE INTO command_log (key, command_hash, result, created_ms) ' +
              "VALUES (?, 'sms_reply_kept', '{}', ?)",
          )
          .run(smsReplyMarker(reply.commandKey), nowMs)
        if (marked.changes === 0) return false
      }
      this.db
        .prepare(
          "INSERT INTO outbox (kind, payload, created_ms, next_attempt_ms) VALUES ('sms', ?, ?, ?)",
        )
        .run(encodeJson(reply), nowMs, nowMs)
      return true
    })
    return Promise.resolve(keep.immediate())
  }

  smsReplyKept(commandKey: string): Promise<boolean> {
    // The replies of one command are kept as <marker>#0, #1...: a range of the key's index.
    const marker = smsReplyMarker(commandKey)
    return Promise.resolve(
      this.db
        .prepare('SELECT 1 FROM command_log WHERE key > ? AND key < ? LIMIT 1')
        .get(`${marker}#`, `${marker}$`) !== undefined,
    )
  }

  /**
   * Rows are appended in the order their commands ran (a rowid one above the highest) and
   * stamped with their command's time, so the oldest sit at the lowest ids: the step reads the
   * first `rowsMax` rows by primary key and deletes the run of them stamped before the cutoff.
   * No index on the stamp (each payment would pay another index write) and no scan; in the steady
   * state it reads one row, the oldest, still inside the window.
   *
   * The run stops at the first row inside the window. A clock that stepped back (an NTP
   * correction, a restored VM) stamps the rows written after the step earlier than the ones
   * before them: those wait behind the first later-stamped row until it leaves the window too,
   * kept longer than the window by at most the step back and never deleted inside it. A clock
   * that jumped forward by more than the window would forget keys early, as it would expire
   * authorizations and lift PIN locks early: the gateway trusts its clock throughout.
   *
   * The view does not cache the log (each lookup reads the row) and caches nothing a pruned row
   * holds: the payments a logged answer refers to stay, and its id counters come from payments,
   * transfers and accounts. So a pruned key is new at the next command, and no cache is dropped.
   *
   * A kept SMS reply's markers (`sms-reply-kept:<MO key>#<n>`) go too. A marker keeps an MO the
   * SMSC sends again from being answered twice while the outbox holds its reply, and the outbox
   * delivers or abandons a reply within minutes (its doubling backoff, webhookAttemptsMax
   * attempts), far inside the window. A marker is stamped at the keep, just after its command's
   * own row, so both leave the window together: an MO sent again after that is a new command
   * with an answer of its own, and there is nothing left for the marker to hold back. (In the
   * seconds between the two rows' expiry a resent MO would run anew and its reply be taken as
   * kept: an SMSC retrying an MO a week later to the second is not worth a lookup per MO.)
   */
  pruneCommandLog(beforeMs: number, rowsMax: number): Promise<number> {
    const oldest = this.statement('SELECT id, created_ms FROM command_log ORDER BY id LIMIT ?')
    const deleteThrough = this.statement('DELETE FROM command_log WHERE id <= ?')
    const before = BigInt(beforeMs)
    const prune = this.db.transaction((): number => {
      let lastId: bigint | null = null
      for (const row of oldest.iterate(rowsMax) as Iterable<{ id: bigint; created_ms: bigint }>) {
        if (row.created_ms >= before) break
        lastId = row.id
      }
      return lastId === null ? 0 : deleteThrough.run(lastId).changes
    })
    return Promise.resolve(prune.immediate())
  }

  merchantPayments(query: MerchantPaymentQuery): Promise<MerchantPage<Payment>> {
    return Promise.resolve(merchantPaymentPage(this.db, query))
  }

  merchantOrders(code: string, limit: number, before: string | null): Promise<MerchantPage<Order>> {
    return Promise.resolve(merchantOrderPage(this.db, code, limit, before))
  }

  terminalClearedRuns(terminalId: string, fromSerial: number, toSerial: number) {
    return Promise.resolve(terminalClearedRuns(this.db, terminalId, fromSerial, toSerial))
  }

  cardClearedRuns(windows: readonly CardSerialWindow[]) {
    return Promise.resolve(cardClearedRuns(this.db, windows))
  }

  terminalLastClearedBelow(terminalId: string, belowSerial: number, floorSerial: number) {
    return Promise.resolve(terminalLastClearedBelow(this.db, terminalId, belowSerial, floorSerial))
  }

  cardsLastClearedBelow(floors: readonly CardSerialFloor[]) {
    return Promise.resolve(cardsLastClearedBelow(this.db, floors))
  }

  clearingReport(fromMs: number, toMs: number) {
    return Promise.resolve(clearingReport(this.db, fromMs, toMs))
  }

  purseReconciliation() {
    return Promise.resolve(purseReconciliation(this.db))
  }

  purseOfCard(cardNumber: string) {
    return Promise.resolve(purseOfCard(this.db, cardNumber))
  }

  clearedOfCard(cardNumber: string, limit: number) {
    return Promise.resolve(clearedOfCard(this.db, cardNumber, limit))
  }

  blacklistedCards() {
    return Promise.resolve(blacklistedCards(this.db))
  }

  merchantSales(code: string, fromMs: number, toMs: number): Promise<readonly SalesRow[]> {
    return Promise.resolve(merchantSales(this.db, code, fromMs, toMs, this.limits.dayOffsetMs))
  }

  webhookDeliveries(
    code: string,
    limit: number,
    before: number | null,
  ): Promise<MerchantPage<WebhookDelivery>> {
    return Promise.resolve(webhookDeliveryPage(this.db, code, limit, before))
  }

  recordWebhookAttempt(record: WebhookAttemptRecord): Promise<void> {
    recordWebhookAttempt(this.db, record)
    return Promise.resolve()
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop()
    await this.workers?.quick.close()
    await this.workers?.long.close()
    if (this.db.open) this.db.close()
  }
}

/** The command-log key that marks a command's SMS reply as kept in the outbox. */
function smsReplyMarker(commandKey: string): string {
  return `sms-reply-kept:${commandKey}`
}
