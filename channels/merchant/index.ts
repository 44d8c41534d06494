/**
 * index.ts - starts the merchant channel: the merchant web API (routes.ts) as an express Router
 * for the gateway to mount under /api/v1. It holds no sessions, timers or sockets of its own (the
 * HTTP server is the gateway's, and refuses new requests on stop), so it is ready while the
 * gateway runs, has nothing to sweep and nothing to release. Exports startMerchantChannel,
 * MerchantChannelDeps and RunningMerchantChannel.
 */
import type { Router } from 'express'
import type { MerchantRouteDeps } from './routes.js'
import { merchantRouter } from './routes.js'

/** The payment service's execute, the ledger reads of the API, the limits' day boundary. */
export type MerchantChannelDeps = MerchantRouteDeps

export interface RunningMerchantChannel {
  /** The merchant API; mount under /api/v1. */
  readonly router: Router
  ready(): boolean
  sweep(): Promise<void>
  close(): Promise<void>
}

export function startMerchantChannel(deps: MerchantChannelDeps): RunningMerchantChannel {
  return {
    router: merchantRouter(deps),
    ready: () => true,
    sweep: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }
}
