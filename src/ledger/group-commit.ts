/**
 * group-commit.ts - gathers the commands that arrive together into one ledger batch: one
 * transaction and one fsync for all of them. Each caller is answered only after the batch that
 * holds its command has committed. The queue is bounded: past it, a command is refused at once
 * as system_busy instead of waiting without end (Kannel's FAILED_QFULL).
 */
import type { CommandResult, Envelope } from '../core/index.js'
import { refused } from '../core/index.js'
import type { LedgerStore } from './store.js'

interface Waiting {
  readonly env: Envelope
  readonly resolve: (result: CommandResult) => void
  readonly reject: (error: Error) => void
}

export interface GroupCommitStats {
  batches: number
  commands: number
  largestBatch: number
}

export class GroupCommit {
  private queue: Waiting[] = []
  private running = false
  private scheduled = false
  private idle: (() => void)[] = []
  readonly stats: GroupCommitStats = { batches: 0, commands: 0, largestBatch: 0 }

  constructor(
    private readonly store: LedgerStore,
    private readonly batchCommandsMax: number,
    private readonly queueDepthMax: number,
  ) {}

  submit(env: Envelope): Promise<CommandResult> {
    if (this.queue.length >= this.queueDepthMax)
      return Promise.resolve(refused('system_busy', 'en'))
    return new Promise((resolve, reject) => {
      this.queue.push({ env, resolve, reject })
      this.schedule()
    })
  }

  get depth(): number {
    return this.queue.length
  }

  /** Resolves once every command submitted so far has been answered. */
  drained(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  private schedule(): void {
    if (this.running || this.scheduled) return
    this.scheduled = true
    // setImmediate lets the requests that arrived while the last batch was committing join the next
    // one.
    setImmediate(() => {
      this.scheduled = false
      void this.runBatch()
    })
  }

  private async runBatch(): Promise<void> {
    if (this.running || this.queue.length === 0) return
    this.running = true
    const batch =
      this.queue.length <= this.batchCommandsMax
        ? this.queue
        : this.queue.slice(0, this.batchCommandsMax)
    this.queue =
      this.queue.length <= this.batchCommandsMax ? [] : this.queue.slice(this.batchCommandsMax)
    try {
      const outcomes = await this.store.executeBatch(batch.map((waiting) => waiting.env))
      this.stats.batches += 1
      this.stats.commands += batch.length
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length)
      outcomes.forEach((outcome, index) => {
        const waiting = batch[index]
        if (waiting === undefined) return
        if (outcome.ok) waiting.resolve(outcome.result)
        else waiting.reject(outcome.error)
      })
    } catch (error) {
      for (const waiting of batch)
        waiting.reject(error instanceof Error ? error : new Error(String(error)))
    } finally {
      this.running = false
      if (this.queue.length > 0) this.schedule()
      else for (const resolve of this.idle.splice(0)) resolve()
    }
  }
}
