/**
 * limits.ts - every bound of SMS text handling in one place: the octet budgets of the wire
 * (fixed by GSM 03.40 / SMPP 3.4, not tunable) and the policy bounds of segmentation,
 * reassembly and receipts (tunable, with why). Exports SmsTextLimits, smsTextLimits,
 * checkSmsTextLimits.
 */
import { assert } from '../../core/index.js'

export interface SmsTextLimits {
  /** One SM carries 140 octets = 160 unpacked GSM septets (TS 23.040 §9.2.3.16). */
  readonly singleSeptetsMax: number
  /** ...or 70 UCS-2 code units (140 octets / 2). */
  readonly singleUcs2UnitsMax: number
  /** A part loses 6 octets to the UDH `05 00 03 ref total seq`: 134 octets hold 153 septets. */
  readonly partSeptetsMax: number
  /** ...or 67 UCS-2 code units (134 octets / 2). */
  readonly partUcs2UnitsMax: number
  /**
   * Parts of one outgoing reply. Each part is billed and phones show long texts badly; a
   * payment reply is 1-3 parts, so 10 only catches a runaway template. Longer text is cut,
   * ends in "...", and the splitter says so.
   */
  readonly segmentPartsMax: number
  /**
   * Parts of one incoming (MO) message we are willing to hold. A payment command fits in one
   * or two parts; a peer announcing 255 parts would make us hold 255 x 254 octets per slot.
   * A part announcing more is refused at once.
   */
  readonly reassemblyPartsMax: number
  /**
   * Incomplete MO messages held at once. Memory is at most this x reassemblyPartsMax x one
   * PDU; when full the oldest is dropped and reported so the sender can be asked to resend.
   */
  readonly reassemblyPendingMax: number
  /**
   * How long after its first part an incomplete MO message waits for the rest. Parts normally
   * arrive within seconds; an SMSC retrying a lost deliver_sm takes 30-60 s. Beyond that the
   * subscriber is better served by "part of your message was lost, please send again" than by
   * silence (a payment authorization itself only lives 120 s).
   */
  readonly reassemblyTimeoutMs: number
  /**
   * How long a completed message's parts are remembered, so that an SMSC re-sending a part
   * whose deliver_sm_resp it missed does not start a new message that later times out.
   */
  readonly reassemblyDuplicateWindowMs: number
  /** Completed messages remembered for that duplicate check; oldest forgotten first. */
  readonly reassemblyRecentMax: number
  /** Receipt `text:` holds the first 20 characters of the message (SMPP 3.4 Appendix B). */
  readonly receiptTextLengthMax: number
}

export const smsTextLimits: SmsTextLimits = {
  singleSeptetsMax: 160,
  singleUcs2UnitsMax: 70,
  partSeptetsMax: 153,
  partUcs2UnitsMax: 67,
  segmentPartsMax: 10,
  reassemblyPartsMax: 16,
  reassemblyPendingMax: 10_000,
  reassemblyTimeoutMs: 90_000,
  reassemblyDuplicateWindowMs: 90_000,
  reassemblyRecentMax: 10_000,
  receiptTextLengthMax: 20,
}

/** Refuses a limits set whose relations do not hold; called on any set other than the default. */
export function checkSmsTextLimits(limits: SmsTextLimits): void {
  assert(limits.partSeptetsMax < limits.singleSeptetsMax, 'a part holds less than a single SM')
  assert(limits.partUcs2UnitsMax < limits.singleUcs2UnitsMax, 'a UCS-2 part holds less than one SM')
  // A part must hold at least an escape pair, a surrogate pair and the "..." of a cut text.
  assert(limits.partSeptetsMax >= 5 && limits.partUcs2UnitsMax >= 5, 'parts hold at least 5 units')
  // The UDH carries total and sequence in one octet each.
  assert(limits.segmentPartsMax >= 1 && limits.segmentPartsMax <= 255, 'segmentPartsMax in 1..255')
  assert(
    limits.reassemblyPartsMax >= 1 && limits.reassemblyPartsMax <= 255,
    'reassemblyPartsMax in 1..255',
  )
  assert(limits.reassemblyPendingMax >= 1, 'reassemblyPendingMax at least 1')
  assert(limits.reassemblyRecentMax >= 0, 'reassemblyRecentMax not negative')
  assert(limits.reassemblyTimeoutMs > 0, 'reassemblyTimeoutMs positive')
  assert(limits.reassemblyDuplicateWindowMs >= 0, 'reassemblyDuplicateWindowMs not negative')
}

checkSmsTextLimits(smsTextLimits)
