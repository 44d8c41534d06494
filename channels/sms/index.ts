/**
 * index.ts - starts the SMS channel the configuration asks for, on the SMPP bearer it starts
 * under it (src/bearer): the SMSC simulator (default), operator mode bound to an upstream SMSC,
 * or nothing. Both modes feed one SmsChannel, which feeds one SmsAdapter; the core never knows
 * which mode carried a command. The same bearer also carries USSD over SMPP (`ussdLink`, which
 * the gateway hands to channels/ussd/smpp). The channel is the SMS route (`route`) of the
 * gateway's notices outbox (src/gateway/notices), and keeps there the replies it cannot send.
 *
 * A graceful stop goes in steps the gateway calls in order: `stopAccepting` (new MOs are
 * refused with ESME_RTHROTTLED, so the SMSC sends them again later; the simulator takes no new
 * bind), `settle` (the MOs in flight are answered and their replies sent or kept in the outbox),
 * the gateway's outbox drain over the SMS route, then `close` (the sessions unbind).
 */
import { join } from 'node:path'
import type {
  InboundAnswer,
  InboundSm,
  SmppBearer,
  SmsTransport,
  UssdLink,
} from '../../src/bearer/contract.js'
import { startOperatorTransport } from '../../src/bearer/operator-transport.js'
import { startSimulatorTransport } from '../../src/bearer/simulator-transport.js'
import { smppStatus } from '../../src/bearer/smpp/constants.js'
import type { SmppLimits } from '../../src/bearer/smpp/limits.js'
import type { SmppServer } from '../../src/bearer/smpp/server.js'
import type { Config } from '../../src/config.js'
import type { NoticeRoute, ReplyKeeper } from '../../src/gateway/notices/index.js'
import type { LedgerReads } from '../../src/gateway/ports.js'
import type { Clock } from '../../src/service/clock.js'
import { InFlight } from '../../src/service/in-flight.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import type { PaymentService } from '../../src/service/payment-service.js'
import { SqliteLastMoStore } from './last-mo-store.js'
import { defaultMoIdentityLimits } from './mo-identity.js'
import { SmsAdapter } from './sms-adapter.js'
import { SmsChannel } from './sms-channel.js'
import { smsRoute } from './sms-route.js'

export interface SmsChannelDeps {
  readonly service: PaymentService
  /** The subscriber's language and waiting payment. */
  readonly ledger: LedgerReads<'subscriber'>
  /** Where replies that cannot be sent now are kept: the gateway's notices outbox. */
  readonly keep: ReplyKeeper
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
}

export interface RunningSmsChannel {
  readonly mode: 'simulator' | 'operator'
  readonly channel: SmsChannel
  readonly transport: SmsTransport
  /** The SMSC simulator's port (its configured one, or the one picked for port 0); null in operator mode. */
  readonly smppPort: number | null
  /** The same transport as the path of USSD over SMPP (channels/ussd/smpp). */
  readonly ussdLink: UssdLink
  /** The SMS route of the gateway's notices outbox. */
  readonly route: NoticeRoute
  ready(): boolean
  /** Stop, step 1: new MOs are refused (the SMSC retries them), the simulator takes no new bind. */
  stopAccepting(): void
  /** Stop, step 2: resolves once the MOs in flight are answered and their replies sent or kept. */
  settle(): Promise<void>
  /** Gives up on long MOs whose parts never came and forgets MOs too old to come again. */
  sweep(): Promise<void>
  close(): Promise<void>
}

/**
 * The configuration the channel reads. `smppLimits` (optional, not in config.ts yet) overrides
 * the SMSC simulator's session limits: the SMS benchmark raises the per-bind rate limit and the
 * deliver_sm window with it, passing a Config extended with this key through startGateway.
 */
export type SmsChannelConfig = Config & { readonly smppLimits?: Partial<SmppLimits> }

export async function startSmsChannel(
  config: SmsChannelConfig,
  deps: SmsChannelDeps,
): Promise<RunningSmsChannel | null> {
  if (config.sms.mode === 'off') return null
  const adapter = new SmsAdapter({
    service: deps.service,
    log: deps.log,
    shortCode: config.sms.shortCode,
    languageOf: async (msisdn) =>
      (await deps.ledger.subscriber(msisdn))?.subscriber.language ?? null,
  })
  const lastMos = new SqliteLastMoStore(
    join(config.dataDir, 'sms.sqlite'),
    defaultMoIdentityLimits.moFingerprintsMax,
    defaultMoIdentityLimits.lastMoFlushIntervalMs,
  )
  const channel = new SmsChannel({
    shortCode: config.sms.shortCode,
    adapter,
    clock: deps.clock,
    log: deps.log,
    metrics: deps.metrics,
    receipts: true,
    keep: deps.keep,
    lastMos,
    waitingOf: async (msisdn) =>
      (await deps.ledger.subscriber(msisdn))?.subscriber.pendingPaymentId ?? null,
  })
  let accepting = true
  const inbound = new InFlight()
  // An MO counts as in flight until its afterResponse (which starts its replies) has run: both
  // transports always call it, a turn after the response.
  const onInbound = async (sm: InboundSm): Promise<InboundAnswer> => {
    if (!accepting) return { status: smppStatus.throttled, messageId: '', afterResponse: null }
    inbound.enter()
    let answer: InboundAnswer
    try {
      answer = await channel.receive(sm)
    } catch (error) {
      inbound.leave()
      throw error
    }
    const after = answer.afterResponse
    if (after === null) {
      inbound.leave()
      return answer
    }
    return {
      ...answer,
      afterResponse: () => {
        try {
          after()
        } finally {
          inbound.leave()
        }
      },
    }
  }
  let transport: SmppBearer
  let smppPort: number | null = null
  let simulatorServer: SmppServer | null = null
  if (config.sms.mode === 'simulator') {
    const simulator = await startSimulatorTransport({
      host: config.smpp.host,
      port: config.smpp.port,
      systemId: config.smpp.systemId,
      password: config.smpp.password,
      shortCode: config.sms.shortCode,
      log: deps.log,
      metrics: deps.metrics,
      onInbound,
      ...(config.smppLimits === undefined ? {} : { limits: config.smppLimits }),
    })
    smppPort = simulator.server.port
    simulatorServer = simulator.server
    transport = simulator
    deps.log.info('smsc simulator listening', {
      smpp: `${simulator.server.host}:${simulator.server.port}`,
      shortCode: config.sms.shortCode,
    })
  } else {
    const upstream = config.sms.upstream
    if (upstream === null)
      throw new Error('operator mode without an upstream SMSC: config.ts refuses this')
    transport = startOperatorTransport({
      upstream,
      log: deps.log,
      metrics: deps.metrics,
      onInbound,
    })
  }
  channel.attach(transport)
  const mode = transport.mode
  return {
    mode,
    channel,
    transport,
    smppPort,
    ussdLink: transport,
    route: smsRoute(channel),
    ready: () => transport.ready(),
    stopAccepting() {
      accepting = false
      if (simulatorServer !== null) simulatorServer.stopListening()
    },
    async settle() {
      await inbound.idle()
      await channel.repliesSettled()
    },
    async sweep() {
      channel.expireParts()
      channel.pruneIdentities()
    },
    async close() {
      accepting = false
      await transport.close()
      lastMos.close()
    },
  }
}
