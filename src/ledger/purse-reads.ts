/**
 * purse-reads.ts - what clearing and the operator read of the RFID-SIM purses (schema version
 * 17): the serials cleared in a range (for the gaps an upload leaves), a day's clearing by
 * merchant and terminal, the reconciliation of the float with the purses, a card's purse and its
 * cleared purchases, and the blacklist. Each read walks an index over its range only. Exports
 * clearedSerials, clearingReport, purseReconciliation, purseOfCard, clearedOfCard,
 * blacklistedCards, ClearingReportRow, PurseReconciliation, ClearedPurchase.
 */
import type { Purse } from '../core/index.js'
import type { SqliteDatabase } from './sqlite-open.js'

export interface ClearingReportRow {
  readonly merchantCode: string
  readonly terminalId: string
  readonly purchases: number
  readonly amountMinor: bigint
  readonly feeMinor: bigint
  readonly lowestSerial: number
  readonly highestSerial: number
}

export interface PurseReconciliation {
  /** The float account's balance: what the ledger says the cards hold. */
  readonly floatMinor: bigint
  /** The cards' balances as the platform knows them (loads confirmed, less purchases cleared). */
  readonly knownMinor: bigint
  /** Loads paid into the float and not yet confirmed by their cards. */
  readonly loadingMinor: bigint
  readonly cards: number
}

export interface ClearedPurchase {
  readonly terminalId: string
  readonly terminalSerial: number
  readonly merchantCode: string
  readonly cardSerial: number
  readonly type: number
  readonly amountMinor: bigint
  readonly balanceAfterMinor: bigint
  readonly feeMinor: bigint
  readonly atMs: number
  readonly tac: string
  readonly clearedMs: number
}

/**
 * The serials cleared in [fromSerial, toSerial], ascending: a terminal's own serials, or a card's
 * offline serials (each walks its own unique index).
 */
export function clearedSerials(
  db: SqliteDatabase,
  of: { readonly terminalId: string } | { readonly cardNumber: string },
  fromSerial: number,
  toSerial: number,
): number[] {
  const [column, key, serial] =
    'terminalId' in of
      ? ['terminal_id', of.terminalId, 'terminal_serial']
      : ['card_number', of.cardNumber, 'card_serial']
  const rows = db
    .prepare(
      `SELECT ${serial} AS serial FROM cleared_purchases WHERE ${column} = ? ` +
        `AND ${serial} BETWEEN ? AND ? ORDER BY ${serial}`,
    )
    .all(key, fromSerial, toSerial) as { serial: bigint }[]
  return rows.map((row) => Number(row.serial))
}

/** The purchases cleared in [fromMs, toMs), by merchant and terminal. */
export function clearingReport(
  db: SqliteDatabase,
  fromMs: number,
  toMs: number,
): ClearingReportRow[] {
  const rows = db
    .prepare(`
      SELECT merchant_code, terminal_id, COUNT(*) AS purchases, SUM(amount_minor) AS amount,
        SUM(fee_minor) AS fee, MIN(terminal_serial) AS lowest, MAX(terminal_serial) AS highest
      FROM cleared_purchases INDEXED BY cleared_purchases_by_day
      WHERE cleared_ms >= ? AND cleared_ms < ?
      GROUP BY merchant_code, terminal_id ORDER BY merchant_code, terminal_id`)
    .all(fromMs, toMs) as {
    merchant_code: string
    terminal_id: string
    purchases: bigint
    amount: bigint
    fee: bigint
    lowest: bigint
    highest: bigint
  }[]
  return rows.map((row) => ({
    merchantCode: row.merchant_code,
    terminalId: row.terminal_id,
    purchases: Number(row.purchases),
    amountMinor: row.amount,
    feeMinor: row.fee,
    lowestSerial: Number(row.lowest),
    highestSerial: Number(row.highest),
  }))
}

export function purseReconciliation(db: SqliteDatabase): PurseReconciliation {
  const float = db
    .prepare("SELECT balance_minor FROM accounts WHERE kind = 'card_float' AND owner = 'platform'")
    .get() as { balance_minor: bigint } | undefined
  const sums = db
    .prepare(
      'SELECT COALESCE(SUM(balance_minor), 0) AS known, ' +
        'COALESCE(SUM(loading_minor), 0) AS loading, COUNT(*) AS cards FROM purses',
    )
    .get() as { known: bigint; loading: bigint; cards: bigint }
  return {
    floatMinor: float?.balance_minor ?? 0n,
    knownMinor: sums.known,
    loadingMinor: sums.loading,
    cards: Number(sums.cards),
  }
}

export function purseOfCard(db: SqliteDatabase, cardNumber: string): Purse | null {
  const row = db.prepare('SELECT * FROM purses WHERE card_number = ?').get(cardNumber) as
    | {
        card_number: string
        msisdn: string
        balance_minor: bigint
        loading_minor: bigint
        blacklisted: bigint
      }
    | undefined
  if (row === undefined) return null
  return {
    cardNumber: row.card_number,
    msisdn: row.msisdn,
    balanceMinor: row.balance_minor,
    loadingMinor: row.loading_minor,
    blacklisted: row.blacklisted !== 0n,
  }
}

/** A card's latest cleared purchases, newest serial first. */
export function clearedOfCard(
  db: SqliteDatabase,
  cardNumber: string,
  limit: number,
): ClearedPurchase[] {
  const rows = db
    .prepare(
      'SELECT * FROM cleared_purchases WHERE card_number = ? ORDER BY card_serial DESC LIMIT ?',
    )
    .all(cardNumber, limit) as Record<string, bigint | string>[]
  return rows.map((row) => ({
    terminalId: String(row['terminal_id']),
    terminalSerial: Number(row['terminal_serial']),
    merchantCode: String(row['merchant_code']),
    cardSerial: Number(row['card_serial']),
    type: Number(row['type']),
    amountMinor: BigInt(row['amount_minor'] ?? 0n),
    balanceAfterMinor: BigInt(row['balance_after_minor'] ?? 0n),
    feeMinor: BigInt(row['fee_minor'] ?? 0n),
    atMs: Number(row['at_ms']),
    tac: String(row['tac']),
    clearedMs: Number(row['cleared_ms']),
  }))
}

export function blacklistedCards(db: SqliteDatabase): string[] {
  const rows = db
    .prepare('SELECT card_number FROM purses WHERE blacklisted = 1 ORDER BY card_number')
    .all() as { card_number: string }[]
  return rows.map((row) => row.card_number)
}
