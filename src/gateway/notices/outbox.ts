/**
 * outbox.ts - the gateway's one notices outbox: it delivers the rows the core queued in the
 * ledger's outbox within the same transaction as their cause (a merchant's request to pay, a
 * payment that expired) and the texts kept there (SMS replies the channel could not send, late
 * answers of USSD and IVR), over the routes the gateway registered (route.ts), in their order:
 * the USSD push first when the phone can take it, then SMS. A notice is rendered from the
 * message catalogue in the subscriber's language; a kept text goes as it was written. A notice
 * that finds no way to the phone (no ESME bound, the operator link down, throttled) is tried
 * again with the webhooks' doubling backoff and abandoned after as many attempts.
 *
 * A notice that asks about a payment (a merchant's request: it names `paymentId`) is dropped,
 * not sent, once that payment no longer waits for the subscriber: declined, cancelled, replaced
 * or expired while the notice waited its turn (no bind, a retry's backoff, a push on the screen).
 * Its prompt would ask for an answer that can only be refused. The row leaves the outbox
 * (abandoned, with the payment's state as its last error), a line is logged at info and
 * telepay_sms_notices_dropped_total counts it. It is checked again before each further route,
 * as the payment may have ended while a route looked at the phone's screen.
 *
 * `notify` is how a channel answers a phone after its own dialogue ended (a USSD or IVR command
 * that missed its deadline): the routes are tried at once, and a text none could carry now is
 * kept in the outbox, so a stop or a crash does not lose it. The rows live in the ledger, so
 * they survive both.
 * Exports NoticeOutbox, NoticeOutboxDeps.
 */
import type { OperatingLimits } from '../../core/index.js'
import { maskMsisdn } from '../../core/index.js'
import { decodeJson } from '../../ledger/codec.js'
import type { LedgerStore } from '../../ledger/store.js'
import type { Clock } from '../../service/clock.js'
import type { Fields, Logger } from '../../service/log.js'
import type { Metrics } from '../../service/metrics.js'
import { backoffMs } from '../../service/webhooks.js'
import { InFlight } from '../in-flight.js'
import { renderMessage } from '../reply/index.js'
import type {
  HeldNotices,
  KeptReply,
  Notice,
  NoticeRoute,
  QueuedNotice,
  ReplyKeeper,
  RouteAnswer,
} from './route.js'

export interface NoticeOutboxDeps {
  readonly ledger: Pick<
    LedgerStore,
    'dueOutbox' | 'outboxDelivered' | 'outboxFailed' | 'payment' | 'keepSmsReply' | 'smsReplyKept'
  >
  readonly clock: Clock
  /** outboxBatchMax (rows per sweep), webhookAttemptsMax and the backoff's base. */
  readonly limits: OperatingLimits
  readonly log: Logger
  readonly metrics: Metrics
}

/** The outbox rows of phones' notices: the ledger's outbox kind. */
const noticeKind = 'sms'

export class NoticeOutbox implements HeldNotices, ReplyKeeper {
  private readonly routes: NoticeRoute[] = []
  private draining = false
  /** Late answers being carried or kept: a graceful stop waits for them. */
  private readonly notifying = new InFlight()
  /**
   * The message log's ids of late answers (src/gateway/handset): given before the first try, kept
   * with the text if it waits, so that its later tries update one row. Apart from other ids.
   */
  private readonly lateIdPrefix = `late-${Date.now()}-`
  private lateAnswers = 0

  constructor(private readonly deps: NoticeOutboxDeps) {}

  /** Adds a route, tried after those registered before it. */
  register(route: NoticeRoute): void {
    if (this.routes.some((registered) => registered.name === route.name))
      throw new Error(`a notice route named ${route.name} is registered already`)
    this.routes.push(route)
  }

  /** The routes in the order they are tried. */
  get routeNames(): readonly string[] {
    return this.routes.map((route) => route.name)
  }

  /**
   * The graceful stop's drain begins: from now on routes that await an answer are passed over,
   * as none could come before the sessions unbind.
   */
  drainStarts(): void {
    this.draining = true
  }

  /** Whether a row is due now that a route could take (none without routes: nothing carries it). */
  async hasDue(): Promise<boolean> {
    if (this.routes.length === 0) return false
    return (await this.deps.ledger.dueOutbox(noticeKind, this.deps.clock.nowMs(), 1)).length > 0
  }

  /** Delivers the rows due now, at most limits.outboxBatchMax; returns how many were delivered. */
  async sweep(): Promise<number> {
    if (this.routes.length === 0) return 0
    const { ledger, clock, limits } = this.deps
    const due = await ledger.dueOutbox(noticeKind, clock.nowMs(), limits.outboxBatchMax)
    let delivered = 0
    for (const item of due) {
      const payload = decodeJson<QueuedNotice | KeptReply>(item.payload)
      const queued = 'message' in payload ? payload : null
      const kept = queued === null ? (payload as KeptReply) : null
      const notice: Notice = {
        msisdn: payload.msisdn,
        text:
          queued === null
            ? (payload as KeptReply).text
            : renderMessage(queued.message, queued.language),
        queued,
        outboxId: item.id,
        attempts: item.attempts,
        ...(kept?.messageId === undefined ? {} : { messageId: kept.messageId }),
      }
      if (await this.deliverRow(notice, item.id)) delivered += 1
    }
    return delivered
  }

  /**
   * Answers a phone outside any dialogue (a late USSD or IVR answer): carried now, or kept in the
   * outbox when no route can carry it now. False when it was neither (refused for good, or not
   * kept), or when no route runs at all.
   */
  notify(msisdn: string, text: string): Promise<boolean> {
    return this.notifying.track(this.notifyTracked(msisdn, text))
  }

  /**
   * Resolves once every late answer under way was carried or kept (a graceful stop waits for it).
   */
  settled(): Promise<void> {
    return this.notifying.idle()
  }

  answered(outboxId: number): Promise<void> {
    return this.deps.ledger.outboxDelivered(outboxId, this.deps.clock.nowMs())
  }

  unanswered(outboxId: number, why: string): Promise<void> {
    const nowMs = this.deps.clock.nowMs()
    return this.deps.ledger.outboxFailed(outboxId, nowMs, why, nowMs)
  }

  keepSmsReply(reply: KeptReply, nowMs: number): Promise<boolean> {
    return this.deps.ledger.keepSmsReply(reply, nowMs)
  }

  smsReplyKept(commandKey: string): Promise<boolean> {
    return this.deps.ledger.smsReplyKept(commandKey)
  }

  /** One due row over the routes in order; true when it was delivered. */
  private async deliverRow(notice: Notice, outboxId: number): Promise<boolean> {
    const { ledger, clock, limits, log } = this.deps
    const queued = notice.queued
    if (queued !== null && (await this.droppedAsStale(outboxId, queued))) return false
    let tried = false
    let failure: { readonly route: string; readonly error: string; readonly temporary: boolean } = {
      route: 'notice',
      error: 'no route could carry it',
      temporary: true,
    }
    for (const route of this.routes) {
      if (this.draining && route.awaitsAnswer) continue
      if (!route.canDeliver(notice)) continue
      // The payment may have ended while the route before looked at the phone's screen.
      if (tried && queued !== null && (await this.droppedAsStale(outboxId, queued))) return false
      tried = true
      const answer: RouteAnswer = await route.deliver(notice)
      if (answer.outcome === 'delivered') {
        await ledger.outboxDelivered(outboxId, clock.nowMs())
        log.info(`${route.name} notice delivered`, this.noticeFields(notice))
        return true
      }
      if (answer.outcome === 'shown') {
        // Counted as an attempt: the route after it backs off from the next one.
        await ledger.outboxFailed(
          outboxId,
          answer.answerByMs,
          `shown by ${route.name}; waiting for the answer`,
          clock.nowMs(),
        )
        return false
      }
      if (answer.outcome === 'passed') continue
      failure = { route: route.name, error: answer.error, temporary: answer.temporary }
      break
    }
    const attempts = notice.attempts + 1
    const next =
      !failure.temporary || attempts >= limits.webhookAttemptsMax
        ? null
        : clock.nowMs() + backoffMs(notice.attempts, limits)
    await ledger.outboxFailed(outboxId, next, failure.error, clock.nowMs())
    const fields = { ...this.noticeFields(notice), error: failure.error }
    // A phone out of reach is the usual state of a simulator with no ESME bound, and a notice is
    // tried up to webhookAttemptsMax times: the first miss is told, the retries only at debug,
    // and a notice given up on is a warning (GET /admin/api/outbox lists it).
    if (next === null) log.warn(`${failure.route} notice abandoned`, fields)
    else if (attempts === 1) log.info(`${failure.route} notice not sent, will retry`, fields)
    else log.debug(`${failure.route} notice not sent again, will retry`, fields)
    return false
  }

  /** What the lines about a notice say of it; `payment` ties them to the payment's other lines. */
  private noticeFields(notice: Notice): Fields {
    return {
      msisdn: maskMsisdn(notice.msisdn),
      key: notice.queued === null ? 'reply' : notice.queued.message.key,
      payment: notice.queued?.paymentId,
      attempt: notice.attempts + 1,
    }
  }

  private async notifyTracked(msisdn: string, text: string): Promise<boolean> {
    if (this.routes.length === 0) return false
    this.lateAnswers += 1
    const messageId = `${this.lateIdPrefix}${this.lateAnswers}`
    const notice: Notice = { msisdn, text, queued: null, outboxId: null, attempts: 0, messageId }
    for (const route of this.routes) {
      if (!route.canDeliver(notice)) continue
      const answer = await route.deliver(notice).catch((error: unknown): null => {
        this.deps.log.error(`${route.name} reply failed`, {
          msisdn: maskMsisdn(msisdn),
          error: String(error),
        })
        return null
      })
      if (answer === null) break
      if (answer.outcome === 'delivered') return true
      if (answer.outcome === 'failed' && !answer.temporary) return false
      if (answer.outcome === 'failed') break
    }
    const kept = await this.deps.ledger
      .keepSmsReply({ msisdn, text, commandKey: null, messageId }, this.deps.clock.nowMs())
      .then(
        () => true,
        (error: unknown) => {
          this.deps.log.error('sms reply lost: neither sent nor kept', {
            msisdn: maskMsisdn(msisdn),
            error: String(error),
          })
          return false
        },
      )
    this.deps.metrics.count(
      'telepay_sms_replies_kept_total',
      'Replies that could not be sent at once, by whether the outbox kept them',
      { kept: String(kept) },
    )
    return kept
  }

  /**
   * Why the payment a notice asks about no longer waits for the subscriber (its final state, or
   * `expired` once past its expiry though not swept yet), or null when it still waits or the
   * notice names none (a notice about an expiry, or a row written before notices named payments).
   */
  private async staleStateOf(notice: QueuedNotice, nowMs: number): Promise<string | null> {
    if (notice.paymentId === undefined) return null
    const payment = await this.deps.ledger.payment(notice.paymentId)
    if (payment === null) return 'unknown'
    if (payment.state !== 'awaiting_authorization') return payment.state
    return payment.expiresMs <= nowMs ? 'expired' : null
  }

  /** Drops the notice when its payment no longer waits (see the file comment); true when it did. */
  private async droppedAsStale(outboxId: number, notice: QueuedNotice): Promise<boolean> {
    const nowMs = this.deps.clock.nowMs()
    const state = await this.staleStateOf(notice, nowMs)
    if (state === null) return false
    await this.deps.ledger.outboxFailed(
      outboxId,
      null,
      `dropped: payment ${notice.paymentId ?? ''} is ${state}, no longer waiting`,
      nowMs,
    )
    this.deps.metrics.count(
      'telepay_sms_notices_dropped_total',
      "SMS notices dropped unsent because their payment no longer waits, by the payment's state",
      { state },
    )
    this.deps.log.info('sms notice dropped: its payment no longer waits', {
      msisdn: maskMsisdn(notice.msisdn),
      key: notice.message.key,
      payment: notice.paymentId,
      state,
    })
    return true
  }
}
