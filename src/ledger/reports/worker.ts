/**
 * worker.ts - a report worker's thread: its own connection to the ledger file (WAL lets it read
 * one snapshot while the gateway writes) with the check state attached, running one job at a
 * time as the gateway's thread sends them. It never writes the ledger.
 */
import { existsSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { attachCheckState } from './check-state.js'
import type { ReportReply, ReportRequest } from './jobs.js'
import { runReport } from './jobs.js'

const { ledgerPath } = workerData as { ledgerPath: string }
const port = parentPort
if (port === null) throw new Error('worker.ts runs as a worker thread')

// Not fileMustExist: that flag carries over to ATTACH, which then cannot create the state's file.
// The ledger exists: its writer opened it before starting this worker.
if (!existsSync(ledgerPath)) throw new Error(`no ledger at ${ledgerPath}`)
const db = new Database(ledgerPath)
// The gateway's writer holds the lock for one group commit at a time: wait that out.
db.pragma('busy_timeout = 5000')
db.defaultSafeIntegers(true)
attachCheckState(db, ledgerPath)

const reply = (message: ReportReply): void => port.postMessage(message)
port.on('message', (request: ReportRequest) => {
  try {
    const result = runReport(db, request.job, (progress) => reply({ id: request.id, progress }))
    reply({ id: request.id, result })
  } catch (error) {
    reply({ id: request.id, error: error instanceof Error ? error.message : String(error) })
  }
})
