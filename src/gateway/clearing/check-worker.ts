/**
 * check-worker.ts - the record checker's thread (record-checker.ts): a key store of the master
 * keys it was handed, checking each chunk of records it is sent, in order. It writes nothing.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { JobReply, JobRequest } from '../../service/job-thread.js'
import type { MasterKeys } from '../pboc/key-store.js'
import { KeyStore } from '../pboc/key-store.js'
import { checkRecord } from './record-check.js'
import type { CheckedRecord, CheckJob } from './record-checker.js'

const { masterKeys, zoneOffsetMs } = workerData as { masterKeys: MasterKeys; zoneOffsetMs: number }
const port = parentPort
if (port === null) throw new Error('check-worker.ts runs as a worker thread')
const keys = new KeyStore(masterKeys)

port.on('message', (request: JobRequest<CheckJob>) => {
  let reply: JobReply<readonly CheckedRecord[], never>
  try {
    const { terminalId, records } = request.job
    const result = records.map((record) => checkRecord(keys, record, terminalId, zoneOffsetMs))
    reply = { id: request.id, result }
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) }
  }
  port.postMessage(reply)
})
