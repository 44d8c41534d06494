/**
 * job-thread.ts - the gateway's side of a worker thread that runs jobs: started on first use,
 * each job sent with an id, its progress and its answer routed back to the caller's promise; jobs
 * run one after the other in the order sent; a caller waits on a promise, never on the thread.
 * The thread answers `{ id, progress }` as often as it likes, then `{ id, result }` or
 * `{ id, error }`. Exports JobThread, JobRequest, JobReply.
 */
import type { Worker } from 'node:worker_threads'

export interface JobRequest<Job> {
  readonly id: number
  readonly job: Job
}

export type JobReply<Result, Progress> =
  | { readonly id: number; readonly progress: Progress }
  | { readonly id: number; readonly result: Result }
  | { readonly id: number; readonly error: string }

interface Waiting<Result, Progress> {
  resolve(result: Result): void
  reject(error: Error): void
  progress(progress: Progress): void
}

export class JobThread<Job, Result, Progress = never> {
  private worker: Worker | null = null
  private nextId = 1
  private closed = false
  private readonly waiting = new Map<number, Waiting<Result, Progress>>()

  /** `start` makes the thread; `name` says whose it is in the errors of a stopped one. */
  constructor(
    private readonly start: () => Worker,
    private readonly name: string,
  ) {}

  run(job: Job, progress: (progress: Progress) => void = () => {}): Promise<Result> {
    // Closed for good: a caller still running at shutdown must not start a thread again.
    if (this.closed) return Promise.reject(new Error(`the ${this.name} stopped`))
    const worker = this.started()
    const id = this.nextId++
    // Referenced while a caller waits (a CLI must not exit under it), not while idle.
    worker.ref()
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, progress })
      worker.postMessage({ id, job } satisfies JobRequest<Job>)
    })
  }

  /** Jobs still running, and any sent later, are answered with an error. */
  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = null
    if (worker !== null) await worker.terminate()
    this.failAll(new Error(`the ${this.name} stopped`))
  }

  private started(): Worker {
    if (this.worker !== null) return this.worker
    const worker = this.start()
    worker.on('message', (reply: JobReply<Result, Progress>) => this.answer(reply))
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = null
      this.failAll(error)
    })
    worker.on('exit', () => {
      if (this.worker !== worker) return
      this.worker = null
      this.failAll(new Error(`the ${this.name} exited`))
    })
    this.worker = worker
    return worker
  }

  private answer(reply: JobReply<Result, Progress>): void {
    const waiting = this.waiting.get(reply.id)
    if (waiting === undefined) return
    if ('progress' in reply) {
      waiting.progress(reply.progress)
      return
    }
    this.waiting.delete(reply.id)
    // A thread with nothing to do must not keep a process alive that is otherwise done.
    if (this.waiting.size === 0) this.worker?.unref()
    if ('result' in reply) waiting.resolve(reply.result)
    else waiting.reject(new Error(reply.error))
  }

  private failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error)
    this.waiting.clear()
  }
}
