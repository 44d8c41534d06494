/**
 * sqlite-ledger.ts - the default ledger engine: one SQLite file in WAL mode with
 * synchronous=FULL, written by this process alone. A batch of commands runs in one IMMEDIATE
 * transaction and one fsync; if anything in it throws, the batch rolls back and its commands run
 * again one by one, so one bad command fails alone.
 */
import { createHash } from 'node:crypto'
import type { Statement, Transaction } from 'better-sqlite3'
import type { CommandResult, Envelope, Limits, Payment } from '../core/index.js'
import { decide } from '../core/index.js'
import type { World } from '../world/world.js'
import type { BulkWorld } from './bulk-seed.js'
import { seedWorldBulk } from './bulk-seed.js'
import { encodeJson } from './codec.js'
import type { Row } from './rows.js'
import { accountOfRow, merchantOfRow, paymentOfRow, subscriberOfRow } from './rows.js'
import type { SqliteDatabase } from './sqlite-open.js'
import { openLedgerDatabase } from './sqlite-open.js'
import { checkLedger, merchantSettlement, partySettlement } from './sqlite-reports.js'
import { SqliteView } from './sqlite-view.js'
import type {
  BatchOutcome,
  KeptSmsReply,
  LedgerCheck,
  LedgerStore,
  MerchantAuth,
  MerchantSettlement,
  OutboxItem,
  PartySettlement,
  SubscriberDetail,
  TransactionFilter,
} from './store.js'

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
 * How far back the operator's search of one subscriber's transactions looks, in payments. There
 * is no index of payments by subscriber (each payment would pay a random page write for it), so
 * the search reads the newest payments backwards, and this bounds that read.
 */
export const transactionsScanRowsMax = 200_000

export class SqliteLedger implements LedgerStore {
  readonly db: SqliteDatabase
  private readonly view: SqliteView
  /** Built once: better-sqlite3 builds four wrapper functions per db.transaction() call. */
  private readonly decideAndWrite: Transaction<(envelopes: readonly Envelope[]) => CommandResult[]>

  constructor(
    readonly path: string,
    private readonly limits: Limits,
  ) {
    this.db = openLedgerDatabase(path)
    this.db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`)
    this.ensurePartyAccounts()
    this.view = new SqliteView(this.db)
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
        for (const kind of ['opening', 'operator_fees', 'bank_fees', 'platform_fees'])
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
    const insertMerchant = db.prepare(
      'INSERT INTO merchants (code, name, category, account_id, api_key_sha256, ' +
        'webhook_secret) VALUES (?, ?, ?, ?, ?, ?)',
    )
    const insertOrder = db.prepare(
      'INSERT INTO orders (order_no, merchant_code, amount_minor, reference, description, ' +
        'paid_payment_id, created_ms) VALUES (?, ?, ?, ?, ?, NULL, ?)',
    )
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
        insertMerchant.run(
          merchant.code,
          merchant.name,
          merchant.category,
          accountId,
          sha256Hex(merchant.apiKey),
          merchant.webhookSecret,
        )
      }
      for (const order of world.orders) {
        insertOrder.run(
          order.orderNo,
          order.merchantCode,
          order.amountMinor,
          order.reference,
          order.description,
          nowMs,
        )
      }
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

  payment(id: string): Promise<Payment | null> {
    const row = this.statement('SELECT * FROM payments WHERE id = ?').get(id) as Row | undefined
    return Promise.resolve(row === undefined ? null : paymentOfRow(row))
  }

  transactions(filter: TransactionFilter): Promise<readonly Payment[]> {
    const rows =
      filter.msisdn === null
        ? this.db.prepare('SELECT * FROM payments ORDER BY seq DESC LIMIT ?').all(filter.limit)
        : this.db
            .prepare(`
          SELECT * FROM payments WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM payments) - @scan
            AND (payer_msisdn = @msisdn OR payee_msisdn = @msisdn)
          ORDER BY seq DESC LIMIT @limit`)
            .all({ msisdn: filter.msisdn, limit: filter.limit, scan: transactionsScanRowsMax })
    return Promise.resolve((rows as Row[]).map(paymentOfRow))
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

  settlement(
    merchantCode: string,
    dayStartMs: number,
    dayEndMs: number,
    day: string,
  ): Promise<MerchantSettlement> {
    return Promise.resolve(merchantSettlement(this.db, merchantCode, dayStartMs, dayEndMs, day))
  }

  partySettlement(dayStartMs: number, dayEndMs: number, day: string): Promise<PartySettlement> {
    return Promise.resolve(partySettlement(this.db, dayStartMs, dayEndMs, day))
  }

  check(): Promise<LedgerCheck> {
    return Promise.resolve(checkLedger(this.db))
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

  outboxDelivered(id: number, nowMs: number): Promise<void> {
    this.db
      .prepare('UPDATE outbox SET delivered_ms = ?, attempts = attempts + 1 WHERE id = ?')
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
            'last_error = ? WHERE id = ?',
        )
        .run(nowMs, error, id)
    } else {
      this.db
        .prepare(
          'UPDATE outbox SET next_attempt_ms = ?, attempts = attempts + 1, ' +
            'last_error = ? WHERE id = ?',
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

  close(): Promise<void> {
    if (this.db.open) this.db.close()
    return Promise.resolve()
  }
}

/** The command-log key that marks a command's SMS reply as kept in the outbox. */
function smsReplyMarker(commandKey: string): string {
  return `sms-reply-kept:${commandKey}`
}
