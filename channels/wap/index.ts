/**
 * index.ts - starts the WAP channel's pages: the session store (memory, bounded), the identity
 * rules (trusted gateways' MSISDN header, else login), and the express Router under /wap/ for
 * src/http/app.ts to mount; pages are rendered by channels/wap/render through the WapRenderer
 * the gateway passes in. The gateway calls sweep() with its other sweeps and close() on shutdown.
 * Exports startWapChannel, handlebarsRenderer, RunningWapChannel, WapChannelConfig, WapChannelDeps, WapRenderer.
 */

import { join } from 'node:path'
import type { Router } from 'express'
import express from 'express'
import type { Limits } from '../../src/core/index.js'
import { isHeaderName } from '../../src/gateway/http/headers.js'
import type { CommandPort, LedgerReads } from '../../src/gateway/ports.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import type { LoginCheck } from './identity.js'
import {
  coreLoginCheck,
  defaultMsisdnHeaders,
  defaultTrustedGateways,
  trustedGateways,
} from './identity.js'
import type { WapLimits } from './limits.js'
import { checkWapLimits, defaultWapLimits } from './limits.js'
import { negotiate, negotiationVary, renderPage } from './render/index.js'
import type { WapRenderer } from './routes.js'
import { wapRouter } from './routes.js'
import { WapSessionStore } from './session-store.js'

export type { WapRenderer }

/**
 * What the channel reads of the configuration (config.ts `wap.*`): `wapTrustedGateways` the
 * addresses and CIDR ranges whose MSISDN header is believed (default 127.0.0.1 and ::1; [] trusts
 * none), `wapMsisdnHeaders` the header names believed from them (default the WAP Forum's
 * X-WAP-Network-Client-MSISDN only, see identity.ts), `wapLimits` overrides of limits.ts.
 */
export interface WapChannelConfig {
  /** Where wap.sqlite (the sessions) lives; absent: sessions are kept in memory only. */
  readonly dataDir?: string
  readonly wapTrustedGateways?: readonly string[]
  readonly wapMsisdnHeaders?: readonly string[]
  readonly wapLimits?: Partial<WapLimits>
}

export interface WapChannelDeps {
  readonly service: CommandPort
  readonly ledger: LedgerReads<'subscriber'>
  readonly limits: Pick<Limits, 'pinAttemptsMax' | 'pinLockMs'>
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  /** The pages' renderer; absent: channels/wap/render's handlebars templates. */
  readonly renderer?: WapRenderer
  /** How a login checks MSISDN and PIN; absent: the channel's own check (identity.ts). */
  readonly login?: LoginCheck
}

export interface RunningWapChannel {
  /** Everything under /wap/; mount at the root of the HTTP app. */
  readonly router: Router
  readonly store: WapSessionStore
  readonly limits: WapLimits
  ready(): boolean
  /** Ends sessions past their idle time or total life. */
  sweep(): Promise<void>
  close(): Promise<void>
}

/** channels/wap/render: negotiation on Accept, Accept-Charset and User-Agent, handlebars templates. */
export const handlebarsRenderer: WapRenderer = {
  negotiate,
  renderPage: (model, choice) =>
    renderPage(model, choice.markup, { charset: choice.charset, mediaType: choice.mediaType }),
  vary: negotiationVary,
}

export function startWapChannel(config: WapChannelConfig, deps: WapChannelDeps): RunningWapChannel {
  const limits: WapLimits = { ...defaultWapLimits, ...(config.wapLimits ?? {}) }
  const problems = checkWapLimits(limits)
  if (problems.length > 0) throw new Error(`wap limits: ${problems.join('; ')}`)
  const trusted = trustedGateways(config.wapTrustedGateways ?? defaultTrustedGateways)
  const msisdnHeaders = config.wapMsisdnHeaders ?? defaultMsisdnHeaders
  const badHeader = msisdnHeaders.find((name) => !isHeaderName(name))
  if (badHeader !== undefined || msisdnHeaders.length === 0)
    throw new Error(`wap msisdn headers: ${JSON.stringify(badHeader ?? [])} is not a header name`)
  const store = new WapSessionStore(limits, {
    ...(config.dataDir === undefined ? {} : { path: join(config.dataDir, 'wap.sqlite') }),
    log: deps.log,
  })
  const login = deps.login ?? coreLoginCheck(deps.service)
  deps.metrics.gauge('telepay_wap_sessions_active', 'WAP sessions open', () => [
    { labels: {}, value: store.size },
  ])
  const router = express.Router()
  router.use(
    '/wap',
    wapRouter({
      store,
      service: deps.service,
      ledger: deps.ledger,
      clock: deps.clock,
      log: deps.log,
      metrics: deps.metrics,
      limits,
      trusted,
      msisdnHeaders,
      login,
      renderer: deps.renderer ?? handlebarsRenderer,
    }),
  )
  let closed = false
  return {
    router,
    store,
    limits,
    ready: () => !closed,
    async sweep() {
      if (closed) return
      const ended = await store.sweep(deps.clock.nowMs())
      if (ended > 0) deps.log.debug('wap sessions ended', { count: ended })
    },
    async close() {
      if (closed) return
      closed = true
      await store.shutdown()
    },
  }
}
