/**
 * contract.ts - the SMPP bearer's contract with the channels that ride it, in the manner of
 * Kannel's bearerbox: the bearer holds the SMPP sessions (the built-in SMSC simulator, where
 * ESMEs stand in for phones, or our bind to an operator's SMSC and USSDC) and hands each channel
 * what is its own: short messages to channels/sms (`SmsLink`), PDUs that carry ussd_service_op
 * to channels/ussd (`UssdLink`). The gateway starts it (start.ts) and hands each channel its
 * side. Simulator mode: MOs and USSD input come as submit_sm, replies and screens go back as
 * deliver_sm. Operator mode: the other way round.
 *
 * The bearer (start.ts, simulator-transport.ts, operator-transport.ts):
 *  1. MUST hand every short message addressed to us to the attached `InboundHandler`, with its
 *     raw bytes and the fields the sender set, and answer the PDU with the status the handler
 *     returns, only after the handler resolves (the handler resolves after the command is
 *     durable, so an acknowledged MO is never lost); with no handler attached it MUST answer
 *     ESME_RTHROTTLED, so the SMSC sends the message again later.
 *  2. MUST hand every PDU carrying `ussd_service_op` to the attached UssdPduHandler instead of
 *     the SMS path, and answer it with the status the handler returns; with no handler attached
 *     it MUST treat the PDU as before USSD existed (an SMS). Likewise every short message with
 *     protocol_id 0x7F (a SIM's proof of receipt) to the attached SimDataLink handler.
 *  3. MUST call `InboundAnswer.afterResponse` only once the response PDU has been written, so a
 *     reply, a receipt or a screen never overtakes the response that carries its message id.
 *  4. MUST send `sendUssd` params unchanged (TLVs included) as deliver_sm (simulator) or
 *     submit_sm (operator), to the bind named when it is still there.
 *  5. MUST NOT look into the text of the messages it carries for the channels: coding,
 *     concatenation, keywords and menus are the channels' (text/ is a library they call, not a
 *     step the bearer applies). The simulator's network (simulated-network.ts) reads the text
 *     only of what passes between phones and other services' ESMEs, which no channel sees, to
 *     record it in the message log.
 *  6. MAY refuse a PDU itself (bind states, throttling, malformed input) without a handler.
 *  7. MAY offer no push target (`pushTarget` null): the caller then falls back to SMS.
 *  8. MAY, in simulator mode, deliver an MT to a web handset (src/gateway/handset) instead of a
 *     bind, saying so in `SendResult.handset`: a reply to an MO the handset sent, or an MT to a
 *     number no ESME last spoke for while a handset of that number listens.
 *
 * A channel that rides the bearer:
 *  a. MUST send only through `send` / `sendUssd`, and MUST NOT open or write to an SMPP session
 *     of its own: binds, windows, throttling and reconnects are the bearer's.
 *  b. MUST NOT import another channel: what SMS and USSD share lives in src/bearer/ (this
 *     contract, the SMPP stack in smpp/, the text coding in text/) or in the gateway (the notices
 *     outbox whose routes they are, src/gateway/notices/).
 *  c. MUST NOT learn which mode carries it beyond `mode`.
 * Exports InboundSm, InboundAnswer, InboundHandler, OutboundSm, HandsetDelivery, SendResult,
 * SmsTransport, SmsLink, SimDataLink, simDataDownloadPid, UssdLink, UssdPduHandler,
 * UssdPduSource, SmppBearer.
 */
import type { Pdu, PduParams } from './smpp/pdu.js'

// What channels/sms rides: short messages, MOs and receipts in, replies and notices out.

/**
 * A short message that reached us: an MO from a phone, or a delivery receipt for one of our MTs.
 */
export interface InboundSm {
  /** Which session it came by: simulator replies go back there. */
  readonly bind: string
  /**
   * Who sent it, stable across reconnects (the ESME's system_id, or the upstream SMSC): scopes MO
   * ids.
   */
  readonly origin: string
  readonly source: string
  readonly destination: string
  readonly esmClass: number
  /** TP-PID: 0x7F is a SIM data download (an OTA packet, or the SIM's proof of receipt). */
  readonly protocolId: number
  readonly dataCoding: number
  readonly registeredDelivery: number
  readonly shortMessage: Buffer
  readonly messagePayload: Buffer | null
  readonly sar: { readonly ref: number; readonly total: number; readonly seq: number } | null
  readonly userMessageReference: number | null
  readonly receiptedMessageId: string | null
  readonly messageState: number | null
}

export interface InboundAnswer {
  /** SMPP command_status of the response (0 = ESME_ROK). */
  readonly status: number
  /** message_id of a submit_sm_resp (simulator); ignored for deliver_sm_resp. */
  readonly messageId: string
  /** Work that must follow the response on the wire: replies, a receipt. */
  readonly afterResponse: (() => void) | null
}

export type InboundHandler = (sm: InboundSm) => Promise<InboundAnswer>

/** A short message we send toward a phone. */
export interface OutboundSm {
  readonly source: string
  readonly destination: string
  readonly esmClass: number
  /** TP-PID; absent: 0, a plain short message. 0x7F: a data download for the SIM (OTA). */
  readonly protocolId?: number
  readonly dataCoding: number
  readonly registeredDelivery: number
  readonly shortMessage: Buffer
  /** The bind an MO came by, so its reply goes back there; null: any that can take it. */
  readonly bind: string | null
  readonly receiptedMessageId?: string
  readonly messageState?: number
}

/**
 * Where the simulator put a message for a phone no ESME took (simulated-network.ts): `open`, on
 * a web handset listening to that number now; `closed`, kept in the message log for the handset
 * of that number to read when it opens (a reply to an MO it sent while no longer listening).
 */
export type HandsetDelivery = 'open' | 'closed'

export type SendResult =
  | {
      readonly ok: true
      readonly messageId: string
      /** Set when the simulator gave it to a web handset instead of a bind. */
      readonly handset?: HandsetDelivery
    }
  | { readonly ok: false; readonly error: string; readonly temporary: boolean }

export interface SmsTransport {
  readonly mode: 'simulator' | 'operator'
  send(sm: OutboundSm): Promise<SendResult>
  /** Bound and able to carry traffic both ways. */
  ready(): boolean
  close(): Promise<void>
}

/** The SMS side of the bearer the gateway hands channels/sms: send, and take what comes in. */
export interface SmsLink extends Omit<SmsTransport, 'close'> {
  /** Takes the short messages addressed to us from now on; null refuses them (ESME_RTHROTTLED). */
  attachSms(handler: InboundHandler | null): void
}

/**
 * SIM data download (TP-PID 0x7F), both ways: the platform's OTA packets go out by `send` with
 * `protocolId` 0x7F; the SIMs' proofs of receipt come back to the attached handler, never to the
 * SMS channel (they are bytes for the SIM's applet, not a text anyone typed).
 */
export interface SimDataLink {
  /** Takes the SIM data downloads addressed to us; null refuses them (ESME_RTHROTTLED). */
  attachSimData(handler: InboundHandler | null): void
}

/** TP-PID of a SIM data download (3GPP TS 23.040): the ME hands it to the SIM. */
export const simDataDownloadPid = 0x7f

// What channels/ussd rides: PDUs that carry ussd_service_op, both ways.

/** Which session a USSD PDU came by, and who sent it (stable across reconnects). */
export interface UssdPduSource {
  /** The session: replies go back there (simulator `systemId#id`, operator `user@host:port`). */
  readonly bind: string
  /** The ESME's system_id (simulator) or the upstream (operator): scopes its_session_info. */
  readonly origin: string
}

export type UssdPduHandler = (pdu: Pdu, from: UssdPduSource) => Promise<InboundAnswer>

export interface UssdLink {
  readonly mode: 'simulator' | 'operator'
  /** Takes PDUs with ussd_service_op from now on; null gives them back to the SMS path. */
  attachUssd(handler: UssdPduHandler | null): void
  /**
   * Sends one USSD PDU toward a phone by `bind` (or, if that bind is gone, another of its origin).
   */
  sendUssd(bind: string, params: PduParams): Promise<SendResult>
  /**
   * Where a network-initiated dialogue with `msisdn` can be opened: simulator mode, the bind that
   * last spoke USSD for that MSISDN, else any bind that has spoken USSD (an ESME that never sent
   * ussd_service_op is taken for an SMS-only one); operator mode, the upstream while bound.
   */
  pushTarget(msisdn: string): UssdPduSource | null
}

/** The bearer as a whole: both transports carry SMS and USSD over the same binds. */
export type SmppBearer = SmsTransport & UssdLink & SimDataLink
