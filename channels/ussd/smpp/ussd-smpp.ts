/**
 * ussd-smpp.ts - USSD over SMPP on the SMPP bearer (src/bearer/contract.ts, UssdLink), both ways:
 *
 * Mobile-initiated (MI). A phone's PSSR indication (ussd_service_op 0x01, short_message the dial
 * string `*123#` or a shortcut `*123*2*1001#`, destination_addr the service as `*123#`, `123` or
 * the whole dial string) opens a session; each USSR confirm (0x12) with the same
 * its_session_info is the next input. The PDU is acknowledged at once; the screen follows as
 * USSR request (0x02, a CON that waits for input) or PSSR response (0x11, the END that closes
 * the dialogue), echoing its_session_info, from the service code to the MSISDN: deliver_sm in
 * simulator mode, submit_sm in operator mode (the USSDC sends deliver_sm). A dial of an external
 * app's code (`ussd.externalApps`, `*384*2468#`) is taken the same way, and its session answered
 * by that app (../external/): where a dial goes is the USSD channel's routes, not this file's.
 *
 * Network-initiated (NI) push. A merchant's payment request (outbox notice `request.prompt` or
 * `request.prompt_sim`) is first offered here: when a bind can take it and the subscriber has
 * no open USSD session (one USSD transaction per subscriber: a second one is USSD-Busy), we
 * open a dialogue with a USSR request of our own its_session_info. The answer runs the core's
 * confirm or cancel of the requested payment, named by its id (push-flow.ts, push-payment.ts:
 * a request no longer waiting, e.g. replaced by a payment the subscriber started meanwhile, is
 * not pushed), and the dialogue ends with a USSN request (0x03): an NI
 * dialogue has no processUnstructuredSS-Request to answer with a PSSR response, so the network
 * closes it with unstructuredSS-Notify and releases after the handset's USSN confirm (0x13),
 * which we acknowledge and otherwise ignore. The push is a route of the gateway's notices outbox
 * (src/gateway/notices/route.ts), tried before SMS: no push (no bind, busy, refused) passes the
 * notice to SMS at once; a push holds the outbox row until its answer is due, reports the
 * answer (the row delivered) or an end without one (the row due now) through HeldNotices, and a
 * push without either within the idle timeout leaves the row to the outbox, whose SMS then goes.
 *
 * The USSD session id is `${origin}/${msisdn}/${its_session_info hex}/${m|n}${stamp}`: origin is
 * the ESME's system_id (or the upstream), so ESMEs' its_session_info spaces stay apart; the
 * stamp makes every dial a new session even when an ESME reuses its its_session_info. Exports
 * startUssdOverSmpp, UssdSmppOptions, UssdSmppDeps, RunningUssdSmpp.
 */
import { randomBytes } from 'node:crypto'
import type { InboundAnswer, UssdLink, UssdPduSource } from '../../../src/bearer/contract.js'
import type { Pdu } from '../../../src/bearer/smpp/pdu.js'
import { sessionInfoKey, ussdOp, ussdOpName } from '../../../src/bearer/smpp/ussd-op.js'
import { maskMsisdn, normalizeMsisdn } from '../../../src/core/index.js'
import type { ChannelContext } from '../../../src/gateway/context.js'
import type {
  HeldNotices,
  Notice,
  NoticeRoute,
  QueuedNotice,
  RouteAnswer,
} from '../../../src/gateway/notices/index.js'
import type { Screen } from '../contract.js'
import type { DialRoutes } from '../external/index.js'
import type { UssdLimits } from '../limits.js'
import type { SessionRecord, SessionStore } from '../session-store.js'
import { sessionExpired } from '../session-store.js'
import { channelText } from '../texts.js'
import type { HopRead, UssdService } from '../ussd-service.js'
import type { UssdSmppLimits } from './limits.js'
import { defaultUssdSmppLimits } from './limits.js'
import { openPush, pushBookkeeping } from './push-flow.js'
import { isPaymentPrompt, pushedPaymentId } from './push-payment.js'
import type { UssdPdu } from './ussd-pdu.js'
import { dialOf, readUssdPdu, screenParams, ussdDataCoding, ussdStatus } from './ussd-pdu.js'

export interface UssdSmppOptions {
  /**
   * The codes served and where each dial goes: the menus' `*123#` (menus/ussd/main.yaml, which
   * also sends the push), and the external apps' (the USSD channel's routes).
   */
  readonly routes: DialRoutes
  /**
   * Offer payment requests to the phone's screen before the SMS (default: on in simulator mode).
   */
  readonly push: boolean
  readonly limits?: Partial<UssdSmppLimits>
}

export interface UssdSmppDeps {
  /** The USSD side of the SMPP bearer the gateway started (src/bearer/start.ts). */
  readonly link: UssdLink
  readonly ussd: {
    readonly service: UssdService
    readonly store: SessionStore
    readonly limits: UssdLimits
  }
  /** Where the push reports on the outbox rows it holds (the gateway's notices outbox). */
  readonly held: HeldNotices
}

export interface RunningUssdSmpp {
  /** The push, a route of the gateway's notices outbox tried before SMS; null when push is off. */
  readonly route: NoticeRoute | null
  /** USSD PDUs acknowledged whose screen is not sent yet. */
  readonly inFlight: number
  /**
   * Refuses new USSD PDUs (ESME_RTHROTTLED, so peers retry elsewhere or later) and waits for those
   * in flight.
   */
  close(): Promise<void>
}

const provider = 'smpp'

export function startUssdOverSmpp(
  options: UssdSmppOptions,
  ctx: ChannelContext,
  deps: UssdSmppDeps,
): RunningUssdSmpp {
  const handler = new UssdOverSmpp(options, ctx, deps)
  deps.link.attachUssd((pdu, from) => handler.receive(pdu, from))
  return {
    route: options.push
      ? {
          name: 'ussd_push',
          awaitsAnswer: true,
          // Only a payment prompt's first try: a later one is the SMS after a push unanswered.
          canDeliver: (notice) =>
            notice.attempts === 0 &&
            notice.outboxId !== null &&
            notice.queued !== null &&
            isPaymentPrompt(notice.queued.message),
          deliver: (notice) => handler.push(notice),
        }
      : null,
    get inFlight() {
      return handler.inFlight
    },
    close: () => handler.close(),
  }
}

class UssdOverSmpp {
  private readonly limits: UssdSmppLimits
  private readonly running = new Set<Promise<void>>()
  private accepted = 0
  private closing = false
  private messageIds = 0
  private stamps = 0
  /** Our its_session_info for NI dialogues; bit 0 of the second octet (end of session) stays 0. */
  private nextSessionInfo = randomBytes(2).readUInt16BE(0) & 0xfffe
  private readonly processTag = randomBytes(3).toString('hex')
  /**
   * The last session id of each phone's dialogue (origin/msisdn/its_session_info/), oldest first.
   */
  private readonly recent = new Map<string, string>()

  constructor(
    private readonly options: UssdSmppOptions,
    private readonly ctx: ChannelContext,
    private readonly deps: UssdSmppDeps,
  ) {
    this.limits = { ...defaultUssdSmppLimits, ...(options.limits ?? {}) }
  }

  get inFlight(): number {
    return this.accepted
  }

  /**
   * One USSD PDU from a phone or the USSDC: acknowledged now, its screen sent after the response.
   */
  receive(raw: Pdu, from: UssdPduSource): Promise<InboundAnswer> {
    const read = readUssdPdu(raw, this.limits)
    if (!read.ok)
      return Promise.resolve(
        this.refuse(read.status, read.why, from, raw.fields['ussd_service_op']),
      )
    const pdu = read.pdu
    const msisdn = normalizeMsisdn(pdu.source)
    if (msisdn === null)
      return Promise.resolve(
        this.refuse(ussdStatus.invalidSource, 'source_addr is not an MSISDN', from, pdu.op),
      )
    if (pdu.op === ussdOp.ussnConfirm) {
      this.countPdu(pdu.op, 'ok')
      return Promise.resolve({
        status: ussdStatus.ok,
        messageId: this.messageId(),
        afterResponse: null,
      })
    }
    if (pdu.op !== ussdOp.pssrIndication && pdu.op !== ussdOp.ussrConfirm) {
      return Promise.resolve(
        this.refuse(
          ussdStatus.invalidTlvValue,
          `ussd_service_op ${ussdOpName(pdu.op)} is not served`,
          from,
          pdu.op,
        ),
      )
    }
    if (pdu.op === ussdOp.pssrIndication && !this.options.routes.namesServed(pdu.destination)) {
      return Promise.resolve(
        this.refuse(
          ussdStatus.invalidDestination,
          'destination_addr names another service',
          from,
          pdu.op,
        ),
      )
    }
    if (this.closing || this.accepted >= this.limits.hopsInFlightMax) {
      return Promise.resolve(
        this.refuse(
          ussdStatus.throttled,
          this.closing ? 'closing' : 'too many USSD hops in flight',
          from,
          pdu.op,
        ),
      )
    }
    this.accepted += 1
    this.countPdu(pdu.op, 'ok')
    return Promise.resolve({
      status: ussdStatus.ok,
      messageId: this.messageId(),
      afterResponse: () => this.track(this.answer(pdu, msisdn, from)),
    })
  }

  /** The push route's delivery: a payment prompt on the phone's screen, if it can be. */
  async push(offered: Notice): Promise<RouteAnswer> {
    const started = this.ctx.clock.nowMs()
    const notice = offered.queued
    const outboxId = offered.outboxId
    if (notice === null || outboxId === null) return { outcome: 'passed', why: 'not a notice' }
    if (this.closing) return this.notPushed(notice, 'closing')
    if (!isPaymentPrompt(notice.message)) return { outcome: 'passed', why: 'not a payment prompt' }
    const open = await this.deps.ussd.store.openOf(notice.msisdn)
    if (open.some((record) => !sessionExpired(record, this.deps.ussd.limits, started)))
      return this.notPushed(notice, 'busy')
    const target = this.deps.link.pushTarget(notice.msisdn)
    if (target === null) return this.notPushed(notice, 'no_bind')
    const paymentId = await pushedPaymentId(this.ctx, notice)
    if (paymentId === null) return this.notPushed(notice, 'not_waiting')
    const sessionInfo = Buffer.alloc(2)
    sessionInfo.writeUInt16BE(this.nextSessionInfo)
    this.nextSessionInfo = (this.nextSessionInfo + 2) & 0xfffe
    const info = sessionInfoKey(sessionInfo)
    const sessionId = `${target.origin}/${notice.msisdn}/${info}/n${this.stamp(started)}`
    const opened = openPush({
      sessionId,
      msisdn: notice.msisdn,
      language: notice.language,
      message: notice.message,
      outboxId,
      paymentId,
    })
    if (opened === null) return { outcome: 'passed', why: 'not a payment prompt' }
    const key = `${provider}:${sessionId}`
    const record: SessionRecord = {
      key,
      provider,
      msisdn: notice.msisdn,
      session: opened.session,
      step: 1,
      requestKey: `${provider}:push`,
      textLength: 0,
      lastScreen: opened.screen,
      startedMs: started,
      activeMs: started,
      outcome: null,
    }
    // Stored before it is sent: the phone may answer before deliver_sm_resp reaches us.
    if (!(await this.deps.ussd.store.put(record, null)))
      return this.notPushed(notice, 'session_clash')
    const sent = await this.deps.link.sendUssd(
      target.bind,
      screenParams({
        op: ussdOp.ussrRequest,
        sessionInfo,
        source: this.options.routes.platformCode,
        msisdn: notice.msisdn,
        text: opened.screen.text,
        gsmDataCoding: ussdDataCoding.gsm,
      }),
    )
    if (!sent.ok) {
      await this.deps.ussd.store.end(key, 'released', this.ctx.clock.nowMs())
      this.ctx.log.warn('ussd push refused', {
        msisdn: maskMsisdn(notice.msisdn),
        payment: notice.paymentId,
        bind: target.bind,
        error: sent.error,
      })
      return this.notPushed(notice, 'refused')
    }
    this.countPush('pushed')
    this.ctx.log.info('ussd push sent', {
      msisdn: maskMsisdn(notice.msisdn),
      payment: notice.paymentId,
      session: sessionId,
      bind: target.bind,
      key: notice.message.key,
      chars: opened.screen.text.length,
    })
    return { outcome: 'shown', answerByMs: started + this.deps.ussd.limits.sessionIdleMs }
  }

  /**
   * The ended dialogue whose last answered PDU this one repeats (same bind and sequence_number),
   * so that the service replays its END; otherwise an id no session has (the hop is then lost).
   */
  private async endedWith(prefix: string, requestKey: string): Promise<string> {
    const sessionId = this.recent.get(prefix)
    if (sessionId === undefined) return `${prefix}x`
    const record = await this.deps.ussd.store.get(`${provider}:${sessionId}`)
    return record?.requestKey === requestKey ? sessionId : `${prefix}x`
  }

  private remember(prefix: string, sessionId: string): void {
    this.recent.delete(prefix)
    this.recent.set(prefix, sessionId)
    if (this.recent.size > this.limits.recentDialoguesMax) {
      const oldest = this.recent.keys().next()
      if (oldest.done !== true) this.recent.delete(oldest.value)
    }
  }

  async close(): Promise<void> {
    this.closing = true
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  private async answer(pdu: UssdPdu, msisdn: string, from: UssdPduSource): Promise<void> {
    const prefix = `${from.origin}/${msisdn}/${sessionInfoKey(pdu.sessionInfo)}/`
    let sessionId: string
    let before: SessionRecord | null = null
    let read: (record: SessionRecord | null) => HopRead
    // The code the screens come from when the phone addressed none: the dial's, else the session's.
    let servedCode = this.options.routes.platformCode
    if (pdu.op === ussdOp.pssrIndication) {
      sessionId = `${prefix}m${this.stamp(this.ctx.clock.nowMs())}`
      const dial = dialOf(pdu.text, pdu.destination, this.options.routes.platformCode)
      const route = this.options.routes.route(dial)
      if (route.kind === 'app') servedCode = route.app.serviceCode
      read = (record) => (record === null ? { kind: 'dial', dial } : { kind: 'lost' })
    } else {
      const open = await this.deps.ussd.store.openOf(msisdn)
      const found = open.filter((record) => record.key.startsWith(`${provider}:${prefix}`)).at(-1)
      sessionId =
        found === undefined
          ? await this.endedWith(prefix, `${provider}:${from.bind}:${pdu.sequence}`)
          : found.key.slice(provider.length + 1)
      if (found?.app !== undefined) servedCode = found.app.serviceCode
      read = (record) => {
        before = record
        return record === null ? { kind: 'lost' } : { kind: 'input', text: pdu.text }
      }
    }
    if (sessionId !== `${prefix}x`) this.remember(prefix, sessionId)
    let screen: Screen
    try {
      screen = await this.deps.ussd.service.hop({
        provider,
        sessionId,
        msisdn,
        requestKey: `${provider}:${from.bind}:${pdu.sequence}`,
        textLength: 0,
        read,
      })
    } catch (error) {
      this.ctx.log.error('ussd hop failed', {
        provider,
        session: sessionId,
        msisdn: maskMsisdn(msisdn),
        error: error instanceof Error ? error.message : String(error),
      })
      screen = channelText('unavailable', 'en')
    }
    const networkInitiated = sessionId.slice(prefix.length).startsWith('n')
    const op =
      screen.type === 'CON'
        ? ussdOp.ussrRequest
        : networkInitiated
          ? ussdOp.ussnRequest
          : ussdOp.pssrResponse
    const sent = await this.deps.link.sendUssd(
      from.bind,
      screenParams({
        op,
        sessionInfo: pdu.sessionInfo,
        source: pdu.destination === '' ? servedCode : pdu.destination,
        msisdn,
        text: screen.text,
        gsmDataCoding:
          pdu.dataCoding === ussdDataCoding.smscDefault
            ? ussdDataCoding.smscDefault
            : ussdDataCoding.gsm,
      }),
    )
    if (!sent.ok)
      this.ctx.log.warn('ussd screen not delivered', {
        session: sessionId,
        msisdn: maskMsisdn(msisdn),
        op: ussdOpName(op),
        error: sent.error,
      })
    if (networkInitiated) await this.settleOutbox(sessionId, before)
  }

  /** After a hop of a push: the answer makes the SMS needless; an end without one sends it now. */
  private async settleOutbox(sessionId: string, before: SessionRecord | null): Promise<void> {
    const after = await this.deps.ussd.store.get(`${provider}:${sessionId}`)
    const book = after === null ? null : pushBookkeeping(after.session)
    if (after === null || book === null) return
    const earlier = before === null ? null : pushBookkeeping((before as SessionRecord).session)
    if (book.answered && earlier?.answered !== true) {
      await this.deps.held.answered(book.outboxId)
      this.countPush('answered')
    } else if (!book.answered && after.outcome !== null) {
      await this.deps.held.unanswered(book.outboxId, 'USSD push ended without an answer')
      this.countPush('abandoned')
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => {
        this.ctx.log.error('ussd over smpp failed', {
          error: error instanceof Error ? error.message : String(error),
        })
      })
      .finally(() => {
        this.accepted -= 1
        this.running.delete(tracked)
      })
    this.running.add(tracked)
  }

  private refuse(status: number, why: string, from: UssdPduSource, op: unknown): InboundAnswer {
    const opName = typeof op === 'number' ? ussdOpName(op) : 'none'
    this.countPdu(typeof op === 'number' ? op : -1, 'refused')
    this.ctx.log.info('ussd pdu refused', { bind: from.bind, op: opName, status, why })
    return { status, messageId: '', afterResponse: null }
  }

  private notPushed(notice: QueuedNotice, why: string): RouteAnswer {
    this.countPush(why)
    // No phone bound is the simulator's usual state, met on every try of every notice: the
    // outbox's own line tells what became of the notice.
    const fields = {
      msisdn: maskMsisdn(notice.msisdn),
      key: notice.message.key,
      payment: notice.paymentId,
      why,
    }
    if (why === 'no_bind')
      this.ctx.log.debug('ussd push not possible; the notice goes by SMS', fields)
    else this.ctx.log.info('ussd push not possible; the notice goes by SMS', fields)
    return { outcome: 'passed', why }
  }

  private messageId(): string {
    this.messageIds = (this.messageIds + 1) % 0x7fffffff
    return `u${this.processTag}${this.messageIds.toString(36)}`
  }

  private stamp(nowMs: number): string {
    this.stamps = (this.stamps + 1) % 0x7fffffff
    return `${nowMs.toString(36)}${this.processTag}${this.stamps.toString(36)}`
  }

  private countPdu(op: number, result: string): void {
    this.ctx.metrics.count(
      'telepay_ussd_smpp_pdus_total',
      'USSD PDUs received over SMPP, by ussd_service_op and result',
      { op: op < 0 ? 'none' : ussdOpName(op), result },
    )
  }

  private countPush(result: string): void {
    this.ctx.metrics.count(
      'telepay_ussd_push_total',
      'Network-initiated USSD payment prompts, by result',
      { result },
    )
  }
}
