/**
 * sqlite-reports.ts - read-only reports over the ledger tables: the balance check (every transfer
 * sums to zero, every balance equals its entries, every reservation equals the card payments
 * awaiting capture) and the settlement of a day.
 */
import type { SqliteDatabase } from './sqlite-open.js'
import type { LedgerCheck, MerchantSettlement, PartySettlement } from './store.js'

/** Rows of each kind of discrepancy reported in full; the counts stay exact. */
const discrepanciesShownMax = 20

export function checkLedger(db: SqliteDatabase): LedgerCheck {
  return db
    .transaction(() => {
      const counts = db
        .prepare(
          'SELECT (SELECT COUNT(*) FROM transfers) AS t, (SELECT COUNT(*) FROM entries) ' +
            'AS e, (SELECT COUNT(*) FROM accounts) AS a',
        )
        .get() as { t: bigint; e: bigint; a: bigint }
      const unbalanced = db
        .prepare(
          'SELECT transfer_id, SUM(amount_minor) AS s FROM entries GROUP BY transfer_id ' +
            'HAVING s != 0 LIMIT ?',
        )
        .all(discrepanciesShownMax) as { transfer_id: bigint; s: bigint }[]
      const orphanTransfers = db
        .prepare(
          'SELECT COUNT(*) AS n FROM transfers t ' +
            'WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.transfer_id = t.id)',
        )
        .get() as { n: bigint }
      const sums = new Map<bigint, bigint>()
      for (const row of db
        .prepare('SELECT account_id, SUM(amount_minor) AS s FROM entries GROUP BY account_id')
        .iterate() as Iterable<{ account_id: bigint; s: bigint }>) {
        sums.set(row.account_id, row.s)
      }
      const reserved = new Map<string, bigint>()
      for (const row of db
        .prepare(
          'SELECT payer_msisdn, SUM(amount_minor) AS s FROM payments ' +
            "WHERE state = 'authorized' GROUP BY payer_msisdn",
        )
        .iterate() as Iterable<{ payer_msisdn: string; s: bigint }>) {
        reserved.set(row.payer_msisdn, row.s)
      }
      const drifted: LedgerCheck['driftedAccounts'][number][] = []
      const mismatches: LedgerCheck['reservationMismatches'][number][] = []
      let total = 0n
      for (const account of db
        .prepare('SELECT id, kind, owner, balance_minor, reserved_minor FROM accounts')
        .iterate() as Iterable<{
        id: bigint
        kind: string
        owner: string
        balance_minor: bigint
        reserved_minor: bigint
      }>) {
        const entriesMinor = sums.get(account.id) ?? 0n
        total += account.balance_minor
        if (entriesMinor !== account.balance_minor) {
          drifted.push({
            accountId: Number(account.id),
            balanceMinor: account.balance_minor,
            entriesMinor,
          })
        }
        const authorizedMinor = account.kind === 'bank' ? (reserved.get(account.owner) ?? 0n) : 0n
        if (authorizedMinor !== account.reserved_minor) {
          mismatches.push({
            accountId: Number(account.id),
            reservedMinor: account.reserved_minor,
            authorizedMinor,
          })
        }
      }
      const balanced =
        unbalanced.length === 0 &&
        orphanTransfers.n === 0n &&
        drifted.length === 0 &&
        mismatches.length === 0 &&
        total === 0n
      return {
        balanced,
        transfers: Number(counts.t),
        entries: Number(counts.e),
        accounts: Number(counts.a),
        totalMinor: total,
        unbalancedTransfers: unbalanced.map((row) => ({
          transferId: Number(row.transfer_id),
          sumMinor: row.s,
        })),
        driftedAccounts: drifted.slice(0, discrepanciesShownMax),
        reservationMismatches: mismatches.slice(0, discrepanciesShownMax),
      }
    })
    .deferred()
}

export function merchantSettlement(
  db: SqliteDatabase,
  merchantCode: string,
  startMs: number,
  endMs: number,
  day: string,
): MerchantSettlement {
  const paid = db
    .prepare(`
    SELECT COUNT(*) AS n, COALESCE(SUM(p.amount_minor), 0) AS gross,
      COALESCE(SUM(p.fee_minor), 0) AS fees
    FROM transfers t JOIN payments p ON p.id = t.payment_id
    WHERE t.kind = 'payment' AND p.merchant_code = ? AND t.created_ms >= ? AND t.created_ms < ?`)
    .get(merchantCode, startMs, endMs) as { n: bigint; gross: bigint; fees: bigint }
  const refunded = db
    .prepare(`
    SELECT COALESCE(SUM(-e.amount_minor), 0) AS refunds
    FROM transfers t JOIN entries e ON e.transfer_id = t.id
      JOIN merchants m ON m.account_id = e.account_id
    WHERE t.kind = 'refund' AND m.code = ? AND t.created_ms >= ? AND t.created_ms < ?`)
    .get(merchantCode, startMs, endMs) as { refunds: bigint }
  return {
    merchantCode,
    day,
    payments: Number(paid.n),
    grossMinor: paid.gross,
    feesMinor: paid.fees,
    refundsMinor: refunded.refunds,
    netMinor: paid.gross - paid.fees - refunded.refunds,
  }
}

export function partySettlement(
  db: SqliteDatabase,
  startMs: number,
  endMs: number,
  day: string,
): PartySettlement {
  const parties = (['operator_fees', 'bank_fees', 'platform_fees'] as const).map((party) => {
    const row = db
      .prepare(`
      SELECT COALESCE(SUM(e.amount_minor), 0) AS s
      FROM transfers t JOIN entries e ON e.transfer_id = t.id
      JOIN accounts a ON a.id = e.account_id
      WHERE a.owner = 'platform' AND a.kind = ? AND t.created_ms >= ? AND t.created_ms < ?`)
      .get(party, startMs, endMs) as { s: bigint }
    return { party, feesMinor: row.s }
  })
  const codes = db.prepare('SELECT code FROM merchants ORDER BY code').all() as { code: string }[]
  const merchants = codes
    .map((row) => merchantSettlement(db, row.code, startMs, endMs, day))
    .filter((settlement) => settlement.payments > 0 || settlement.refundsMinor > 0n)
  return { day, parties, merchants }
}
