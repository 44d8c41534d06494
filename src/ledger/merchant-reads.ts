/**
 * merchant-reads.ts - what the merchant portal reads of one merchant (schema version 16): its
 * payments and orders newest first a page at a time, its sales of a range of days by channel, its
 * webhook deliveries with every attempt, and the recording of an attempt. Each read walks the
 * merchant's own index entries (payments_merchant, orders_merchant, webhook_attempts_merchant)
 * and no further than its page, its range or its scan bound. Exports merchantReadLimits,
 * merchantPaymentPage, merchantOrderPage, merchantSales, webhookDeliveryPage,
 * recordWebhookAttempt.
 */
import type { Order, Payment } from '../core/index.js'
import { merchantStatusOf } from '../core/index.js'
import type { Row } from './rows.js'
import { orderOfRow, paymentOfRow, seqOfPaymentId } from './rows.js'
import type { SqliteDatabase } from './sqlite-open.js'
import type {
  MerchantPage,
  MerchantPaymentQuery,
  SalesRow,
  WebhookAttempt,
  WebhookAttemptRecord,
  WebhookDelivery,
} from './store.js'

export const merchantReadLimits = {
  /**
   * Payments a page with a status filter looks at before it answers: a rare status among a busy
   * merchant's payments would otherwise read all its history for one page. The answer's cursor
   * then goes on from where the scan stopped.
   */
  filterScanRowsMax: 5_000,
  /** Attempts shown per delivery: the first ones and the last, webhookAttemptsMax is 8. */
  attemptsPerDeliveryMax: 20,
} as const

const msPerDay = 86_400_000

const paymentsSql = `
  SELECT * FROM payments INDEXED BY payments_merchant
  WHERE merchant_code = @code AND (created_ms, seq) < (@beforeMs, @beforeSeq)
  ORDER BY created_ms DESC, seq DESC`

/** The merchant's payments newest first, from the one before `before` (its id) on. */
export function merchantPaymentPage(
  db: SqliteDatabase,
  query: MerchantPaymentQuery,
): MerchantPage<Payment> {
  const cursor = query.before === null ? null : paymentCursor(db, query.code, query.before)
  const params = {
    code: query.code,
    beforeMs: cursor?.createdMs ?? Number.MAX_SAFE_INTEGER,
    beforeSeq: cursor?.seq ?? Number.MAX_SAFE_INTEGER,
  }
  const found: Payment[] = []
  let scanned = 0
  let lastId: string | null = null
  for (const row of db.prepare(paymentsSql).iterate(params) as Iterable<Row>) {
    const payment = paymentOfRow(row)
    scanned += 1
    lastId = payment.id
    if (query.status === null || merchantStatusOf(payment.state) === query.status)
      found.push(payment)
    if (found.length >= query.limit) break
    if (query.status !== null && scanned >= merchantReadLimits.filterScanRowsMax) break
  }
  const more = found.length >= query.limit || scanned >= merchantReadLimits.filterScanRowsMax
  return { items: found, next: more ? lastId : null }
}

function paymentCursor(
  db: SqliteDatabase,
  code: string,
  id: string,
): { createdMs: number; seq: number } | null {
  const seq = seqOfPaymentId(id)
  if (seq === null) return { createdMs: -1, seq: -1 }
  const row = db
    .prepare('SELECT created_ms FROM payments WHERE seq = ? AND merchant_code = ?')
    .get(seq, code) as { created_ms: bigint } | undefined
  // An id not of this merchant starts nowhere: an empty page, never another merchant's position.
  return row === undefined ? { createdMs: -1, seq: -1 } : { createdMs: Number(row.created_ms), seq }
}

/** The merchant's orders newest first, from the one before `before` (its number) on. */
export function merchantOrderPage(
  db: SqliteDatabase,
  code: string,
  limit: number,
  before: string | null,
): MerchantPage<Order> {
  let beforeMs = Number.MAX_SAFE_INTEGER
  let beforeNo = '\uffff'
  if (before !== null) {
    const row = db
      .prepare('SELECT created_ms FROM orders WHERE order_no = ? AND merchant_code = ?')
      .get(before, code) as { created_ms: bigint } | undefined
    beforeMs = row === undefined ? -1 : Number(row.created_ms)
    beforeNo = before
  }
  const rows = db
    .prepare(`
      SELECT * FROM orders INDEXED BY orders_merchant
      WHERE merchant_code = ? AND (created_ms, order_no) < (?, ?)
      ORDER BY created_ms DESC, order_no DESC LIMIT ?`)
    .all(code, beforeMs, beforeNo, limit) as Row[]
  const orders = rows.map(orderOfRow)
  return { items: orders, next: orders.length >= limit ? (orders.at(-1)?.orderNo ?? null) : null }
}

/**
 * The merchant's completed payments of [fromMs, toMs), by local day (the ledger's day boundary)
 * and channel, dated by when the payment was made. Refunds are what was refunded of them.
 */
export function merchantSales(
  db: SqliteDatabase,
  code: string,
  fromMs: number,
  toMs: number,
  dayOffsetMs: number,
): readonly SalesRow[] {
  const rows = db
    .prepare(`
      SELECT (created_ms + @offset) / ${msPerDay} AS day, channel, COUNT(*) AS n,
        SUM(amount_minor) AS gross, SUM(fee_minor) AS fees, SUM(refunded_minor) AS refunded
      FROM payments INDEXED BY payments_merchant
      WHERE merchant_code = @code AND created_ms >= @fromMs AND created_ms < @toMs
        AND state = 'completed'
      GROUP BY day, channel ORDER BY day, channel`)
    .all({ code, fromMs, toMs, offset: dayOffsetMs }) as {
    day: bigint
    channel: string
    n: bigint
    gross: bigint
    fees: bigint
    refunded: bigint
  }[]
  return rows.map((row) => ({
    date: new Date(Number(row.day) * msPerDay).toISOString().slice(0, 10),
    channel: row.channel,
    payments: Number(row.n),
    grossMinor: BigInt(row.gross),
    feesMinor: BigInt(row.fees),
    refundedMinor: BigInt(row.refunded),
  }))
}

/** The merchant's webhook deliveries newest first (by outbox id), with their attempts. */
export function webhookDeliveryPage(
  db: SqliteDatabase,
  code: string,
  limit: number,
  before: number | null,
): MerchantPage<WebhookDelivery> {
  const ids = db
    .prepare(`
      SELECT DISTINCT outbox_id AS id FROM webhook_attempts INDEXED BY webhook_attempts_merchant
      WHERE merchant_code = ? AND outbox_id < ? ORDER BY outbox_id DESC LIMIT ?`)
    .all(code, before ?? Number.MAX_SAFE_INTEGER, limit) as { id: bigint }[]
  const outbox = db.prepare(
    'SELECT attempts, delivered_ms, abandoned_ms, next_attempt_ms, last_error, created_ms ' +
      'FROM outbox WHERE id = ?',
  )
  const attempts = db.prepare(
    'SELECT * FROM webhook_attempts WHERE outbox_id = ? ORDER BY attempt DESC LIMIT ?',
  )
  const deliveries = ids.map(({ id }): WebhookDelivery => {
    const row = outbox.get(id) as Row | undefined
    const tried = (attempts.all(id, merchantReadLimits.attemptsPerDeliveryMax) as Row[]).map(
      attemptOfRow,
    )
    const last = tried[0]
    const deliveredMs = row?.['delivered_ms'] == null ? null : Number(row['delivered_ms'])
    const abandoned = row?.['abandoned_ms'] != null
    return {
      id: Number(id),
      paymentId: last === undefined ? '' : String(last.paymentId),
      url: last?.url ?? '',
      createdMs: row === undefined ? (last?.atMs ?? 0) : Number(row['created_ms']),
      state: deliveredMs !== null ? 'delivered' : abandoned ? 'abandoned' : 'retrying',
      attemptCount: row === undefined ? tried.length : Number(row['attempts']),
      deliveredMs,
      nextAttemptMs:
        deliveredMs === null && !abandoned && row !== undefined
          ? Number(row['next_attempt_ms'])
          : null,
      attempts: tried,
    }
  })
  const next = deliveries.length >= limit ? (deliveries.at(-1)?.id ?? null) : null
  return { items: deliveries, next: next === null ? null : String(next) }
}

function attemptOfRow(row: Row): WebhookAttempt & { paymentId: string; url: string } {
  return {
    attempt: Number(row['attempt']),
    atMs: Number(row['at_ms']),
    statusCode: row['status_code'] == null ? null : Number(row['status_code']),
    responseSnippet: String(row['response_snippet']),
    signature: String(row['signature']),
    body: String(row['body']),
    paymentId: String(row['payment_id']),
    url: String(row['url']),
  }
}

export function recordWebhookAttempt(db: SqliteDatabase, record: WebhookAttemptRecord): void {
  db.prepare(`
    INSERT OR REPLACE INTO webhook_attempts (outbox_id, attempt, merchant_code, payment_id, url,
      at_ms, body, signature, status_code, response_snippet)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    record.outboxId,
    record.attempt,
    record.merchantCode,
    record.paymentId,
    record.url,
    record.atMs,
    record.body,
    record.signature,
    record.statusCode,
    record.responseSnippet,
  )
}
