/**
 * bulk-seed.ts - loads a large world into an empty ledger, row for row as SqliteLedger.seedWorld
 * writes it, fast enough for a million subscribers (telepay world generate). seedWorld asks
 * SQLite for every new id and moves every balance with an UPDATE per opening transfer, about
 * fourteen statements a subscriber; here the ids are counted in advance, each account row is
 * written with its final balance, the opening account is moved once at the end, and rows go
 * many to a statement. The subscribers come as an iterable, so a world of millions is never held
 * in memory at once. Exports BulkWorld, seedWorldBulk, and merchantWriter and orderWriter, which
 * both seeding paths write merchants and orders with.
 */
import { createHash } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import type { Limits } from '../core/index.js'
import type { World, WorldSubscriber } from '../world/world.js'
import type { SqliteDatabase } from './sqlite-open.js'

/** A World whose subscribers may be produced while they are written. */
export interface BulkWorld {
  readonly subscribers: Iterable<WorldSubscriber>
  readonly merchants: World['merchants']
  readonly orders: World['orders']
}

/**
 * Rows per multi-row INSERT: each statement call crosses from JavaScript into SQLite once, but
 * wide statements cost more again. CPU seconds for 300,000 subscribers, one run each after the
 * other: 1 row 4.6-6.0, 20 rows 3.4-3.8, 100 rows 4.2-4.4, 400 rows 4.8.
 */
const rowsPerStatement = 20

/** Rows of one table waiting for a full multi-row INSERT. */
class PendingRows {
  readonly values: unknown[] = []
  private rows = 0
  private readonly many: Statement
  private readonly one: Statement

  constructor(db: SqliteDatabase, head: string, tuple: string) {
    this.many = db.prepare(`${head} VALUES ${Array(rowsPerStatement).fill(tuple).join(', ')}`)
    this.one = db.prepare(`${head} VALUES ${tuple}`)
  }

  /** Call once the row's values are pushed onto `values`. */
  added(): void {
    this.rows += 1
    if (this.rows === rowsPerStatement) {
      this.many.run(this.values)
      this.values.length = 0
      this.rows = 0
    }
  }

  flush(): void {
    if (this.rows === 0) return
    const width = this.values.length / this.rows
    for (let row = 0; row < this.rows; row += 1)
      this.one.run(this.values.slice(row * width, (row + 1) * width))
    this.values.length = 0
    this.rows = 0
  }
}

/** Ids SQLite would give the next row of a rowid table: one past the largest in use. */
function nextId(db: SqliteDatabase, table: 'accounts' | 'transfers'): bigint {
  const row = db.prepare(`SELECT COALESCE(MAX(id), 0) + 1 AS id FROM ${table}`).get() as {
    id: bigint
  }
  return row.id
}

/**
 * The opening transfers of the accounts from `firstAccountId` on, in SQL: one per account with a
 * balance, numbered in account order (seedWorld opens the wallet, then the phone bill, subscriber
 * after subscriber), each with the opening account's leg and the account's; then the opening
 * account takes what they sum to. A temporary table numbers them (its rowids count from 1 in
 * insertion order): a window function over the accounts took twice as long.
 */
function openBalances(
  db: SqliteDatabase,
  firstAccountId: bigint,
  firstTransferId: bigint,
  openingId: bigint,
  nowMs: number,
): void {
  db.exec(
    'CREATE TEMP TABLE bulk_opened (n INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, ' +
      'amount INTEGER NOT NULL)',
  )
  try {
    db.prepare(
      'INSERT INTO temp.bulk_opened (account_id, amount) SELECT id, balance_minor FROM accounts ' +
        'WHERE id >= ? AND balance_minor != 0 ORDER BY id',
    ).run(firstAccountId)
    const offset = firstTransferId - 1n
    db.prepare(
      'INSERT INTO transfers (id, kind, payment_id, created_ms) ' +
        "SELECT n + @offset, 'opening', NULL, @nowMs FROM temp.bulk_opened",
    ).run({ offset, nowMs })
    // CROSS JOIN keeps the transfers outside and the legs inside: the entries' key then only
    // ever appends, as seedWorld's one transfer at a time does.
    db.prepare(
      'INSERT INTO entries (transfer_id, leg, account_id, amount_minor) ' +
        'SELECT bulk_opened.n + @offset, leg.n, ' +
        'CASE leg.n WHEN 0 THEN @openingId ELSE account_id END, ' +
        'CASE leg.n WHEN 0 THEN -amount ELSE amount END ' +
        'FROM temp.bulk_opened CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1) AS leg',
    ).run({ offset, openingId })
    db.prepare(
      'UPDATE accounts SET balance_minor = balance_minor - ' +
        '(SELECT COALESCE(SUM(amount), 0) FROM temp.bulk_opened) WHERE id = ?',
    ).run(openingId)
  } finally {
    db.exec('DROP TABLE temp.bulk_opened')
  }
}

/**
 * Writes `world` in one IMMEDIATE transaction, the same rows seedWorld writes (ids and order
 * included); the caller makes the ledger's caches forget. Returns the subscribers written.
 */
export function seedWorldBulk(
  db: SqliteDatabase,
  limits: Limits,
  world: BulkWorld,
  nowMs: number,
): number {
  const subscribers = new PendingRows(
    db,
    'INSERT INTO subscribers (msisdn, name, language, pin_hash, pin_failures, ' +
      'locked_until_ms, pending_payment_id)',
    '(?, ?, ?, ?, 0, 0, NULL)',
  )
  const accounts = new PendingRows(
    db,
    'INSERT INTO accounts (id, kind, owner, balance_minor, reserved_minor, floor_minor, ' +
      'cap_minor, card_bank, card_last4, card_token)',
    '(?, ?, ?, ?, 0, ?, ?, ?, ?, ?)',
  )
  const insertMerchant = merchantWriter(db)
  const insertOrder = orderWriter(db)
  const walletCap = limits.walletHeldMaxMinor

  return db
    .transaction(() => {
      const openingId = (
        db
          .prepare("SELECT id FROM accounts WHERE owner = 'platform' AND kind = 'opening'")
          .get() as { id: bigint }
      ).id
      let accountId = nextId(db, 'accounts')
      const firstAccountId = accountId
      let count = 0
      for (const subscriber of world.subscribers) {
        const msisdn = subscriber.msisdn
        subscribers.values.push(msisdn, subscriber.name, subscriber.language, subscriber.pinHash)
        subscribers.added()
        const wallet = accountId
        const phoneBill = accountId + 1n
        accountId += 2n
        accounts.values.push(
          wallet,
          'wallet',
          msisdn,
          subscriber.walletMinor,
          0n,
          walletCap,
          null,
          null,
          null,
        )
        accounts.added()
        accounts.values.push(
          phoneBill,
          'phone_bill',
          msisdn,
          subscriber.phoneBillMinor,
          -subscriber.creditLimitMinor,
          null,
          null,
          null,
          null,
        )
        accounts.added()
        const card = subscriber.card
        if (card !== null) {
          accounts.values.push(accountId, 'bank', msisdn, 0n, null, null, card.bank, card.last4)
          accounts.values.push(card.token)
          accounts.added()
          accountId += 1n
        }
        count += 1
      }
      for (const merchant of world.merchants) {
        accounts.values.push(accountId, 'merchant', merchant.code, 0n, null, null, null, null)
        accounts.values.push(null)
        accounts.added()
        insertMerchant(merchant, accountId)
        accountId += 1n
      }
      for (const pending of [subscribers, accounts]) pending.flush()
      openBalances(db, firstAccountId, nextId(db, 'transfers'), openingId, nowMs)
      for (const order of world.orders) insertOrder(order, nowMs)
      return count
    })
    .immediate()
}

/**
 * Writes a world's merchant row (its API key kept as a SHA-256), for both seeding paths: the
 * merchants are few, so the bulk path writes them as seedWorld does.
 */
export function merchantWriter(
  db: SqliteDatabase,
): (merchant: World['merchants'][number], accountId: bigint | number) => void {
  const insert = db.prepare(
    'INSERT INTO merchants (code, name, category, account_id, api_key_sha256, ' +
      'webhook_secret, settlement_bank, fee_basis_points, fee_fixed_minor, fee_min_minor, ' +
      'fee_max_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  return (merchant, accountId) => {
    insert.run(
      merchant.code,
      merchant.name,
      merchant.category,
      accountId,
      merchant.apiKeySha256 ?? createHash('sha256').update(merchant.apiKey).digest('hex'),
      merchant.webhookSecret,
      merchant.settlementBank ?? null,
      merchant.feeBasisPoints ?? null,
      merchant.feeFixedMinor ?? 0n,
      merchant.feeMinMinor ?? 0n,
      merchant.feeMaxMinor ?? null,
    )
  }
}

/** Writes a world's open order, unpaid, created at `nowMs`, for both seeding paths. */
export function orderWriter(
  db: SqliteDatabase,
): (order: World['orders'][number], nowMs: number) => void {
  const insert = db.prepare(
    'INSERT INTO orders (order_no, merchant_code, amount_minor, reference, description, ' +
      'paid_payment_id, created_ms) VALUES (?, ?, ?, ?, ?, NULL, ?)',
  )
  return (order, nowMs) => {
    insert.run(
      order.orderNo,
      order.merchantCode,
      order.amountMinor,
      order.reference,
      order.description,
      nowMs,
    )
  }
}
