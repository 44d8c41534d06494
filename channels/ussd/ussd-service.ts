/**
 * ussd-service.ts - one USSD hop, whatever provider carried it: (session, MSISDN, dial or input,
 * time) in, a Screen out. It loads or opens the session, asks the menu engine for the next step,
 * runs the engine's command through the gateway's dialog runner (its key `${session}:${hop}`,
 * its answer deadline, its late answer by SMS), and stores the session in the dialog store with
 * compare-and-set on its hop count. A provider's retry of a hop gets the stored screen again and
 * runs nothing. What is USSD's own: the session rules (one per subscriber, what a hop that does
 * not follow means), the polite END, and cancelling a payment left waiting at a confirm screen.
 * A dial the routes (external/routes.ts) give to an external app opens a session that app
 * answers instead of the menus (external/app-sessions.ts), under the same session rules.
 * Exports UssdService, HopRequest, HopRead, UssdServiceDeps.
 */
import type { Language } from '../../src/core/index.js'
import { assert, assertNever, maskMsisdn } from '../../src/core/index.js'
import type { DialogJournal, DialogRunner } from '../../src/gateway/dialog/index.js'
import { commandKey } from '../../src/gateway/dialog/index.js'
import type { CommandPort } from '../../src/gateway/ports.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import type { EngineStep, Screen, UssdEngine, UssdSession } from './contract.js'
import type { AppSession, ExternalApps } from './external/app-sessions.js'
import type { UssdLimits } from './limits.js'
import { heldMode, waitingPaymentOf } from './menu/index.js'
import type { SessionOutcome, SessionRecord, SessionStore } from './session-store.js'
import { sessionExpired } from './session-store.js'
import type { ChannelTextKey } from './texts.js'
import { channelText } from './texts.js'

/** What a provider made of its request once it saw the stored session (null: none stored). */
export type HopRead =
  | { readonly kind: 'dial'; readonly dial: string }
  | { readonly kind: 'input'; readonly text: string }
  /** The request does not follow from the session: the provider and we disagree. */
  | { readonly kind: 'lost' }

export interface HopRequest {
  /** Short provider name; scopes the session id ('at', 'hubtel', 'smpp'). */
  readonly provider: string
  readonly sessionId: string
  /** Normalized MSISDN. */
  readonly msisdn: string
  /** Identifies this request among the session's: equal to the stored one means a retry. */
  readonly requestKey: string
  /** Africa's Talking: length of the accumulated text, kept to find the next input in it. */
  readonly textLength: number
  /** Runs under the session's lock, with the stored session. */
  read(record: SessionRecord | null): HopRead
}

export interface UssdServiceDeps {
  readonly engine: UssdEngine
  /** Where a dial goes (the menus or an external app), and the external apps' hops. */
  readonly apps: ExternalApps
  readonly store: SessionStore
  /** The gateway's dialog runner for USSD: per-session chain, step keys, deadline, late answer. */
  readonly runner: DialogRunner
  /** Where each hop of the menus is noted for the payments it makes (the console shows it). */
  readonly journal: DialogJournal
  /** For the cancel of a payment left waiting when a session ends (no deadline: nobody waits). */
  readonly service: CommandPort
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  readonly limits: UssdLimits
  /**
   * The caller's language, and whether it may use the menu now (a subscriber, not locked); null:
   * not a subscriber.
   */
  callerOf(
    msisdn: string,
    nowMs: number,
  ): Promise<{ readonly language: Language; readonly admitted: boolean } | null>
}

interface Driven {
  readonly screen: Screen
  readonly session: UssdSession
  /** The external app serving the session; absent for the menus. */
  readonly app?: AppSession
  /** How the hop ended the session when its screen does not say (null: END completes it). */
  readonly outcome: SessionOutcome | null
  /** The payments the hop's commands made or answered (noted in the journal after the hop). */
  readonly paymentIds?: readonly string[]
}

/**
 * What the journal shows of a dial: the service code and the parts of a shortcut the menus took,
 * as the engine's trail has them (a PIN masked), never the dial as typed: a shortcut that goes on
 * past a PIN screen carries the PIN in parts the menus never read.
 */
function dialAsJournaled(serviceCode: string, dial: string, trail: readonly string[]): string {
  if (trail.length === 0) return serviceCode
  const base = serviceCode.replace(/#$/, '')
  const given = dial.startsWith(`${base}*`) ? dial.slice(base.length + 1, -1).split('*').length : 0
  const unused = given - trail.length
  return `${base}*${trail.join('*')}#${unused > 0 ? ` (${unused} more parts not used)` : ''}`
}

export class UssdService {
  private openSessions = 0

  constructor(private readonly deps: UssdServiceDeps) {}

  /**
   * Sessions open at the last count (refreshed by every hop that opens or ends one, and by sweeps).
   */
  get openCount(): number {
    return this.openSessions
  }

  /** Answers one request; never throws for what a user or provider does. */
  hop(request: HopRequest): Promise<Screen> {
    return this.deps.runner.serialize(`${request.provider}:${request.sessionId}`, () =>
      this.hopNow(request),
    )
  }

  /** The provider says the session is over (user hung up, network timeout). */
  release(provider: string, sessionId: string, outcome: SessionOutcome): Promise<void> {
    const key = `${provider}:${sessionId}`
    return this.deps.runner.serialize(key, async () => {
      const ended = await this.deps.store.end(key, outcome, this.deps.clock.nowMs())
      if (ended !== null) await this.sessionEnded(ended, outcome)
    })
  }

  /**
   * The operator ends an open session (the console's End button); the subscriber's next key
   * starts afresh. False when no such session is open.
   */
  endByOperator(key: string): Promise<boolean> {
    return this.deps.runner.serialize(key, async () => {
      const ended = await this.deps.store.end(key, 'ended_by_operator', this.deps.clock.nowMs())
      if (ended === null) return false
      await this.sessionEnded(ended, 'ended_by_operator')
      return true
    })
  }

  /** Ends sessions past the idle timeout or the total cap. */
  async sweep(): Promise<number> {
    const expired = await this.deps.store.expire(this.deps.clock.nowMs())
    for (const record of expired) await this.sessionEnded(record, record.outcome ?? 'idle_timeout')
    this.openSessions = await this.deps.store.openCount()
    return expired.length
  }

  /** Resolves when every command that missed its deadline has finished and its SMS was tried. */
  drained(): Promise<void> {
    return this.deps.runner.drained()
  }

  private async hopNow(request: HopRequest): Promise<Screen> {
    const started = performance.now()
    const nowMs = this.deps.clock.nowMs()
    const key = `${request.provider}:${request.sessionId}`
    const record = await this.deps.store.get(key)
    if (record !== null && record.requestKey === request.requestKey) {
      this.countHop(request.provider, 'replay')
      return record.lastScreen
    }
    if (record !== null && record.outcome !== null)
      return this.refuse(request, record.session.language, endedText(record.outcome))
    if (record !== null && sessionExpired(record, this.deps.limits, nowMs)) {
      const outcome =
        record.startedMs <= nowMs - this.deps.limits.sessionTotalMs ? 'total_cap' : 'idle_timeout'
      const ended = await this.deps.store.end(key, outcome, nowMs)
      if (ended !== null) await this.sessionEnded(ended, outcome)
      return this.refuse(request, record.session.language, 'session_timed_out')
    }
    const read = request.read(record)
    if (read.kind === 'lost' || (read.kind === 'dial') !== (record === null)) {
      if (record !== null) {
        const ended = await this.deps.store.end(key, 'lost_track', nowMs)
        if (ended !== null) await this.sessionEnded(ended, 'lost_track')
      }
      return this.refuse(request, record?.session.language ?? 'en', 'session_lost')
    }
    const hop = record?.step ?? 0
    const driven =
      read.kind === 'dial'
        ? await this.open(request, read.dial, key, nowMs)
        : await this.next(record as SessionRecord, read.kind === 'input' ? read.text : '', key)
    const outcome: SessionOutcome | null =
      driven.outcome ?? (driven.screen.type === 'END' ? 'completed' : null)
    const next: SessionRecord = {
      key,
      provider: request.provider,
      msisdn: request.msisdn,
      session: driven.session,
      step: hop + 1,
      requestKey: request.requestKey,
      textLength: request.textLength,
      lastScreen: driven.screen,
      startedMs: record?.startedMs ?? nowMs,
      activeMs: nowMs,
      outcome,
      ...(driven.app === undefined ? {} : { app: driven.app }),
    }
    if (!(await this.deps.store.put(next, record === null ? null : record.step))) {
      // Another request of this session answered this hop first (hops of one session are serialized
      // here, so it came through another way in, e.g. a provider's duplicate): show its screen.
      const winner = await this.deps.store.get(key)
      return winner?.lastScreen ?? channelText('session_lost', driven.session.language)
    }
    if (record === null) this.sessionStarted(request.provider)
    // The menus' hops only: an external app's inputs are its own (and may hold its PINs).
    if (driven.app === undefined)
      this.deps.journal.step('ussd', key, request.msisdn, {
        atMs: nowMs,
        input:
          read.kind === 'dial'
            ? dialAsJournaled(this.deps.engine.serviceCode, read.dial, driven.session.trail)
            : (driven.session.trail.at(-1) ?? null),
        screen: `${driven.screen.type} ${driven.screen.text}`,
      })
    for (const paymentId of driven.paymentIds ?? []) this.deps.journal.paid(key, paymentId)
    if (outcome !== null) await this.sessionEnded(next, outcome)
    this.countHop(request.provider, driven.screen.type)
    this.deps.log.info('ussd hop', {
      provider: request.provider,
      session: request.sessionId,
      msisdn: maskMsisdn(request.msisdn),
      state: driven.session.state,
      hop,
      screen: driven.screen.type,
      chars: driven.screen.text.length,
      ms: Math.round(performance.now() - started),
    })
    // The engine's trail masks PINs; the provider's raw input is never logged.
    this.deps.log.debug('ussd input', {
      session: request.sessionId,
      hop,
      input: driven.session.trail.at(-1),
    })
    return driven.screen
  }

  /**
   * A new session, on the menus or the external app the dial routes to: the subscriber's older
   * open sessions end (one USSD session per subscriber, whoever serves it).
   */
  private async open(
    request: HopRequest,
    dial: string,
    key: string,
    nowMs: number,
  ): Promise<Driven> {
    for (const older of await this.deps.store.openOf(request.msisdn)) {
      const ended = await this.deps.store.end(older.key, 'replaced', nowMs)
      if (ended !== null) await this.sessionEnded(ended, 'replaced')
    }
    const caller = await this.deps.callerOf(request.msisdn, nowMs)
    const language = caller?.language ?? 'en'
    const route = this.deps.apps.route(dial)
    if (route.kind === 'app')
      return this.deps.apps.open(route, {
        sessionId: request.sessionId,
        msisdn: request.msisdn,
        language,
      })
    const step = this.deps.engine.start(
      request.sessionId,
      request.msisdn,
      language,
      dial,
      caller?.admitted ?? false,
    )
    return this.drive(step, key, 0, request.msisdn)
  }

  /** An input in an open session, to whoever serves it. */
  private next(record: SessionRecord, text: string, key: string): Promise<Driven> {
    if (record.app !== undefined) return this.deps.apps.input(record.app, record.session, text)
    const step = this.deps.engine.input(record.session, text)
    return this.drive(step, key, record.step, record.msisdn)
  }

  /** Runs the engine's commands until it answers with a screen, or the deadline passes. */
  private async drive(
    first: EngineStep,
    key: string,
    hop: number,
    msisdn: string,
  ): Promise<Driven> {
    let step = first
    const paymentIds: string[] = []
    for (let index = 0; step.kind === 'command'; index += 1) {
      assert(
        index < this.deps.limits.commandsPerHopMax,
        `the USSD engine chained more than ${this.deps.limits.commandsPerHopMax} commands ` +
          'in one hop',
      )
      const { session, run } = step
      // The dial's registration check and a cancel have nothing to tell by SMS when late.
      const lateAnswerTo = heldMode(session) === null ? msisdn : null
      const outcome = await this.deps.runner.execute({
        dialog: key,
        step: hop,
        index,
        run,
        lateAnswerTo,
      })
      if (outcome.kind === 'busy')
        return { screen: channelText('unavailable', session.language), session, outcome: null }
      if (outcome.kind === 'late') {
        const screen = this.deps.engine.timeoutScreen(session.language)
        return { screen, session, outcome: 'deadline' }
      }
      if (outcome.result.payment !== null) paymentIds.push(outcome.result.payment.id)
      step = this.deps.engine.resume(session, outcome.result)
    }
    return { screen: step.screen, session: step.session, outcome: null, paymentIds }
  }

  private refuse(request: HopRequest, language: Language, key: ChannelTextKey): Screen {
    this.countHop(request.provider, 'refused')
    this.deps.log.info('ussd hop refused', {
      provider: request.provider,
      session: request.sessionId,
      msisdn: maskMsisdn(request.msisdn),
      why: key,
    })
    return channelText(key, language)
  }

  private sessionStarted(provider: string): void {
    this.openSessions += 1
    this.deps.metrics.count(
      'telepay_ussd_sessions_started_total',
      'USSD sessions opened, by provider',
      { provider },
    )
  }

  private async sessionEnded(record: SessionRecord, outcome: SessionOutcome): Promise<void> {
    this.deps.journal.end(record.key)
    this.openSessions = await this.deps.store.openCount()
    this.deps.metrics.count(
      'telepay_ussd_sessions_ended_total',
      'USSD sessions ended, by outcome',
      { outcome },
    )
    if (outcome === 'completed') return
    // Asked of the session as it stood before it ended: did the core hold a payment for it? Not
    // when the session ended on the answer deadline: the user's confirm is still running and
    // its result goes by SMS; a cancel sent now could overtake it (its PIN check is slower).
    const paymentId =
      outcome === 'deadline' ? null : waitingPaymentOf({ ...record.session, ended: false })
    const waiting = paymentId !== null
    this.deps.log.info(
      waiting
        ? 'ussd session ended at a confirm screen; its waiting payment is cancelled'
        : 'ussd session ended',
      {
        provider: record.provider,
        session: record.key,
        msisdn: maskMsisdn(record.msisdn),
        outcome,
        state: record.session.state,
        hop: record.step,
        inputs: record.session.trail.length,
        seconds: Math.round((record.activeMs - record.startedMs) / 1000),
      },
    )
    // The core holds the payment this session was about to confirm: nobody will, so it is
    // cancelled now rather than left to expire (with an SMS about it) two minutes later. Named by
    // its id: a payment that replaced it from another channel meanwhile is not this session's.
    if (paymentId !== null) {
      const cancelled = await this.deps.service
        .execute({
          key: commandKey(record.key, `${record.step}:ended`, 0),
          channel: 'ussd',
          command: { kind: 'cancel', msisdn: record.msisdn, paymentId },
          pin: null,
          newPin: null,
        })
        .catch((error: unknown) => {
          this.deps.log.error('ussd cancel at session end failed', {
            session: record.key,
            error: error instanceof Error ? error.message : String(error),
          })
          return null
        })
      if (cancelled !== null)
        this.deps.log.info('ussd waiting payment cancelled', {
          session: record.key,
          payment: paymentId,
          result: cancelled.ok ? 'ok' : (cancelled.reason ?? 'refused'),
        })
    }
  }

  private countHop(provider: string, answer: string): void {
    this.deps.metrics.count(
      'telepay_ussd_hops_total',
      'USSD requests answered, by provider and answer',
      { provider, answer },
    )
  }
}

/** What a user is told who types into a session that is over. */
function endedText(outcome: SessionOutcome): ChannelTextKey {
  switch (outcome) {
    case 'replaced':
      return 'session_replaced'
    case 'idle_timeout':
    case 'total_cap':
    case 'provider_timeout':
      return 'session_timed_out'
    case 'lost_track':
      return 'session_lost'
    case 'completed':
    case 'released':
    case 'deadline':
    case 'app_failed':
    case 'ended_by_operator':
      return 'session_ended'
    default:
      return assertNever(outcome)
  }
}
