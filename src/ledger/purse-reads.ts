/**
 * purse-reads.ts - what clearing and the operator read of the RFID-SIM purses (schema version
 * 17): the runs of serials cleared in a range (for the gaps an upload leaves), a day's clearing by
 * merchant and terminal, the reconciliation of the float with the purses, a card's purse and its
 * cleared purchases, and the blacklist. Each read walks an index over its range only. Exports
 * terminalClearedRuns, cardClearedRuns, CardSerialWindow, terminalLastClearedBelow,
 * cardsLastClearedBelow, CardSerialFloor, clearingReport, purseReconciliation,
 * purseOfCard, clearedOfCard, blacklistedCards, ClearingReportRow, PurseReconciliation,
 * ClearedPurchase.
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
 * The runs of consecutive serials a terminal had cleared in [fromSerial, toSerial], ascending, as
 * [first, last]. Runs, not serials: an upload's range may hold 100,000 of them, and SQLite
 * groups them (a serial less its rank is constant along a run; the dense rank, so that a serial
 * seen twice, as a card's may be, does not join two runs across a gap) in a fraction of the time
 * JavaScript took to receive them one row each.
 */
export function terminalClearedRuns(
  db: SqliteDatabase,
  terminalId: string,
  fromSerial: number,
  toSerial: number,
): (readonly [number, number])[] {
  const rows = db
    .prepare(`
      SELECT MIN(serial) AS first, MAX(serial) AS last FROM (
        SELECT terminal_serial AS serial,
          terminal_serial - DENSE_RANK() OVER (ORDER BY terminal_serial) AS run
        FROM cleared_purchases WHERE terminal_id = ? AND terminal_serial BETWEEN ? AND ?)
      GROUP BY run ORDER BY first`)
    .all(terminalId, fromSerial, toSerial) as { first: bigint; last: bigint }[]
  return rows.map((row) => [Number(row.first), Number(row.last)] as const)
}

/** A card and a window of its offline serials, both ends included. */
export interface CardSerialWindow {
  readonly cardNumber: string
  readonly fromSerial: number
  readonly toSerial: number
}

/**
 * The runs of offline serials cleared on each card in its window, ascending, in one query for
 * all the cards asked (a query a card took longer than an upload's TACs). A card with nothing
 * cleared in its window is absent.
 */
export function cardClearedRuns(
  db: SqliteDatabase,
  windows: readonly CardSerialWindow[],
): Map<string, (readonly [number, number])[]> {
  const runs = new Map<string, (readonly [number, number])[]>()
  if (windows.length === 0) return runs
  const rows = db
    .prepare(`
      WITH w (card, lo, hi) AS (
        SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?))
      SELECT card, MIN(serial) AS first, MAX(serial) AS last FROM (
        SELECT w.card AS card, c.card_serial AS serial,
          c.card_serial - DENSE_RANK() OVER (PARTITION BY w.card ORDER BY c.card_serial) AS run
        FROM w JOIN cleared_purchases c
          ON c.card_number = w.card AND c.card_serial BETWEEN w.lo AND w.hi)
      GROUP BY card, run ORDER BY card, first`)
    .iterate(
      JSON.stringify(windows.map((w) => [w.cardNumber, w.fromSerial, w.toSerial])),
    ) as Iterable<{ card: string; first: bigint; last: bigint }>
  for (const row of rows) {
    const list = runs.get(row.card) ?? []
    list.push([Number(row.first), Number(row.last)])
    runs.set(row.card, list)
  }
  return runs
}

/** The highest serial a terminal had cleared in [floorSerial, belowSerial); null if none. */
export function terminalLastClearedBelow(
  db: SqliteDatabase,
  terminalId: string,
  belowSerial: number,
  floorSerial: number,
): number | null {
  const row = db
    .prepare(
      'SELECT MAX(terminal_serial) AS serial FROM cleared_purchases ' +
        'WHERE terminal_id = ? AND terminal_serial >= ? AND terminal_serial < ?',
    )
    .get(terminalId, floorSerial, belowSerial) as { serial: bigint | null }
  return row.serial === null ? null : Number(row.serial)
}

/** A card, and where below an upload's lowest serial its last cleared one is looked for. */
export interface CardSerialFloor {
  readonly cardNumber: string
  readonly belowSerial: number
  readonly floorSerial: number
}

/**
 * Each card's highest offline serial cleared in [floorSerial, belowSerial), one index seek a
 * card, all in one query; a card with none is absent.
 */
export function cardsLastClearedBelow(
  db: SqliteDatabase,
  floors: readonly CardSerialFloor[],
): Map<string, number> {
  const last = new Map<string, number>()
  if (floors.length === 0) return last
  const rows = db
    .prepare(`
      WITH w (card, below, floor) AS (
        SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?))
      SELECT card, (SELECT MAX(c.card_serial) FROM cleared_purchases c
        WHERE c.card_number = w.card AND c.card_serial >= w.floor AND c.card_serial < w.below)
        AS serial FROM w`)
    .iterate(
      JSON.stringify(floors.map((f) => [f.cardNumber, f.belowSerial, f.floorSerial])),
    ) as Iterable<{ card: string; serial: bigint | null }>
  for (const row of rows) if (row.serial !== null) last.set(row.card, Number(row.serial))
  return last
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
