/**
 * isolated-session.ts - a RunSession whose side runs in a worker thread of its own
 * (session-worker.ts), so that the two sides of a comparison do not share a heap. Calls go one
 * at a time, as measurePair makes them; meanBatch answers from the last slice's reply, and the
 * raw side is handed the batch size to use with each slice. Exports openIsolatedSession and
 * IsolatedSession.
 */
import { Worker } from 'node:worker_threads'
import { compiledModuleUrl, runsCompiled } from '../../../gateway/repository-path.js'
import type { RunResult, RunSession } from '../runs.js'
import type { IsolatedSpec, SessionReply, SessionRequest } from './protocol.js'

export interface IsolatedSession extends RunSession {
  /** The side's heap after its warm-up (null before): what its caches cost. */
  heapAfterWarmUpBytes(): number | null
}

/**
 * The session of `spec` in a new worker thread. `batchSize` is asked before each slice (the raw
 * side's transactions as large as telepay's batches were); `warmupProgress` is told as the
 * warm-up goes; the worker ends after `finish`.
 */
export function openIsolatedSession(
  spec: IsolatedSpec,
  batchSize: () => number = () => 1,
  warmupProgress: (done: number) => void = () => undefined,
): IsolatedSession {
  const entry = runsCompiled
    ? compiledModuleUrl('src/tools/bench/isolated/session-worker.ts')
    : new URL('./boot.mjs', import.meta.url)
  const worker = new Worker(entry, { workerData: spec })
  let meanBatch = 0
  let heapAfterWarmUp: number | null = null
  let failedWith: Error | null = null
  const waiting: ((reply: SessionReply) => void)[] = []
  worker.on('message', (reply: SessionReply) => {
    if (reply.op === 'warmup_progress') warmupProgress(reply.done)
    else waiting.shift()?.(reply)
  })
  const fail = (error: Error): void => {
    failedWith = error
    for (const answer of waiting.splice(0)) answer({ op: 'failed', message: error.message })
  }
  worker.on('error', fail)
  worker.on('exit', (code) => {
    if (code !== 0) fail(new Error(`the ${spec.side} bench worker exited with code ${code}`))
  })
  const ask = (request: SessionRequest): Promise<SessionReply> => {
    if (failedWith !== null) return Promise.reject(failedWith)
    const answered = new Promise<SessionReply>((resolve) => waiting.push(resolve))
    worker.postMessage(request)
    return answered.then((reply) => {
      if (reply.op === 'failed')
        throw new Error(`the ${spec.side} bench session failed: ${reply.message}`)
      return reply
    })
  }
  return {
    warmUp: async () => {
      const reply = await ask({ op: 'warm_up' })
      if (reply.op === 'warmed_up') heapAfterWarmUp = reply.heapUsedBytes
    },
    heapAfterWarmUpBytes: () => heapAfterWarmUp,
    measure: async (seconds) => {
      const reply = await ask({ op: 'measure', seconds, batchSize: batchSize() })
      if (reply.op === 'measured') meanBatch = reply.meanBatch
    },
    meanBatch: () => meanBatch,
    finish: async (): Promise<RunResult> => {
      const reply = await ask({ op: 'finish' })
      await worker.terminate()
      if (reply.op !== 'finished') throw new Error(`the ${spec.side} bench session did not finish`)
      return reply.result
    },
  }
}
