/**
 * messages.ts - what the message log holds of one SMS to or from a phone, and the small interface
 * through which whoever moves one records it: the SMS channel (the platform's MOs and replies)
 * and the simulated network of the SMSC simulator (messages between phones and other services'
 * ESMEs). Recording never waits for the disk: the log writes behind (message-log.ts) and tells
 * the live streams (hub.ts) at once. Exports SmsDirection, SmsState, smsStates, SmsRecord,
 * LoggedSms, MessageRecorder.
 */
import type { Alphabet } from '../../bearer/text/coding.js'

/** mo: from the phone; mt: to the phone. */
export type SmsDirection = 'mo' | 'mt'

/**
 * Where a message stands. delivered: on the phone (an open web handset) or, for an MO, taken by
 * the service it was sent to; submitted: handed to the ESME bind that stands in for the phone;
 * held: not on a phone yet (in the notices outbox, or kept for a web handset not open now, which
 * reads it from the log when it opens); undelivered: refused for good.
 */
export const smsStates = ['delivered', 'submitted', 'held', 'undelivered'] as const
export type SmsState = (typeof smsStates)[number]

/** One SMS as its mover records it: a whole message, however many parts it took on the wire. */
export interface SmsRecord {
  /** The phone's number (international digits), whose log the message joins. */
  readonly msisdn: string
  readonly direction: SmsDirection
  /** The other end: the short code, or another service's code or number. */
  readonly party: string
  readonly text: string
  /** The alphabet it travelled in, as src/bearer/text reads or chose it: gsm7, ucs2, … */
  readonly coding: Alphabet
  /** SMS parts of a concatenated message; 1 for a single one. */
  readonly parts: number
  /** The MO's id (its idempotency key), or the id the MT was given when it was recorded. */
  readonly messageId: string
  readonly state: SmsState
}

/** A recorded message: its place in the log (the stream's event id, a page's cursor), its times. */
export interface LoggedSms extends SmsRecord {
  readonly seq: number
  readonly createdMs: number
  readonly updatedMs: number
}

export interface MessageRecorder {
  /** Records a message and tells the phone's live streams; the row is written behind. */
  record(message: SmsRecord, nowMs: number): LoggedSms
  /**
   * A message that may have been recorded before under its id (an MT the outbox tries again):
   * if it was, and is still kept, its row and the live streams take the new state; else it is
   * recorded as `record` would. Costs a read by id when the row is no longer in memory.
   */
  update(message: SmsRecord, nowMs: number): LoggedSms
}
