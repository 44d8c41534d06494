/**
 * runner.ts - where the USSD load generator runs: beside the servers on the main event loop (as
 * the other benches), or in a worker thread with its own event loop, so that on two cores the
 * servers get one core and the load generator the other. Either way the bench asks it to run a
 * side for some seconds, and at the end for the results and the payments telepay acknowledged.
 * Exports LoadRunner, startLoadRunner and the worker's message types.
 */
import { Worker } from 'node:worker_threads'
import { compiledModuleUrl, runsCompiled } from '../../../gateway/repository-path.js'
import type { AckedPayment, UssdLoadPlan, UssdSideResult, UssdTarget } from './load.js'
import { LoadSide, mergeAcked } from './load.js'
import { ussdBenchLimits } from './options.js'

export interface LoadRunner {
  /** Runs side `side` (an index into the targets) for `seconds`; its result so far. */
  run(side: number, seconds: number, measure: boolean): Promise<UssdSideResult>
  /**
   * Every side's result and the payments telepay's sides answered END "Paid" to, warm-up included.
   */
  finish(): Promise<{
    readonly results: readonly UssdSideResult[]
    readonly acked: ReadonlyMap<string, AckedPayment>
  }>
  close(): Promise<void>
}

/** What the worker thread is started with (workerData). */
export interface LoadWorkerData {
  readonly targets: readonly UssdTarget[]
  readonly plan: UssdLoadPlan
}

export type LoadWorkerCommand =
  | {
      readonly type: 'run'
      readonly side: number
      readonly seconds: number
      readonly measure: boolean
    }
  | { readonly type: 'finish' }

export type LoadWorkerReply =
  | { readonly type: 'ran'; readonly result: UssdSideResult }
  | {
      readonly type: 'finished'
      readonly results: readonly UssdSideResult[]
      readonly acked: readonly (readonly [string, AckedPayment])[]
    }
  | { readonly type: 'failed'; readonly error: string }

/**
 * Evaluated as CommonJS in the worker: workerData.bootstrap says where the entry is and where
 * tsx's API is (null when the entry is compiled JavaScript and needs no loader).
 */
const workerBootstrap = `
const { workerData } = require('node:worker_threads')
const { tsxApi, entry } = workerData.bootstrap
;(tsxApi === null ? Promise.resolve() : import(tsxApi).then((tsx) => tsx.register()))
  .then(() => import(entry))
  .catch((error) => { setImmediate(() => { throw error }) })
`

export function startLoadRunner(
  targets: readonly UssdTarget[],
  plan: UssdLoadPlan,
  inWorker: boolean,
): Promise<LoadRunner> {
  return inWorker
    ? startWorkerRunner({ targets, plan })
    : Promise.resolve(inProcessRunner(targets, plan))
}

function inProcessRunner(targets: readonly UssdTarget[], plan: UssdLoadPlan): LoadRunner {
  const sides = targets.map((target) => new LoadSide(target, plan))
  const sideAt = (index: number): LoadSide => {
    const side = sides[index]
    if (side === undefined) throw new RangeError(`no load side ${index}`)
    return side
  }
  return {
    async run(side, seconds, measure) {
      await sideAt(side).run(seconds, measure)
      return sideAt(side).result()
    },
    finish: () =>
      Promise.resolve({
        results: sides.map((side) => side.result()),
        acked: mergeAcked(sides.map((side) => side.acked)),
      }),
    close() {
      for (const side of sides) side.close()
      return Promise.resolve()
    },
  }
}

async function startWorkerRunner(data: LoadWorkerData): Promise<LoadRunner> {
  // From the sources the worker runs TypeScript too: a worker does not inherit the loader
  // bin/telepay.js (or vitest) registered, nor does Node 20 honour `--import` in a worker's
  // execArgv, so a small CommonJS bootstrap registers tsx's loader in the worker, then imports
  // its entry. Compiled, the entry is JavaScript and loads as it is.
  const bootstrap = {
    tsxApi: runsCompiled ? null : import.meta.resolve('tsx/esm/api'),
    entry: (runsCompiled
      ? compiledModuleUrl('src/tools/bench/ussd/load-worker.ts')
      : new URL('./load-worker.ts', import.meta.url)
    ).href,
  }
  const worker = new Worker(workerBootstrap, { eval: true, workerData: { ...data, bootstrap } })
  // Commands go one at a time (the bench awaits each), so one pending answer is all there is.
  let pending: { resolve(reply: LoadWorkerReply): void; reject(error: Error): void } | null = null
  let failure: Error | null = null
  const fail = (error: Error): void => {
    failure ??= error
    pending?.reject(error)
    pending = null
  }
  worker.on('message', (reply: LoadWorkerReply) => {
    pending?.resolve(reply)
    pending = null
  })
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`the load worker exited (code ${code})`)))
  const ask = async (command: LoadWorkerCommand, allowedMs: number): Promise<LoadWorkerReply> => {
    if (failure !== null) throw failure
    let timer: NodeJS.Timeout | undefined
    const reply = await new Promise<LoadWorkerReply>((resolve, reject) => {
      pending = { resolve, reject }
      timer = setTimeout(
        () =>
          fail(new Error(`the load worker did not answer ${command.type} within ${allowedMs} ms`)),
        allowedMs,
      )
      worker.postMessage(command)
    }).finally(() => clearTimeout(timer))
    if (reply.type === 'failed') throw new Error(`load worker: ${reply.error}`)
    return reply
  }
  return {
    async run(side, seconds, measure) {
      const reply = await ask(
        { type: 'run', side, seconds, measure },
        seconds * 1_000 + ussdBenchLimits.workerReplyTimeoutMs,
      )
      if (reply.type !== 'ran') throw new Error(`load worker answered ${reply.type} to run`)
      return reply.result
    },
    async finish() {
      const reply = await ask({ type: 'finish' }, ussdBenchLimits.workerReplyTimeoutMs)
      if (reply.type !== 'finished') throw new Error(`load worker answered ${reply.type} to finish`)
      return { results: reply.results, acked: new Map(reply.acked) }
    },
    async close() {
      failure ??= new Error('the load worker was closed')
      await worker.terminate()
    },
  }
}
