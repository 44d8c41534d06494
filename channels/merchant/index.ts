/**
 * index.ts - starts the merchant channel: the merchant web API (routes.ts) as an express Router
 * for the gateway to mount under /api/v1. It holds no sessions, timers or sockets of its own (the
 * HTTP server is the gateway's, and refuses new requests on stop), so it is ready while the
 * gateway runs, has nothing to sweep and nothing to release. It submits commands through the
 * ChannelContext like every channel, and reads the merchants, payments and settlements it
 * answers for through the narrow ledger reads it is given. Its web checkouts are kept in memory
 * (checkouts.ts, bounded), and handed to the public checkout page. Exports startMerchantChannel,
 * MerchantChannelOptions and RunningMerchantChannel.
 */
import type { Router } from 'express'
import type { ChannelContext } from '../../src/gateway/context.js'
import type { CheckoutDesk } from '../../src/gateway/http/checkout.js'
import { CheckoutBook } from './checkouts.js'
import type { MerchantRouteDeps } from './routes.js'
import { merchantRouter } from './routes.js'

/** The ledger reads of the API and the limits' day boundary. */
export type MerchantChannelOptions = Omit<MerchantRouteDeps, 'service' | 'checkouts' | 'nowMs'>

export interface RunningMerchantChannel {
  /** The merchant API; mount under /api/v1. */
  readonly router: Router
  /** The web checkouts, for the public checkout page (src/web/checkout). */
  readonly checkouts: CheckoutDesk
  ready(): boolean
  sweep(): Promise<void>
  close(): Promise<void>
}

export function startMerchantChannel(
  ctx: ChannelContext,
  options: MerchantChannelOptions,
): RunningMerchantChannel {
  const nowMs = (): number => ctx.clock.nowMs()
  const checkouts = new CheckoutBook({ service: ctx.commands, ledger: options.ledger, nowMs })
  return {
    router: merchantRouter({ ...options, service: ctx.commands, checkouts, nowMs }),
    checkouts,
    ready: () => true,
    sweep: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }
}
