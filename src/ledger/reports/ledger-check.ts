/**
 * ledger-check.ts - the ledger check: every transfer sums to zero and has entries, every balance
 * equals the sum of its account's entries, every card reservation equals the card payments
 * awaiting capture, and all balances sum to zero.
 *
 * Entries are append-only and transfers are numbered in the order they are written, so the
 * history needs checking once: the incremental check keeps, in a state database of its own
 * (check-state.ts), each account's entry sum through the last transfer it read and what it found
 * wrong, and reads only the transfers written since. Balances and reservations are the present,
 * not history: they are compared in full every time (their cost is the number of accounts). The
 * full check starts from nothing in private temporary tables and leaves the state alone.
 * Both read in one transaction: one consistent snapshot, while the gateway keeps writing (WAL).
 */
import type { SqliteDatabase } from '../sqlite-open.js'
import type { LedgerCheck } from '../store.js'
import { checkStateSchema, readMark, transferCreatedMs } from './check-state.js'

/** Rows of each kind of discrepancy reported in full; the counts stay exact. */
const discrepanciesShownMax = 20

/**
 * Transfers read per step: progress is reported after each, and one step's grouping (a few
 * hundred thousand entries) stays in memory.
 */
export const checkStepTransfersMax = 100_000

/**
 * Card reservations against the card payments awaiting capture. Those payments are read through
 * their partial index: grouped by payer, the planner would rather read every payment in the
 * payer index's order (3 s at 1,000,000 payments against a few ms).
 */
export const reservationsSql = `
  SELECT a.id, a.reserved_minor AS reserved,
    CASE WHEN a.kind = 'bank' THEN COALESCE(r.s, 0) ELSE 0 END AS authorized
  FROM main.accounts a LEFT JOIN (
    SELECT payer_msisdn, SUM(amount_minor) AS s FROM main.payments INDEXED BY payments_authorized
    WHERE state = 'authorized' GROUP BY payer_msisdn) r ON r.payer_msisdn = a.owner
  WHERE a.reserved_minor != (CASE WHEN a.kind = 'bank' THEN COALESCE(r.s, 0) ELSE 0 END)
  ORDER BY a.id LIMIT ?`

export type CheckMode = 'incremental' | 'full'

export interface CheckProgress {
  readonly doneTransfers: number
  readonly totalTransfers: number
}

export interface CheckOptions {
  readonly mode: CheckMode
  readonly progress?: (progress: CheckProgress) => void
  readonly stepTransfers?: number
}

/**
 * Runs the check on `db`, which has the check state attached as `chk` (attachCheckState) for the
 * incremental mode.
 */
export function checkLedger(db: SqliteDatabase, options: CheckOptions): LedgerCheck {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return db.transaction(() => checkInSnapshot(db, options)).deferred()
    } catch (error) {
      if (attempt >= checkTriesMax || !isBusy(error)) throw error
      // Nothing of the attempt stays (its transaction rolled back): wait a little, read again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, checkRetryWaitMs * attempt)
    }
  }
}

/**
 * Tries of a check that found its state written by another check meanwhile: the check reads
 * in a deferred transaction (an immediate one would hold the gateway's writer for the whole
 * check), so when another process's check commits the state between this one's first read and
 * its first write, SQLite refuses the write at once, busy timeout or not (SQLITE_BUSY_SNAPSHOT;
 * seen in CI: three `telepay ledger check` started together, one answered "database is
 * locked"). A handful of tries a few tens of milliseconds apart outlast any other check's write.
 */
const checkTriesMax = 5
const checkRetryWaitMs = 40

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

function checkInSnapshot(db: SqliteDatabase, options: CheckOptions): LedgerCheck {
  const schema = options.mode === 'full' ? 'temp' : 'chk'
  if (options.mode === 'full') {
    db.exec(
      'DROP TABLE IF EXISTS temp.sums; DROP TABLE IF EXISTS temp.mark; ' +
        'DROP TABLE IF EXISTS temp.unbalanced',
    )
  }
  db.exec(checkStateSchema(schema))
  const lastTransferId = Number(
    (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM main.transfers').get() as { m: bigint }).m,
  )
  const mark = readMark(db, schema, lastTransferId)
  const step = options.stepTransfers ?? checkStepTransfersMax
  const addSums = db.prepare(`
    INSERT INTO ${schema}.sums (account_id, entries_minor)
      SELECT account_id, SUM(amount_minor) FROM main.entries
      WHERE transfer_id > @low AND transfer_id <= @high GROUP BY account_id
    ON CONFLICT (account_id) DO UPDATE SET entries_minor = entries_minor + excluded.entries_minor`)
  const addUnbalanced = db.prepare(`
    INSERT INTO ${schema}.unbalanced (transfer_id, sum_minor)
      SELECT transfer_id, SUM(amount_minor) AS s FROM main.entries
      WHERE transfer_id > @low AND transfer_id <= @high GROUP BY transfer_id HAVING s != 0`)
  const rangeCounts = db.prepare(`
    SELECT (SELECT COUNT(*) FROM main.transfers WHERE id > @low AND id <= @high) AS t,
      (SELECT COUNT(*) FROM main.entries WHERE transfer_id > @low AND transfer_id <= @high) AS e,
      (SELECT COUNT(*) FROM main.transfers tr WHERE tr.id > @low AND tr.id <= @high
        AND NOT EXISTS (SELECT 1 FROM main.entries en WHERE en.transfer_id = tr.id)) AS o`)
  let { transfers, entries, orphans } = mark
  const firstTransferId = mark.throughTransferId
  for (let low = firstTransferId; low < lastTransferId; low += step) {
    const range = { low, high: Math.min(low + step, lastTransferId) }
    addSums.run(range)
    addUnbalanced.run(range)
    const counts = rangeCounts.get(range) as { t: bigint; e: bigint; o: bigint }
    transfers += Number(counts.t)
    entries += Number(counts.e)
    orphans += Number(counts.o)
    options.progress?.({
      doneTransfers: range.high - firstTransferId,
      totalTransfers: lastTransferId - firstTransferId,
    })
  }
  const createdMs = lastTransferId === 0 ? 0 : (transferCreatedMs(db, lastTransferId) ?? 0)
  db.prepare(`
    INSERT INTO ${schema}.mark (id, through_transfer_id, through_created_ms, transfers, entries,
      orphans) VALUES (1, @id, @createdMs, @transfers, @entries, @orphans)
    ON CONFLICT (id) DO UPDATE SET through_transfer_id = excluded.through_transfer_id,
      through_created_ms = excluded.through_created_ms, transfers = excluded.transfers,
      entries = excluded.entries, orphans = excluded.orphans`).run({
    id: lastTransferId,
    createdMs,
    transfers,
    entries,
    orphans,
  })
  return present(db, schema, {
    transfers,
    entries,
    orphans,
    mode: options.mode,
    throughTransferId: lastTransferId,
    readTransfers: lastTransferId - firstTransferId,
  })
}

/** Compares the accounts as they are now with the entry sums through the snapshot. */
function present(
  db: SqliteDatabase,
  schema: 'chk' | 'temp',
  history: {
    transfers: number
    entries: number
    orphans: number
    mode: CheckMode
    throughTransferId: number
    readTransfers: number
  },
): LedgerCheck {
  const unbalanced = db
    .prepare(`SELECT transfer_id, sum_minor FROM ${schema}.unbalanced ORDER BY transfer_id LIMIT ?`)
    .all(discrepanciesShownMax) as { transfer_id: bigint; sum_minor: bigint }[]
  const drifted = db
    .prepare(`
    SELECT a.id, a.balance_minor AS balance, COALESCE(s.entries_minor, 0) AS entries
    FROM main.accounts a LEFT JOIN ${schema}.sums s ON s.account_id = a.id
    WHERE a.balance_minor != COALESCE(s.entries_minor, 0) ORDER BY a.id LIMIT ?`)
    .all(discrepanciesShownMax) as { id: bigint; balance: bigint; entries: bigint }[]
  const mismatches = db.prepare(reservationsSql).all(discrepanciesShownMax) as {
    id: bigint
    reserved: bigint
    authorized: bigint
  }[]
  const accounts = db
    .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(balance_minor), 0) AS total FROM main.accounts')
    .get() as { n: bigint; total: bigint }
  const balanced =
    unbalanced.length === 0 &&
    history.orphans === 0 &&
    drifted.length === 0 &&
    mismatches.length === 0 &&
    accounts.total === 0n
  return {
    balanced,
    mode: history.mode,
    throughTransferId: history.throughTransferId,
    readTransfers: history.readTransfers,
    transfers: history.transfers,
    entries: history.entries,
    accounts: Number(accounts.n),
    totalMinor: accounts.total,
    orphanTransfers: history.orphans,
    unbalancedTransfers: unbalanced.map((row) => ({
      transferId: Number(row.transfer_id),
      sumMinor: row.sum_minor,
    })),
    driftedAccounts: drifted.map((row) => ({
      accountId: Number(row.id),
      balanceMinor: row.balance,
      entriesMinor: row.entries,
    })),
    reservationMismatches: mismatches.map((row) => ({
      accountId: Number(row.id),
      reservedMinor: row.reserved,
      authorizedMinor: row.authorized,
    })),
  }
}
