/**
 * engine.ts - the IVR call engine over a ScriptSet: turns (call, event) into what the caller
 * hears next and how keys are collected, or into a payment command, per channels/ivr/contract.ts.
 * Pure: every fact of a call is in IvrCall, time comes in as `nowMs`. Exports createIvrEngine,
 * IvrEngineOptions.
 *
 * The walk itself (entering states under the loop guard, choices and their `set`, inputs under
 * their validators, a command's fields, a result routed by `then`) is the menus' one walk
 * (src/gateway/menus/walk.ts); what is left here is the call's: prompts and their ids, gathers
 * and the digit engine's timers, `9` repeat and `*` back, type-ahead, escalating re-prompts, the
 * PIN handed to its command without ever being kept, and the caller identified by a typed number.
 */
import type { CommandResult, FundingKind, Language, Payment } from '../../../src/core/index.js'
import { assert, defaultFundingOf, normalizeMsisdn } from '../../../src/core/index.js'
import type { Question, Turn } from '../../../src/gateway/menus/index.js'
import {
  answer,
  commandOf,
  defaultAccountName,
  dialogLookup,
  enterState,
  firstTurn,
  isSecret,
  remember,
  resultTexts,
  routeResult,
  sayResult,
} from '../../../src/gateway/menus/index.js'
import type { Gather, IvrCall, IvrEngine, IvrStep, Prompt } from '../contract.js'
import type { Collected } from '../digits/index.js'
import { expireTimer, pressKeys, startCollecting, timerDeadlineMs } from '../digits/index.js'
import type { IvrFlowLimits } from './limits.js'
import { ivrFlowLimits } from './limits.js'
import type { Lookup } from './prompt-text.js'
import { fillText } from './prompt-text.js'
import { isScriptCommandKind, spokenPaymentValue } from './script-commands.js'
import type { MenuChoice, ScriptSet, ScriptState, Texts } from './script-model.js'

export interface IvrEngineOptions {
  readonly limits?: IvrFlowLimits
  /**
   * What `{default_account}` fills in: the operating model's default account (a call asks no
   * account). Absent: the wallet, as under the cooperative model.
   */
  readonly defaultFunding?: FundingKind
}

type Listening = Extract<ScriptState, { kind: 'menu' | 'input' }>
type Command = Extract<ScriptState, { kind: 'command' }>
type Finished = Exclude<Collected, { kind: 'pending' }>

/** Keys a menu answers besides its choices: 9 repeats the question, * goes back. */
const repeatKey = '9'
const backKey = '*'
/** An input takes digits, and * alone to go back (or as the decimal point of an amount). */
const inputKeys = '0123456789*'

export function createIvrEngine(scripts: ScriptSet, options: IvrEngineOptions = {}): IvrEngine {
  return new ScriptEngine(
    scripts,
    options.limits ?? ivrFlowLimits,
    options.defaultFunding ?? defaultFundingOf('cooperative'),
  )
}

class ScriptEngine implements IvrEngine {
  constructor(
    private readonly scripts: ScriptSet,
    private readonly limits: IvrFlowLimits,
    private readonly defaultFunding: FundingKind,
  ) {}

  start(
    callId: string,
    from: string,
    to: string,
    registered: { readonly msisdn: string; readonly language: Language } | null,
    nowMs: number,
  ): IvrStep {
    const call: IvrCall = {
      callId,
      msisdn: registered?.msisdn ?? null,
      from,
      to,
      language: registered?.language ?? 'en',
      state: '',
      step: 1,
      values: {},
      failures: 0,
      typeAhead: '',
      collecting: null,
      trail: [],
      startedMs: nowMs,
      ended: false,
      outcome: null,
      reference: null,
    }
    const target = registered === null ? this.scripts.identify : this.scripts.home
    const welcome = this.prompt(
      `${target}.welcome`,
      this.scripts.texts.welcome,
      call.language,
      this.lookup(call),
    )
    return this.enter(call, target, [welcome], nowMs, null, this.firstTurn())
  }

  digits(call: IvrCall, keys: string, nowMs: number): IvrStep {
    if (call.ended) return endedStep(call)
    const next = this.answer(call)
    if (next.step > this.limits.stepsPerCallMax) return this.cannotContinue(next, [])
    const state = this.listening(next)
    if (state === null || next.collecting === null) {
      // Keys pressed while a command runs are typed ahead for the question after its answer.
      const typeAhead = (next.typeAhead + keys).slice(0, this.limits.typeAheadCharsMax)
      return { kind: 'say', call: { ...next, typeAhead }, prompts: [], gather: null, ended: false }
    }
    // The engine cannot know how long a prompt plays: keys before any other are in time (barge-in),
    // and the channel, which does know, reports a first-digit timeout by `silence`.
    const collecting =
      next.collecting.lastKeyMs === null
        ? { ...next.collecting, promptEndMs: Math.max(next.collecting.promptEndMs, nowMs) }
        : next.collecting
    return this.feed({ ...next, collecting }, state, keys, nowMs, [], this.firstTurn())
  }

  silence(call: IvrCall, nowMs: number): IvrStep {
    if (call.ended) return endedStep(call)
    const next = this.answer(call)
    if (next.step > this.limits.stepsPerCallMax) return this.cannotContinue(next, [])
    const state = this.listening(next)
    if (state === null || next.collecting === null)
      return { kind: 'say', call: next, prompts: [], gather: null, ended: false }
    // The running timer fired: judged at its deadline even when the channel reports it late or
    // early.
    const gather = this.gatherOf(state)
    const collected = expireTimer(
      gather,
      next.collecting,
      Math.max(nowMs, timerDeadlineMs(gather, next.collecting)),
    )
    assert(collected.kind !== 'pending', 'a timer judged at its deadline has fired')
    return this.complete(
      { ...next, collecting: null },
      state,
      collected,
      nowMs,
      [],
      this.firstTurn(),
    )
  }

  resume(call: IvrCall, result: CommandResult, nowMs: number): IvrStep {
    if (call.ended) return endedStep(call)
    const state = this.scripts.states.get(call.state)
    assert(state?.kind === 'command', `resume at ${call.state}, which runs no command`)
    const answered = this.answer(call)
    const next: IvrCall = {
      ...answered,
      language: result.language,
      reference: result.reference ?? call.reference,
      values: withSpokenPayment(answered.values, result.payment),
    }
    const message = result.message
    const command = state.command
    const spoken = resultTexts(command, this.scripts.results, message)
    const params = message.params
    const callLookup = this.lookup(next)
    const lookup: Lookup = (name) =>
      Object.hasOwn(params, name) ? (params[name] ?? null) : callLookup(name)
    const said: Prompt = {
      id: `${state.name}.result.${message.key}`,
      language: next.language,
      text: sayResult(message, spoken, next.language, lookup),
    }
    const turn = this.firstTurn()
    // An empty param is kept: it blanks what was typed, as the call always did.
    const routed = routeResult(command, message, this.scripts.then, true)
    if (routed === null) return this.enter(next, command.next, [said], nowMs, null, turn)
    const values = { ...next.values, ...routed.set }
    const prompts = spoken === null ? [] : [said]
    return this.enter({ ...next, values }, routed.to, prompts, nowMs, null, turn)
  }

  hangup(call: IvrCall, _nowMs: number): IvrCall {
    if (call.ended) return call
    // No command runs: a payment left waiting for its PIN expires in the core (SPEC section 3),
    // and one started meanwhile on another channel is left alone.
    return {
      ...this.answer(call),
      ended: true,
      outcome: 'hung_up',
      collecting: null,
      typeAhead: '',
    }
  }

  private answer(call: IvrCall): IvrCall {
    return { ...call, step: call.step + 1 }
  }

  private firstTurn(): Turn {
    return firstTurn(this.limits.transitionsPerEventMax)
  }

  private listening(call: IvrCall): Listening | null {
    const state = this.scripts.states.get(call.state)
    return state !== undefined && (state.kind === 'menu' || state.kind === 'input') ? state : null
  }

  private enter(
    call: IvrCall,
    name: string,
    prompts: readonly Prompt[],
    nowMs: number,
    pin: string | null,
    before: Turn,
  ): IvrStep {
    const { state, turn } = enterState(this.scripts.states, name, before)
    assert(pin === null || state.kind === 'command', `a PIN went to ${name}, which runs no command`)
    const at: IvrCall = { ...call, state: name, failures: 0, collecting: null }
    switch (state.kind) {
      case 'end':
        return this.end(
          at,
          [...prompts, this.prompt(`${name}.say`, state.say, at.language, this.lookup(at))],
          state.outcome,
        )
      case 'command':
        return this.command(at, state, prompts, nowMs, pin, turn)
      default:
        return this.listen(
          at,
          state,
          prompts,
          [this.prompt(`${name}.say`, state.say, at.language, this.lookup(at))],
          nowMs,
          turn,
        )
    }
  }

  private command(
    call: IvrCall,
    state: Command,
    prompts: readonly Prompt[],
    nowMs: number,
    pin: string | null,
    turn: Turn,
  ): IvrStep {
    const command = state.command
    if (call.msisdn === null || !isScriptCommandKind(command.kind))
      return this.cannotContinue(call, prompts)
    if (command.callerIdOnly && normalizeMsisdn(call.from) !== call.msisdn) {
      const refusal = this.prompt(
        `${state.name}.caller_id_only`,
        this.scripts.texts.caller_id_only,
        call.language,
        this.lookup(call),
      )
      return this.enter(call, command.next, [...prompts, refusal], nowMs, null, turn)
    }
    const lookup = this.lookup(call)
    const spokenOf = Object.hasOwn(call.values, spokenPaymentValue)
      ? call.values[spokenPaymentValue]
      : undefined
    // A call keeps no secret: a PIN field takes the one typed just before. And a call has no SIM
    // identity to stand for a PIN, so every field needs a value.
    const built = commandOf(
      command,
      call.msisdn,
      call.language,
      (valueName, kind) =>
        kind === 'secret' ? pin : valueName === null ? null : lookup(valueName),
      spokenOf === undefined || spokenOf === '' ? null : spokenOf,
      () => true,
    )
    if (!built.ok) return this.cannotContinue(call, prompts)
    return { kind: 'command', call, prompts, run: built.run }
  }

  /** Asks the state's question; keys typed ahead answer it at once, and its prompt is skipped. */
  private listen(
    call: IvrCall,
    state: Listening,
    prefix: readonly Prompt[],
    question: readonly Prompt[],
    nowMs: number,
    turn: Turn,
  ): IvrStep {
    const collecting = startCollecting(nowMs)
    if (call.typeAhead === '') {
      return {
        kind: 'say',
        call: { ...call, collecting },
        prompts: [...prefix, ...question],
        gather: this.gatherOf(state),
        ended: false,
      }
    }
    return this.feed(
      { ...call, typeAhead: '', collecting },
      state,
      call.typeAhead,
      nowMs,
      prefix,
      turn,
    )
  }

  private feed(
    call: IvrCall,
    state: Listening,
    keys: string,
    nowMs: number,
    prompts: readonly Prompt[],
    turn: Turn,
  ): IvrStep {
    assert(call.collecting !== null, 'keys fed to a state that is not collecting')
    const gather = this.gatherOf(state)
    const collected = pressKeys(gather, call.collecting, keys, nowMs)
    if (collected.kind === 'pending')
      return {
        kind: 'say',
        call: { ...call, collecting: collected.collecting },
        prompts,
        gather,
        ended: false,
      }
    return this.complete({ ...call, collecting: null }, state, collected, nowMs, prompts, turn)
  }

  private complete(
    call: IvrCall,
    state: Listening,
    collected: Finished,
    nowMs: number,
    prompts: readonly Prompt[],
    turn: Turn,
  ): IvrStep {
    const rest = { ...call, typeAhead: collected.rest.slice(0, this.limits.typeAheadCharsMax) }
    if (collected.kind === 'no_input')
      return this.fail(rest, state, 'no_input', null, nowMs, prompts, turn)
    const digits = collected.digits
    const gather = this.gatherOf(state)
    const typed = digits + (collected.reason === 'terminator' ? gather.finishOnKey : '')
    const done: IvrCall = {
      ...rest,
      trail: remember(rest.trail, typed, gather.secret, this.limits.trailEntriesMax),
    }
    if (digits === backKey)
      return this.enter(done, state.back ?? this.scripts.home, prompts, nowMs, null, turn)
    if (collected.kind === 'no_match')
      return this.fail(done, state, 'no_match', null, nowMs, prompts, turn)
    if (state.kind === 'menu' && digits === repeatKey)
      return this.enter(done, state.name, prompts, nowMs, null, turn)
    // DTMF has no decimal point: * stands for it in an amount (VoiceXML builtin currency).
    const text =
      state.kind === 'input' && state.input.validator === 'amount'
        ? digits.replaceAll('*', '.')
        : digits
    const lookup = this.lookup(done)
    const move = answer(questionOf(state), text, done.language, (value) =>
      fillText(value, done.language, lookup),
    )
    if (move.kind === 'refused')
      return this.fail(done, state, 'no_match', move.reprompt, nowMs, prompts, turn)
    // A PIN is never kept: it goes straight to the command state that needs it.
    if (move.secret !== null) return this.enter(done, move.to, prompts, nowMs, move.secret, turn)
    // `name: msisdn` identifies the caller rather than keeping a value.
    if (state.kind === 'input' && state.input.name === 'msisdn') {
      const msisdn = move.set[state.input.name] ?? null
      return this.enter({ ...done, msisdn }, move.to, prompts, nowMs, null, turn)
    }
    const values = { ...done.values, ...move.set }
    return this.enter({ ...done, values }, move.to, prompts, nowMs, null, turn)
  }

  /**
   * No input or no match: re-prompt with a stronger text the second time (and the state's help
   * instead of its question), and after the last failure go to the polite goodbye.
   */
  private fail(
    call: IvrCall,
    state: Listening,
    kind: 'no_input' | 'no_match',
    detail: string | null,
    nowMs: number,
    prompts: readonly Prompt[],
    turn: Turn,
  ): IvrStep {
    const failures = call.failures + 1
    if (failures >= this.limits.failuresMax) {
      return this.enter(
        { ...call, typeAhead: '' },
        state.onFailure ?? this.scripts.onFailure,
        prompts,
        nowMs,
        null,
        turn,
      )
    }
    const level = failures === 1 ? 1 : 2
    const lookup = this.lookup(call)
    const id = `${state.name}.${kind}.${level}`
    let sorry: Prompt
    if (kind === 'no_match' && level === 1 && state.noMatch !== null)
      sorry = this.prompt(id, state.noMatch, call.language, lookup)
    else if (kind === 'no_match' && level === 1 && detail !== null)
      sorry = { id, language: call.language, text: detail }
    else sorry = this.prompt(id, this.scripts.texts[`${kind}_${level}`], call.language, lookup)
    const question =
      level === 2 && state.help !== null
        ? this.prompt(`${state.name}.help`, state.help, call.language, lookup)
        : this.prompt(`${state.name}.say`, state.say, call.language, lookup)
    // A no match flushes the type-ahead (Nuance), the validator's included; after no input the
    // keys that came once the timer fired answer the re-prompt.
    const typeAhead = kind === 'no_match' ? '' : call.typeAhead
    return this.listen(
      { ...call, failures, typeAhead },
      state,
      [...prompts, sorry],
      [question],
      nowMs,
      turn,
    )
  }

  private end(call: IvrCall, prompts: readonly Prompt[], outcome: string): IvrStep {
    return {
      kind: 'say',
      call: { ...call, ended: true, outcome, collecting: null, typeAhead: '' },
      prompts,
      gather: null,
      ended: true,
    }
  }

  private cannotContinue(call: IvrCall, prompts: readonly Prompt[]): IvrStep {
    const sorry = this.prompt(
      `${call.state || this.scripts.home}.cannot_continue`,
      this.scripts.texts.cannot_continue,
      call.language,
      this.lookup(call),
    )
    return this.end(call, [...prompts, sorry], 'error')
  }

  private gatherOf(state: Listening): Gather {
    const spec = state.gather
    if (state.kind === 'menu') {
      const keys = [
        ...new Set([...state.choices.map((choice) => choice.key), repeatKey, backKey]),
      ].join('')
      return { ...spec, validKeys: keys, secret: false }
    }
    return { ...spec, validKeys: inputKeys, secret: isSecret(state.input) }
  }

  private lookup(call: IvrCall): Lookup {
    const builtins = {
      number: this.scripts.number,
      msisdn: call.msisdn,
      [defaultAccountName]: this.defaultFunding,
    }
    // The payment's id is the engine's own: it names the payment to the core, never to the caller.
    return dialogLookup(call.values, builtins, (name) => name === spokenPaymentValue)
  }

  private prompt(id: string, texts: Texts, language: Language, lookup: Lookup): Prompt {
    return { id, language, text: fillText(texts[language], language, lookup) }
  }
}

/** A menu asks for one of its keys, an input for digits its validator accepts. */
function questionOf(state: Listening): Question<MenuChoice> {
  if (state.kind === 'menu')
    return { kind: 'choices', choices: state.choices, keyOf: (choice) => choice.key }
  return { kind: 'input', input: state.input, repeat: null }
}

/**
 * The call's values after a result: a result about a payment makes it the one the call spoke of,
 * which a later confirm or cancel names. A result about none (a balance, or a refusal before any
 * payment was made) leaves the one spoken of before.
 */
function withSpokenPayment(
  values: Readonly<Record<string, string>>,
  payment: Payment | null,
): Readonly<Record<string, string>> {
  if (payment === null || values[spokenPaymentValue] === payment.id) return values
  return { ...values, [spokenPaymentValue]: payment.id }
}

function endedStep(call: IvrCall): IvrStep {
  return { kind: 'say', call, prompts: [], gather: null, ended: true }
}
