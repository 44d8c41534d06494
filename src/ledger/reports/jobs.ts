/**
 * jobs.ts - the reports a ledger runs off its writer (the ledger check and the settlements of a
 * day), as messages a report worker takes, and the one function that runs them on a connection:
 * the worker's own, or the ledger's when it reports inline (a ledger in memory, the CLI).
 */
import type { JobReply, JobRequest } from '../../service/job-thread.js'
import type { SqliteDatabase } from '../sqlite-open.js'
import type { LedgerCheck, MerchantSettlement, PartyFees, PartySettlement } from '../store.js'
import type { CheckMode, CheckProgress } from './ledger-check.js'
import { checkLedger } from './ledger-check.js'
import { merchantPartyFees, merchantSettlement, partySettlement } from './settlement.js'

export type ReportJob =
  | { readonly kind: 'check'; readonly mode: CheckMode }
  | {
      readonly kind: 'party_settlement'
      readonly startMs: number
      readonly endMs: number
      readonly day: string
    }
  | {
      readonly kind: 'merchant_settlement'
      readonly merchantCode: string
      readonly startMs: number
      readonly endMs: number
      readonly day: string
    }
  | {
      readonly kind: 'merchant_party_fees'
      readonly merchantCode: string
      readonly startMs: number
      readonly endMs: number
    }

export type ReportResult = LedgerCheck | PartySettlement | MerchantSettlement | readonly PartyFees[]

/** A job for a worker, and what it sends back: progress on the way, then a result or an error. */
export type ReportRequest = JobRequest<ReportJob>

export type ReportReply = JobReply<ReportResult, CheckProgress>

export function runReport(
  db: SqliteDatabase,
  job: ReportJob,
  progress: (progress: CheckProgress) => void,
): ReportResult {
  switch (job.kind) {
    case 'check':
      return checkLedger(db, { mode: job.mode, progress })
    case 'party_settlement':
      return partySettlement(db, job.startMs, job.endMs, job.day)
    case 'merchant_settlement':
      return merchantSettlement(db, job.merchantCode, job.startMs, job.endMs, job.day)
    case 'merchant_party_fees':
      return merchantPartyFees(db, job.merchantCode, job.startMs, job.endMs)
  }
}
