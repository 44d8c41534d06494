/**
 * ussd-pdu.ts - the only place where SMPP fields meet USSD: reads a submit_sm / deliver_sm that
 * carries ussd_service_op into a UssdPdu (text decoded by its data_coding), builds the fields of
 * a screen we send, and reads the service code out of an address or a dial string. Exports
 * readUssdPdu, screenParams, serviceDigits, namesService, dialOf, UssdPdu, UssdPduRead, ScreenPdu.
 *
 * Coding decisions: a screen that fits GSM 03.38 goes unpacked, one septet per octet, labelled
 * 0x0F (the CBS DCS "GSM 7-bit, language unspecified" that USSD strings carry on the air and
 * USSDCs pass through), or 0x00 when the phone itself wrote 0x00; anything else goes UCS-2,
 * 0x08. Input is read by the bearer's decodeText (src/bearer/text), which takes 0x0F, 0x00 and
 * the other GSM-7 labels as GSM, 0x08 and 0x48 as UCS-2. A USSD page always fits one
 * short_message.
 */
import { smppStatus } from '../../../src/bearer/smpp/command-status.js'
import type { Pdu, PduParams } from '../../../src/bearer/smpp/pdu.js'
import { pduBuffer, pduNumber, pduString } from '../../../src/bearer/smpp/pdu.js'
import { isSessionInfo } from '../../../src/bearer/smpp/ussd-op.js'
import { decodeText, encodeUcs2 } from '../../../src/bearer/text/coding.js'
import { encodeGsm7, isGsm7 } from '../../../src/bearer/text/gsm7.js'
import type { UssdSmppLimits } from './limits.js'

/** data_coding of our GSM screens (see the file comment), and of UCS-2 ones. */
export const ussdDataCoding = { gsm: 0x0f, smscDefault: 0x00, ucs2: 0x08 } as const

/** SMPP 3.4 command_status codes refusing a USSD PDU, beyond the session layer's. */
export const ussdStatus = {
  ok: smppStatus.ESME_ROK,
  /** A text longer than a USSD string. */
  invalidLength: smppStatus.ESME_RINVMSGLEN,
  /** A source_addr that is not an MSISDN. */
  invalidSource: 0x0a,
  /** A destination_addr that names another service code. */
  invalidDestination: 0x0b,
  /** ESME_RINVOPTPARAMVAL: an op we do not serve, or its_session_info not two octets. */
  invalidTlvValue: 0xc4,
  throttled: smppStatus.ESME_RTHROTTLED,
  systemError: smppStatus.ESME_RSYSERR,
} as const

export interface UssdPdu {
  readonly op: number
  /** As it came, echoed in every answer; null when the peer sent none. */
  readonly sessionInfo: Buffer | null
  readonly source: string
  readonly destination: string
  readonly dataCoding: number
  /** The dial string, or the user's input; never logged (it may be a PIN). */
  readonly text: string
  readonly sequence: number
}

export type UssdPduRead =
  | { readonly ok: true; readonly pdu: UssdPdu }
  | { readonly ok: false; readonly status: number; readonly why: string }

export function readUssdPdu(pdu: Pdu, limits: UssdSmppLimits): UssdPduRead {
  const op = pduNumber(pdu, 'ussd_service_op')
  if (op === undefined)
    return { ok: false, status: ussdStatus.invalidTlvValue, why: 'no ussd_service_op' }
  const sessionInfo = pduBuffer(pdu, 'its_session_info') ?? null
  if (sessionInfo !== null && !isSessionInfo(sessionInfo)) {
    return {
      ok: false,
      status: ussdStatus.invalidTlvValue,
      why: `its_session_info of ${sessionInfo.length} octets`,
    }
  }
  const payload = pduBuffer(pdu, 'message_payload')
  const bytes =
    payload !== undefined && payload.length > 0
      ? payload
      : (pduBuffer(pdu, 'short_message') ?? Buffer.alloc(0))
  if (bytes.length > limits.textOctetsMax)
    return { ok: false, status: ussdStatus.invalidLength, why: `${bytes.length} octets of text` }
  const dataCoding = pduNumber(pdu, 'data_coding') ?? 0
  return {
    ok: true,
    pdu: {
      op,
      sessionInfo,
      source: pduString(pdu, 'source_addr') ?? '',
      destination: pduString(pdu, 'destination_addr') ?? '',
      dataCoding,
      text: decodeText(dataCoding, bytes).text,
      sequence: pdu.sequence_number,
    },
  }
}

export interface ScreenPdu {
  readonly op: number
  readonly sessionInfo: Buffer | null
  /** The service code as the phone addressed it (`*123#` or `123`). */
  readonly source: string
  readonly msisdn: string
  readonly text: string
  /** The label for GSM text: 0x0F, or 0x00 to answer a phone that used 0x00. */
  readonly gsmDataCoding: number
}

/** deliver_sm / submit_sm fields of one screen (service_type "USSD", as most USSDCs expect). */
export function screenParams(screen: ScreenPdu): PduParams {
  const gsm = isGsm7(screen.text)
  return {
    service_type: 'USSD',
    source_addr_ton: 0,
    source_addr_npi: 0,
    source_addr: screen.source,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: screen.msisdn,
    esm_class: 0,
    registered_delivery: 0,
    data_coding: gsm ? screen.gsmDataCoding : ussdDataCoding.ucs2,
    short_message: gsm ? encodeGsm7(screen.text) : encodeUcs2(screen.text),
    ussd_service_op: screen.op,
    ...(screen.sessionInfo === null ? {} : { its_session_info: screen.sessionInfo }),
  }
}

/** `*123#`, `123` or `*123*2#` -> `123`; null when there is no leading group of digits. */
export function serviceDigits(code: string): string | null {
  const match = /^\*?(\d+)(?:[*#]|$)/.exec(code.trim())
  return match?.[1] ?? null
}

/** Whether a destination_addr names our service; an empty one leaves it to the dial string. */
export function namesService(destination: string, serviceCode: string): boolean {
  if (destination.trim() === '') return true
  return serviceDigits(destination) === serviceDigits(serviceCode)
}

const dialPattern = /^\*[0-9*]*#$/

/**
 * The dial string of a PSSR indication: short_message when it is one (`*123#`,
 * `*123*2*1001#`); else a full dial string in destination_addr; else our service code. The
 * menu engine refuses a dial string of another service with an END that says so.
 */
export function dialOf(text: string, destination: string, serviceCode: string): string {
  const typed = text.trim()
  if (dialPattern.test(typed)) return typed
  const addressed = destination.trim()
  if (dialPattern.test(addressed)) return addressed
  return serviceCode
}
