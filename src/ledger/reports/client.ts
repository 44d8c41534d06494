/**
 * client.ts - the gateway's side of a report worker: starts the thread on first use, sends it
 * jobs, routes its progress and answers back to the callers, and stops it. Jobs of one worker
 * run one after the other in the order sent; a caller waits on a promise, never on the thread.
 */
import { Worker } from 'node:worker_threads'
import { compiledModuleUrl, runsCompiled } from '../../gateway/repository-path.js'
import type { ReportJob, ReportReply, ReportResult } from './jobs.js'
import type { CheckProgress } from './ledger-check.js'

interface Waiting {
  resolve(result: ReportResult): void
  reject(error: Error): void
  progress(progress: CheckProgress): void
}

export class ReportWorker {
  private worker: Worker | null = null
  private nextId = 1
  private readonly waiting = new Map<number, Waiting>()

  constructor(private readonly ledgerPath: string) {}

  run(
    job: ReportJob,
    progress: (progress: CheckProgress) => void = () => {},
  ): Promise<ReportResult> {
    const worker = this.started()
    const id = this.nextId++
    // Referenced while a caller waits (a CLI must not exit under it), not while idle.
    worker.ref()
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, progress })
      worker.postMessage({ id, job })
    })
  }

  /** Jobs still running are answered with an error: the worker's snapshot is gone with it. */
  async close(): Promise<void> {
    const worker = this.worker
    this.worker = null
    if (worker !== null) await worker.terminate()
    this.failAll(new Error('the report worker stopped'))
  }

  private started(): Worker {
    if (this.worker !== null) return this.worker
    // From the sources, worker-boot.mjs registers tsx before it loads worker.ts; compiled code
    // runs worker.js as it is.
    const entry = runsCompiled
      ? compiledModuleUrl('src/ledger/reports/worker.ts')
      : new URL('./worker-boot.mjs', import.meta.url)
    const worker = new Worker(entry, {
      workerData: { ledgerPath: this.ledgerPath },
    })
    worker.on('message', (reply: ReportReply) => this.answer(reply))
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = null
      this.failAll(error)
    })
    worker.on('exit', () => {
      if (this.worker !== worker) return
      this.worker = null
      this.failAll(new Error('the report worker exited'))
    })
    this.worker = worker
    return worker
  }

  private answer(reply: ReportReply): void {
    const waiting = this.waiting.get(reply.id)
    if (waiting === undefined) return
    if ('progress' in reply) {
      waiting.progress(reply.progress)
      return
    }
    this.waiting.delete(reply.id)
    // A worker with nothing to do must not keep a process alive that is otherwise done.
    if (this.waiting.size === 0) this.worker?.unref()
    if ('result' in reply) waiting.resolve(reply.result)
    else waiting.reject(new Error(reply.error))
  }

  private failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error)
    this.waiting.clear()
  }
}
