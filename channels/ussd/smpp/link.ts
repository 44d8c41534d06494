/**
 * link.ts - the contract between USSD over SMPP (this folder) and the SMPP transports of the SMS
 * channel that carry it: the SMSC simulator (phones' ESMEs send submit_sm, screens go back as
 * deliver_sm) and operator mode (the USSDC sends deliver_sm, screens go as submit_sm).
 *
 * A transport that offers a UssdLink:
 *  1. MUST hand every PDU carrying `ussd_service_op` to the attached UssdPduHandler instead of
 *     the SMS channel, and answer the PDU with the status the handler returns; with no handler
 *     attached it MUST treat the PDU as before USSD existed (an SMS).
 *  2. MUST call `InboundAnswer.afterResponse` only once the response PDU has been written, so
 *     a screen never overtakes the response to the PDU it answers.
 *  3. MUST send `sendUssd` params unchanged (TLVs included) as deliver_sm (simulator) or
 *     submit_sm (operator), to the bind named when it is still there.
 *  4. MAY offer no push target (`pushTarget` null): the caller then falls back to SMS.
 * Exports UssdLink, UssdPduHandler, UssdPduSource.
 */
import type { PduParams, Pdu } from '../../../src/bearer/smpp/pdu.js'
import type { InboundAnswer, SendResult } from '../../../src/bearer/contract.js'

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
  /** Sends one USSD PDU toward a phone by `bind` (or, if that bind is gone, another of its origin). */
  sendUssd(bind: string, params: PduParams): Promise<SendResult>
  /**
   * Where a network-initiated dialogue with `msisdn` can be opened: simulator mode, the bind that
   * last spoke USSD for that MSISDN, else any bind that has spoken USSD (an ESME that never sent
   * ussd_service_op is taken for an SMS-only one); operator mode, the upstream while bound.
   */
  pushTarget(msisdn: string): UssdPduSource | null
}
