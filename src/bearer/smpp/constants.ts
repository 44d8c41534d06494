/**
 * constants.ts - the esm_class bits the channels read (SMPP 3.4 section 5.2.12) and the
 * command_status codes they answer with, named once.
 */
import { smppStatus as status } from './command-status.js'

export const esmClassOf = {
  /** Bits 5-2: the message type. */
  typeMask: 0x3c,
  /** Type 0001: an SMSC delivery receipt (deliver_sm only). */
  deliveryReceipt: 0x04,
  /** Bit 6: the short_message starts with a user data header (concatenation). */
  udhi: 0x40,
} as const

export const smppStatus = {
  ok: status.ESME_ROK,
  /** ESME_RINVDSTADR: an MO to a number that is not our short code. */
  invalidDestination: 0x0b,
  systemError: status.ESME_RSYSERR,
  throttled: status.ESME_RTHROTTLED,
  queueFull: status.ESME_RMSGQFUL,
} as const
