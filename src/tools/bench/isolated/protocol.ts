/**
 * protocol.ts - what a bench session in a worker thread is asked and answers: the side it runs
 * (telepay's group commit or the raw script), the pool to rebuild (the pool is a pure function
 * of its size and seed, so it is rebuilt there rather than copied), and one request per call of
 * RunSession. Exports IsolatedSpec, SessionRequest, SessionReply.
 */
import type { RunResult } from '../runs.js'

interface SpecBase {
  readonly path: string
  readonly subscribers: number
  readonly poolSeed: number
  readonly warmupPayments: number
  /** Idempotency keys (RunOptions.keys); absent: sequential. */
  readonly keys?: 'sequential' | 'random'
}

export type IsolatedSpec =
  | (SpecBase & {
      readonly side: 'telepay'
      readonly inFlight: number
      readonly batchMax: number
      /** The ledger's row caches' bound; absent: the default (ledgerCacheRowsMax). */
      readonly cacheRowsMax?: number
    })
  | (SpecBase & { readonly side: 'raw' })

export type SessionRequest =
  | { readonly op: 'warm_up' }
  /** `batchSize`: the raw side's payments per transaction in this slice (telepay's mean batch). */
  | { readonly op: 'measure'; readonly seconds: number; readonly batchSize: number }
  | { readonly op: 'finish' }

export type SessionReply =
  /** Sent during the warm-up, every 100,000 payments (RunOptions.warmupProgress); no answer. */
  | { readonly op: 'warmup_progress'; readonly done: number }
  /** `heapUsedBytes`: the worker's heap after the warm-up (its caches as full as they get). */
  | { readonly op: 'warmed_up'; readonly heapUsedBytes: number }
  | { readonly op: 'measured'; readonly meanBatch: number }
  | { readonly op: 'finished'; readonly result: RunResult }
  | { readonly op: 'failed'; readonly message: string }
