/**
 * checkpointer.ts - copies the ledger's write-ahead log into its database file from a thread of
 * its own, so that the gateway's event loop never does. With SQLite's automatic checkpoint, the
 * commit that crosses the WAL bound copies every page the WAL holds back into the file and syncs
 * it, on the committing connection: at millions of stored payments those pages lie all over a
 * file of gigabytes, and a checkpoint took hundreds of milliseconds during which no hop, SMS or
 * merchant call was answered (telepay bench scale, section C: the gateway's loop up to 379 ms
 * late, the USSD hop p99 165-224 ms against a 50 ms target). While a full ledger check holds a
 * snapshot, a checkpoint cannot finish, and each commit past the bound tried again.
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint (it waits for no reader
 * and no writer) every checkpointerLimits.intervalMs. The writer keeps an automatic checkpoint
 * only as a safety net far above what the thread lets the WAL reach (walSafetyPages), for a
 * thread that died. The worker is plain JavaScript evaluated from this module (no loader, no
 * file to find in the compiled tree), given the SQLite driver's resolved path. Exports
 * Checkpointer, checkpointerLimits.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

export const checkpointerLimits = {
  /**
   * How often the thread checkpoints. A group-commit batch of 1,000 payments writes about 4 MB
   * of WAL; twice a second keeps the WAL to a few batches while the gateway is busiest.
   */
  intervalMs: 500,
  /**
   * The writer's own automatic checkpoint, in pages (4 KiB): about 400 MB of WAL, reached only
   * if the thread stopped, so that the WAL still cannot grow without end.
   */
  walSafetyPages: 100_000,
  /** A thread that stopped is started again after this, doubled after each failure to the max. */
  restartFirstMs: 1_000,
  restartMaxMs: 30_000,
} as const

const source = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driverPath)
const db = new Database(workerData.ledgerPath, { fileMustExist: true })
let stopping = false
const timer = setInterval(() => {
  if (stopping) return
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (error) {
    parentPort.postMessage({ error: String(error) })
  }
}, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  stopping = true
  clearInterval(timer)
  db.close()
  parentPort.postMessage({ stopped: true })
})
`

export class Checkpointer {
  private worker: Worker | null = null
  private stopping = false
  private restartMs: number = checkpointerLimits.restartFirstMs
  private restartTimer: NodeJS.Timeout | null = null

  /** `onError`: a checkpoint or the thread failed (the gateway logs it; the thread restarts). */
  constructor(
    private readonly ledgerPath: string,
    private readonly onError: (error: string) => void = () => {},
  ) {}

  start(): void {
    if (this.worker !== null || this.stopping) return
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3')
    const workerData = {
      ledgerPath: this.ledgerPath,
      driverPath,
      intervalMs: checkpointerLimits.intervalMs,
    }
    const worker = new Worker(source, { eval: true, workerData })
    worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) this.onError(message.error)
    })
    worker.on('error', (error) => this.onError(String(error)))
    worker.on('exit', () => {
      if (this.worker !== worker) return
      this.worker = null
      if (this.stopping) return
      // Without the thread the WAL would grow to the writer's safety net: start it again.
      this.onError(`the checkpoint thread stopped; starting it again in ${this.restartMs} ms`)
      this.restartTimer = setTimeout(() => this.start(), this.restartMs)
      this.restartTimer.unref()
      this.restartMs = Math.min(this.restartMs * 2, checkpointerLimits.restartMaxMs)
    })
    // A gateway that is otherwise done must be able to exit under it.
    worker.unref()
    this.worker = worker
  }

  /** Stops the thread after its checkpoint in progress, if any, with its connection closed. */
  async stop(): Promise<void> {
    this.stopping = true
    if (this.restartTimer !== null) clearTimeout(this.restartTimer)
    const worker = this.worker
    this.worker = null
    if (worker === null) return
    let timer: NodeJS.Timeout | undefined
    const stopped = new Promise<void>((resolve) => {
      worker.on('message', (message: { stopped?: boolean }) => {
        if (message.stopped === true) resolve()
      })
      worker.once('exit', () => resolve())
      // A thread stuck in a checkpoint is not waited for long: SQLite keeps the WAL whole.
      timer = setTimeout(resolve, 2_000)
    })
    worker.postMessage('stop')
    await stopped
    clearTimeout(timer)
    await worker.terminate()
  }
}
