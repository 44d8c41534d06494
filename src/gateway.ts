/**
 * gateway.ts - wiring only: opens the ledger, loads the world it is given into an empty
 * database (and its cards into the bank it is given: `telepay start` and the tests pass the
 * simulated bank and the default fixture world of src/tools, which the product does not
 * import), starts group commit, the payment service, the notices outbox, the SMPP
 * bearer, the sweeps and the HTTP server. Channels (SMS, USSD, IVR, WAP, the merchant API) start
 * here, register in the channel registry and mount their routers on the HTTP app; every HTTP
 * request is logged once, under its X-Request-Id (src/http/access-log.ts). The SMPP
 * bearer (src/bearer/start.ts: the SMSC simulator, or operator mode's bind) starts before the
 * channels that ride it, which are each handed their side: short messages to SMS, USSD PDUs to
 * USSD over SMPP. The notices outbox (src/gateway/notices) carries notices to phones over the
 * routes registered with it: the USSD push first, then SMS; USSD and IVR answer a phone late
 * through its `notify`.
 *
 * close() is the graceful stop (SIGTERM): no new input (new HTTP requests and MOs are refused,
 * no new bind); the HTTP requests and MOs in flight are answered (bounded by
 * operating.stopInFlightMs); their replies are sent or kept in the outbox; the outbox is
 * delivered over its routes' sessions still bound (operating.stopOutboxDrainMs); then the
 * channels close, the SMPP sessions unbind, the last ledger batch commits and the files close.
 * Exports startGateway, Gateway, GatewayConfig, GatewayParts.
 */

import { join } from 'node:path'
import type { Express } from 'express'
import type { IvrChannelConfig, RunningIvrChannel } from '../channels/ivr/index.js'
import { startIvrChannel } from '../channels/ivr/index.js'
import type { RunningMerchantChannel } from '../channels/merchant/index.js'
import { startMerchantChannel } from '../channels/merchant/index.js'
import type { RunningPosChannel } from '../channels/pos/index.js'
import { startPosChannel } from '../channels/pos/index.js'
import type { RunningSmsChannel } from '../channels/sms/index.js'
import { startSmsChannel } from '../channels/sms/index.js'
import type { RunningUssdChannel, UssdChannelConfig } from '../channels/ussd/index.js'
import { startUssdChannel } from '../channels/ussd/index.js'
import type { RunningUssdSmpp } from '../channels/ussd/smpp/index.js'
import { startUssdOverSmpp } from '../channels/ussd/smpp/index.js'
import type { RunningWapChannel, WapChannelConfig } from '../channels/wap/index.js'
import { startWapChannel } from '../channels/wap/index.js'
import type { GatewayBank } from './bank/gateway-bank.js'
import { ShopCounter } from './bearer/pos-terminal/shop-counter.js'
import type { SimToolkit } from './bearer/rfid-sim/sim-toolkit.js'
import { startOnsiteSimulator } from './bearer/rfid-sim/start.js'
import { defaultTerminals } from './bearer/rfid-sim/terminal/fares.js'
import type { SmppLimits } from './bearer/smpp/limits.js'
import type { RunningSmppBearer } from './bearer/start.js'
import { startSmppBearer } from './bearer/start.js'
import type { Config } from './config.js'
import { defaultAdminToken, webhooksPublicOnly } from './config.js'
import { channelOf } from './gateway/channel.js'
import { ClearingService } from './gateway/clearing/clearing-service.js'
import { WorkerChecker } from './gateway/clearing/record-checker.js'
import { createChannelContext } from './gateway/context.js'
import type { HandsetLimits } from './gateway/handset/index.js'
import {
  checkHandsetLimits,
  commandJson,
  commandParties,
  HandsetHub,
  handsetLimits,
  SqliteMessageLog,
} from './gateway/handset/index.js'
import { WebSessions } from './gateway/http/web-session.js'
import { within } from './gateway/in-flight.js'
import { NoticeOutbox } from './gateway/notices/index.js'
import { OtaLoadStore } from './gateway/onsite/ota-load-store.js'
import { OtaLoads } from './gateway/onsite/ota-loads.js'
import type { MasterKeys } from './gateway/pboc/key-store.js'
import { KeyStore, testMasterKeys } from './gateway/pboc/key-store.js'
import { readMasterKeysFile } from './gateway/pboc/keys-file.js'
import { defaultOnlineTerminals } from './gateway/pos/online-terminals.js'
import { ChannelRegistry } from './gateway/registry.js'
import { withAccessLog } from './http/access-log.js'
import { adminAuth } from './http/admin-api.js'
import { overviewRoutes } from './http/admin-overview.js'
import { createApp } from './http/app.js'
import { clearingApi } from './http/clearing-api.js'
import type { ChannelHealth, GatewayContext } from './http/context.js'
import { handsetStream } from './http/handset-stream.js'
import { onsiteSimApi } from './http/onsite-sim-api.js'
import { OverviewMonitor } from './http/overview/monitor.js'
import { posCounterApi } from './http/pos-counter-api.js'
import { simulatorApi } from './http/simulator-api.js'
import { startStoppableServer } from './http/stoppable-server.js'
import { GroupCommit } from './ledger/group-commit.js'
import { SqliteLedger } from './ledger/sqlite-ledger.js'
import type { Clock } from './service/clock.js'
import { systemClock, TestClock } from './service/clock.js'
import { CorrelationIds, correlatedLogger } from './service/correlation.js'
import type { DataDirLock } from './service/data-dir-lock.js'
import { lockDataDir } from './service/data-dir-lock.js'
import { LiveStats } from './service/live-stats.js'
import type { Logger } from './service/log.js'
import { createLogger } from './service/log.js'
import { Metrics } from './service/metrics.js'
import { PaymentService } from './service/payment-service.js'
import { createPinHasher } from './service/pin-hasher.js'
import { IdempotencyRetention } from './service/retention.js'
import { deliverDueWebhooks } from './service/webhooks.js'
import { checkoutRoutes } from './web/checkout/routes.js'
import { consoleRoutes } from './web/console/routes.js'
import { merchantPortalRoutes } from './web/merchant/routes.js'
import { webRoutes } from './web/routes.js'
import { shopRoutes } from './web/shop/routes.js'
import { seedEmptyLedger } from './world/seed.js'
import type { WorldSpec } from './world/world.js'

/**
 * `wapLimits`, `ussdLimits` and `ivrLimits` ride along for tests and benches (a short answer
 * deadline); the trusted gateways come from config.ts's `wap` section. `smppLimits` (not in
 * config.ts yet) overrides the SMSC simulator's session limits: the SMS benchmark raises the
 * per-bind rate limit and the deliver_sm window with it. `handsetLimits` overrides the message
 * log's and the web handsets' bounds (tests: a heartbeat within a test).
 */
export type GatewayConfig = Config &
  WapChannelConfig &
  UssdChannelConfig &
  IvrChannelConfig & {
    readonly smppLimits?: Partial<SmppLimits>
    readonly handsetLimits?: Partial<HandsetLimits>
  }

/** What whoever starts the gateway gives it besides the configuration (`telepay start`, tests). */
export interface GatewayParts {
  /** The issuing bank; the gateway closes it on stop. */
  readonly bank: GatewayBank
  /** Loaded into the ledger when it is empty (a fresh data directory); null: nothing is. */
  readonly world: WorldSpec | null
  /** By default, a logger at the configured level on stderr. */
  readonly log?: Logger
  /**
   * Hashes already made of some of the world's PINs (PIN -> hash), used instead of hashing them
   * again when the world is seeded; a PIN without one is hashed with a fresh salt.
   */
  readonly pinHashes?: ReadonlyMap<string, string>
}

export interface Gateway {
  readonly url: string
  /** The HTTP app: the OpenAPI test walks the routes it mounts. */
  readonly app: Express
  readonly config: Config
  readonly context: GatewayContext
  readonly ledger: SqliteLedger
  readonly bank: GatewayBank
  readonly clock: Clock
  /** The SMPP bearer under SMS and USSD over SMPP, or null when SMS is configured off. */
  readonly bearer: RunningSmppBearer | null
  /** The SMS channel, or null when configured off. */
  readonly sms: RunningSmsChannel | null
  /** Where the SMSC simulator listens, or null when it does not run. */
  readonly smpp: { readonly host: string; readonly port: number } | null
  readonly ussd: RunningUssdChannel
  /** USSD over SMPP, or null when no SMPP bearer runs (SMS off). */
  readonly ussdSmpp: RunningUssdSmpp | null
  readonly ivr: RunningIvrChannel
  readonly wap: RunningWapChannel
  readonly merchant: RunningMerchantChannel
  /**
   * The ISO 8583 host of online shop terminals (channels/pos); null outside the simulator
   * without the operator's own keys.
   */
  readonly pos: RunningPosChannel | null
  /** The notices outbox and its routes (the USSD push, SMS); `notify` answers a phone late. */
  readonly notices: NoticeOutbox
  /** Every phone's SMS (GET /admin/api/messages), written behind to the ledger file. */
  readonly messages: SqliteMessageLog
  /** The live events per MSISDN that web handsets' streams listen to. */
  readonly hub: HandsetHub
  close(): Promise<void>
}

/**
 * Starts a gateway on the data directory of `config`, which it holds until close(): a second
 * gateway on the same directory is refused (DataDirInUseError) before it opens a file.
 */
export async function startGateway(config: GatewayConfig, parts: GatewayParts): Promise<Gateway> {
  // Before anything opens: a keys file that is missing, open to others or wrong stops the start.
  const ownKeys =
    config.onsite.keysFile === null ? null : readMasterKeysFile(config.onsite.keysFile)
  const lock = lockDataDir(config.dataDir, Date.now())
  try {
    return await startOnLockedDir(config, parts, lock, ownKeys)
  } catch (error) {
    lock.release()
    throw error
  }
}

async function startOnLockedDir(
  config: GatewayConfig,
  parts: GatewayParts,
  lock: DataDirLock,
  ownKeys: MasterKeys | null,
): Promise<Gateway> {
  // Every line a payment's HTTP call caused carries its id, and so do its payment's later lines.
  const correlations = new CorrelationIds(config.operating.correlationIdsMax)
  const log = correlatedLogger(
    parts.log ?? createLogger(config.logLevel, { format: config.logFormat }),
    correlations,
  )
  const operatingModel = config.limits.operatingModel
  const clock: Clock = config.clock === 'test' ? new TestClock(Date.now()) : systemClock
  const ledger = new SqliteLedger(config.ledgerFile, config.limits, {
    reports: 'worker',
    cacheRowsMax: config.operating.ledgerCacheRowsMax,
    onCheckpointError: (error) => log.error('ledger checkpoint failed', { error }),
  })
  const bank = parts.bank
  const pins = createPinHasher(config.pinHashCost)

  const world =
    parts.world === null
      ? null
      : await seedEmptyLedger(
          parts.world,
          {
            ledger,
            bank,
            hashPin: async (pin) => parts.pinHashes?.get(pin) ?? (await pins.hash(pin)),
          },
          clock.nowMs(),
        )
  if (world !== null) {
    log.info('world loaded', {
      world: config.world,
      subscribers: world.subscribers.length,
      merchants: world.merchants.length,
      ledger: config.ledgerFile,
    })
  }

  const metrics = new Metrics({ processMetrics: true })
  const commits = new GroupCommit(
    ledger,
    config.operating.groupCommitCommandsMax,
    config.operating.commandQueueDepthMax,
  )
  metrics.gauge('telepay_command_queue_depth', 'Commands waiting for the ledger writer', [], () => [
    { labels: {}, value: commits.depth },
  ])
  metrics.gauge('telepay_group_commit_batches_total', 'Ledger batches committed', [], () => [
    { labels: {}, value: commits.stats.batches },
  ])
  // The hub of live events per phone (src/gateway/handset): the web handsets' streams listen to
  // it; commands are told to it as they are answered, SMS as they are recorded (below).
  const handsetBounds = { ...handsetLimits, ...config.handsetLimits }
  checkHandsetLimits(handsetBounds)
  const hub = new HandsetHub(handsetBounds)
  const liveStats = new LiveStats()
  const service = new PaymentService({
    liveStats,
    ledger,
    commits,
    bank,
    clock,
    pins,
    limits: config.limits,
    operating: config.operating,
    log,
    metrics,
    correlations,
    observe: (request, result) => {
      // Built only for a number a handset watches: most commands have no one looking.
      if (hub.size === 0) return
      const watched = commandParties(request.command, result).filter((msisdn) => hub.isOpen(msisdn))
      if (watched.length === 0) return
      const data = commandJson(
        request.channel,
        request.command,
        result,
        clock.nowMs(),
        operatingModel,
      )
      for (const msisdn of watched) hub.publish(msisdn, { kind: 'command', data })
    },
  })
  // Every phone's SMS, for the operator and the web handsets: recorded by the SMS channel and the
  // simulator's network, told to the hub at once, written behind.

  // One outbox of notices to phones, over the routes registered below (none: SMS is off).
  const notices = new NoticeOutbox({ ledger, clock, limits: config.operating, log, metrics })
  const messages = new SqliteMessageLog({ db: ledger.db, hub, limits: handsetBounds, log })
  // The platform's key store (its HSM, simulated): the operator's keys from onsite.keysFile, else
  // the default world's public test keys (docs/channels/onsite.md). The simulator's SIMs answer
  // OTA with the same keys; they start with the rest of the on-site simulator, after the bearer.
  const masterKeys = ownKeys ?? testMasterKeys
  const purseKeys = new KeyStore(masterKeys)
  // Clearing checks the records' TACs on a thread of its own, with a key store of the same keys.
  const recordChecker = new WorkerChecker(masterKeys, config.limits.dayOffsetMs)
  log.info(
    ownKeys === null
      ? 'purse keys: the public test keys of the default world'
      : "purse keys: the operator's own",
    {
      ...(ownKeys === null ? {} : { file: config.onsite.keysFile }),
      version: purseKeys.version,
      index: purseKeys.index,
    },
  )
  let simToolkit: SimToolkit | null = null
  // The SMPP bearer runs under SMS and USSD over SMPP; each channel is handed its side of it.
  const bearer =
    config.sms.mode === 'off'
      ? null
      : await startSmppBearer({
          mode: config.sms.mode,
          simulator: config.smpp,
          shortCode: config.sms.shortCode,
          upstream: config.sms.upstream,
          ...(config.smppLimits === undefined ? {} : { limits: config.smppLimits }),
          handsets: {
            isOpen: (msisdn) => hub.isOpen(msisdn),
            publish: (msisdn, event) => hub.publish(msisdn, event),
            messages,
            nowMs: () => clock.nowMs(),
          },
          sims: { download: (msisdn, userData) => simToolkit?.download(msisdn, userData) ?? null },
          log,
          metrics,
        })
  // A late USSD or IVR answer goes by SMS, or waits in the outbox when it cannot go now.
  const notify = (msisdn: string, text: string): Promise<boolean> => notices.notify(msisdn, text)
  // What every channel is given: commands, the caller, notify, replies, dialogs, working files.
  const channelContext = createChannelContext({
    commands: service,
    ledger,
    notify,
    dataDir: config.dataDir,
    operatingModel,
    clock,
    log,
    metrics,
  })
  const sms =
    bearer === null
      ? null
      : startSmsChannel(config, channelContext, {
          link: bearer.sms,
          keep: notices,
          messages,
        })
  const ussd = await startUssdChannel(config, channelContext, { handsets: hub, held: notices })
  // The codes served are the USSD channel's routes: the menus' (menus/ussd/main.yaml, SPEC section
  // 1's *123#) and the external apps' (ussd.externalApps).
  const ussdSmpp =
    bearer === null
      ? null
      : startUssdOverSmpp(
          { routes: ussd.routes, push: config.ussd.push ?? bearer.mode === 'simulator' },
          channelContext,
          { link: bearer.ussd, ussd, held: notices },
        )
  // The push first, when the phone can take the prompt on its screen; SMS for the rest.
  // A phone bound over SMPP first, then an open web handset; SMS for the rest.
  if (ussdSmpp?.route != null) notices.register(ussdSmpp.route)
  if (ussd.handsetPush !== null) notices.register(ussd.handsetPush)
  if (sms !== null) notices.register(sms.route)
  const ivr = startIvrChannel(config, channelContext)
  const wap = startWapChannel(
    {
      ...config,
      ...(config.wap.trustedGateways === null
        ? {}
        : { wapTrustedGateways: config.wap.trustedGateways }),
      ...(config.wap.msisdnHeaders === null ? {} : { wapMsisdnHeaders: config.wap.msisdnHeaders }),
    },
    channelContext,
  )
  // Who is logged in to the consoles; in memory, so a restart logs everyone out (web-session.ts).
  const consoleSessions = new WebSessions('console')
  const merchantSessions = new WebSessions('merchant')
  const merchant = startMerchantChannel(channelContext, {
    sessions: merchantSessions,
    ledger,
    limits: config.limits,
    operatingModel,
  })
  // The shop terminals that take online payments are the ISO 8583 host's. With
  // the simulator or the operator's own keys: outside the simulator the public test keys would
  // let anyone MAC a purchase.
  const pos =
    bearer?.network == null && ownKeys === null
      ? null
      : await startPosChannel(channelContext, {
          host: config.pos.host,
          port: config.pos.port,
          terminals: defaultOnlineTerminals,
          keysOf: (terminalId) => purseKeys.posKeys(terminalId),
          zoneOffsetMs: config.limits.dayOffsetMs,
          commandLogged: (key) => ledger.commandLogged(key),
          loggedResults: (prefix, limit, afterKey) => ledger.loggedResults(prefix, limit, afterKey),
          payment: (id) => ledger.payment(id),
        })
  // Registered in the order they started; stopped in the reverse (registry.ts). A running
  // channel is a Channel but for its name. USSD over SMPP answers into the USSD sessions: USSD's
  // close closes it first.
  const registry = new ChannelRegistry()
  const ussdWithSmpp = {
    ...ussd,
    close: async () => {
      await ussdSmpp?.close()
      await ussd.close()
    },
  }
  const started = [
    ['sms', sms],
    ['ussd', ussdWithSmpp],
    ['ivr', ivr],
    ['wap', wap],
    ['pos', pos],
  ] as const
  for (const [name, running] of started)
    if (running !== null) registry.register(channelOf({ ...running, name }))
  // The merchant API is ready when the store is, which /healthz reports as `store` already.
  registry.register(channelOf({ ...merchant, name: 'merchant' }), { health: false })
  // The idempotency log keeps a command's answer for operating.idempotencyKeepMs: one bounded
  // step a sweep forgets the keys past it (a backlog goes over many sweeps).
  const retention = new IdempotencyRetention({
    ledger,
    clock,
    operating: config.operating,
    log,
    metrics,
  })
  // Top-ups paid into the float go to the cards over the air (SMS-PP through the bearer).
  const otaLoadStore = new OtaLoadStore(join(config.dataDir, 'ota-loads.sqlite'))
  const otaLoads = new OtaLoads({
    store: otaLoadStore,
    ledger,
    service,
    keys: purseKeys,
    // With the simulator's SIMs, or with the operator's own keys: outside the simulator the test
    // keys are public, so a top-up is never sent under them, and is refunded after its bound.
    sender:
      bearer === null || (bearer.network === null && ownKeys === null)
        ? { send: () => Promise.resolve({ ok: false }) }
        : bearer.sms,
    clock,
    limits: config.limits,
    log,
    address: config.sms.shortCode,
  })
  bearer?.simData.attachSimData(otaLoads.onProof)
  const sweepOnce = async (): Promise<void> => {
    await service.sweepExpired()
    await otaLoads.sweep()
    await deliverDueWebhooks({
      ledger,
      clock,
      limits: config.operating,
      log,
      correlations,
      publicOnly: webhooksPublicOnly(config),
    })
    await notices.sweep()
    await registry.sweep()
    await retention.step()
    messages.step(clock.nowMs())
  }
  // Sweeps run one at a time: two overlapping sweeps (the timer's and a clock advance's) would
  // both read the same due webhook and post it twice, and count two attempts for one.
  let lastSweep: Promise<void> = Promise.resolve()
  let sweepsQueued = 0
  const sweep = (): Promise<void> => {
    sweepsQueued += 1
    const run = lastSweep.then(sweepOnce).finally(() => {
      sweepsQueued -= 1
    })
    lastSweep = run.catch(() => undefined)
    return run
  }
  // Sweeps until no notice is due (one that fails is due later, after the restart perhaps).
  let drainCut = false
  const drainOutbox = async (): Promise<void> => {
    while (!drainCut && (await notices.hasDue())) await sweep()
  }
  const channels: ChannelHealth[] = [...registry.health()]
  const overview = new OverviewMonitor({
    liveStats,
    ledger,
    bank,
    commandQueueDepth: () => commits.depth,
    channels: () => Object.fromEntries(channels.map((channel) => [channel.name, channel.ready()])),
    sessionsOpen: () => ({
      ussd: ussd.service.openCount,
      ivr: ivr.store.openCount,
      wap: wap.store.size,
    }),
    smppBinds: () => bearer?.binds() ?? [],
    smppMode: bearer?.mode ?? 'none',
    nowMs: Date.now,
  })
  const context: GatewayContext = {
    overview,
    smpp: bearer,
    service,
    ledger,
    commits,
    bank,
    clock,
    limits: config.limits,
    operating: config.operating,
    operatingModel,
    messages,
    adminToken: config.adminToken,
    adminTokenIsDefault: config.adminToken === defaultAdminToken,
    consoleSessions,
    merchantSessions,
    secureCookies: config.http.publicUrl?.startsWith('https:') ?? false,
    journal: channelContext.journal,
    cardLoads: otaLoads,
    hashPin: (pin) => pins.hash(pin),
    log,
    metrics,
    channels,
    advanceClock:
      clock instanceof TestClock
        ? async (seconds: number) => {
            const nowMs = clock.advance(Math.round(seconds * 1000))
            await sweep()
            return nowMs
          }
        : null,
  }

  await service.recoverCardPayments()
  const timer = setInterval(() => {
    if (sweepsQueued > 0) return
    sweep().catch((error: unknown) => log.error('sweep failed', { error: String(error) }))
  }, config.operating.sweepIntervalMs)
  timer.unref()

  // Web handsets' live streams, and the simulator's HTTP ways in and out for phones and services:
  // simulator mode only, as they take no token (in operator mode the log holds real subscribers'
  // messages, which only the admin API shows).
  const network = bearer?.network ?? null
  const streams = handsetStream({ hub, messages, limits: handsetBounds })
  // The terminals the platform clears for (contract section 11), under the store's keys.
  const clearing = new ClearingService({
    keys: purseKeys,
    checker: recordChecker,
    service,
    ledger,
    terminals: defaultTerminals,
    zoneOffsetMs: config.limits.dayOffsetMs,
  })
  // The simulator's RFID-SIMs and terminals (simulator mode only), personalised under those keys.
  const onsite =
    network === null ? null : startOnsiteSimulator(config.dataDir, purseKeys, config.onsite, log)
  simToolkit = onsite?.toolkit ?? null
  const overviewStreams = overviewRoutes(context)
  const app = createApp(context, (mounted) => {
    mounted.use(ussd.router)
    if (network !== null) {
      mounted.use(streams.router)
      mounted.use(
        simulatorApi({
          network,
          shortCode: config.sms.shortCode,
          sendsms: config.sendsms,
          log,
        }),
      )
      // The shop counter where a phone is presented to pay online (the web handset's Counter):
      // the online terminal of CUP's dialect, paying through this gateway's own ISO 8583 host.
      const counterTerminal = defaultOnlineTerminals.find((terminal) => terminal.dialect === 'cup')
      if (pos !== null && counterTerminal !== undefined)
        mounted.use(
          posCounterApi({
            counter: new ShopCounter({
              host: config.pos.host === '0.0.0.0' ? '127.0.0.1' : config.pos.host,
              port: pos.port,
              terminalId: counterTerminal.terminalId,
              dialect: counterTerminal.dialect,
              keys: purseKeys.posKeys(counterTerminal.terminalId),
              journalFile: join(config.dataDir, `pos-${counterTerminal.terminalId}.json`),
              localNow: () => new Date(clock.nowMs() + config.limits.dayOffsetMs),
            }),
            log,
          }),
        )
      if (onsite !== null)
        mounted.use(
          onsiteSimApi({
            ...onsite,
            isSubscriber: async (msisdn) => (await ledger.subscriber(msisdn)) !== null,
            gatewayUrl: () => url,
            keys: purseKeys,
            service,
            limits: config.limits,
            purse: (cardNumber) => ledger.purseOfCard(cardNumber),
            clock,
            log,
          }),
        )
    }
    mounted.use(ivr.router)
    mounted.use(wap.router)
    mounted.use('/admin/api/calls', adminAuth(context), ivr.adminRouter)
    mounted.use('/admin/api/ussd/sessions', adminAuth(context), ussd.adminRouter)
    mounted.use('/admin/api', overviewStreams.router)
    // The terminals' uploads and blacklist, signed by each terminal: before the merchant API,
    // which asks every other /api/v1 call for a merchant's key. With the simulator or the
    // operator's own keys: outside the simulator the test keys would let anyone sign a batch.
    if (network !== null || ownKeys !== null)
      mounted.use('/api/v1', clearingApi({ clearing, keys: purseKeys, ledger, log }))
    mounted.use('/api/v1', merchant.router)
    // The consoles people log in to: the operator's and the merchants'.
    mounted.use(consoleRoutes(context))
    mounted.use(merchantPortalRoutes(context))
    // The web checkout a shopper pays on (no log-in), and the simulator's demo shop that uses it.
    mounted.use(checkoutRoutes(merchant.checkouts))
    if (network !== null)
      mounted.use(
        shopRoutes({
          gatewayUrl: () => url,
          publicUrl: () => config.http.publicUrl ?? url,
          secureCookies: context.secureCookies,
        }),
      )
    // The gateway's own pages: the landing page, the web handset and its WAP gateway.
    mounted.use(
      webRoutes({
        subscriberList: (limit) => ledger.subscriberList(limit),
        simulator: network !== null,
      }),
    )
  })
  // The USSD callback, one request per keypress of every user, is answered before express.
  const server = await startStoppableServer(
    withAccessLog(log, (request, response) => {
      if (!ussd.fastPath(request, response)) app(request, response)
    }),
    config.http.port,
    config.http.host,
    config.operating.stopHttpCloseGraceMs,
  )
  const address = server.address
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  log.info('telepay listening', { http: url, clock: config.clock, ledger: config.ledgerFile })

  const smpp = bearer?.port == null ? null : { host: config.smpp.host, port: bearer.port }
  return {
    url,
    app,
    config,
    context,
    ledger,
    bank,
    clock,
    bearer,
    sms,
    smpp,
    ussd,
    ussdSmpp,
    ivr,
    wap,
    merchant,
    pos,
    notices,
    messages,
    hub,
    async close() {
      clearInterval(timer)
      // 1. No new input: new HTTP requests are refused (503), new MOs too (ESME_RTHROTTLED), no new
      // bind.
      const stopStartedMs = Date.now()
      log.info('stop: no new input')
      server.stopAccepting()
      // A stream never ends by itself: ended now, it is no request in flight to wait for.
      streams.closeAll()
      overviewStreams.closeAll()
      bearer?.stopListening()
      registry.stopAccepting()
      // 2. The commands in flight finish and are answered; 3. their SMS replies are sent or kept.
      const limits = config.operating
      const settled = await within(
        Promise.all([server.answered(), registry.settle(), notices.settled()]),
        limits.stopInFlightMs,
      )
      if (!settled)
        log.warn('stop: commands still in flight after the bound, cut', {
          requests: server.underWay,
          boundMs: limits.stopInFlightMs,
        })
      await server.close()
      log.info('stop: commands in flight answered', { ms: Date.now() - stopStartedMs })
      // 4. The outbox (kept replies, notices) goes out over the routes' sessions still bound, for a
      // bounded time; a route that would wait for the phone's answer (the push) is passed over.
      notices.drainStarts()
      const drained = await within(drainOutbox(), limits.stopOutboxDrainMs)
      drainCut = true
      if (!drained)
        log.warn('stop: SMS outbox not drained within the bound; the rest waits for the restart', {
          boundMs: limits.stopOutboxDrainMs,
        })
      // 5. The channels close, in the reverse order of their start, then the SMPP sessions unbind:
      // USSD before SMS, so a payment that missed its answer deadline still reports by SMS as it
      // ends, over SMPP hops that are still up.
      await registry.close()
      await onsite?.close()
      simToolkit = null
      await bearer?.close()
      // A sweep in flight still writes to the ledger (a webhook's delivery): let it finish.
      await lastSweep
      // The last recorded messages, written before the ledger's connection closes.
      messages.close()
      await commits.drained()
      await ledger.close()
      await recordChecker.close()
      otaLoadStore.close()
      bank.close()
      lock.release()
      log.info('stop: done', { ms: Date.now() - stopStartedMs })
    },
  }
}
