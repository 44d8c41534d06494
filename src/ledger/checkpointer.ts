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

  constructor(
    private readonly ledgerPath: string,
    private readonly onError: (error: string) => void = () => {},
  ) {}

  start(): void {
    if (this.worker !== null) return
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3')
    const worker = new Worker(source, {
      eval: true,
      workerData: {
        ledgerPath: this.ledgerPath,
        driverPath,
        intervalMs: checkpointerLimits.intervalMs,
      },
    })
    worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) this.onError(message.error)
    })
    worker.on('error', (error) => this.onError(String(error)))
    // A gateway that is otherwise done must be able to exit under it.
    worker.unref()
    this.worker = worker
  }

  /** Stops the thread after its checkpoint in progress, if any; its connection closed. */
  async stop(): Promise<void> {
    const worker = this.worker
    this.worker = null
    if (worker === null) return
    const stopped = new Promise<void>((resolve) => {
      worker.once('message', () => resolve())
      worker.once('exit', () => resolve())
    })
    worker.postMessage('stop')
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2_000))])
    await worker.terminate()
  }
}
