/**
 * check-json.ts - the ledger check as the admin API and `telepay ledger check --json` show it:
 * amounts as strings with two decimals ("25.00").
 */

import { formatAmount } from '../core/index.js'
import type { Json } from '../gateway/http/json.js'
import type { LedgerCheck } from '../ledger/store.js'

export function checkJson(check: LedgerCheck): Json {
  return {
    balanced: check.balanced,
    mode: check.mode,
    checkedThroughTransfer: check.throughTransferId,
    transfersRead: check.readTransfers,
    transfers: check.transfers,
    entries: check.entries,
    accounts: check.accounts,
    total: formatAmount(check.totalMinor),
    orphanTransfers: check.orphanTransfers,
    unbalancedTransfers: check.unbalancedTransfers.map((row) => ({
      transferId: row.transferId,
      sum: formatAmount(row.sumMinor),
    })),
    driftedAccounts: check.driftedAccounts.map((row) => ({
      accountId: row.accountId,
      balance: formatAmount(row.balanceMinor),
      entries: formatAmount(row.entriesMinor),
    })),
    reservationMismatches: check.reservationMismatches.map((row) => ({
      accountId: row.accountId,
      reserved: formatAmount(row.reservedMinor),
      authorized: formatAmount(row.authorizedMinor),
    })),
  }
}
