/**
 * index.ts - starts the WAP channel's pages on the gateway's ChannelContext: the session store
 * (bounded, written behind to wap.sqlite), the identity
 * rules (trusted gateways' MSISDN header, else login), and the express Router under /wap/ for
 * src/http/app.ts to mount; pages are rendered by channels/wap/render through the WapRenderer
 * the gateway passes in. The gateway calls sweep() with its other sweeps and close() on shutdown.
 * Exports startWapChannel, handlebarsRenderer, RunningWapChannel, WapChannelConfig,
 * WapChannelOptions, WapRenderer.
 */

import type { Router } from 'express'
import express from 'express'
import type { ChannelContext } from '../../src/gateway/context.js'
import { isHeaderName } from '../../src/gateway/http/headers.js'
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
  readonly wapTrustedGateways?: readonly string[]
  readonly wapMsisdnHeaders?: readonly string[]
  readonly wapLimits?: Partial<WapLimits>
}

export interface WapChannelOptions {
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

/**
 * channels/wap/render: negotiation on Accept, Accept-Charset and User-Agent, handlebars templates.
 */
export const handlebarsRenderer: WapRenderer = {
  negotiate,
  renderPage: (model, choice) =>
    renderPage(model, choice.markup, { charset: choice.charset, mediaType: choice.mediaType }),
  vary: negotiationVary,
}

export function startWapChannel(
  config: WapChannelConfig,
  ctx: ChannelContext,
  options: WapChannelOptions = {},
): RunningWapChannel {
  const limits: WapLimits = { ...defaultWapLimits, ...(config.wapLimits ?? {}) }
  const problems = checkWapLimits(limits)
  if (problems.length > 0) throw new Error(`wap limits: ${problems.join('; ')}`)
  const trusted = trustedGateways(config.wapTrustedGateways ?? defaultTrustedGateways)
  const msisdnHeaders = config.wapMsisdnHeaders ?? defaultMsisdnHeaders
  const badHeader = msisdnHeaders.find((name) => !isHeaderName(name))
  if (badHeader !== undefined || msisdnHeaders.length === 0)
    throw new Error(`wap msisdn headers: ${JSON.stringify(badHeader ?? [])} is not a header name`)
  const store = new WapSessionStore(limits, { path: ctx.workingFile('wap.sqlite'), log: ctx.log })
  const login = options.login ?? coreLoginCheck(ctx.commands)
  ctx.metrics.gauge('telepay_wap_sessions_active', 'WAP sessions open', [], () => [
    { labels: {}, value: store.size },
  ])
  const router = express.Router()
  router.use(
    '/wap',
    wapRouter({
      store,
      service: ctx.commands,
      identify: (msisdn) => ctx.identify(msisdn),
      clock: ctx.clock,
      log: ctx.log,
      metrics: ctx.metrics,
      limits,
      trusted,
      msisdnHeaders,
      login,
      renderer: options.renderer ?? handlebarsRenderer,
      accounts: ctx.accounts,
      journal: ctx.journal,
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
      const ended = await store.sweep(ctx.clock.nowMs())
      if (ended > 0) ctx.log.debug('wap sessions ended', { count: ended })
    },
    async close() {
      if (closed) return
      closed = true
      await store.shutdown()
    },
  }
}
