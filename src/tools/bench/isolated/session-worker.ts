/**
 * session-worker.ts - one side of a bench comparison in a worker thread of its own: its own V8
 * heap and collector, as the side would have in a process of its own. In one heap, the raw
 * script's maps of a million accounts were marked by every collection telepay's batches caused
 * and the other way round, which charged each side for the other's memory. Runs the requests of
 * protocol.ts one at a time, in order.
 */
import { getHeapStatistics } from 'node:v8'
import { parentPort, workerData } from 'node:worker_threads'
import { buildPaymentPool } from '../bench-world.js'
import type { RunSession } from '../runs.js'
import { openRawSession, openTelepaySession } from '../runs.js'
import type { IsolatedSpec, SessionReply, SessionRequest } from './protocol.js'

const spec = workerData as IsolatedSpec
const port = parentPort
if (port === null) throw new Error('session-worker.ts runs in a worker thread')

const pool = buildPaymentPool(spec.subscribers, spec.poolSeed)
let batchSize = 1
const common = {
  path: spec.path,
  pool,
  warmupPayments: spec.warmupPayments,
  ...(spec.keys === undefined ? {} : { keys: spec.keys }),
  warmupProgress: (done: number) => reply({ op: 'warmup_progress', done }),
}
const session: RunSession =
  spec.side === 'telepay'
    ? openTelepaySession({
        ...common,
        inFlight: spec.inFlight,
        batchMax: spec.batchMax,
        ...(spec.cacheRowsMax === undefined ? {} : { cacheRowsMax: spec.cacheRowsMax }),
      })
    : openRawSession({ ...common, batchSize: () => batchSize })

// One request at a time, in the order sent: a slice must not start before the last one ended.
let queue: Promise<void> = Promise.resolve()
port.on('message', (request: SessionRequest) => {
  queue = queue.then(() => handle(request)).catch((error: unknown) => reply(failure(error)))
})

async function handle(request: SessionRequest): Promise<void> {
  switch (request.op) {
    case 'warm_up':
      await session.warmUp()
      return reply({ op: 'warmed_up', heapUsedBytes: getHeapStatistics().used_heap_size })
    case 'measure':
      batchSize = request.batchSize
      await session.measure(request.seconds)
      return reply({ op: 'measured', meanBatch: session.meanBatch() })
    case 'finish':
      return reply({ op: 'finished', result: await session.finish() })
  }
}

function reply(message: SessionReply): void {
  port?.postMessage(message)
}

function failure(error: unknown): SessionReply {
  return { op: 'failed', message: error instanceof Error ? error.message : String(error) }
}
