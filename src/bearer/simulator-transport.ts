/**
 * simulator-transport.ts - the built-in SMSC (SPEC section 1, port 2775): any ESME that binds
 * stands in for phones. A submit_sm from an MSISDN to the short code is an MO; its
 * submit_sm_resp carries the MO's message id, the replies come back to that bind (or a receiver
 * bind of the same system_id) as deliver_sm, and a delivery receipt follows when asked for.
 * Notices (merchant requests, expiries) go to the bind that last spoke for that MSISDN, else to
 * a web handset listening to it, else to any bind that can receive (simulated-network.ts, which
 * also carries what passes between phones and services bound with their own short code as
 * address_range, and takes the MOs of web handsets). A submit_sm carrying ussd_service_op is
 * USSD, not SMS: it goes to the handler channels/ussd/smpp attached (UssdLink), which answers
 * with deliver_sm through sendUssd; binds that spoke USSD are remembered as the places a USSD
 * push can go. Exports startSimulatorTransport, SimulatorOptions, SimulatorTransport.
 */
import type { Logger } from '../service/log.js'
import type { Metrics } from '../service/metrics.js'
import type {
  InboundAnswer,
  InboundHandler,
  OutboundSm,
  SendResult,
  SmppBearer,
  UssdPduHandler,
  UssdPduSource,
} from './contract.js'
import { simDataDownloadPid } from './contract.js'
import { inboundOf, sendResultOf } from './inbound-pdu.js'
import { pduJson, pduParties } from './pdu-json.js'
import type { HandsetSide, SimSide } from './simulated-network.js'
import { bindNameOf, SimulatedNetwork } from './simulated-network.js'
import { smppStatus } from './smpp/constants.js'
import type { SmppLimits } from './smpp/limits.js'
import { publishSmppCounters } from './smpp/metrics.js'
import type { PduParams } from './smpp/pdu.js'
import type { SmppServer } from './smpp/server.js'
import { startSmppServer } from './smpp/server.js'

export interface SimulatorOptions {
  readonly host: string
  readonly port: number
  readonly systemId: string
  readonly password: string
  readonly shortCode: string
  readonly limits?: Partial<SmppLimits>
  readonly log: Logger
  readonly metrics: Metrics
  readonly onInbound: InboundHandler
  /** The web handsets and the message log (src/gateway/handset); null: none. */
  readonly handsets?: HandsetSide | null
  /** The simulated phones' SIMs, which answer OTA data downloads; null: none. */
  readonly sims?: SimSide | null
}

/** MSISDNs whose last USSD bind we remember, for the push; oldest forgotten first. */
const lastBindsMax = 100_000

export interface SimulatorTransport extends SmppBearer {
  readonly server: SmppServer
  /** Where MTs go, and what passes between phones, handsets and services. */
  readonly network: SimulatedNetwork
}

export async function startSimulatorTransport(
  options: SimulatorOptions,
): Promise<SimulatorTransport> {
  // Set once the server listens, before any bind can submit.
  let network: SimulatedNetwork | null = null
  // USSD over SMPP: who speaks it, and where each MSISDN last spoke it (same bound as lastBind).
  let ussdHandler: UssdPduHandler | null = null
  let simDataHandler: InboundHandler | null = null
  const onSimData: InboundHandler = (sm) =>
    simDataHandler === null
      ? Promise.resolve({ status: smppStatus.throttled, messageId: '', afterResponse: null })
      : simDataHandler(sm)
  const ussdPeers = new Set<number>()
  const lastUssdBind = new Map<string, number>()
  const rememberUssd = (msisdn: string, peerId: number): void => {
    ussdPeers.add(peerId)
    lastUssdBind.delete(msisdn)
    lastUssdBind.set(msisdn, peerId)
    if (lastUssdBind.size > lastBindsMax) {
      const oldest = lastUssdBind.keys().next()
      if (oldest.done !== true) lastUssdBind.delete(oldest.value)
    }
  }

  const server = await startSmppServer({
    host: options.host,
    port: options.port,
    accounts: [{ systemId: options.systemId, password: options.password }],
    systemId: options.systemId,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    logger: options.log,
    onEvent: (event) => {
      if (event.type === 'bound')
        options.log.info('smpp bind', {
          systemId: event.peer.systemId,
          bind: event.peer.bindType,
          peer: `${event.peer.remoteAddress}:${event.peer.remotePort}`,
        })
      // Refusals are logged by the server, at most one line per lockout of an address.
      else if (event.type === 'closed' && event.peer !== null) {
        ussdPeers.delete(event.peer.id)
        options.log.info('smpp session closed', {
          systemId: event.peer.systemId,
          reason: event.reason,
        })
      }
    },
    onPdu: (event) => {
      const handsets = options.handsets
      if (handsets?.publish === undefined) return
      const watched = pduParties(event).filter((msisdn) => handsets.isOpen(msisdn))
      if (watched.length === 0) return
      const data = pduJson(event, handsets.nowMs())
      for (const msisdn of watched) handsets.publish?.(msisdn, { kind: 'pdu', data })
    },
    onSubmit: async (peer, pdu) => {
      if (ussdHandler !== null && pdu.fields['ussd_service_op'] !== undefined) {
        const source =
          typeof pdu.fields['source_addr'] === 'string' ? pdu.fields['source_addr'] : ''
        rememberUssd(source, peer.id)
        const answer = await ussdHandler(pdu, { bind: bindNameOf(peer), origin: peer.systemId })
        if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
        return answer.status === smppStatus.ok
          ? { status: answer.status, messageId: answer.messageId }
          : { status: answer.status }
      }
      const sm = inboundOf(pdu, bindNameOf(peer), peer.systemId)
      if (network === null) return { status: smppStatus.throttled }
      if (sm.protocolId === simDataDownloadPid && sm.destination === options.shortCode) {
        // A SIM's proof of receipt, sent by an ESME that stands in for a phone and its SIM.
        const answer = await onSimData(sm)
        if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
        return answer.status === smppStatus.ok
          ? { status: answer.status, messageId: answer.messageId }
          : { status: answer.status }
      }
      const serviceCode = network.serviceCodeOf(peer)
      let answer: InboundAnswer
      if (serviceCode !== null && sm.source === serviceCode) {
        // A service's MT from its own code to a phone.
        answer = network.submitFromService(sm)
      } else if (sm.destination !== options.shortCode) {
        // An MO to another service's code, or to no one (ESME_RINVDSTADR, as before services).
        if (network.serviceFor(sm.destination) === undefined)
          return { status: smppStatus.invalidDestination }
        network.remember(sm.source, peer.id)
        answer = await network.moToService(sm)
      } else {
        network.remember(sm.source, peer.id)
        answer = await options.onInbound(sm)
      }
      // The server writes submit_sm_resp as soon as this resolves; what follows it on the
      // wire (replies, the receipt) waits a turn of the event loop so that it comes after.
      if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
      return answer.status === smppStatus.ok
        ? { status: answer.status, messageId: answer.messageId }
        : { status: answer.status }
    },
  })
  const simulated = new SimulatedNetwork({
    server,
    shortCode: options.shortCode,
    handsets: options.handsets ?? null,
    onInbound: options.onInbound,
    sims: options.sims ?? null,
    onSimData,
  })
  network = simulated
  publishSmppCounters(options.metrics, 'smsc', server.counters)
  options.metrics.gauge('telepay_smpp_binds', 'ESMEs bound to the SMSC simulator', ['bind'], () => {
    const counts = new Map<string, number>()
    for (const peer of server.peers())
      counts.set(peer.bindType, (counts.get(peer.bindType) ?? 0) + 1)
    return [...counts].map(([bind, value]) => ({ labels: { bind }, value }))
  })

  return {
    mode: 'simulator',
    server,
    network: simulated,
    send: (sm: OutboundSm): Promise<SendResult> => simulated.deliver(sm),
    ready: () => true,
    close: () => server.close(),
    attachUssd(handler) {
      ussdHandler = handler
    },
    attachSimData(handler) {
      simDataHandler = handler
    },
    async sendUssd(bind: string, params: PduParams): Promise<SendResult> {
      const peers = server.peers()
      const origin = peers.find((peer) => bindNameOf(peer) === bind)
      const systemId = bind.slice(0, bind.lastIndexOf('#'))
      const peer = origin !== undefined ? server.receiverFor(origin) : server.findReceiver(systemId)
      if (peer === undefined)
        return {
          ok: false,
          error: 'the ESME of this USSD dialogue is not bound to receive',
          temporary: true,
        }
      return sendResultOf(await peer.send('deliver_sm', params))
    },
    pushTarget(msisdn: string): UssdPduSource | null {
      const peers = server.peers().filter((peer) => ussdPeers.has(peer.id))
      const last = lastUssdBind.get(msisdn)
      const candidates = [...peers.filter((peer) => peer.id === last), ...peers]
      for (const candidate of candidates) {
        const receiver = server.receiverFor(candidate)
        if (receiver !== undefined) return { bind: bindNameOf(receiver), origin: receiver.systemId }
      }
      return null
    },
  }
}
