/**
 * day-totals.ts - the settlement's running totals: for each local day, each merchant and fee
 * party account and each kind of transfer, the money its legs moved and, for a merchant's
 * payments, their count, gross and fees. The ledger writer adds every transfer's legs as it
 * writes them and upserts one row per day, account and kind per batch, so a day's settlement
 * reads a row per merchant instead of the day's transfers and their legs (measured beside a
 * full ledger check: 1.35 s for a day of 142,858 payments by the scan; docs/benchmarks.md).
 *
 * The totals hold from the moment they started (`settlement_rollup.since_ms`: when the table
 * was made, or when the day boundary last changed) and for days cut at their boundary
 * (`day_offset_ms`); a day before it, or cut at another boundary, is settled by the scan
 * (settlement.ts). Exports DayTotals, dayStartOf, startDayTotals, rollupValidFor and msPerDay.
 */
import type { Account, Transfer } from '../core/index.js'
import type { SqliteDatabase } from './sqlite-open.js'

export const msPerDay = 86_400_000

/** The start (UTC ms) of the local day that holds `createdMs`. */
export function dayStartOf(createdMs: number, dayOffsetMs: number): number {
  return Math.floor((createdMs + dayOffsetMs) / msPerDay) * msPerDay - dayOffsetMs
}

interface Totals {
  payments: number
  grossMinor: bigint
  feesMinor: bigint
  movedMinor: bigint
}

/** Accounts whose day a settlement reports: merchants and the fee parties. */
const settledKinds: ReadonlySet<Account['kind']> = new Set([
  'merchant',
  'operator_fees',
  'bank_fees',
  'platform_fees',
])

export class DayTotals {
  /** This batch's totals, by `dayStartMs|accountId|transferKind`; written by flush. */
  private readonly pending = new Map<string, Totals>()

  constructor(private readonly dayOffsetMs: number) {}

  /** Adds a transfer being written; `accounts` are its legs' accounts, leg by leg. */
  record(transfer: Transfer, accounts: readonly Account[]): void {
    let merchantLeg: { accountId: number; amountMinor: bigint } | null = null
    let partyMinor = 0n
    const dayStartMs = dayStartOf(transfer.createdMs, this.dayOffsetMs)
    for (const [index, leg] of transfer.legs.entries()) {
      const kind = accounts[index]?.kind
      if (kind === undefined || !settledKinds.has(kind)) continue
      if (kind === 'merchant') merchantLeg = leg
      else partyMinor += leg.amountMinor
      this.totalsOf(dayStartMs, leg.accountId, transfer.kind).movedMinor += leg.amountMinor
    }
    // A merchant's payment: the merchant's leg and the fee legs make up what the payer paid. A
    // cleared purchase at a terminal is a payment to its merchant too (from the e-purse float).
    if ((transfer.kind === 'payment' || transfer.kind === 'clearing') && merchantLeg !== null) {
      const totals = this.totalsOf(dayStartMs, merchantLeg.accountId, transfer.kind)
      totals.payments += 1
      totals.grossMinor += merchantLeg.amountMinor + partyMinor
      totals.feesMinor += partyMinor
    }
  }

  /** Writes the batch's totals (inside its transaction) and starts the next batch's. */
  flush(upsert: { run(...params: unknown[]): unknown }): void {
    for (const [key, totals] of this.pending) {
      const [dayStartMs, accountId, kind] = key.split('|')
      upsert.run(
        Number(dayStartMs),
        Number(accountId),
        kind,
        totals.payments,
        totals.grossMinor,
        totals.feesMinor,
        totals.movedMinor,
      )
    }
    this.pending.clear()
  }

  /** Forgets the batch's totals (its transaction rolled back). */
  clear(): void {
    this.pending.clear()
  }

  private totalsOf(dayStartMs: number, accountId: number, kind: string): Totals {
    const key = `${dayStartMs}|${accountId}|${kind}`
    let totals = this.pending.get(key)
    if (totals === undefined) {
      totals = { payments: 0, grossMinor: 0n, feesMinor: 0n, movedMinor: 0n }
      this.pending.set(key, totals)
    }
    return totals
  }
}

/**
 * Makes the totals hold for `dayOffsetMs`: when the stored boundary is another (the operator
 * changed limits.dayOffsetMs), the totals are dropped and start again from now; days before are
 * settled by the scan.
 */
export function startDayTotals(db: SqliteDatabase, dayOffsetMs: number): void {
  const row = db.prepare('SELECT day_offset_ms FROM settlement_rollup WHERE id = 1').get() as
    | { day_offset_ms: bigint }
    | undefined
  if (row !== undefined && Number(row.day_offset_ms) === dayOffsetMs) return
  const latest = db.prepare('SELECT MAX(created_ms) AS m FROM transfers').get() as {
    m: bigint | null
  }
  // From the day after the last transfer written, so that no day is half in the totals.
  const sinceMs = latest.m === null ? 0 : dayStartOf(Number(latest.m), dayOffsetMs) + msPerDay
  db.transaction(() => {
    db.prepare('DELETE FROM day_totals').run()
    db.prepare(
      'INSERT OR REPLACE INTO settlement_rollup (id, day_offset_ms, since_ms) VALUES (1, ?, ?)',
    ).run(dayOffsetMs, sinceMs)
  }).immediate()
}

/** Whether the day [startMs, startMs + one day) is settled from the totals. */
export function rollupValidFor(db: SqliteDatabase, startMs: number, endMs: number): boolean {
  const row = db
    .prepare('SELECT day_offset_ms, since_ms FROM settlement_rollup WHERE id = 1')
    .get() as { day_offset_ms: bigint; since_ms: bigint } | undefined
  if (row === undefined || endMs - startMs !== msPerDay) return false
  return (
    startMs >= Number(row.since_ms) && dayStartOf(startMs, Number(row.day_offset_ms)) === startMs
  )
}
