/**
 * handset-push.ts - a merchant's payment prompt popping up on a web handset's screen as a
 * network-initiated USSD dialogue, as it pops up on a phone over SMPP (smpp/ussd-smpp.ts). When
 * no ESME can take the push but a web handset that shows pushes is open for the number (its
 * stream opened with `ussd_push=1`), the prompt is opened as a
 * push session of the Africa's Talking provider in the channel's store and told to the handset's
 * live stream (`event: ussd_push` with its session id and screen); the page answers it through
 * `POST /ussd` like any AT hop (sessionId, phoneNumber, serviceCode, text = the input), so the same
 * push flow (smpp/push-flow.ts) turns the PIN into `confirm` or the 2 into `cancel`, and the
 * answer settles the outbox row (answered: no SMS follows; ended without one: the SMS goes now).
 * Exports handsetPushRoute, HandsetPushRoute, HandsetPushDeps and handsetPushPrefix.
 */
import { maskMsisdn } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import type { HandsetHub } from '../../src/gateway/handset/index.js'
import type {
  HeldNotices,
  Notice,
  NoticeRoute,
  RouteAnswer,
} from '../../src/gateway/notices/index.js'
import type { UssdLimits } from './limits.js'
import type { SessionRecord, SessionStore } from './session-store.js'
import { sessionExpired } from './session-store.js'
import { openPush, pushBookkeeping } from './smpp/push-flow.js'
import { isPaymentPrompt, pushedPaymentId } from './smpp/push-payment.js'

/** Session ids of web-handset pushes: the AT route settles the outbox only for these. */
export const handsetPushPrefix = 'handset-push-'

export interface HandsetPushDeps {
  readonly ctx: ChannelContext
  readonly store: SessionStore
  readonly limits: UssdLimits
  readonly handsets: Pick<HandsetHub, 'takesUssdPush' | 'publish'>
  readonly held: HeldNotices
  /** The AT route's key of an accumulated text: a push session starts at the empty text. */
  readonly keyOf: (text: string) => string
  /** The menus' service code (`*123#`), shown as the dialogue's code. */
  readonly serviceCode: string
}

export interface HandsetPushRoute extends NoticeRoute {
  /** After an AT hop of `sessionId`: settles the row its push holds once it is answered or over. */
  afterHop(sessionId: string): Promise<void>
}

export function handsetPushRoute(deps: HandsetPushDeps): HandsetPushRoute {
  const { ctx, store, limits } = deps
  let pushes = 0
  const passed = (why: string): RouteAnswer => ({ outcome: 'passed', why })
  return {
    name: 'ussd_handset_push',
    awaitsAnswer: true,
    canDeliver: (notice) =>
      notice.queued !== null && notice.attempts === 0 && isPaymentPrompt(notice.queued.message),
    async deliver(offered: Notice): Promise<RouteAnswer> {
      const notice = offered.queued
      const outboxId = offered.outboxId
      if (notice === null || outboxId === null) return passed('not a notice')
      if (!deps.handsets.takesUssdPush(notice.msisdn)) return passed('no web handset open')
      const nowMs = ctx.clock.nowMs()
      const open = await store.openOf(notice.msisdn)
      if (open.some((record) => !sessionExpired(record, limits, nowMs))) return passed('busy')
      const paymentId = await pushedPaymentId(ctx, notice)
      if (paymentId === null) return passed('not_waiting')
      pushes += 1
      const sessionId = `${handsetPushPrefix}${nowMs.toString(36)}-${pushes}`
      const opened = openPush({
        sessionId,
        msisdn: notice.msisdn,
        language: notice.language,
        message: notice.message,
        outboxId,
        paymentId,
      })
      if (opened === null) return passed('not a payment prompt')
      const record: SessionRecord = {
        key: `at:${sessionId}`,
        provider: 'at',
        msisdn: notice.msisdn,
        session: opened.session,
        step: 1,
        // The page's first answer carries only its input: the text before it is empty.
        requestKey: `at:${deps.keyOf('')}`,
        textLength: 0,
        lastScreen: opened.screen,
        startedMs: nowMs,
        activeMs: nowMs,
        outcome: null,
      }
      if (!(await store.put(record, null))) return passed('session_clash')
      deps.handsets.publish(notice.msisdn, {
        kind: 'ussd_push',
        data: {
          sessionId,
          serviceCode: deps.serviceCode,
          type: opened.screen.type,
          text: opened.screen.text,
        },
      })
      ctx.log.info('ussd push shown on a web handset', {
        msisdn: maskMsisdn(notice.msisdn),
        payment: paymentId,
        session: sessionId,
      })
      return { outcome: 'shown', answerByMs: nowMs + limits.sessionIdleMs }
    },
    async afterHop(sessionId) {
      if (!sessionId.startsWith(handsetPushPrefix)) return
      const record = await store.get(`at:${sessionId}`)
      const book = record === null ? null : pushBookkeeping(record.session)
      if (record === null || book === null) return
      // Settling twice (a retried hop) is harmless: the outbox keeps a settled row as it is.
      if (book.answered) await deps.held.answered(book.outboxId)
      else if (record.outcome !== null)
        await deps.held.unanswered(book.outboxId, 'USSD push ended without an answer')
    },
  }
}
