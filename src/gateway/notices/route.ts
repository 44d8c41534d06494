/**
 * route.ts - what the gateway's notices outbox (outbox.ts) asks of a route to a phone, and what a
 * route may count on. A notice (a merchant's payment request, an expiry, an SMS reply the
 * channel could not send, a late answer of USSD or IVR) is offered to the routes in the order
 * the gateway registered them: the USSD push first, which shows a payment prompt on the phone's
 * screen when it can take one, then SMS. Routes are the channels' (channels/ussd/smpp,
 * channels/sms); the outbox rows, the retries and the dropping of stale notices are the
 * gateway's, so that neither channel imports the other nor writes the outbox itself. A web handset
 * (src/gateway/handset) is no route of its own: in simulator mode the SMS route reaches it through
 * the SMSC simulator (src/bearer/simulated-network.ts), which alone knows whether a bind can take
 * the MT, and which also carries the SMS channel's direct replies that never pass the outbox; the
 * route then answers `delivered` as for a bind.
 *
 * A route:
 *  1. MUST answer `canDeliver` at once, from the notice alone (no I/O): whether it carries such a
 *     notice at all (the push: a merchant's payment prompt on the row's first try; SMS: any).
 *  2. MUST answer `passed`, with why, when the phone cannot be reached by it now (no bind, busy,
 *     the payment no longer waits): the outbox then offers the notice to the next route at once.
 *  3. MUST answer `failed` only for a try that went wrong on the way (no bind to receive, the
 *     link down, refused): `temporary` has the outbox try the row again later with the webhooks'
 *     doubling backoff, else it is abandoned.
 *  4. MUST, when it answers `shown`, hold outbox row `outboxId` until `answerByMs`, and report
 *     through HeldNotices: `answered` (the row is delivered) or `unanswered` (the row is due at
 *     once, for the next route). A row still held at `answerByMs` is due again then, as a later
 *     try, which a route that awaits an answer no longer takes: so a push without an answer, or a
 *     process that died meanwhile, still ends in the SMS.
 *  5. MUST set `awaitsAnswer` when it may answer `shown`: the graceful stop's drain passes over
 *     such a route, as no answer could come before the sessions unbind.
 *  6. MUST NOT log a notice's text (a kept reply may quote a balance) nor an unmasked MSISDN, and
 *     MUST NOT write outbox rows but through HeldNotices.
 * Exports QueuedNotice, Notice, RouteAnswer, NoticeRoute, HeldNotices, KeptReply, ReplyKeeper.
 */
import type { Language, Message } from '../../core/index.js'

/** A notice the core queued for a phone (an outbox row of kind sms): a catalogue message. */
export interface QueuedNotice {
  readonly msisdn: string
  readonly language: Language
  readonly message: Message
  /**
   * The payment the notice asks about (a merchant's request); absent in rows written before it was
   * kept.
   */
  readonly paymentId?: string
}

/** What a route is offered: the phone, the text to read, and where it came from. */
export interface Notice {
  readonly msisdn: string
  /** Rendered in the subscriber's language, or kept as it was written. */
  readonly text: string
  /**
   * The catalogue message the core queued; null for a text kept as it is (a reply, a late answer).
   */
  readonly queued: QueuedNotice | null
  /** The outbox row; null for a late answer that is not kept yet (NoticeOutbox.notify). */
  readonly outboxId: number | null
  /** Earlier tries of the row: 0 on its first. */
  readonly attempts: number
  /**
   * The message log's id of a kept reply tried before it was kept (KeptReply.messageId), or of a
   * late answer (NoticeOutbox.notify), which has one before its first try.
   */
  readonly messageId?: string
}

/**
 * delivered: done; shown: on the phone's screen until `answerByMs` (rule 4); passed: try the next
 * route.
 */
export type RouteAnswer =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'shown'; readonly answerByMs: number }
  | { readonly outcome: 'passed'; readonly why: string }
  | { readonly outcome: 'failed'; readonly error: string; readonly temporary: boolean }

export interface NoticeRoute {
  /** The name the logs use: sms, ussd_push. */
  readonly name: string
  /** True when it may answer `shown` and hold the row for the phone's answer (rule 5). */
  readonly awaitsAnswer: boolean
  canDeliver(notice: Notice): boolean
  deliver(notice: Notice): Promise<RouteAnswer>
}

/** How a route that answered `shown` reports on the row it holds (rule 4). */
export interface HeldNotices {
  /** The phone answered the notice: no other route carries it. */
  answered(outboxId: number): Promise<void>
  /** The dialogue ended without an answer: the row is due now, for the next route. */
  unanswered(outboxId: number, why: string): Promise<void>
}

/** A text for a phone kept as written; `commandKey` names the command it answers (null: none). */
export interface KeptReply {
  readonly msisdn: string
  readonly text: string
  readonly commandKey: string | null
  /**
   * The id the message log recorded it under when it was first tried, so a later try updates that
   * row (src/gateway/handset); absent for rows kept before the log, or kept untried.
   */
  readonly messageId?: string
}

/** Where the SMS channel keeps the replies it could not send, for the outbox to send later. */
export interface ReplyKeeper {
  /**
   * Keeps the reply as an outbox row, due at once; a second keep under one command key is a no-op
   * (false).
   */
  keepSmsReply(reply: KeptReply, nowMs: number): Promise<boolean>
  /** Whether a reply of the command (kept under `<commandKey>#<n>`) is in the outbox already. */
  smsReplyKept(commandKey: string): Promise<boolean>
}
