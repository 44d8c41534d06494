/**
 * contract.ts - the contract between the SMS channel and the two ways SMS reaches telepay: the
 * built-in SMSC simulator (ESMEs submit MOs with submit_sm, replies go back as deliver_sm) and
 * operator mode (we bind to an operator's SMSC, MOs come as deliver_sm, replies go as submit_sm).
 *
 * A transport:
 *  1. MUST hand every short message addressed to us to `InboundHandler`, with its raw bytes and
 *     the fields the sender set, and answer the PDU with the status the handler returns, only
 *     after the handler resolves (the handler resolves after the command is durable, so an
 *     acknowledged MO is never lost).
 *  2. MUST call `InboundAnswer.afterResponse` only once the response PDU has been written, so a
 *     reply or a receipt never overtakes the response that carries its message id.
 *  3. MUST NOT look into message text: coding, concatenation and keywords are the channel's.
 *  4. MAY refuse a PDU itself (bind states, throttling, malformed input) without the handler.
 * The channel never learns which transport it runs on beyond `mode`.
 */

/** A short message that reached us: an MO from a phone, or a delivery receipt for one of our MTs. */
export interface InboundSm {
  /** Which session it came by: simulator replies go back there. */
  readonly bind: string
  /** Who sent it, stable across reconnects (the ESME's system_id, or the upstream SMSC): scopes MO ids. */
  readonly origin: string
  readonly source: string
  readonly destination: string
  readonly esmClass: number
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
  readonly dataCoding: number
  readonly registeredDelivery: number
  readonly shortMessage: Buffer
  /** The bind an MO came by, so its reply goes back there; null: any that can take it. */
  readonly bind: string | null
  readonly receiptedMessageId?: string
  readonly messageState?: number
}

export type SendResult =
  | { readonly ok: true; readonly messageId: string }
  | { readonly ok: false; readonly error: string; readonly temporary: boolean }

export interface SmsTransport {
  readonly mode: 'simulator' | 'operator'
  send(sm: OutboundSm): Promise<SendResult>
  /** Bound and able to carry traffic both ways. */
  ready(): boolean
  close(): Promise<void>
}
