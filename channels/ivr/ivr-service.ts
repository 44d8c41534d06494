/**
 * ivr-service.ts - one request of an IVR call, whatever face carried it (the JSON simulation API,
 * TwiML, VoiceXML): start, digits, silence or hang-up in; a CallAnswer out (prompts, how digits
 * are collected next, whether the call ended). It asks the call engine for the next step, runs
 * the engine's commands through the gateway's dialog runner (its key `${callId}:${step}`, its
 * answer deadline, its late answer by SMS), and stores the call. A request that carries the step it
 * answers is retry-safe: the
 * previous step's answer is replayed and nothing runs again. Calls are bounded in number and in
 * duration; the time is the gateway's Clock. A command that misses the answer deadline ends the
 * call politely and finishes in the background, its answer going out by SMS. Refusals are values.
 * Exports IvrService, IvrServiceDeps, CallEvent, CallResult, CallRefusal, StartRequest,
 * EventRequest.
 */
import type { Language } from '../../src/core/index.js'
import { assert, maskMsisdn, normalizeMsisdn } from '../../src/core/index.js'
import type { DialogRunner } from '../../src/gateway/dialog/index.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import type { CallAnswer, CallState, CallStore } from './call-store.js'
import type { Gather, IvrCall, IvrEngine, IvrStep, Prompt } from './contract.js'
import type { IvrLimits } from './limits.js'
import type { PromptRegistry } from './prompt-registry.js'
import { channelPrompt } from './texts.js'

export type CallEvent =
  | { readonly kind: 'digits'; readonly keys: string }
  | { readonly kind: 'silence' }
  | { readonly kind: 'hangup' }

export interface StartRequest {
  /** Which face carries the call: 'sim', 'twilio', 'vxml'. */
  readonly provider: string
  readonly callId: string
  readonly from: string
  readonly to: string
}

export interface EventRequest {
  readonly provider: string
  readonly callId: string
  /**
   * The step the request answers (from the previous answer); null: not retry-safe, taken as new.
   */
  readonly step: number | null
  readonly event: CallEvent
  /** The platform's request this event is the rest of (collected()): its step, for a retry. */
  readonly partOf?: number
}

export type CallRefusal =
  | 'call_not_found' // no such call, in progress or ended
  | 'call_ended' // the call is over; `answer` is its last answer
  | 'call_exists' // a start for a call already past its first request
  | 'step_stale' // the request answers a step that is neither the current nor the previous one
  | 'keys_invalid' // keys other than 0-9 * #, none, or too many
  | 'lines_busy' // callsMax calls in progress; `answer` is the busy goodbye

export type CallResult =
  | { readonly ok: true; readonly answer: CallAnswer; readonly replay: boolean }
  | {
      readonly ok: false
      readonly refusal: CallRefusal
      readonly message: string
      readonly answer: CallAnswer | null
    }

export interface IvrServiceDeps {
  readonly engine: IvrEngine
  readonly store: CallStore
  /** The gateway's dialog runner for IVR: per-call chain, step keys, deadline, late answer. */
  readonly runner: DialogRunner
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  readonly limits: IvrLimits
  readonly prompts: PromptRegistry
  /** The subscriber's language, or null when the MSISDN is not registered. */
  languageOf(msisdn: string): Promise<Language | null>
}

interface Driven {
  readonly call: IvrCall
  readonly prompts: readonly Prompt[]
  readonly gather: Gather | null
  readonly ended: boolean
  /** The channel's own reason to end the call (the answer deadline), over the engine's. */
  readonly outcome: string | null
}

const keysPattern = /^[0-9*#]+$/

export class IvrService {
  /** Starts past the capacity check and not yet stored: they hold a place among callsMax. */
  private starting = 0

  constructor(private readonly deps: IvrServiceDeps) {}

  get openCount(): number {
    return this.deps.store.openCount
  }

  /** A call is answered. A platform's retry of the first request gets the first answer again. */
  start(request: StartRequest): Promise<CallResult> {
    return this.deps.runner.serialize(request.callId, () => this.startNow(request))
  }

  /** Keys, silence or hang-up in a call in progress. */
  event(request: EventRequest): Promise<CallResult> {
    return this.deps.runner.serialize(request.callId, () => this.eventNow(request))
  }

  /** The last answer of a call in progress, or null when it is not in progress. */
  async current(callId: string): Promise<CallAnswer | null> {
    return (await this.deps.store.get(callId))?.lastAnswer ?? null
  }

  /**
   * What a platform's gather collected once it stopped listening (TwiML `Digits`, a VoiceXML
   * field's value): the keys, then, if the engine still waits for more, the silence that made
   * the platform stop (its timer fired before it called us). No keys at all is silence.
   */
  async collected(request: {
    readonly provider: string
    readonly callId: string
    readonly step: number | null
    readonly keys: string
  }): Promise<CallResult> {
    const { provider, callId, step, keys } = request
    const first = await this.event({
      provider,
      callId,
      step,
      event: keys === '' ? { kind: 'silence' } : { kind: 'digits', keys },
    })
    if (
      !first.ok ||
      first.replay ||
      keys === '' ||
      first.answer.ended ||
      first.answer.gather === null ||
      first.answer.prompts.length > 0
    )
      return first
    return this.event({
      provider,
      callId,
      step: first.answer.step,
      event: { kind: 'silence' },
      ...(step === null ? {} : { partOf: step }),
    })
  }

  /** Ends calls past the duration cap or idle too long, and forgets the oldest records. */
  async sweep(): Promise<number> {
    const nowMs = this.deps.clock.nowMs()
    let ended = 0
    for (const { state, outcome } of await this.deps.store.due(nowMs)) {
      await this.deps.runner.serialize(state.callId, async () => {
        const current = await this.deps.store.get(state.callId)
        if (current === null || current.activeMs !== state.activeMs) return
        await this.finish(
          { ...current, call: this.deps.engine.hangup(current.call, nowMs) },
          outcome,
          nowMs,
        )
        ended += 1
      })
    }
    this.deps.store.prune()
    return ended
  }

  /**
   * The operator ends a call in progress (the console's End button): hung up as a cap ends it,
   * its record saying `ended_by_operator`. False when no such call is in progress.
   */
  hangUp(callId: string): Promise<boolean> {
    return this.deps.runner.serialize(callId, async () => {
      const current = await this.deps.store.get(callId)
      if (current === null) return false
      const nowMs = this.deps.clock.nowMs()
      await this.finish(
        { ...current, call: this.deps.engine.hangup(current.call, nowMs) },
        'ended_by_operator',
        nowMs,
      )
      return true
    })
  }

  /** Resolves when every command that missed its deadline has finished and its SMS was tried. */
  drained(): Promise<void> {
    return this.deps.runner.drained()
  }

  private async startNow(request: StartRequest): Promise<CallResult> {
    const { store } = this.deps
    const held = await store.get(request.callId)
    const record = held === null ? store.record(request.callId) : null
    const firstAnswered = held?.step === 1 || (record !== null && record.steps === 1)
    const previous = held?.lastAnswer ?? record?.lastAnswer ?? null
    if (firstAnswered && previous !== null) return this.replay(request.provider, previous)
    if (held !== null)
      return refuse(
        'call_exists',
        `call ${request.callId} is already past its first request`,
        held.lastAnswer,
      )
    if (record !== null)
      return refuse(
        'call_ended',
        `call ${request.callId} has ended (${record.outcome ?? 'ended'})`,
        record.lastAnswer,
      )

    const nowMs = this.deps.clock.nowMs()
    const msisdn = normalizeMsisdn(request.from)
    const language = msisdn === null ? null : await this.deps.languageOf(msisdn)
    if (store.openCount + this.starting >= this.deps.limits.callsMax) {
      this.count(request.provider, 'start', 'busy')
      this.deps.log.warn('ivr call refused: every line busy', {
        provider: request.provider,
        call: request.callId,
        callsMax: this.deps.limits.callsMax,
      })
      const busy = channelPrompt('lines_busy', language ?? 'en')
      const answer: CallAnswer = {
        callId: request.callId,
        step: 0,
        language: busy.language,
        prompts: [busy],
        gather: null,
        ended: true,
        outcome: 'lines_busy',
      }
      return refuse(
        'lines_busy',
        `${this.deps.limits.callsMax} calls are in progress; call again later`,
        answer,
      )
    }
    this.starting += 1
    try {
      const registered = msisdn !== null && language !== null ? { msisdn, language } : null
      const first = this.deps.engine.start(
        request.callId,
        request.from,
        request.to,
        registered,
        nowMs,
      )
      const driven = await this.drive(first, request.callId, 0, msisdn)
      const state: CallState = {
        key: request.callId,
        msisdn: msisdn ?? request.from,
        outcome: null,
        callId: request.callId,
        provider: request.provider,
        caller: msisdn ?? request.from,
        number: request.to,
        call: driven.call,
        step: 1,
        lastAnswer: this.answerOf(request.callId, 1, driven),
        startedMs: nowMs,
        activeMs: nowMs,
      }
      assert(await store.open(state), 'the IVR call store refused a call within callsMax')
      this.deps.metrics.count('telepay_ivr_calls_started_total', 'IVR calls answered, by face', {
        provider: request.provider,
      })
      this.deps.log.info('ivr call started', {
        provider: request.provider,
        call: request.callId,
        caller: msisdn === null ? 'not_msisdn' : maskMsisdn(msisdn),
        to: request.to,
        registered: registered !== null,
        state: driven.call.state,
        prompts: driven.prompts.length,
      })
      if (driven.ended)
        await this.finish(state, driven.outcome ?? driven.call.outcome ?? 'completed', nowMs)
      this.count(request.provider, 'start', driven.ended ? 'ended' : 'gather')
      return { ok: true, answer: state.lastAnswer, replay: false }
    } finally {
      this.starting -= 1
    }
  }

  private async eventNow(request: EventRequest): Promise<CallResult> {
    const { store } = this.deps
    const state = await store.get(request.callId)
    if (state === null) {
      const record = store.record(request.callId)
      if (record === null) return refuse('call_not_found', `no call ${request.callId}`, null)
      if (
        request.step !== null &&
        record.lastAnswer !== null &&
        request.step === answeredStep(record.lastAnswer)
      )
        return this.replay(request.provider, record.lastAnswer)
      return refuse(
        'call_ended',
        `call ${request.callId} has ended (${record.outcome ?? 'ended'})`,
        record.lastAnswer,
      )
    }
    if (request.step !== null && request.step === answeredStep(state.lastAnswer))
      return this.replay(request.provider, state.lastAnswer)
    if (request.step !== null && request.step !== state.step) {
      return refuse(
        'step_stale',
        `call ${request.callId} is at step ${state.step}, the request answers step ${request.step}`,
        state.lastAnswer,
      )
    }
    const { event } = request
    if (
      event.kind === 'digits' &&
      (!keysPattern.test(event.keys) || event.keys.length > this.deps.limits.keysPerEventMax)
    ) {
      return refuse(
        'keys_invalid',
        `digits are 1 to ${this.deps.limits.keysPerEventMax} of 0-9, * and #`,
        state.lastAnswer,
      )
    }
    const nowMs = this.deps.clock.nowMs()
    if (event.kind === 'hangup') {
      const call = this.deps.engine.hangup(state.call, nowMs)
      const outcome = call.outcome ?? 'hung_up'
      const answer: CallAnswer = {
        ...state.lastAnswer,
        step: state.step + 1,
        prompts: [],
        gather: null,
        ended: true,
        outcome,
      }
      await this.finish(
        { ...state, call, step: state.step + 1, lastAnswer: answer, activeMs: nowMs },
        outcome,
        nowMs,
      )
      this.count(request.provider, 'hangup', 'ended')
      return { ok: true, answer, replay: false }
    }
    const first =
      event.kind === 'digits'
        ? this.deps.engine.digits(state.call, event.keys, nowMs)
        : this.deps.engine.silence(state.call, nowMs)
    const driven = await this.drive(first, request.callId, state.step, state.call.msisdn)
    const next: CallState = {
      ...state,
      call: driven.call,
      step: state.step + 1,
      lastAnswer: {
        ...this.answerOf(request.callId, state.step + 1, driven),
        ...(request.partOf === undefined ? {} : { answers: request.partOf }),
      },
      activeMs: nowMs,
    }
    if (driven.ended)
      await this.finish(next, driven.outcome ?? driven.call.outcome ?? 'completed', nowMs)
    else await store.put(next)
    this.count(request.provider, event.kind, driven.ended ? 'ended' : 'gather')
    this.deps.log.info('ivr step', {
      provider: request.provider,
      call: request.callId,
      msisdn: next.call.msisdn === null ? undefined : maskMsisdn(next.call.msisdn),
      event: event.kind,
      keys: event.kind === 'digits' ? event.keys.length : undefined,
      state: next.call.state,
      step: state.step,
      prompts: driven.prompts.length,
      secret: driven.gather?.secret,
      ended: driven.ended,
    })
    // The engine's trail masks PINs; the keys as typed are never logged.
    this.deps.log.debug('ivr input', {
      call: request.callId,
      step: state.step,
      input: next.call.trail.at(-1),
    })
    return { ok: true, answer: next.lastAnswer, replay: false }
  }

  /** Runs the engine's commands until it answers with prompts, or the deadline passes. */
  private async drive(
    first: IvrStep,
    callId: string,
    step: number,
    msisdn: string | null,
  ): Promise<Driven> {
    let current = first
    const prompts: Prompt[] = [...first.prompts]
    for (let index = 0; current.kind === 'command'; index += 1) {
      assert(
        index < this.deps.limits.commandsPerStepMax,
        `the IVR engine chained more than ${this.deps.limits.commandsPerStepMax} commands ` +
          'in one step',
      )
      const { call, run } = current
      const outcome = await this.deps.runner.execute({
        dialog: callId,
        step,
        index,
        run,
        lateAnswerTo: msisdn ?? run.command.msisdn,
      })
      if (outcome.kind !== 'answered') {
        // Busy: too many commands already late; late: this one is, and its answer goes by SMS.
        const busy = outcome.kind === 'busy'
        return {
          call,
          prompts: [
            ...prompts,
            channelPrompt(busy ? 'unavailable' : 'answer_by_sms', call.language),
          ],
          gather: null,
          ended: true,
          outcome: busy ? 'unavailable' : 'deadline',
        }
      }
      current = this.deps.engine.resume(call, outcome.result, this.deps.clock.nowMs())
      prompts.push(...current.prompts)
    }
    // The contract: a step without a gather hangs up; one that neither gathers nor ends is an
    // engine bug.
    assert(
      current.gather !== null || current.ended,
      `the IVR engine answered state ${current.call.state} with no gather and no end`,
    )
    return {
      call: current.call,
      prompts,
      gather: current.ended ? null : current.gather,
      ended: current.ended,
      outcome: null,
    }
  }

  private answerOf(callId: string, step: number, driven: Driven): CallAnswer {
    for (const prompt of driven.prompts) this.deps.prompts.played(prompt)
    const outcome = driven.ended ? (driven.outcome ?? driven.call.outcome ?? 'completed') : null
    return {
      callId,
      step,
      language: driven.call.language,
      prompts: driven.prompts,
      gather: driven.gather,
      ended: driven.ended,
      outcome,
    }
  }

  private async finish(state: CallState, outcome: string, nowMs: number): Promise<void> {
    // A call ended by the channel (a cap) was last told to keep typing: its record says it ended.
    const last = state.lastAnswer
    const ended: CallState = last.ended
      ? state
      : { ...state, lastAnswer: { ...last, prompts: [], gather: null, ended: true, outcome } }
    const record = await this.deps.store.end(ended, outcome, nowMs)
    if (record === null) return
    this.deps.metrics.count('telepay_ivr_calls_ended_total', 'IVR calls ended, by outcome', {
      outcome,
    })
    this.deps.log.info('ivr call ended', {
      provider: record.provider,
      call: record.callId,
      msisdn: record.msisdn === null ? undefined : maskMsisdn(record.msisdn),
      outcome,
      state: ended.call.state,
      steps: record.steps,
      inputs: record.inputs.length,
      seconds: Math.round((record.durationMs ?? 0) / 1000),
      ref: record.reference ?? undefined,
    })
  }

  private replay(provider: string, answer: CallAnswer): CallResult {
    this.count(provider, 'replay', answer.ended ? 'ended' : 'gather')
    return { ok: true, answer, replay: true }
  }

  private count(provider: string, event: string, answer: string): void {
    this.deps.metrics.count(
      'telepay_ivr_requests_total',
      'IVR requests answered, by face, event and answer',
      { provider, event, answer },
    )
  }
}

/**
 * The step of the request an answer answers: the one before its own, unless it says (collected).
 */
function answeredStep(answer: CallAnswer): number {
  return answer.answers ?? answer.step - 1
}

function refuse(refusal: CallRefusal, message: string, answer: CallAnswer | null): CallResult {
  return { ok: false, refusal, message, answer }
}
