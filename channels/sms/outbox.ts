/**
 * outbox.ts - sends the SMS notices the core queued in the outbox within the same transaction as
 * their cause (a merchant's request to pay, a payment that expired): rendered from the message
 * catalogue in the subscriber's language, split and coded by the channel. A notice that finds no
 * way to the phone (no ESME bound, the operator link down, throttled) is retried with the
 * webhooks' doubling backoff and abandoned after as many attempts.
 *
 * A NoticePush (the USSD push of channels/ussd/smpp) may try the phone's screen first, on a
 * notice's first attempt only: when the prompt is on the screen the notice stays in the outbox,
 * due again when the answer is overdue, and goes by SMS then unless the push marked it
 * delivered. So a push that gets no answer, or a process that dies meanwhile, still ends in
 * the SMS.
 *
 * The outbox also keeps the replies to MOs that the channel could not send (sms-channel.ts): they
 * are stored rendered, go by SMS only, and survive a stop or a crash of the process.
 * Exports deliverDueSms, SmsNotice, NoticePush, PushAttempt.
 */
import type { Language, Message } from '../../src/core/index.js'
import { maskMsisdn } from '../../src/core/index.js'
import type { OperatingLimits } from '../../src/core/index.js'
import { decodeJson } from '../../src/ledger/codec.js'
import type { KeptSmsReply, LedgerStore } from '../../src/ledger/store.js'
import { renderMessage } from '../../src/messages/render.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import { backoffMs } from '../../src/service/webhooks.js'
import type { SmsChannel } from './sms-channel.js'

export interface SmsNotice {
  readonly msisdn: string
  readonly language: Language
  readonly message: Message
  /** The payment the notice asks about (a merchant's request); absent in rows written before it was kept. */
  readonly paymentId?: string
}

/** pushed: on the phone's screen, its answer awaited until `answerByMs`; else why not (then SMS). */
export type PushAttempt =
  | { readonly pushed: true; readonly answerByMs: number }
  | { readonly pushed: false; readonly why: string }

export interface NoticePush {
  /** Tries to show the notice on the phone; it owns outbox row `outboxId` while it waits for the answer. */
  push(notice: SmsNotice, outboxId: number): Promise<PushAttempt>
}

export async function deliverDueSms(
  ledger: LedgerStore, channel: SmsChannel, clock: Clock, limits: OperatingLimits, log: Logger, push: NoticePush | null = null,
): Promise<number> {
  const due = await ledger.dueOutbox('sms', clock.nowMs(), limits.outboxBatchMax)
  let delivered = 0
  for (const item of due) {
    const notice = decodeJson<SmsNotice | KeptSmsReply>(item.payload)
    const text = 'text' in notice ? notice.text : renderMessage(notice.message, notice.language)
    if (push !== null && item.attempts === 0 && 'message' in notice) {
      const attempt = await push.push(notice, item.id)
      if (attempt.pushed) {
        // Counted as an attempt: the SMS that may follow backs off from the next one.
        await ledger.outboxFailed(item.id, attempt.answerByMs, 'shown by USSD push; waiting for the answer', clock.nowMs())
        continue
      }
    }
    const result = await channel.sendText(notice.msisdn, text)
    if (result.ok) {
      await ledger.outboxDelivered(item.id, clock.nowMs())
      delivered += 1
      continue
    }
    const attempts = item.attempts + 1
    const next = !result.temporary || attempts >= limits.webhookAttemptsMax ? null : clock.nowMs() + backoffMs(item.attempts, limits)
    await ledger.outboxFailed(item.id, next, result.error, clock.nowMs())
    log.warn(next === null ? 'sms notice abandoned' : 'sms notice not sent, will retry', {
      msisdn: maskMsisdn(notice.msisdn), key: 'message' in notice ? notice.message.key : 'reply', attempt: attempts, error: result.error,
    })
  }
  return delivered
}
