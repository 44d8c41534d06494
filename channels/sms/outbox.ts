/**
 * outbox.ts - sends the SMS notices the core queued in the outbox within the same transaction as
 * their cause (a merchant's request to pay, a payment that expired): rendered from the message
 * catalogue in the subscriber's language, split and coded by the channel. A notice that finds no
 * way to the phone (no ESME bound, the operator link down, throttled) is retried with the
 * webhooks' doubling backoff and abandoned after as many attempts.
 *
 * A NoticePush (src/bearer/notice-push.ts: the USSD push of channels/ussd/smpp, wired by the
 * gateway) may try the phone's screen first, on a notice's first attempt only: when the prompt
 * is on the screen the notice stays in the outbox, due again when the answer is overdue, and
 * goes by SMS then unless the push marked it delivered. So a push that gets no answer, or a
 * process that dies meanwhile, still ends in the SMS.
 *
 * A notice that asks about a payment (a merchant's request: it names `paymentId`) is dropped,
 * not sent, once that payment no longer waits for the subscriber: declined, cancelled, replaced
 * or expired while the notice waited its turn (no bind, a retry's backoff, a push on the screen).
 * Its prompt would ask for an answer that can only be refused. The row leaves the outbox
 * (abandoned, with the payment's state as its last error), a line is logged at info and
 * telepay_sms_notices_dropped_total counts it.
 *
 * The outbox also keeps the replies to MOs that the channel could not send (sms-channel.ts): they
 * are stored rendered, go by SMS only, and survive a stop or a crash of the process.
 * Exports deliverDueSms, OutboxDeps.
 */

import type { NoticePush, SmsNotice } from '../../src/bearer/notice-push.js'
import type { OperatingLimits } from '../../src/core/index.js'
import { maskMsisdn } from '../../src/core/index.js'
import { renderMessage } from '../../src/gateway/reply/index.js'
import { decodeJson } from '../../src/ledger/codec.js'
import type { KeptSmsReply, LedgerStore } from '../../src/ledger/store.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import { backoffMs } from '../../src/service/webhooks.js'
import type { SmsChannel } from './sms-channel.js'

export interface OutboxDeps {
  readonly ledger: LedgerStore
  readonly channel: SmsChannel
  readonly clock: Clock
  readonly limits: OperatingLimits
  readonly log: Logger
  readonly metrics: Metrics
}

export async function deliverDueSms(
  deps: OutboxDeps,
  push: NoticePush | null = null,
): Promise<number> {
  const { ledger, channel, clock, limits, log } = deps
  const due = await ledger.dueOutbox('sms', clock.nowMs(), limits.outboxBatchMax)
  let delivered = 0
  for (const item of due) {
    const notice = decodeJson<SmsNotice | KeptSmsReply>(item.payload)
    const text = 'text' in notice ? notice.text : renderMessage(notice.message, notice.language)
    if ('message' in notice && (await droppedAsStale(deps, item.id, notice))) continue
    if (push !== null && item.attempts === 0 && 'message' in notice) {
      const attempt = await push.push(notice, item.id)
      if (attempt.pushed) {
        // Counted as an attempt: the SMS that may follow backs off from the next one.
        await ledger.outboxFailed(
          item.id,
          attempt.answerByMs,
          'shown by USSD push; waiting for the answer',
          clock.nowMs(),
        )
        continue
      }
      // The payment may have ended while the push looked at the phone's screen.
      if (await droppedAsStale(deps, item.id, notice)) continue
    }
    const result = await channel.sendText(notice.msisdn, text)
    if (result.ok) {
      await ledger.outboxDelivered(item.id, clock.nowMs())
      delivered += 1
      continue
    }
    const attempts = item.attempts + 1
    const next =
      !result.temporary || attempts >= limits.webhookAttemptsMax
        ? null
        : clock.nowMs() + backoffMs(item.attempts, limits)
    await ledger.outboxFailed(item.id, next, result.error, clock.nowMs())
    log.warn(next === null ? 'sms notice abandoned' : 'sms notice not sent, will retry', {
      msisdn: maskMsisdn(notice.msisdn),
      key: 'message' in notice ? notice.message.key : 'reply',
      attempt: attempts,
      error: result.error,
    })
  }
  return delivered
}

/**
 * Why the payment a notice asks about no longer waits for the subscriber (its final state, or
 * `expired` once past its expiry though not swept yet), or null when it still waits or the
 * notice names none (a notice about an expiry, or a row written before notices named payments).
 */
async function staleStateOf(
  ledger: LedgerStore,
  notice: SmsNotice,
  nowMs: number,
): Promise<string | null> {
  if (notice.paymentId === undefined) return null
  const payment = await ledger.payment(notice.paymentId)
  if (payment === null) return 'unknown'
  if (payment.state !== 'awaiting_authorization') return payment.state
  return payment.expiresMs <= nowMs ? 'expired' : null
}

/** Drops the notice when its payment no longer waits (see the file comment); true when it did. */
async function droppedAsStale(
  deps: OutboxDeps,
  outboxId: number,
  notice: SmsNotice,
): Promise<boolean> {
  const nowMs = deps.clock.nowMs()
  const state = await staleStateOf(deps.ledger, notice, nowMs)
  if (state === null) return false
  await deps.ledger.outboxFailed(
    outboxId,
    null,
    `dropped: payment ${notice.paymentId ?? ''} is ${state}, no longer waiting`,
    nowMs,
  )
  deps.metrics.count(
    'telepay_sms_notices_dropped_total',
    "SMS notices dropped unsent because their payment no longer waits, by the payment's state",
    { state },
  )
  deps.log.info('sms notice dropped: its payment no longer waits', {
    msisdn: maskMsisdn(notice.msisdn),
    key: notice.message.key,
    payment: notice.paymentId,
    state,
  })
  return true
}
