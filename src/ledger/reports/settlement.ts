/**
 * settlement.ts - the settlement of a day, per merchant and per fee party, and who took one
 * merchant's fees, read from that day's transfers only (the transfers_time index, schema version
 * 9): its cost is the day's traffic, whatever the history holds; or, for a day the running day
 * totals cover (day-totals.ts), from those: a row per merchant and party. A payment counts on the
 * day its transfer was written; a refund on the day of its own transfer (a refund returns no fee).
 */
import { rollupValidFor } from '../day-totals.js'
import type { SqliteDatabase } from '../sqlite-open.js'
import type { MerchantSettlement, PartyFees, PartySettlement } from '../store.js'

const feeParties = ['operator_fees', 'bank_fees', 'platform_fees'] as const

/** The day's payments to merchants: count, gross and fees, by merchant (all, or one). */
const paymentsSql = `
  SELECT p.merchant_code AS code, COUNT(*) AS n, SUM(p.amount_minor) AS gross,
    SUM(p.fee_minor) AS fees
  FROM transfers t JOIN payments p ON p.id = t.payment_id
  WHERE t.created_ms >= @startMs AND t.created_ms < @endMs AND t.kind = 'payment'
    AND p.merchant_code IS NOT NULL AND (@code IS NULL OR p.merchant_code = @code)
  GROUP BY p.merchant_code`

/**
 * The day's cleared e-purse purchases, by merchant: each posted as its own transfer at the time it
 * was cleared (a zero fare, a subway's entry tap, moves nothing and is no payment).
 */
const clearingSql = `
  SELECT merchant_code AS code, COUNT(*) AS n, SUM(amount_minor) AS gross, SUM(fee_minor) AS fees
  FROM cleared_purchases INDEXED BY cleared_purchases_by_day
  WHERE cleared_ms >= @startMs AND cleared_ms < @endMs AND amount_minor > 0
    AND (@code IS NULL OR merchant_code = @code)
  GROUP BY merchant_code`

type Paid = Map<string, { n: bigint; gross: bigint; fees: bigint }>

function addPaid(paid: Paid, code: string, add: { n: bigint; gross: bigint; fees: bigint }): void {
  const seen = paid.get(code)
  paid.set(
    code,
    seen === undefined
      ? add
      : { n: seen.n + add.n, gross: seen.gross + add.gross, fees: seen.fees + add.fees },
  )
}

/**
 * The day's movements on the accounts a settlement reports (merchants, fee parties), by account
 * and kind of transfer. The account filter is a set built once from the platform's accounts and
 * the merchants' (never from all accounts), so the payers' legs are skipped without being grouped.
 */
const movementsSql = `
  SELECT e.account_id AS accountId, t.kind AS kind, SUM(e.amount_minor) AS s
  FROM transfers t JOIN entries e ON e.transfer_id = t.id
  WHERE t.created_ms >= @startMs AND t.created_ms < @endMs
    AND e.account_id IN (
      SELECT id FROM accounts WHERE owner = 'platform' UNION SELECT account_id FROM merchants)
  GROUP BY e.account_id, t.kind`

/**
 * The fee legs of one merchant's payments of the day, by party: the day's transfers, each one's
 * payment by id and its legs by transfer, so the cost is the day's traffic as above; and those of
 * the purchases cleared for it that day (their transfers carry no payment).
 */
const merchantPartiesSql = `
  SELECT party, SUM(s) AS s FROM (
    SELECT a.kind AS party, e.amount_minor AS s
    FROM transfers t JOIN payments p ON p.id = t.payment_id
      JOIN entries e ON e.transfer_id = t.id JOIN accounts a ON a.id = e.account_id
    WHERE t.created_ms >= @startMs AND t.created_ms < @endMs AND t.kind = 'payment'
      AND p.merchant_code = @code AND a.owner = 'platform'
    UNION ALL
    SELECT a.kind AS party, e.amount_minor AS s
    FROM cleared_purchases c INDEXED BY cleared_purchases_by_day
      JOIN entries e ON e.transfer_id = c.transfer_id JOIN accounts a ON a.id = e.account_id
    WHERE c.cleared_ms >= @startMs AND c.cleared_ms < @endMs AND c.merchant_code = @code
      AND a.owner = 'platform' AND a.kind != 'card_float')
  GROUP BY party`

/** A day's running totals, by its start: one row per merchant and party account and kind. */
const dayTotalsSql = `
  SELECT account_id, kind, payments, gross_minor, fees_minor, moved_minor
  FROM day_totals WHERE day_start_ms = ?`

/** The statements a settlement runs, by name: what the query-plan test reads. */
export const settlementQueries = {
  payments: paymentsSql,
  clearing: clearingSql,
  movements: movementsSql,
  merchantParties: merchantPartiesSql,
  dayTotals: dayTotalsSql,
} as const

interface DayTotals {
  readonly paid: Map<string, { n: bigint; gross: bigint; fees: bigint }>
  /** Refunds paid out of each merchant's account, by merchant code (positive). */
  readonly refunds: Map<string, bigint>
  readonly fees: Map<string, bigint>
}

/** The accounts a settlement reports: each merchant's by its code, the platform's by kind. */
function settledAccounts(db: SqliteDatabase): {
  merchantOf: Map<bigint, string>
  partyOf: Map<bigint, string>
} {
  const merchantOf = new Map<bigint, string>()
  for (const row of db.prepare('SELECT code, account_id FROM merchants').iterate() as Iterable<{
    code: string
    account_id: bigint
  }>)
    merchantOf.set(row.account_id, row.code)
  const partyOf = new Map<bigint, string>()
  for (const row of db
    .prepare("SELECT id, kind FROM accounts WHERE owner = 'platform'")
    .iterate() as Iterable<{ id: bigint; kind: string }>)
    partyOf.set(row.id, row.kind)
  return { merchantOf, partyOf }
}

function dayTotals(
  db: SqliteDatabase,
  startMs: number,
  endMs: number,
  code: string | null,
): DayTotals {
  if (rollupValidFor(db, startMs, endMs)) return rolledUpTotals(db, startMs, code)
  const params = { startMs, endMs, code }
  const paid = new Map<string, { n: bigint; gross: bigint; fees: bigint }>()
  for (const row of db.prepare(paymentsSql).iterate(params) as Iterable<{
    code: string
    n: bigint
    gross: bigint
    fees: bigint
  }>) {
    paid.set(row.code, { n: row.n, gross: row.gross, fees: row.fees })
  }
  for (const row of db.prepare(clearingSql).iterate(params) as Iterable<{
    code: string
    n: bigint
    gross: bigint
    fees: bigint
  }>) {
    addPaid(paid, row.code, { n: row.n, gross: row.gross, fees: row.fees })
  }
  const { merchantOf, partyOf } = settledAccounts(db)
  const refunds = new Map<string, bigint>()
  const fees = new Map<string, bigint>()
  for (const row of db.prepare(movementsSql).iterate(params) as Iterable<{
    accountId: bigint
    kind: string
    s: bigint
  }>) {
    const party = partyOf.get(row.accountId)
    if (party !== undefined) {
      fees.set(party, (fees.get(party) ?? 0n) + row.s)
      continue
    }
    const merchant = merchantOf.get(row.accountId)
    if (merchant === undefined || row.kind !== 'refund') continue
    if (code !== null && merchant !== code) continue
    refunds.set(merchant, (refunds.get(merchant) ?? 0n) - row.s)
  }
  return { paid, refunds, fees }
}

/** The day's totals from the running totals the ledger writer keeps (day-totals.ts). */
function rolledUpTotals(db: SqliteDatabase, startMs: number, code: string | null): DayTotals {
  const { merchantOf, partyOf } = settledAccounts(db)
  const paid = new Map<string, { n: bigint; gross: bigint; fees: bigint }>()
  const refunds = new Map<string, bigint>()
  const fees = new Map<string, bigint>()
  for (const row of db.prepare(dayTotalsSql).iterate(startMs) as Iterable<{
    account_id: bigint
    kind: string
    payments: bigint
    gross_minor: bigint
    fees_minor: bigint
    moved_minor: bigint
  }>) {
    const party = partyOf.get(row.account_id)
    if (party !== undefined) {
      fees.set(party, (fees.get(party) ?? 0n) + row.moved_minor)
      continue
    }
    const merchant = merchantOf.get(row.account_id)
    if (merchant === undefined || (code !== null && merchant !== code)) continue
    if ((row.kind === 'payment' || row.kind === 'clearing') && row.payments > 0n)
      addPaid(paid, merchant, { n: row.payments, gross: row.gross_minor, fees: row.fees_minor })
    if (row.kind === 'refund') refunds.set(merchant, -row.moved_minor)
  }
  return { paid, refunds, fees }
}

function settlementOf(totals: DayTotals, code: string, day: string): MerchantSettlement {
  const paid = totals.paid.get(code) ?? { n: 0n, gross: 0n, fees: 0n }
  const refundsMinor = totals.refunds.get(code) ?? 0n
  return {
    merchantCode: code,
    day,
    payments: Number(paid.n),
    grossMinor: paid.gross,
    feesMinor: paid.fees,
    refundsMinor,
    netMinor: paid.gross - paid.fees - refundsMinor,
  }
}

export function merchantSettlement(
  db: SqliteDatabase,
  merchantCode: string,
  startMs: number,
  endMs: number,
  day: string,
): MerchantSettlement {
  return settlementOf(dayTotals(db, startMs, endMs, merchantCode), merchantCode, day)
}

export function partySettlement(
  db: SqliteDatabase,
  startMs: number,
  endMs: number,
  day: string,
): PartySettlement {
  const totals = dayTotals(db, startMs, endMs, null)
  const codes = [...new Set([...totals.paid.keys(), ...totals.refunds.keys()])].sort()
  return {
    day,
    parties: feeParties.map((party) => ({ party, feesMinor: totals.fees.get(party) ?? 0n })),
    merchants: codes
      .map((code) => settlementOf(totals, code, day))
      .filter((settlement) => settlement.payments > 0 || settlement.refundsMinor > 0n),
  }
}

export function merchantPartyFees(
  db: SqliteDatabase,
  merchantCode: string,
  startMs: number,
  endMs: number,
): PartyFees[] {
  const fees = new Map<string, bigint>()
  const params = { startMs, endMs, code: merchantCode }
  for (const row of db.prepare(merchantPartiesSql).iterate(params) as Iterable<{
    party: string
    s: bigint
  }>) {
    fees.set(row.party, row.s)
  }
  return feeParties.map((party) => ({ party, feesMinor: fees.get(party) ?? 0n }))
}
