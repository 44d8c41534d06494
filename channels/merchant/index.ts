/**
 * index.ts - starts the merchant channel: the merchant web API (routes.ts) as an express Router
 * for the gateway to mount under /api/v1. It holds no sessions, timers or sockets of its own (the
 * HTTP server is the gateway's, and refuses new requests on stop), so it is ready while the
 * gateway runs, has nothing to sweep and nothing to release. It submits commands through the
 * ChannelContext like every channel, and reads the merchants, payments and settlements it
 * answers for through the narrow ledger reads it is given. Exports startMerchantChannel,
 * MerchantChannelOptions and RunningMerchantChannel.
 */
import type { Router } from 'express'
import type { ChannelContext } from '../../src/gateway/context.js'
import type { MerchantRouteDeps } from './routes.js'
import { merchantRouter } from './routes.js'

/** The ledger reads of the API and the limits' day boundary. */
export type MerchantChannelOptions = Omit<MerchantRouteDeps, 'service'>

export interface RunningMerchantChannel {
  /** The merchant API; mount under /api/v1. */
  readonly router: Router
  ready(): boolean
  sweep(): Promise<void>
  close(): Promise<void>
}

export function startMerchantChannel(
  ctx: ChannelContext,
  options: MerchantChannelOptions,
): RunningMerchantChannel {
  return {
    router: merchantRouter({ ...options, service: ctx.commands }),
    ready: () => true,
    sweep: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }
}
