/**
 * index.ts - starts the USSD channel on the gateway's ChannelContext: its session store
 * (ussd.sqlite in the data directory), the routes of dials to the menus or to external apps
 * (`ussd.externalApps`, external/), the hop service over the menu engine and those apps, and
 * an express Router with the providers' callbacks (`POST /ussd` Africa's Talking, `POST
 * /ussd/hubtel` Hubtel) for src/http/app.ts to mount.
 * The gateway calls sweep() with its other sweeps (idle and total timeouts) and close() on
 * shutdown. The engine answers network-initiated payment prompts too (smpp/push-flow.ts), whose
 * sessions USSD over SMPP opens in the same store (smpp/), with the same routes. Exports
 * startUssdChannel, RunningUssdChannel, UssdChannelConfig, UssdChannelOptions.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Router } from 'express'
import express from 'express'
import type { ChannelContext } from '../../src/gateway/context.js'
import type { HandsetHub } from '../../src/gateway/handset/index.js'
import { swappable } from '../../src/gateway/menus/index.js'
import type { HeldNotices, NoticeRoute } from '../../src/gateway/notices/index.js'
import { ussdAdminRouter } from './admin-routes.js'
import { africasTalkingFastPath, africasTalkingRoute, textKeyer } from './africastalking.js'
import type { UssdEngine } from './contract.js'
import type { DialRoutes, ExternalApp } from './external/index.js'
import { dialRoutes, ExternalApps } from './external/index.js'
import { handsetPushRoute } from './handset-push.js'
import { hubtelRoute } from './hubtel.js'
import type { UssdLimits } from './limits.js'
import { checkUssdLimits, defaultUssdLimits } from './limits.js'
import { defaultMenuDir, loadUssdEngine } from './menu/index.js'
import type { SessionStore } from './session-store.js'
import { SqliteSessionStore } from './session-store.js'
import { withPushFlow } from './smpp/push-flow.js'
import { UssdService } from './ussd-service.js'

/**
 * What the channel reads of the configuration. `ussdLimits` (not in config.ts yet) overrides
 * the bounds of limits.ts, as `smppLimits` does for the SMPP bearer; `menusDir` the menu files'
 * folder; `ussd.externalApps` the codes served by someone else's app (config.ts checks each).
 */
export interface UssdChannelConfig {
  readonly ussdLimits?: Partial<UssdLimits>
  readonly menusDir?: string
  readonly ussd?: { readonly externalApps?: readonly ExternalApp[] }
}

export interface UssdChannelOptions {
  /** The menu engine; absent: channels/ussd/menu's, over the menus in `menusDir` (menus/ussd/). */
  readonly engine?: UssdEngine
  /**
   * The web handsets' hub and the outbox's held rows: with both, a merchant's payment prompt pops
   * up on an open web handset as a USSD push (handset-push.ts, `handsetPush`).
   */
  readonly handsets?: Pick<HandsetHub, 'takesUssdPush' | 'publish'>
  readonly held?: HeldNotices
}

export interface RunningUssdChannel {
  /** `POST /ussd` and `POST /ussd/hubtel`; mount at the root of the HTTP app. */
  readonly router: Router
  /** The open sessions for the operator; mount at /admin/api/ussd/sessions behind the token. */
  readonly adminRouter: Router
  /** `POST /ussd` answered before express (the hot path); false: not handled, pass it on. */
  readonly fastPath: (request: IncomingMessage, response: ServerResponse) => boolean
  readonly service: UssdService
  readonly store: SessionStore
  readonly limits: UssdLimits
  /** Where a dial goes: the menus' code and the external apps (USSD over SMPP reads it too). */
  readonly routes: DialRoutes
  /** The notice route of the push to web handsets; null without a hub and held rows. */
  readonly handsetPush: NoticeRoute | null
  ready(): boolean
  /**
   * Reads the menu files again and serves the new menus to every session from its next hop;
   * throws with every problem and keeps the menus it had when the files have problems. False:
   * the channel was given its engine (a test), there is nothing to read.
   */
  reloadMenus(): boolean
  /** Ends sessions past the idle timeout or the total cap. */
  sweep(): Promise<void>
  /** Waits for commands that missed their deadline (their SMS), then closes the store. */
  close(): Promise<void>
}

export async function startUssdChannel(
  config: UssdChannelConfig,
  ctx: ChannelContext,
  options: UssdChannelOptions = {},
): Promise<RunningUssdChannel> {
  const limits: UssdLimits = { ...defaultUssdLimits, ...(config.ussdLimits ?? {}) }
  const problems = checkUssdLimits(limits)
  if (problems.length > 0) throw new Error(`ussd limits: ${problems.join('; ')}`)
  // Menus with problems stop start-up (loadUssdEngine throws, naming each), like a bad config
  // value.
  const menusDir = config.menusDir ?? defaultMenuDir
  const load = (): UssdEngine =>
    withPushFlow(options.engine ?? loadUssdEngine(menusDir, { accounts: ctx.accounts }))
  // Swappable: a reload of the menu files (SIGHUP) replaces it under the open sessions.
  const engines = swappable(load())
  const engine = engines.value
  // A code of the menus' own family given to an app stops start-up, as a bad config value does.
  const routes = dialRoutes(engine.serviceCode, config.ussd?.externalApps ?? [], limits)
  const store = new SqliteSessionStore(ctx.workingFile('ussd.sqlite'), limits, ctx.log)
  const service = new UssdService({
    engine,
    apps: new ExternalApps({ routes, limits, log: ctx.log, metrics: ctx.metrics }),
    store,
    runner: ctx.dialogRunner('ussd', limits),
    journal: ctx.journal,
    service: ctx.commands,
    clock: ctx.clock,
    log: ctx.log,
    metrics: ctx.metrics,
    limits,
    // The ledger's own read, no command: a registered, unlocked caller goes straight to the menu.
    callerOf: async (msisdn, nowMs) => {
      const caller = await ctx.identify(msisdn)
      return caller === null
        ? null
        : { language: caller.language, admitted: caller.lockedUntilMs <= nowMs }
    },
  })
  ctx.metrics.gauge('telepay_ussd_sessions_active', 'USSD sessions open', [], () => [
    { labels: {}, value: service.openCount },
  ])

  const router = express.Router()
  const keyOf = textKeyer()
  const handsetPush =
    options.handsets === undefined || options.held === undefined
      ? null
      : handsetPushRoute({
          ctx,
          store,
          limits,
          handsets: options.handsets,
          held: options.held,
          keyOf,
          serviceCode: engine.serviceCode,
        })
  const atDeps = {
    ussd: service,
    limits,
    log: ctx.log,
    keyOf,
    ...(handsetPush === null ? {} : { afterHop: handsetPush.afterHop }),
  }
  router.post('/ussd', ...africasTalkingRoute(atDeps))
  router.post('/ussd/hubtel', hubtelRoute({ ussd: service, limits, log: ctx.log }))
  let closed = false
  return {
    router,
    adminRouter: ussdAdminRouter({ store, service }),
    fastPath: africasTalkingFastPath(atDeps),
    service,
    store,
    limits,
    routes,
    handsetPush,
    ready: () => !closed,
    reloadMenus() {
      if (options.engine !== undefined) return false
      engines.replace(load())
      return true
    },
    async sweep() {
      if (!closed) await service.sweep()
    },
    async close() {
      closed = true
      await service.drained()
      await store.close()
    },
  }
}
