/**
 * load-worker.ts - the POS benchmark's terminals in a worker thread of their own, so that the
 * load takes the second core and the gateway's event loop (or the bare echo's) is measured alone.
 * It opens both sides' connections, runs one side when asked, and at the end hands back each
 * side's counts and latency samples. Exports PosLoadRequest, PosLoadReply, PosLoadSpec,
 * PosSideCounts.
 */

import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { Samples } from '../measure.js'
import type { TerminalLoad } from './terminal-load.js'
import { openTerminals } from './terminal-load.js'

export interface PosLoadSpec {
  readonly telepayPort: number
  readonly echoPort: number
  readonly terminals: number
  readonly subscribers: number
}

export type PosSide = 'telepay' | 'echo'

export type PosLoadRequest =
  | {
      readonly op: 'run'
      readonly side: PosSide
      readonly seconds: number
      readonly measured: boolean
    }
  | { readonly op: 'finish' }

export interface PosSideCounts {
  readonly messages: number
  readonly approved: number
  readonly approvedMinor: string
  readonly samples: Float64Array
  readonly problems: readonly string[]
}

export type PosLoadReply =
  | { readonly op: 'ready' }
  | { readonly op: 'ran'; readonly elapsedMs: number }
  | { readonly op: 'finished'; readonly sides: Record<PosSide, PosSideCounts> }
  | { readonly op: 'failed'; readonly message: string }

const port = parentPort
if (port === null) throw new Error('load-worker.ts runs as a worker thread')
const spec = workerData as PosLoadSpec

function countsOf(loads: readonly TerminalLoad[], samples: Samples): PosSideCounts {
  return {
    messages: loads.reduce((sum, load) => sum + load.messages, 0),
    approved: loads.reduce((sum, load) => sum + load.approved, 0),
    approvedMinor: loads.reduce((sum, load) => sum + load.approvedMinor, 0n).toString(),
    samples: samples.toArray().slice(),
    problems: loads.flatMap((load) => load.problems).slice(0, 5),
  }
}

try {
  const samples = { telepay: new Samples(), echo: new Samples() }
  const loads = {
    telepay: await openTerminals(spec.telepayPort, spec, samples.telepay, true),
    echo: await openTerminals(spec.echoPort, spec, samples.echo, false),
  }
  port.on('message', (request: PosLoadRequest) => {
    if (request.op === 'finish') {
      const sides = {
        telepay: countsOf(loads.telepay, samples.telepay),
        echo: countsOf(loads.echo, samples.echo),
      }
      for (const load of [...loads.telepay, ...loads.echo]) load.close()
      port.postMessage({ op: 'finished', sides } satisfies PosLoadReply)
      port.close()
      return
    }
    const until = performance.now() + request.seconds * 1_000
    const started = performance.now()
    void Promise.all(loads[request.side].map((load) => load.run(until, request.measured))).then(
      () =>
        port.postMessage({
          op: 'ran',
          elapsedMs: performance.now() - started,
        } satisfies PosLoadReply),
    )
  })
  port.postMessage({ op: 'ready' } satisfies PosLoadReply)
} catch (error) {
  port.postMessage({ op: 'failed', message: String(error) } satisfies PosLoadReply)
}
