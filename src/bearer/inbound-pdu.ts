/**
 * inbound-pdu.ts - reads a submit_sm, deliver_sm or data_sm into the SMS channel's InboundSm
 * (contract.ts), and maps the session layer's send results onto the transport's. The only place
 * where SMPP field names meet the SMS channel.
 */

import type { InboundSm, OutboundSm, SendResult } from './contract.js'
import { smppStatus } from './smpp/constants.js'
import type { Pdu } from './smpp/pdu.js'
import { pduBuffer, pduNumber, pduString } from './smpp/pdu.js'
import type { SendResult as SessionSendResult } from './smpp/request-window.js'
import type { ConcatInfo } from './text/reassembly.js'
import { concatInfo } from './text/reassembly.js'

const emptyBuffer = Buffer.alloc(0)

export function inboundOf(pdu: Pdu, bind: string, origin: string = bind): InboundSm {
  const payload = pduBuffer(pdu, 'message_payload')
  const sarRef = pduNumber(pdu, 'sar_msg_ref_num')
  const sarTotal = pduNumber(pdu, 'sar_total_segments')
  const sarSeq = pduNumber(pdu, 'sar_segment_seqnum')
  return {
    bind,
    origin,
    source: pduString(pdu, 'source_addr') ?? '',
    destination: pduString(pdu, 'destination_addr') ?? '',
    esmClass: pduNumber(pdu, 'esm_class') ?? 0,
    protocolId: pduNumber(pdu, 'protocol_id') ?? 0,
    dataCoding: pduNumber(pdu, 'data_coding') ?? 0,
    registeredDelivery: pduNumber(pdu, 'registered_delivery') ?? 0,
    shortMessage: pduBuffer(pdu, 'short_message') ?? emptyBuffer,
    messagePayload: payload !== undefined && payload.length > 0 ? payload : null,
    sar:
      sarRef !== undefined && sarTotal !== undefined && sarSeq !== undefined
        ? { ref: sarRef, total: sarTotal, seq: sarSeq }
        : null,
    userMessageReference: pduNumber(pdu, 'user_message_reference') ?? null,
    receiptedMessageId: pduString(pdu, 'receipted_message_id') ?? null,
    messageState: pduNumber(pdu, 'message_state') ?? null,
  }
}

/**
 * submit_sm / deliver_sm fields of an outbound message; TON/NPI say "international" for MSISDNs.
 */
/**
 * The part of a concatenated message an SM is, from its UDH or its SAR TLVs; null for a whole
 * message (message_payload carries one whole, however long).
 */
export function concatOf(sm: InboundSm): ConcatInfo | null {
  return sm.messagePayload !== null
    ? null
    : concatInfo({
        esmClass: sm.esmClass,
        shortMessage: sm.shortMessage,
        ...(sm.sar === null
          ? {}
          : {
              sarMsgRefNum: sm.sar.ref,
              sarTotalSegments: sm.sar.total,
              sarSegmentSeqnum: sm.sar.seq,
            }),
      })
}

export function outboundParams(sm: OutboundSm): Record<string, string | number | Buffer> {
  const params: Record<string, string | number | Buffer> = {
    source_addr_ton: /^\d{6,}$/.test(sm.source) ? 1 : 0,
    source_addr_npi: 1,
    source_addr: sm.source,
    dest_addr_ton: /^\d{6,}$/.test(sm.destination) ? 1 : 0,
    dest_addr_npi: 1,
    destination_addr: sm.destination,
    esm_class: sm.esmClass,
    protocol_id: sm.protocolId ?? 0,
    registered_delivery: sm.registeredDelivery,
    data_coding: sm.dataCoding,
    short_message: sm.shortMessage,
  }
  if (sm.receiptedMessageId !== undefined) params['receipted_message_id'] = sm.receiptedMessageId
  if (sm.messageState !== undefined) params['message_state'] = sm.messageState
  return params
}

const temporaryStatuses: ReadonlySet<number> = new Set([
  smppStatus.throttled,
  smppStatus.queueFull,
  smppStatus.systemError,
])

/** A session's send result as the transport's; `peer` names who answered in the error text. */
export function sendResultOf(result: SessionSendResult, peer = 'peer'): SendResult {
  if (result.ok) return { ok: true, messageId: pduString(result.response, 'message_id') ?? '' }
  if (result.reason === 'status')
    return {
      ok: false,
      error: `${peer} answered status 0x${result.status.toString(16).padStart(8, '0')}`,
      temporary: temporaryStatuses.has(result.status),
    }
  return {
    ok: false,
    error: `${result.reason}: ${result.detail}`,
    temporary: result.reason !== 'invalid',
  }
}
