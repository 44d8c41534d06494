/**
 * client.ts - the gateway's side of a report worker: a job thread (job-thread.ts) started on
 * first use with its own connection to the ledger file; jobs run one after the other in the
 * order sent, with their progress. Exports ReportWorker.
 */
import { Worker } from 'node:worker_threads'
import { compiledModuleUrl, runsCompiled } from '../../gateway/repository-path.js'
import { JobThread } from '../../service/job-thread.js'
import type { ReportJob, ReportResult } from './jobs.js'
import type { CheckProgress } from './ledger-check.js'

export class ReportWorker {
  private readonly thread: JobThread<ReportJob, ReportResult, CheckProgress>

  constructor(ledgerPath: string) {
    this.thread = new JobThread(() => {
      // From the sources, worker-boot.mjs registers tsx before it loads worker.ts; compiled code
      // runs worker.js as it is.
      const entry = runsCompiled
        ? compiledModuleUrl('src/ledger/reports/worker.ts')
        : new URL('./worker-boot.mjs', import.meta.url)
      return new Worker(entry, { workerData: { ledgerPath } })
    }, 'report worker')
  }

  run(
    job: ReportJob,
    progress: (progress: CheckProgress) => void = () => {},
  ): Promise<ReportResult> {
    return this.thread.run(job, progress)
  }

  /** Jobs still running are answered with an error: the worker's snapshot is gone with it. */
  close(): Promise<void> {
    return this.thread.close()
  }
}
