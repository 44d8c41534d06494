/**
 * index.ts - starts the USSD channel: its session store (ussd.sqlite in the data directory),
 * the hop service over the menu engine, and an express Router with the providers' callbacks
 * (`POST /ussd` Africa's Talking, `POST /ussd/hubtel` Hubtel) for src/http/app.ts to mount.
 * The gateway calls sweep() with its other sweeps (idle and total timeouts) and close() on
 * shutdown. The engine answers network-initiated payment prompts too (smpp/push-flow.ts), whose
 * sessions USSD over SMPP opens in the same store (smpp/). Exports startUssdChannel,
 * RunningUssdChannel, UssdChannelConfig, UssdChannelDeps.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { Router } from 'express'
import express from 'express'
import type { CommandPort, LedgerReads } from '../../src/gateway/ports.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import { africasTalkingFastPath, africasTalkingRoute, textKeyer } from './africastalking.js'
import type { UssdEngine } from './contract.js'
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
 * the bounds of limits.ts, as `smppLimits` does for the SMPP bearer; `menusDir` the menu files' folder.
 */
export interface UssdChannelConfig {
  readonly dataDir: string
  readonly ussdLimits?: Partial<UssdLimits>
  readonly menusDir?: string
}

export interface UssdChannelDeps {
  readonly service: CommandPort
  readonly ledger: LedgerReads<'subscriber'>
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  /** Answers a phone after its dialogue ended (the gateway's notices outbox: sent now or kept); absent: none. */
  readonly notify?: (msisdn: string, text: string) => Promise<boolean>
  /** The menu engine; absent: channels/ussd/menu's, over the menus in `menusDir` (menus/ussd/). */
  readonly engine?: UssdEngine
}

export interface RunningUssdChannel {
  /** `POST /ussd` and `POST /ussd/hubtel`; mount at the root of the HTTP app. */
  readonly router: Router
  /** `POST /ussd` answered before express (the hot path); false: not handled, pass it on. */
  readonly fastPath: (request: IncomingMessage, response: ServerResponse) => boolean
  readonly service: UssdService
  readonly store: SessionStore
  readonly limits: UssdLimits
  ready(): boolean
  /** Ends sessions past the idle timeout or the total cap. */
  sweep(): Promise<void>
  /** Waits for commands that missed their deadline (their SMS), then closes the store. */
  close(): Promise<void>
}

export async function startUssdChannel(
  config: UssdChannelConfig,
  deps: UssdChannelDeps,
): Promise<RunningUssdChannel> {
  const limits: UssdLimits = { ...defaultUssdLimits, ...(config.ussdLimits ?? {}) }
  const problems = checkUssdLimits(limits)
  if (problems.length > 0) throw new Error(`ussd limits: ${problems.join('; ')}`)
  // Menus with problems stop start-up (loadUssdEngine throws, naming each), like a bad config value.
  const engine = withPushFlow(deps.engine ?? loadUssdEngine(config.menusDir ?? defaultMenuDir))
  const store = new SqliteSessionStore(join(config.dataDir, 'ussd.sqlite'), limits, deps.log)
  const notify = deps.notify ?? (() => Promise.resolve(false))
  const service = new UssdService({
    engine,
    store,
    service: deps.service,
    clock: deps.clock,
    log: deps.log,
    metrics: deps.metrics,
    limits,
    notify,
    // The ledger's own read, no command: a registered, unlocked caller goes straight to the menu.
    callerOf: async (msisdn, nowMs) => {
      const detail = await deps.ledger.subscriber(msisdn)
      return detail === null
        ? null
        : {
            language: detail.subscriber.language,
            admitted: detail.subscriber.lockedUntilMs <= nowMs,
          }
    },
  })
  deps.metrics.gauge('telepay_ussd_sessions_active', 'USSD sessions open', () => [
    { labels: {}, value: service.openCount },
  ])

  const router = express.Router()
  const atDeps = { ussd: service, limits, log: deps.log, keyOf: textKeyer() }
  router.post('/ussd', ...africasTalkingRoute(atDeps))
  router.post('/ussd/hubtel', hubtelRoute({ ussd: service, limits, log: deps.log }))
  let closed = false
  return {
    router,
    fastPath: africasTalkingFastPath(atDeps),
    service,
    store,
    limits,
    ready: () => !closed,
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
