/**
 * load-worker.ts - the worker thread's side of runner.ts: builds the load sides from workerData
 * and runs the commands the bench posts, one at a time, answering each. Nothing is exported: the
 * module is the worker's entry point.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { LoadSide, mergeAcked } from './load.js'
import type { LoadWorkerCommand, LoadWorkerData, LoadWorkerReply } from './runner.js'

const port = parentPort
if (port === null)
  throw new Error('load-worker.ts runs only as a worker thread (runner.ts starts it)')
const data = workerData as LoadWorkerData
const sides = data.targets.map((target) => new LoadSide(target, data.plan))

async function answer(command: LoadWorkerCommand): Promise<LoadWorkerReply> {
  if (command.type === 'finish') {
    for (const side of sides) side.close()
    return {
      type: 'finished',
      results: sides.map((side) => side.result()),
      acked: [...mergeAcked(sides.map((side) => side.acked))],
    }
  }
  const side = sides[command.side]
  if (side === undefined) return { type: 'failed', error: `no load side ${command.side}` }
  await side.run(command.seconds, command.measure)
  return { type: 'ran', result: side.result() }
}

// Commands come one at a time (the bench awaits each answer), so they never overlap.
port.on('message', (command: LoadWorkerCommand) => {
  answer(command).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        type: 'failed',
        error: error instanceof Error ? error.message : String(error),
      } satisfies LoadWorkerReply),
  )
})
