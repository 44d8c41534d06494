/**
 * notice-push.ts - the one contract between two channels that ride the SMPP bearer: the SMS
 * outbox (channels/sms/outbox.ts) offers a notice to a push route before it sends the SMS, and
 * USSD over SMPP (channels/ussd/smpp) is that route, a prompt on the phone's screen. It lives
 * here, in neither channel, so that neither imports the other; the gateway hands the one's push
 * to the other (`attachPush`).
 *
 * A push route:
 *  1. MUST answer `pushed: false` with why when the phone cannot be reached now (no bind, busy,
 *     refused): the outbox then sends the SMS at once.
 *  2. MUST, when it answers `pushed: true`, own outbox row `outboxId` until `answerByMs`: it marks
 *     the row delivered when the phone answers, else the outbox sends the SMS once it is due.
 * Exports SmsNotice, PushAttempt, NoticePush.
 */
import type { Language, Message } from '../core/index.js'

export interface SmsNotice {
  readonly msisdn: string
  readonly language: Language
  readonly message: Message
  /**
   * The payment the notice asks about (a merchant's request); absent in rows written before it was
   * kept.
   */
  readonly paymentId?: string
}

/**
 * pushed: on the phone's screen, its answer awaited until `answerByMs`; else why not (then SMS).
 */
export type PushAttempt =
  | { readonly pushed: true; readonly answerByMs: number }
  | { readonly pushed: false; readonly why: string }

export interface NoticePush {
  /**
   * Tries to show the notice on the phone; it owns outbox row `outboxId` while it waits for the
   * answer.
   */
  push(notice: SmsNotice, outboxId: number): Promise<PushAttempt>
}
