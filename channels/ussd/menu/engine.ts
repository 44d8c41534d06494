/**
 * engine.ts - the USSD menu engine of channels/ussd/contract.ts: (session, input) -> next screen
 * or a command, driven by the menu data (menus/ussd) with ussd-menu-builder choosing each
 * transition. Pure: no I/O, no clock, no core calls; every fact lives in the UssdSession, and
 * every answer of the core comes back through resume(). Exports createUssdEngine,
 * UssdEngineOptions, resultState, heldMode, HeldMode, waitsForConfirm and waitingPaymentOf.
 *
 * Navigation on every screen: `00` home, `0` back (the previous page, or on the first page the
 * previous state), `98` the next page - only while a next page exists, so that 98 stays a
 * valid amount on an amount screen.
 *
 * A payment takes two commands (see command-kinds.ts): the first leaves it waiting and its
 * answer fills the confirm screen (the command state's `then`), or ends the session with the
 * refusal before any PIN is asked; the confirm screen's PIN (or 1) runs `confirm`. A wrong PIN
 * asks again on the same screen (the core counts the tries); leaving the confirm screen by 0,
 * 00 or too many wrong entries runs `cancel` first. The session keeps the id of the payment its
 * confirm screen shows (an engine value, never on a screen), and every `confirm` and `cancel`
 * names it: a payment started meanwhile on another channel replaces the shown one (SPEC section
 * 4), and the core then refuses the answer with no_pending_payment rather than move the new one.
 * A dial that would show a screen at once is held behind a `balance` check, so that an
 * unregistered (or locked) number hears so at once.
 */
import type {
  CommandResult,
  Language,
  Message,
  SubscriberCommand,
} from '../../../src/core/index.js'
import { assert, fundingKinds } from '../../../src/core/index.js'
import {
  buildCommand,
  isCommandKind,
  resultParamNames,
  runsFromShortcut,
  validators,
} from '../../../src/gateway/menus/index.js'
import { catalogueOf, renderMessage } from '../../../src/gateway/reply/index.js'
import type { Logger } from '../../../src/service/log.js'
import { silentLogger } from '../../../src/service/log.js'
import type { EngineStep, Screen, UssdEngine, UssdSession } from '../contract.js'
import { languageKey } from './check-menus.js'
import type { UssdMenuLimits } from './limits.js'
import { ussdMenuLimits } from './limits.js'
import type { TransitionRule } from './menu-builder.js'
import { resolveTransition } from './menu-builder.js'
import type { MenuCommand, MenuSet, MenuState, SystemTextKey, Texts } from './menu-model.js'
import { PageCache } from './page-cache.js'
import { paginate } from './paging.js'
import { fillPlaceholders } from './placeholders.js'
import { isSealed, sealSecret, unsealSecret } from './secrets.js'

export interface UssdEngineOptions {
  readonly limits?: UssdMenuLimits
  /** Debug lines per step (state, hop, lengths); never an input's text. */
  readonly logger?: Logger
}

/** The pseudo-state that shows a command's answer page by page. */
export const resultState = '__result__'
/** Reserved values (menu value names cannot start with `_`). */
const wrongKey = '_wrong'
const resultKey = '_result'
/**
 * The id of the payment the core holds waiting for the confirm screen of this session, set while
 * it waits. `_` keeps it out of every screen: menu value names and placeholders cannot start with one.
 */
const pendingKey = '_pending'
/** The HeldMode of a command whose answer only decides whether the held lastScreen is shown. */
const heldKey = '_held'
const maskedInput = '****'

/**
 * gate: the check before the first screen of a dial - a refusal ends the session with its text.
 * cancel: the cancel of a waiting payment the user walked away from - its answer changes nothing.
 */
export type HeldMode = 'gate' | 'cancel'

/**
 * The HeldMode of a command step, or null for a command the user asked for. A held command's
 * answer only decides which screen shows: a channel need not send it by SMS when it comes late.
 */
export function heldMode(session: UssdSession): HeldMode | null {
  const mode = session.values[heldKey]
  return mode === 'gate' || mode === 'cancel' ? mode : null
}

/**
 * Whether the core holds a payment waiting for this session's confirm screen. A session that
 * ends there without the engine's knowing (idle timeout, hang-up) leaves the payment to expire
 * in 120 s, with an SMS saying so, unless the channel runs `cancel` for the subscriber.
 */
export function waitsForConfirm(session: UssdSession): boolean {
  return waitingPaymentOf(session) !== null
}

/**
 * The id of the payment waiting for this session's confirm screen (see waitsForConfirm), or null.
 * A channel that cancels it for the subscriber names it, so that the cancel cannot drop a newer
 * payment that replaced it meanwhile.
 */
export function waitingPaymentOf(session: UssdSession): string | null {
  return session.ended ? null : (session.values[pendingKey] ?? null)
}

type Outcome =
  | { readonly kind: 'home' }
  | { readonly kind: 'back' }
  | { readonly kind: 'more' }
  | { readonly kind: 'option'; readonly index: number }
  | { readonly kind: 'accept' }
  | { readonly kind: 'invalid' }

const invalid: Outcome = { kind: 'invalid' }

function withoutKeys(
  values: Readonly<Record<string, string>>,
  drop: (key: string, value: string) => boolean,
): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => !drop(key, value)))
}

export function createUssdEngine(menus: MenuSet, options: UssdEngineOptions = {}): UssdEngine {
  return new MenuEngine(menus, options.limits ?? ussdMenuLimits, options.logger ?? silentLogger)
}

class MenuEngine implements UssdEngine {
  private readonly pageCache: PageCache

  constructor(
    private readonly menus: MenuSet,
    private readonly limits: UssdMenuLimits,
    private readonly log: Logger,
  ) {
    assert(menus.states.has(menus.home), `the home state ${menus.home} does not exist`)
    this.pageCache = new PageCache(limits.pageCacheEntriesMax)
  }

  start(
    sessionId: string,
    msisdn: string,
    language: Language,
    dial: string,
    admitted = false,
  ): EngineStep {
    const fresh: UssdSession = {
      sessionId,
      msisdn,
      language,
      state: this.menus.home,
      page: 0,
      back: [],
      values: {},
      trail: [],
      hop: 0,
      lastScreen: null,
      ended: false,
    }
    const parts = this.shortcutParts(dial)
    if (parts === null) {
      this.log.debug('ussd menu dial refused', { session: sessionId, dialChars: dial.length })
      return this.end(fresh, 'wrong_service')
    }
    let step = this.show(fresh, null)
    // Each part answers the screen it meets, until a screen needs more than the dial gave, a
    // part is refused, a command runs, or the next answer would be a PIN, a confirm or a cancel.
    for (const part of parts.slice(0, this.limits.shortcutPartsMax)) {
      if (step.kind !== 'screen' || step.session.ended || this.shortcutStopsAt(step.session)) break
      step = this.apply(step.session, part)
      if (step.session.values[wrongKey] !== undefined) break
    }
    // A command reached by the dial is refused by the core for an unregistered or locked number
    // anyway; a screen waits for the core to say the number may use the menu, unless the channel
    // already saw that it may.
    if (!admitted && step.kind === 'screen' && !step.session.ended)
      step = this.hold(step, 'gate', { kind: 'balance', msisdn })
    this.logStep('ussd menu start', step, parts.length)
    return step
  }

  input(session: UssdSession, text: string): EngineStep {
    if (session.ended)
      return {
        kind: 'screen',
        session,
        screen: session.lastScreen ?? this.endScreen(session, 'restart'),
      }
    const step = this.leavingPayment(
      session,
      this.apply({ ...session, hop: session.hop + 1 }, text),
    )
    this.logStep('ussd menu input', step, text.length)
    return step
  }

  resume(session: UssdSession, result: CommandResult): EngineStep {
    const step = this.resumed(session, result)
    this.logStep('ussd menu result', step, 0)
    return step
  }

  private resumed(session: UssdSession, result: CommandResult): EngineStep {
    const held = heldMode(session)
    if (held !== null) return this.resumeHeld(session, result, held)
    const state = this.menus.states.get(session.state)
    const command = state?.kind === 'command' ? state.command : null
    const waitingId = result.payment?.state === 'awaiting_authorization' ? result.payment.id : null
    const waiting = waitingId !== null
    const then = result.ok && command !== null ? command.then[result.message.key] : undefined
    if (then !== undefined) return this.goOn(session, result.message, waitingId, then)
    if (result.ok && waiting) {
      // The menu check makes every payment name a confirm screen, but not for every key the core
      // may answer with: the payment waits behind an END until it expires.
      this.log.warn('ussd menu has no confirm screen for a waiting payment', {
        session: session.sessionId,
        state: session.state,
        key: result.message.key,
      })
    }
    // The session's language, not the result's: the user may have switched it in this session.
    const text = this.resultText(result.message, command, session.language)
    const previous = session.back.at(-1)
    if (
      !result.ok &&
      waiting &&
      session.values[pendingKey] === waitingId &&
      previous !== undefined
    ) {
      // A wrong PIN leaves the payment waiting (the core counts the tries and locks at the
      // last): the confirm screen asks again, saying what was wrong. Only for the payment it
      // shows: another one waiting is not this screen's to ask about.
      const screenState = this.menus.states.get(previous)
      if (screenState !== undefined && screenState.kind !== 'command') {
        return this.show(
          { ...session, state: previous, back: session.back.slice(0, -1), page: 0 },
          text,
        )
      }
    }
    return this.close(session, text)
  }

  /** The answer of a gate or a cancel: the screen held behind it, or the gate's refusal. */
  private resumeHeld(session: UssdSession, result: CommandResult, mode: HeldMode): EngineStep {
    if (mode === 'gate' && !result.ok)
      return this.close(session, this.resultText(result.message, null, session.language))
    const screen = session.lastScreen
    if (screen === null) return this.end(session, 'restart')
    return {
      kind: 'screen',
      session: { ...session, values: withoutKeys(session.values, (key) => key === heldKey) },
      screen,
    }
  }

  /** The state after a command (`then`): the flow goes on with what the core said the payment is. */
  private goOn(
    session: UssdSession,
    message: Message,
    waitingId: string | null,
    target: string,
  ): EngineStep {
    assert(
      this.menus.states.get(target)?.kind !== 'command',
      `then ${target} is a command state (the menu check lets no such menu load)`,
    )
    if (target === this.menus.home)
      return this.show({ ...session, state: target, page: 0, back: [], values: {} }, null)
    const values: Record<string, string> = withoutKeys(session.values, (key) => key === pendingKey)
    for (const name of resultParamNames) {
      const value = message.params[name]
      if (value !== undefined && value !== '') values[name] = value
    }
    if (waitingId !== null) values[pendingKey] = waitingId
    return this.show({ ...session, state: target, page: 0, values }, null)
  }

  /** The closing screen with a command's answer, page by page. */
  private close(session: UssdSession, said: string): EngineStep {
    const chars = Array.from(said)
    const text =
      chars.length > this.limits.resultCharsMax
        ? `${chars.slice(0, this.limits.resultCharsMax - 3).join('')}...`
        : said
    return this.show(
      { ...session, state: resultState, page: 0, back: [], values: { [resultKey]: text } },
      null,
    )
  }

  /**
   * A step that ends a session or leaves the confirm screen of a waiting payment (0, 00, too many
   * wrong entries) cancels the payment first, rather than leave it to expire in 120 s with an SMS
   * saying so. Staying on the screen (98, a re-prompt) or answering it (a command) does not. The
   * cancel names the payment the screen showed: one that replaced it meanwhile is not touched.
   */
  private leavingPayment(before: UssdSession, step: EngineStep): EngineStep {
    const paymentId = before.values[pendingKey]
    if (paymentId === undefined || step.kind !== 'screen') return step
    if (step.session.state === before.state && !step.session.ended) return step
    const values = withoutKeys(step.session.values, (key) => key === pendingKey)
    return this.hold({ ...step, session: { ...step.session, values } }, 'cancel', {
      kind: 'cancel',
      msisdn: before.msisdn,
      paymentId,
    })
  }

  /** Runs `command` before the screen of `step`, which resume() shows (see HeldMode). */
  private hold(
    step: Extract<EngineStep, { kind: 'screen' }>,
    mode: HeldMode,
    command: SubscriberCommand,
  ): EngineStep {
    const session: UssdSession = {
      ...step.session,
      lastScreen: step.screen,
      values: { ...step.session.values, [heldKey]: mode },
    }
    return { kind: 'command', session, run: { command, pin: null, newPin: null } }
  }

  /** A result in USSD words: the command state's text, else main.yaml's, else the catalogue's. */
  private resultText(message: Message, command: MenuCommand | null, language: Language): string {
    const texts: Texts | undefined =
      command?.results[message.key] ?? this.menus.results[message.key]
    if (texts === undefined) return renderMessage(message, language)
    return fillPlaceholders(texts[language], (name) => {
      if (name === 'service') return this.menus.service
      const value = message.params[name]
      if (value === undefined || value === '') return null
      return name === 'account' ? this.accountName(value, language) : value
    })
  }

  timeoutScreen(language: Language): Screen {
    return { type: 'END', text: this.systemText('timeout', language) }
  }

  /** The parts after the service code (`*123*2*1001#` -> 2, 1001), or null for another code or garbage. */
  private shortcutParts(dial: string): string[] | null {
    const trimmed = dial.trim()
    if (trimmed.length > this.limits.dialCharsMax) return null
    const code = this.menus.service.slice(1, -1)
    const match = new RegExp(`^\\*${code}((?:\\*[^*#]*)*)#$`).exec(trimmed)
    if (match === null) return null
    return (match[1] ?? '')
      .split('*')
      .slice(1)
      .filter((part) => part !== '')
  }

  /**
   * A shortcut never answers a PIN screen, nor a screen whose answer would confirm, cancel or
   * change anything secret (runsFromShortcut); it may start a payment, which only asks the core.
   */
  private shortcutStopsAt(session: UssdSession): boolean {
    const state = this.menus.states.get(session.state)
    if (state === undefined) return true
    if (state.kind === 'input' && validators[this.validatorOf(state)].secret) return true
    const targets =
      state.kind === 'options'
        ? state.options.map((option) => option.to)
        : state.kind === 'input'
          ? [state.input.next]
          : []
    return targets.some((target) => {
      const next = this.menus.states.get(target)
      return (
        next?.kind === 'command' &&
        isCommandKind(next.command.kind) &&
        !runsFromShortcut(next.command.kind)
      )
    })
  }

  private apply(session: UssdSession, rawText: string): EngineStep {
    const text = rawText.trim()
    const state = session.state === resultState ? null : this.menus.states.get(session.state)
    if (state === undefined || state?.kind === 'command' || state?.kind === 'end') {
      // A state the menus no longer have (reloaded between hops) or a command the channel did
      // not resume: nothing sensible to show but a fresh start.
      this.log.warn('ussd menu input at a state that takes none', {
        session: session.sessionId,
        state: session.state,
      })
      return this.end(session, 'restart')
    }
    const rules = this.rulesFor(session, state ?? null)
    if (rules === null) return this.end(session, 'restart')
    const outcome =
      text.length > this.limits.inputCharsMax ? invalid : resolveTransition(rules, text, invalid)
    // Masked: anything typed at a PIN screen, and any refused input, which may be a PIN typed
    // at the wrong screen.
    const secretScreen = state?.kind === 'input' && validators[this.validatorOf(state)].secret
    const shown = secretScreen || outcome.kind === 'invalid' ? maskedInput : text
    const trail = [...session.trail, shown].slice(-this.limits.trailEntriesMax)
    const typed: UssdSession = { ...session, trail }
    const clean: UssdSession = {
      ...typed,
      values: withoutKeys(typed.values, (key) => key === wrongKey),
    }
    switch (outcome.kind) {
      case 'home':
        return this.show({ ...clean, state: this.menus.home, page: 0, back: [], values: {} }, null)
      case 'more':
        return this.show({ ...clean, page: clean.page + 1 }, null)
      case 'back':
        return this.goBack(clean)
      case 'option': {
        assert(state?.kind === 'options', 'an option outcome outside an options state')
        const option = state.options[outcome.index]
        assert(option !== undefined, `option ${outcome.index} does not exist`)
        let language = clean.language
        const set: Record<string, string> = {}
        for (const [key, value] of Object.entries(option.set)) {
          if (key === languageKey) language = value === 'zh' ? 'zh' : 'en'
          else set[key] = fillPlaceholders(value, (name) => this.placeholder(clean, name))
        }
        return this.enter({ ...clean, language }, option.to, set)
      }
      case 'accept': {
        assert(state?.kind === 'input', 'an accepted input outside an input state')
        const validator = validators[this.validatorOf(state)]
        const value = validator.normalize(text)
        return this.enter(clean, state.input.next, {
          [state.input.name]: validator.secret ? sealSecret(value) : value,
        })
      }
      case 'invalid':
        return this.wrongInput(typed, state ?? null, text)
    }
  }

  /** Navigation first (00, 98 while a next page exists, 0), then the state's own rules. */
  private rulesFor(
    session: UssdSession,
    state: MenuState | null,
  ): TransitionRule<Outcome>[] | null {
    const rules: TransitionRule<Outcome>[] = [{ pattern: '^00$', outcome: { kind: 'home' } }]
    // The pages of the screen on show: split when it was shown, so a cache hit here.
    if (session.page < this.pages(session, null).length - 1)
      rules.push({ pattern: '^98$', outcome: { kind: 'more' } })
    rules.push({ pattern: '^0$', outcome: { kind: 'back' } })
    if (state?.kind === 'options') {
      for (const index of state.options.keys())
        rules.push({ pattern: `^${index + 1}$`, outcome: { kind: 'option', index } })
    }
    if (state?.kind === 'input') {
      let repeat: string | null = null
      if (state.input.sameAs !== null) {
        const sealed = session.values[state.input.sameAs]
        repeat = sealed === undefined ? null : unsealSecret(sealed)
        // A PIN sealed by another process (restart) cannot be compared: start again.
        if (sealed !== undefined && repeat === null) return null
      }
      rules.push({
        pattern: validators[this.validatorOf(state)].pattern(repeat),
        outcome: { kind: 'accept' },
      })
    }
    return rules
  }

  private wrongInput(session: UssdSession, state: MenuState | null, text: string): EngineStep {
    const wrong = Number(session.values[wrongKey] ?? '0') + 1
    if (wrong >= this.limits.wrongInputsMax) return this.end(session, 'too_many_wrong')
    const reprompt =
      state?.kind === 'input'
        ? validators[this.validatorOf(state)].reprompt(text, session.language)
        : this.systemText('wrong_choice', session.language)
    return this.show(
      { ...session, page: 0, values: { ...session.values, [wrongKey]: String(wrong) } },
      reprompt,
    )
  }

  private goBack(session: UssdSession): EngineStep {
    if (session.page > 0) return this.show({ ...session, page: session.page - 1 }, null)
    const previous = session.back.at(-1)
    // Secrets are dropped on the way back: a PIN screen passed again asks again.
    const values = withoutKeys(session.values, (_key, value) => isSealed(value))
    if (previous === undefined || !this.menus.states.has(previous)) {
      return this.show({ ...session, state: this.menus.home, page: 0, back: [], values: {} }, null)
    }
    return this.show(
      { ...session, state: previous, page: 0, back: session.back.slice(0, -1), values },
      null,
    )
  }

  private enter(
    session: UssdSession,
    target: string,
    set: Readonly<Record<string, string>>,
  ): EngineStep {
    const state = this.menus.states.get(target)
    assert(
      state !== undefined,
      `state ${target} does not exist (the menu check lets no such menu load)`,
    )
    const back =
      session.state === target || session.state === resultState
        ? session.back
        : [...session.back, session.state].slice(-this.limits.backDepthMax)
    const moved: UssdSession = {
      ...session,
      state: target,
      page: 0,
      back,
      values: { ...session.values, ...set },
    }
    return state.kind === 'command' ? this.command(moved, state) : this.show(moved, null)
  }

  private command(
    session: UssdSession,
    state: Extract<MenuState, { kind: 'command' }>,
  ): EngineStep {
    const { kind, fields } = state.command
    assert(
      isCommandKind(kind),
      `unknown command kind ${kind} (the menu check lets no such menu load)`,
    )
    const built = buildCommand(
      kind,
      session.msisdn,
      session.language,
      (field) => {
        const name = fields[field]
        const raw = name === undefined ? undefined : session.values[name]
        if (raw === undefined) return null
        return isSealed(raw) ? unsealSecret(raw) : raw
      },
      session.values[pendingKey] ?? null,
    )
    if (!built.ok) {
      this.log.warn('ussd menu command lacks a value', {
        session: session.sessionId,
        state: state.name,
        field: built.field,
      })
      return this.end(session, 'restart')
    }
    // Every PIN the command needs went into it: no sealed one outlives it. The other values stay
    // for the screen after it (`then`) or a confirm screen asked again.
    return {
      kind: 'command',
      session: {
        ...session,
        values: withoutKeys(session.values, (_key, value) => isSealed(value)),
      },
      run: built.run,
    }
  }

  /**
   * The pages of the session's screen. They depend on the state, the language and the header
   * (its filled text and re-prompt) only, which together key the page cache.
   */
  private pages(session: UssdSession, reprompt: string | null): readonly string[] {
    const language = session.language
    if (session.state === resultState) {
      const said = session.values[resultKey] ?? ''
      return this.pageCache.pages(`${resultState}\u0000${language}\u0000${said}`, () =>
        paginate(
          said,
          [],
          { ...this.nav(language), backOnFirst: false, closing: true },
          this.limits,
        ),
      )
    }
    const state = this.menus.states.get(session.state)
    assert(
      state !== undefined && state.kind !== 'command',
      `state ${session.state} shows no screen`,
    )
    const text = fillPlaceholders(state.text[language], (name) => this.placeholder(session, name))
    const header = reprompt === null ? text : `${reprompt}\n${text}`
    return this.pageCache.pages(`${state.name}\u0000${language}\u0000${header}`, () => {
      const options =
        state.kind === 'options'
          ? state.options.map((option, index) => `${index + 1} ${option.label[language]}`)
          : []
      const backOnFirst = state.kind === 'options' && state.name !== this.menus.home
      return paginate(
        header,
        options,
        { ...this.nav(language), backOnFirst, closing: state.kind === 'end' },
        this.limits,
      )
    })
  }

  private nav(language: Language): { more: string; back: string } {
    return { more: this.systemText('more', language), back: this.systemText('back', language) }
  }

  private show(session: UssdSession, reprompt: string | null): EngineStep {
    const pages = this.pages(session, reprompt)
    const page = Math.min(Math.max(session.page, 0), pages.length - 1)
    const last = page === pages.length - 1
    const closing =
      session.state === resultState || this.menus.states.get(session.state)?.kind === 'end'
    const screen: Screen = { type: closing && last ? 'END' : 'CON', text: pages[page] ?? '' }
    return {
      kind: 'screen',
      session: { ...session, page, lastScreen: screen, ended: screen.type === 'END' },
      screen,
    }
  }

  private end(session: UssdSession, key: SystemTextKey): EngineStep {
    const screen = this.endScreen(session, key)
    return {
      kind: 'screen',
      session: { ...session, values: {}, back: [], lastScreen: screen, ended: true },
      screen,
    }
  }

  private endScreen(session: UssdSession, key: SystemTextKey): Screen {
    return { type: 'END', text: this.systemText(key, session.language) }
  }

  private systemText(key: SystemTextKey, language: Language): string {
    return fillPlaceholders(this.menus.texts[key][language], (name) =>
      name === 'service' ? this.menus.service : null,
    )
  }

  private placeholder(session: UssdSession, name: string): string | null {
    if (name === 'msisdn') return session.msisdn
    if (name === 'service') return this.menus.service
    const value = session.values[name]
    if (value === undefined || isSealed(value)) return null
    return name === 'account' ? this.accountName(value, session.language) : value
  }

  /** `account` holds a funding kind, shown by its name, as in the message catalogue. */
  private accountName(value: string, language: Language): string {
    if (!(fundingKinds as readonly string[]).includes(value)) return value
    return catalogueOf(language)[`account.${value as (typeof fundingKinds)[number]}`]
  }

  private validatorOf(state: Extract<MenuState, { kind: 'input' }>): keyof typeof validators {
    const name = state.input.validator
    assert(
      Object.hasOwn(validators, name),
      `unknown validator ${name} (the menu check lets no such menu load)`,
    )
    return name as keyof typeof validators
  }

  private logStep(message: string, step: EngineStep, inputChars: number): void {
    this.log.debug(message, {
      session: step.session.sessionId,
      hop: step.session.hop,
      state: step.session.state,
      page: step.session.page,
      step: step.kind === 'command' ? `command:${step.run.command.kind}` : step.screen.type,
      inputChars,
      screenChars: step.kind === 'screen' ? step.screen.text.length : undefined,
    })
  }
}
