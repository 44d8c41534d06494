/**
 * start.ts - starts the SMPP bearer the configuration asks for: the built-in SMSC simulator,
 * where ESMEs bind to stand in for phones, or operator mode's bind to an upstream SMSC. The
 * gateway starts it, before the channels that ride it, and hands each its side (contract.ts):
 * `sms` to channels/sms, which attaches its handler of short messages, and `ussd` to
 * channels/ussd/smpp. Neither channel starts, stops or names the transport under it.
 *
 * Until channels/sms attaches (and after it lets go) a short message is refused with
 * ESME_RTHROTTLED, so the SMSC sends it again later: operator mode binds as it starts, and
 * an MO may come before the channel is ready for it.
 * Exports startSmppBearer, SmppBearerOptions, RunningSmppBearer.
 */
import type { UpstreamSmsc } from '../config.js'
import type { Logger } from '../service/log.js'
import type { Metrics } from '../service/metrics.js'
import type {
  InboundAnswer,
  InboundHandler,
  SimDataLink,
  SmppBearer,
  SmsLink,
  UssdLink,
} from './contract.js'
import { startOperatorTransport } from './operator-transport.js'
import type { HandsetSide, SimSide, SimulatedNetwork } from './simulated-network.js'
import { startSimulatorTransport } from './simulator-transport.js'
import { smppStatus } from './smpp/constants.js'
import type { SmppLimits } from './smpp/limits.js'
import type { SmppPeerStatus, SmppServer } from './smpp/server.js'

export interface SmppBearerOptions {
  readonly mode: 'simulator' | 'operator'
  /** Where the simulator listens and the credentials ESMEs bind with (config.ts `smpp`). */
  readonly simulator: {
    readonly host: string
    readonly port: number
    readonly systemId: string
    readonly password: string
  }
  /** The number MOs are sent to: the simulator refuses a short message to another. */
  readonly shortCode: string
  /** Operator mode's SMSC. */
  readonly upstream: UpstreamSmsc | null
  /** Overrides the simulator's session limits (the SMS benchmark raises the throttle). */
  readonly limits?: Partial<SmppLimits>
  /** The simulator's web handsets and message log (src/gateway/handset); absent: none. */
  readonly handsets?: HandsetSide | null
  /** The simulated phones' SIMs, which answer OTA data downloads; absent: none. */
  readonly sims?: SimSide | null
  readonly log: Logger
  readonly metrics: Metrics
}

/** One ESME bound to the SMSC simulator, as the operator console shows it. */
export interface SmppBindStatus extends SmppPeerStatus {
  readonly id: number
  readonly systemId: string
  readonly bindType: string
  readonly remote: string
}

export interface RunningSmppBearer {
  readonly mode: 'simulator' | 'operator'
  /** What channels/sms rides: short messages both ways. */
  readonly sms: SmsLink
  /** What channels/ussd/smpp rides: PDUs that carry ussd_service_op, both ways. */
  readonly ussd: UssdLink
  /** What the OTA service rides: SIM data downloads out (by `sms.send`), proofs of receipt in. */
  readonly simData: SimDataLink
  /**
   * The simulator's port (its configured one, or the one picked for port 0); null in operator mode.
   */
  readonly port: number | null
  /**
   * The simulator's network (web handsets' MOs, services' MTs over HTTP); null in operator mode.
   */
  readonly network: SimulatedNetwork | null
  /** Bound and able to carry traffic both ways. */
  ready(): boolean
  /** The SMSC simulator's binds now (the operator console); none in operator mode. */
  binds(): readonly SmppBindStatus[]
  /** Unbinds one of the simulator's binds (the console's button); false when it is gone. */
  unbind(id: number): Promise<boolean>
  /** Stop, step 1: the simulator takes no new bind (its listener closes); binds made stay. */
  stopListening(): void
  /** Unbinds the sessions, once the channels that ride it have closed. */
  close(): Promise<void>
}

export async function startSmppBearer(options: SmppBearerOptions): Promise<RunningSmppBearer> {
  let smsHandler: InboundHandler | null = null
  const onInbound = (sm: Parameters<InboundHandler>[0]): Promise<InboundAnswer> =>
    smsHandler === null
      ? Promise.resolve({ status: smppStatus.throttled, messageId: '', afterResponse: null })
      : smsHandler(sm)
  let transport: SmppBearer
  let server: SmppServer | null = null
  let network: SimulatedNetwork | null = null
  if (options.mode === 'simulator') {
    const simulator = await startSimulatorTransport({
      ...options.simulator,
      shortCode: options.shortCode,
      log: options.log,
      metrics: options.metrics,
      onInbound,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      handsets: options.handsets ?? null,
      sims: options.sims ?? null,
    })
    server = simulator.server
    network = simulator.network
    transport = simulator
    options.log.info('smsc simulator listening', {
      smpp: `${simulator.server.host}:${simulator.server.port}`,
      shortCode: options.shortCode,
    })
  } else {
    if (options.upstream === null)
      throw new Error('operator mode without an upstream SMSC: config.ts refuses this')
    transport = startOperatorTransport({
      upstream: options.upstream,
      log: options.log,
      metrics: options.metrics,
      onInbound,
    })
  }
  const bearer = transport
  return {
    mode: bearer.mode,
    sms: {
      mode: bearer.mode,
      send: (sm) => bearer.send(sm),
      ready: () => bearer.ready(),
      attachSms(handler) {
        smsHandler = handler
      },
    },
    ussd: {
      mode: bearer.mode,
      attachUssd: (handler) => bearer.attachUssd(handler),
      sendUssd: (bind, params) => bearer.sendUssd(bind, params),
      pushTarget: (msisdn) => bearer.pushTarget(msisdn),
    },
    simData: { attachSimData: (handler) => bearer.attachSimData(handler) },
    port: server?.port ?? null,
    network,
    ready: () => bearer.ready(),
    binds: () =>
      (server?.peers() ?? []).map((peer) => ({
        id: peer.id,
        systemId: peer.systemId,
        bindType: peer.bindType,
        remote: `${peer.remoteAddress}:${peer.remotePort}`,
        ...peer.status(),
      })),
    async unbind(id) {
      const peer = server?.peers().find((candidate) => candidate.id === id)
      if (peer === undefined) return false
      await peer.unbind()
      return true
    },
    stopListening() {
      server?.stopListening()
    },
    close: () => bearer.close(),
  }
}
