/**
 * simulated-network.ts - the SMSC simulator's network (simulator mode only): where a message for
 * a phone goes, and what passes between phones and other services without touching telepay's
 * channels. A phone is an ESME bind that stands in for it, or a web handset (src/gateway/handset:
 * POST /sim/mo in, a live stream out). A service is an ESME that bound with its own short code as
 * `address_range` (say 4455): the MOs phones send to that code are delivered to it as
 * deliver_sm, and its submit_sm from that code to an MSISDN is an MT to that phone. Services that
 * speak HTTP send MTs the way Kannel's sendsms takes them (`sendFromService`).
 *
 * Where an MT for a phone goes, in this order: back to the bind (or handset) its MO came by; the
 * bind that last spoke for the number; a web handset listening to the number; any ESME that can
 * receive and is not a service (the simulator's rule before handsets existed); else nowhere, and
 * the caller keeps it (the SMS channel in the notices outbox; a service's MT waits in the message
 * log for the number's handset). What passes between phones and services is recorded in the
 * message log here, read from the PDUs (contract.ts rule 5: no channel sees it); the platform's
 * own MOs and replies are recorded by the SMS channel. Exports SimulatedNetwork, HandsetSide,
 * NetworkOptions, PhoneTarget, HandsetMoResult, handsetBind, bindNameOf.
 */

import { normalizeMsisdn } from '../core/index.js'
import type {
  MessageRecorder,
  SmsDirection,
  SmsRecord,
  SmsState,
} from '../gateway/handset/messages.js'
import type { Json } from '../gateway/http/json.js'
import type {
  HandsetDelivery,
  InboundAnswer,
  InboundHandler,
  InboundSm,
  OutboundSm,
  SendResult,
} from './contract.js'
import { simDataDownloadPid } from './contract.js'
import { concatOf, outboundParams, sendResultOf } from './inbound-pdu.js'
import { esmClassOf, smppStatus } from './smpp/constants.js'
import type { PduParams } from './smpp/pdu.js'
import type { SmppPeer, SmppServer } from './smpp/server.js'
import { decodeText } from './text/coding.js'
import { smsTextLimits } from './text/limits.js'
import { Reassembler } from './text/reassembly.js'
import type { SplitCoding } from './text/segment.js'
import { splitText } from './text/segment.js'

/** What the network needs of the gateway's handset side. */
export interface HandsetSide {
  /** Whether a web handset listens to this number now (src/gateway/handset/hub.ts). */
  isOpen(msisdn: string): boolean
  /** The message log, where what passes between phones and services is recorded. */
  readonly messages: MessageRecorder
  /** The gateway's clock, so the log's times agree with the SMS channel's. */
  nowMs(): number
  /** Tells the number's open handsets (the hub): the SMSC's PDUs for their wire view. */
  publish?(msisdn: string, event: { readonly kind: 'pdu'; readonly data: Json }): void
}

export interface NetworkOptions {
  readonly server: Pick<SmppServer, 'peers'>
  /** The platform's short code: an MO to it goes to telepay's SMS channel. */
  readonly shortCode: string
  /** Null: no handset side (the bench, bearer tests); nothing is recorded then. */
  readonly handsets: HandsetSide | null
  /** The SMS channel's handler of MOs, as an ESME's MO to the short code reaches it. */
  readonly onInbound: InboundHandler
  /**
   * The SIMs of the simulated phones (src/bearer/rfid-sim/sim-toolkit.ts): a data download for
   * one goes to its SIM, whatever stands in for the phone's screen, and the SIM's answer (a proof
   * of receipt) comes back as the phone's MO to `onSimData`. Null: no SIMs (the bench).
   */
  readonly sims?: SimSide | null
  readonly onSimData?: InboundHandler
}

/** What the network needs of the simulated SIMs. */
export interface SimSide {
  /** The SIM of `msisdn` takes a data download's user data; its answer's user data, or null. */
  download(msisdn: string, userData: Buffer): Buffer | null
}

/** The bind name of MOs from web handsets: replies to them go back to the handset. */
export const handsetBind = 'handset'

/** A bind's name in InboundSm.bind and OutboundSm.bind. */
export function bindNameOf(peer: SmppPeer): string {
  return `${peer.systemId}#${peer.id}`
}

export type PhoneTarget =
  | { readonly kind: 'esme'; readonly peer: SmppPeer }
  | { readonly kind: 'handset'; readonly delivery: HandsetDelivery }

export type HandsetMoResult =
  | { readonly ok: true; readonly messageId: string; readonly parts: number }
  | { readonly ok: false; readonly reason: 'destination_unknown' | 'busy' | 'refused' }

/** MSISDNs whose last bind is remembered, for their MTs; the oldest forgotten first. */
const lastBindsMax = 100_000
/** lastBind's mark for "a web handset": no bind has a negative id. */
const handsetPeerId = -1

export class SimulatedNetwork {
  private readonly lastBind = new Map<string, number>()
  /** Parts of concatenated messages between phones and services, joined for the log only. */
  private readonly reassembler = new Reassembler(smsTextLimits)
  /** Ids of the network's own messages: a letter apart from the SMS channel's decimal ones. */
  private readonly idPrefix = `S${Date.now()}`
  private idCounter = 0
  private reference = 0
  private receiverTurn = 0

  constructor(private readonly options: NetworkOptions) {}

  /** The phone `msisdn` spoke by this bind: its MTs go there from now on. */
  remember(msisdn: string, peerId: number): void {
    this.lastBind.delete(msisdn)
    this.lastBind.set(msisdn, peerId)
    if (this.lastBind.size > lastBindsMax) {
      const oldest = this.lastBind.keys().next()
      if (oldest.done !== true) this.lastBind.delete(oldest.value)
    }
  }

  /**
   * The service code a bind speaks for: its address_range (`4455`, or `^4455$`) when that is a
   * short code other than the platform's; null for a bind that stands in for phones.
   */
  serviceCodeOf(peer: SmppPeer): string | null {
    const range = peer.addressRange.replace(/^\^/, '').replace(/\$$/, '')
    return /^\d{3,15}$/.test(range) && range !== this.options.shortCode ? range : null
  }

  /** The bind that receives MOs to a service code, if one is bound. */
  serviceFor(code: string): SmppPeer | undefined {
    return this.options.server
      .peers()
      .find((peer) => peer.canReceive && this.serviceCodeOf(peer) === code)
  }

  /** Where an MT for `destination` goes (see the file comment); null: nowhere now. */
  targetFor(destination: string, bind: string | null): PhoneTarget | null {
    // Handsets listen under the stored form of a number; an ESME may write it otherwise (+86…).
    const phone = normalizeMsisdn(destination) ?? destination
    const open = this.options.handsets?.isOpen(phone) ?? false
    const handset: PhoneTarget = { kind: 'handset', delivery: open ? 'open' : 'closed' }
    if (bind === handsetBind) return handset
    const peers = this.options.server.peers()
    if (bind !== null) {
      const origin = peers.find((peer) => bindNameOf(peer) === bind)
      const receiver = origin === undefined ? undefined : this.receiverOf(origin, peers)
      if (receiver !== undefined) return { kind: 'esme', peer: receiver }
    }
    const last = this.lastBind.get(destination)
    if (last === handsetPeerId && open) return handset
    const lastPeer = last === undefined ? undefined : peers.find((peer) => peer.id === last)
    const lastReceiver = lastPeer === undefined ? undefined : this.receiverOf(lastPeer, peers)
    if (lastReceiver !== undefined) return { kind: 'esme', peer: lastReceiver }
    if (open) return handset
    const any = peers.find((peer) => peer.canReceive && this.serviceCodeOf(peer) === null)
    return any === undefined ? null : { kind: 'esme', peer: any }
  }

  /** Sends an MT of the platform's (the SMS channel's) toward its phone. */
  async deliver(sm: OutboundSm): Promise<SendResult> {
    if (sm.protocolId === simDataDownloadPid) return this.downloadToSim(sm)
    const target = this.targetFor(sm.destination, sm.bind)
    if (target === null) return { ok: false, error: 'no ESME is bound to receive', temporary: true }
    if (target.kind === 'handset') return { ok: true, messageId: '', handset: target.delivery }
    // deliver_sm_resp carries no id; the simulator's own MT ids only name receipts.
    return sendResultOf(await target.peer.send('deliver_sm', outboundParams(sm)))
  }

  /**
   * A data download to a phone's SIM: the SIM answers at once, and its proof of receipt goes back
   * as an MO from the phone (an SMS-SUBMIT, PID 0x7F) after this send is answered.
   */
  private downloadToSim(sm: OutboundSm): SendResult {
    const phone = normalizeMsisdn(sm.destination) ?? sm.destination
    const sims = this.options.sims
    if (sims === null || sims === undefined)
      return { ok: false, error: 'no SIM answers data downloads here', temporary: false }
    const answer = sims.download(phone, sm.shortMessage)
    const messageId = this.nextId()
    const onSimData = this.options.onSimData
    if (answer !== null && onSimData !== undefined)
      setImmediate(() => {
        onSimData({
          bind: handsetBind,
          origin: handsetBind,
          source: phone,
          destination: sm.source,
          esmClass: esmClassOf.udhi,
          protocolId: simDataDownloadPid,
          dataCoding: sm.dataCoding,
          registeredDelivery: 0,
          shortMessage: answer,
          messagePayload: null,
          sar: null,
          userMessageReference: null,
          receiptedMessageId: null,
          messageState: null,
        }).catch(() => {
          // The platform's handler logs its own faults; a proof it failed on is as one lost,
          // which the sender asks again for.
        })
      })
    return { ok: true, messageId }
  }

  /**
   * A service's submit_sm from its own code: an MT to a phone. Answered at once with its id; the
   * MT goes to its phone after the response, and is recorded with where it went.
   */
  submitFromService(sm: InboundSm): InboundAnswer {
    if (normalizeMsisdn(sm.destination) === null)
      return { status: smppStatus.invalidDestination, messageId: '', afterResponse: null }
    const messageId = this.nextId()
    return {
      status: smppStatus.ok,
      messageId,
      afterResponse: () => void this.carryServiceMt(sm, messageId),
    }
  }

  /**
   * An MO from a phone (an ESME's, or a handset's) to a service code: delivered to the service's
   * bind, answered with the status that came of it.
   */
  async moToService(sm: InboundSm): Promise<InboundAnswer> {
    const service = this.serviceFor(sm.destination)
    if (service === undefined)
      return { status: smppStatus.invalidDestination, messageId: '', afterResponse: null }
    // Recorded before it goes, so that it comes before the service's answer in the log.
    const messageId = this.nextId()
    const recorded = this.observe(sm, 'mo', sm.source, sm.destination, messageId, 'delivered')
    const result = sendResultOf(await service.send('deliver_sm', forwardParams(sm)))
    if (!result.ok) {
      if (recorded !== null) this.update({ ...recorded, state: 'undelivered' })
      const status = result.temporary ? smppStatus.throttled : smppStatus.systemError
      return { status, messageId: '', afterResponse: null }
    }
    return { status: smppStatus.ok, messageId, afterResponse: null }
  }

  /**
   * An MO typed on a web handset (POST /sim/mo): coded and split as a phone would, then taken
   * exactly as an ESME's MO is, part by part: by the SMS channel for the platform's code, by a
   * service's bind for its code. The handset becomes the number's bind for its MTs.
   */
  async handsetMo(from: string, to: string, text: string): Promise<HandsetMoResult> {
    const toPlatform = to === this.options.shortCode
    if (!toPlatform && this.serviceFor(to) === undefined)
      return { ok: false, reason: 'destination_unknown' }
    this.reference = (this.reference + 1) % 256
    const split = splitText(text, this.reference)
    this.remember(from, handsetPeerId)
    let messageId = ''
    for (const part of split.parts) {
      const sm = handsetSm(from, to, split.esmClassUdhi, split.dataCoding, part)
      const answer = toPlatform ? await this.options.onInbound(sm) : await this.moToService(sm)
      // As an ESME's: what follows the response (the replies) comes after it.
      if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
      if (answer.status !== smppStatus.ok)
        return { ok: false, reason: answer.status === smppStatus.throttled ? 'busy' : 'refused' }
      messageId = answer.messageId
    }
    return { ok: true, messageId, parts: split.parts.length }
  }

  /**
   * An MT from a service over HTTP (Kannel's sendsms): split and coded, then carried as a
   * service's submit_sm is, after the caller's answer. Returns its id at once.
   */
  sendFromService(source: string, destination: string, text: string, coding: SplitCoding): string {
    this.reference = (this.reference + 1) % 256
    const split = splitText(text, this.reference, smsTextLimits, coding)
    const messageId = this.nextId()
    setImmediate(() => {
      void this.carryParts(
        source,
        destination,
        split.esmClassUdhi,
        split.dataCoding,
        split.parts,
      ).then((state) =>
        this.record({
          msisdn: destination,
          direction: 'mt',
          party: source,
          text,
          coding: split.dataCoding === 0x08 ? 'ucs2' : 'gsm7',
          parts: split.parts.length,
          messageId,
          state,
        }),
      )
    })
    return messageId
  }

  private async carryServiceMt(sm: InboundSm, messageId: string): Promise<void> {
    const target = this.targetFor(sm.destination, null)
    const state =
      target?.kind === 'esme'
        ? (await delivered(target.peer, forwardParams(sm)))
          ? 'submitted'
          : 'undelivered'
        : stateOfHandset(target)
    this.observe(sm, 'mt', sm.destination, sm.source, messageId, state)
  }

  /** Parts of an MT to its phone; the state of the message as the last part left it. */
  private async carryParts(
    source: string,
    destination: string,
    udhi: boolean,
    dataCoding: number,
    parts: readonly Buffer[],
  ): Promise<SmsState> {
    const target = this.targetFor(destination, null)
    if (target?.kind !== 'esme') return stateOfHandset(target)
    for (const part of parts) {
      const esmClass = udhi ? esmClassOf.udhi : 0
      const sm = { source, destination, esmClass, dataCoding, registeredDelivery: 0, bind: null }
      if (!(await delivered(target.peer, outboundParams({ ...sm, shortMessage: part }))))
        return 'undelivered'
    }
    return 'submitted'
  }

  /** Records a message read from its PDUs once its last part passes; what it recorded, if so. */
  private observe(
    sm: InboundSm,
    direction: SmsDirection,
    phone: string,
    party: string,
    messageId: string,
    state: SmsState,
  ): SmsRecord | null {
    const handsets = this.options.handsets
    if (handsets === null) return null
    const concat = concatOf(sm)
    const base = { msisdn: phone, direction, party, messageId, state }
    if (concat === null) {
      const decoded = decodeText(sm.dataCoding, sm.messagePayload ?? sm.shortMessage)
      return this.record({ ...base, text: decoded.text, coding: decoded.alphabet, parts: 1 })
    }
    const part = {
      ...concat,
      sender: sm.source,
      receiver: sm.destination,
      dataCoding: sm.dataCoding,
    }
    const added = this.reassembler.add(part, handsets.nowMs())
    if (added.status !== 'complete') return null
    const message = added.message
    return this.record({
      ...base,
      text: message.text,
      coding: message.alphabet,
      parts: message.total,
    })
  }

  /** Records a message under the phone's stored number; what it recorded (null: no log). */
  private record(message: SmsRecord): SmsRecord | null {
    const handsets = this.options.handsets
    if (handsets === null) return null
    const msisdn = normalizeMsisdn(message.msisdn) ?? message.msisdn
    const recorded = { ...message, msisdn }
    handsets.messages.record(recorded, handsets.nowMs())
    return recorded
  }

  /** A recorded message moved on (an MO its service refused). */
  private update(message: SmsRecord): void {
    const handsets = this.options.handsets
    handsets?.messages.update(message, handsets.nowMs())
  }

  /** Where a bind's MTs are received: itself, else a receiver of its system_id and kind. */
  private receiverOf(peer: SmppPeer, peers: readonly SmppPeer[]): SmppPeer | undefined {
    if (peer.canReceive) return peer
    const code = this.serviceCodeOf(peer)
    const receivers = peers.filter(
      (other) =>
        other.canReceive && other.systemId === peer.systemId && this.serviceCodeOf(other) === code,
    )
    if (receivers.length === 0) return undefined
    // In turn, as the server's findReceiver does for an ESME with several receiver binds.
    this.receiverTurn = (this.receiverTurn + 1) % receivers.length
    return receivers[this.receiverTurn]
  }

  private nextId(): string {
    this.idCounter += 1
    return `${this.idPrefix}${String(this.idCounter).padStart(6, '0')}`
  }
}

/** Whether a deliver_sm was taken; a send that threw (a closed session) was not. */
async function delivered(peer: SmppPeer, params: PduParams): Promise<boolean> {
  try {
    return sendResultOf(await peer.send('deliver_sm', params)).ok
  } catch {
    return false
  }
}

/** An MT that found no bind: on the handset if it listens, else waiting in the log for it. */
function stateOfHandset(target: PhoneTarget | null): SmsState {
  return target?.kind === 'handset' && target.delivery === 'open' ? 'delivered' : 'held'
}

/** A part as an ESME would have submitted it: the fields the SMS channel reads. */
function handsetSm(
  source: string,
  destination: string,
  udhi: boolean,
  dataCoding: number,
  shortMessage: Buffer,
): InboundSm {
  return {
    bind: handsetBind,
    origin: handsetBind,
    source,
    destination,
    esmClass: udhi ? esmClassOf.udhi : 0,
    protocolId: 0,
    dataCoding,
    registeredDelivery: 0,
    shortMessage,
    messagePayload: null,
    sar: null,
    userMessageReference: null,
    receiptedMessageId: null,
    messageState: null,
  }
}

/** A submitted part passed on as deliver_sm: the sender's fields, UDH and SAR as they came. */
function forwardParams(sm: InboundSm): PduParams {
  const params: Record<string, string | number | Buffer> = outboundParams({
    source: sm.source,
    destination: sm.destination,
    esmClass: sm.esmClass,
    dataCoding: sm.dataCoding,
    registeredDelivery: 0,
    shortMessage: sm.messagePayload === null ? sm.shortMessage : Buffer.alloc(0),
    bind: null,
  })
  if (sm.messagePayload !== null) params['message_payload'] = sm.messagePayload
  if (sm.sar !== null) {
    params['sar_msg_ref_num'] = sm.sar.ref
    params['sar_total_segments'] = sm.sar.total
    params['sar_segment_seqnum'] = sm.sar.seq
  }
  return params
}
