/**
 * raw-sqlite.ts - the baseline: a bare script that writes, with straightforward SQL statements,
 * exactly the rows telepay writes for an authorized merchant payment, on the same schema with the
 * same durability (openLedgerDatabase: WAL + synchronous=FULL) and the same WAL checkpoint
 * interval as SqliteLedger. Per payment: the idempotency lookup, a guarded update of the payer's
 * daily total, a guarded debit, a credit per other leg, the transfer, its entries, the payment row
 * and the command-log row with the stored result. No core, no caches, no decision objects.
 * Exports RawWriter and openRawWriter.
 */
import type { Envelope, FundingKind } from '../../core/index.js'
import {
  dayOf,
  defaultLimits,
  formatAmount,
  splitMerchantFee,
  transferRef,
} from '../../core/index.js'
import { paymentIdOfSeq } from '../../ledger/rows.js'
import { walAutocheckpointPages } from '../../ledger/sqlite-ledger.js'
import type { SqliteDatabase } from '../../ledger/sqlite-open.js'
import { openLedgerDatabase } from '../../ledger/sqlite-open.js'

export interface RawWriter {
  readonly db: SqliteDatabase
  /** Writes the payments of `envelopes` in one transaction (one fsync). */
  commit(envelopes: readonly Envelope[]): void
  close(): void
}

const limits = defaultLimits

export function openRawWriter(path: string): RawWriter {
  const db = openLedgerDatabase(path)
  // The connection settings of SqliteLedger, so that only the writing differs.
  db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`)
  // A bare script would look these up once too: account ids never change.
  const payers = new Map<string, { language: string; accountIds: Record<string, number> }>()
  for (const row of db.prepare('SELECT msisdn, language FROM subscribers').iterate() as Iterable<{
    msisdn: string
    language: string
  }>) {
    payers.set(row.msisdn, { language: row.language, accountIds: {} })
  }
  // The recent-payments list of each account, as the script keeps it between payments.
  const recent = new Map<number, string>()
  for (const row of db
    .prepare('SELECT id, kind, owner, recent_payments FROM accounts')
    .iterate() as Iterable<{ id: bigint; kind: string; owner: string; recent_payments: string }>) {
    const payer = payers.get(row.owner)
    if (payer !== undefined) payer.accountIds[row.kind] = Number(row.id)
    recent.set(Number(row.id), row.recent_payments)
  }
  const merchants = new Map<string, { name: string; accountId: number }>()
  for (const row of db
    .prepare('SELECT code, name, account_id FROM merchants')
    .iterate() as Iterable<{ code: string; name: string; account_id: bigint }>) {
    merchants.set(row.code, { name: row.name, accountId: Number(row.account_id) })
  }
  const partyIds = new Map<string, number>()
  for (const row of db
    .prepare("SELECT id, kind FROM accounts WHERE owner = 'platform'")
    .iterate() as Iterable<{ id: bigint; kind: string }>) {
    partyIds.set(row.kind, Number(row.id))
  }
  const max = (sql: string): number =>
    Number((db.prepare(sql).get() as { m: bigint | null }).m ?? 0n)
  const counters = {
    seq: max('SELECT MAX(seq) AS m FROM payments'),
    transferId: max('SELECT MAX(id) AS m FROM transfers'),
  }
  const sql = prepareRawStatements(db)

  const payOne = (env: Envelope): void => {
    const command = env.command
    if (command.kind !== 'pay_merchant')
      throw new Error(`raw baseline pays merchants only, not ${command.kind}`)
    if (sql.logged.get(env.key) !== undefined) return
    const payer = payers.get(command.msisdn)
    const merchant = merchants.get(command.merchantCode)
    const payerAccountId = payer?.accountIds[command.funding]
    if (payer === undefined || merchant === undefined || payerAccountId === undefined)
      throw new Error(`raw baseline: unknown party in ${env.key}`)
    const amount = command.amountMinor
    if (amount <= 0n || amount > paymentMaxMinorOf(command.funding))
      throw new Error(`raw baseline: amount of ${env.key} out of bounds`)
    const day = dayOf(env.nowMs, limits)
    if (sql.locked.get(command.msisdn, env.nowMs) !== undefined)
      throw new Error(`raw baseline: ${command.msisdn} is locked`)
    const spent = (sql.outgoingToday.get(day, command.msisdn) as { s: bigint }).s
    if (spent + amount > limits.dailyOutgoingMaxMinor)
      throw new Error(`raw baseline: ${command.msisdn} over the daily limit`)
    counters.seq += 1
    counters.transferId += 1
    const paymentId = paymentIdOfSeq(counters.seq)
    const reference = transferRef(counters.transferId)
    const before = recent.get(payerAccountId) ?? ''
    const list = [paymentId, ...(before === '' ? [] : before.split(','))]
      .slice(0, limits.statementRowsMax)
      .join(',')
    recent.set(payerAccountId, list)
    if (sql.debit.run(amount, day, day, amount, list, payerAccountId, amount).changes !== 1)
      throw new Error(`raw baseline: ${command.msisdn} lacks funds`)
    const split = splitMerchantFee(command.funding, amount, limits.merchantFeeBasisPoints)
    const legs: [number, bigint][] = [
      [payerAccountId, -amount],
      [merchant.accountId, amount - split.feeMinor],
    ]
    for (const share of split.shares) {
      const partyId = partyIds.get(share.party)
      if (partyId === undefined) throw new Error(`raw baseline: no ${share.party} account`)
      legs.push([partyId, share.amountMinor])
    }
    sql.transfer.run(counters.transferId, paymentId, env.nowMs)
    legs.forEach(([accountId, amountMinor], leg) => {
      if (leg > 0) sql.credit.run(amountMinor, accountId)
      sql.entry.run(counters.transferId, leg, accountId, amountMinor)
    })
    const trail = trailText(env)
    const payment = paymentValues(
      paymentId,
      env,
      command.funding,
      amount,
      split.feeMinor,
      reference,
      trail,
    )
    sql.payment.run(counters.seq, ...payment)
    const result = resultText(payment, payer.language, merchant.name, reference)
    sql.log.run(env.key, env.commandHash, result, env.nowMs, counters.seq)
  }

  const commit = db.transaction((envelopes: readonly Envelope[]) => {
    for (const env of envelopes) payOne(env)
  })
  return {
    db,
    commit: (envelopes) => commit.immediate(envelopes),
    close: () => db.close(),
  }
}

function paymentMaxMinorOf(funding: FundingKind): bigint {
  if (funding === 'phone_bill') return limits.phoneBillPaymentMaxMinor
  return funding === 'wallet' ? limits.walletPaymentMaxMinor : limits.bankPaymentMaxMinor
}

function prepareRawStatements(db: SqliteDatabase) {
  return {
    logged: db.prepare('SELECT 1 FROM command_log WHERE key = ?'),
    locked: db.prepare('SELECT 1 FROM subscribers WHERE msisdn = ? AND locked_until_ms > ?'),
    outgoingToday: db.prepare(
      'SELECT COALESCE(SUM(outgoing_minor), 0) AS s FROM accounts ' +
        'WHERE outgoing_day = ? AND owner = ?',
    ),
    debit: db.prepare(`
      UPDATE accounts SET balance_minor = balance_minor - ?, outgoing_day = ?,
        outgoing_minor = (CASE WHEN outgoing_day = ? THEN outgoing_minor ELSE 0 END) + ?,
        recent_payments = ?
      WHERE id = ? AND (floor_minor IS NULL OR balance_minor - reserved_minor - ? >= floor_minor)`),
    credit: db.prepare('UPDATE accounts SET balance_minor = balance_minor + ? WHERE id = ?'),
    transfer: db.prepare(
      "INSERT INTO transfers (id, kind, payment_id, created_ms) VALUES (?, 'payment', ?, ?)",
    ),
    entry: db.prepare(
      'INSERT INTO entries (transfer_id, leg, account_id, amount_minor) VALUES (?, ?, ?, ?)',
    ),
    payment: db.prepare(`
      INSERT INTO payments (seq, id, state, kind, initiator, channel, payer_msisdn, funding,
        merchant_code, payee_msisdn, order_no, customer_ref, amount_minor, fee_minor,
        refunded_minor, merchant_reference, description, callback_url, reason, transfer_ref,
        created_ms, updated_ms, expires_ms, trail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    log: db.prepare(
      'INSERT INTO command_log (key, command_hash, result, created_ms, payment_seq) ' +
        'VALUES (?, ?, ?, ?, ?)',
    ),
  }
}

type PaymentValues = [
  id: string,
  state: string,
  kind: string,
  initiator: string,
  channel: string,
  payer: string,
  funding: FundingKind,
  merchantCode: string,
  payee: null,
  orderNo: null,
  customerRef: null,
  amount: bigint,
  fee: bigint,
  refunded: bigint,
  merchantReference: null,
  description: null,
  callbackUrl: null,
  reason: null,
  transferRef: string,
  createdMs: number,
  updatedMs: number,
  expiresMs: number,
  trail: string,
]

function paymentValues(
  id: string,
  env: Envelope,
  funding: FundingKind,
  amount: bigint,
  fee: bigint,
  reference: string,
  trail: string,
): PaymentValues {
  const command = env.command as Extract<Envelope['command'], { kind: 'pay_merchant' }>
  return [
    id,
    'completed',
    'merchant',
    'payer',
    env.channel,
    command.msisdn,
    funding,
    command.merchantCode,
    null,
    null,
    null,
    amount,
    fee,
    0n,
    null,
    null,
    null,
    null,
    reference,
    env.nowMs,
    env.nowMs,
    env.nowMs,
    trail,
  ]
}

/**
 * The nine-step trail of a payment that came with its authorization, all at the payment's time,
 * as src/ledger/trail-codec.ts stores it: every step as usual, so codes only, but for the
 * operator answering step 4 of a phone-bill payment (its usual actor is the platform's).
 */
function trailText(env: Envelope): string {
  const command = env.command as Extract<Envelope['command'], { kind: 'pay_merchant' }>
  return command.funding === 'phone_bill' ? '1|2|5s|6|3s|4s|7|8' : '1|2|5s|6|3|4|7|8'
}

/**
 * The stored answer in the log's format since migration 7 (src/ledger/stored-result.ts): the
 * result as an array, its payment as the fields the row may still change (the log row names the
 * payment row).
 */
function resultText(
  payment: PaymentValues,
  language: string,
  payee: string,
  reference: string,
): string {
  const [
    ,
    state,
    ,
    ,
    ,
    ,
    funding,
    ,
    ,
    ,
    ,
    amount,
    fee,
    refunded,
    ,
    ,
    ,
    reason,
    ,
    ,
    updatedMs,
    expiresMs,
  ] = payment
  const trailSteps = 8
  return JSON.stringify([
    true,
    null,
    'payment.completed',
    { amount: formatAmount(amount), payee, account: funding, ref: reference },
    language,
    reference,
    [
      state,
      fee.toString(),
      refunded.toString(),
      reason,
      reference,
      updatedMs,
      expiresMs,
      trailSteps,
    ],
    null,
    null,
  ])
}
