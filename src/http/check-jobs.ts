/**
 * check-jobs.ts - full re-checks of the ledger as background jobs the operator starts and
 * watches (POST /admin/api/ledger/checks, GET /admin/api/ledger/checks/:id): a full check reads
 * all history, minutes at millions of payments, longer than an HTTP client waits. One runs at a
 * time; a second request is given the one running. Progress goes to the log as well.
 */
import type { LedgerCheck, LedgerStore } from '../ledger/store.js'
import type { Logger } from '../service/log.js'

/** Finished jobs kept for GET after they end; older ones are forgotten first. */
const finishedJobsKeptMax = 10

/** How often a running job's progress is logged. */
const progressLogEveryMs = 5_000

export interface CheckJob {
  readonly id: string
  readonly startedMs: number
  state: 'running' | 'done' | 'failed'
  finishedMs: number | null
  readTransfers: number
  totalTransfers: number
  result: LedgerCheck | null
  error: string | null
}

export class CheckJobs {
  private readonly jobs = new Map<string, CheckJob>()
  private running: CheckJob | null = null
  private nextNumber = 1

  constructor(
    private readonly ledger: LedgerStore,
    private readonly nowMs: () => number,
    private readonly log: Logger,
  ) {}

  /** Starts a full check, or answers the one running (`started` false). */
  start(): { job: CheckJob; started: boolean } {
    if (this.running !== null) return { job: this.running, started: false }
    const job: CheckJob = {
      id: `check-${this.nextNumber++}`,
      startedMs: this.nowMs(),
      state: 'running',
      finishedMs: null,
      readTransfers: 0,
      totalTransfers: 0,
      result: null,
      error: null,
    }
    this.running = job
    this.jobs.set(job.id, job)
    this.forgetOld()
    this.log.info('ledger full check started', { job: job.id })
    let loggedMs = Date.now()
    this.ledger
      .check({
        mode: 'full',
        progress: (progress) => {
          job.readTransfers = progress.doneTransfers
          job.totalTransfers = progress.totalTransfers
          if (Date.now() - loggedMs < progressLogEveryMs) return
          loggedMs = Date.now()
          this.log.info('ledger full check', {
            job: job.id,
            transfers: `${progress.doneTransfers} of ${progress.totalTransfers}`,
          })
        },
      })
      .then(
        (result) => {
          job.result = result
          job.readTransfers = result.readTransfers
          job.totalTransfers = result.readTransfers
          job.state = 'done'
          this.log[result.balanced ? 'info' : 'error']('ledger full check done', {
            job: job.id,
            balanced: result.balanced,
            transfers: result.readTransfers,
          })
        },
        (error: unknown) => {
          job.error = error instanceof Error ? error.message : String(error)
          job.state = 'failed'
          this.log.error('ledger full check failed', { job: job.id, error: job.error })
        },
      )
      .finally(() => {
        job.finishedMs = this.nowMs()
        this.running = null
      })
    return { job, started: true }
  }

  get(id: string): CheckJob | null {
    return this.jobs.get(id) ?? null
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((job) => job.state !== 'running')
    for (const job of finished.slice(0, Math.max(0, finished.length - finishedJobsKeptMax)))
      this.jobs.delete(job.id)
  }
}
