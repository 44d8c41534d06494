/**
 * engine.ts - the USSD menu engine of channels/ussd/contract.ts: (session, input) -> next screen
 * or a command, driven by the menu data (menus/ussd). Pure: no I/O, no clock, no core calls;
 * every fact lives in the UssdSession, and every answer of the core comes back through resume().
 * Exports createUssdEngine, UssdEngineOptions, resultState, heldMode, HeldMode, waitsForConfirm
 * and waitingPaymentOf.
 *
 * The walk itself (a choice and its `set`, an input under its validator, a command's fields, a
 * result routed by `then`, texts filled) is the menus' one walk (src/gateway/menus/walk.ts), the
 * same as a call's; what is left here is the screen's: text in and screens out (CON/END, pages),
 * the navigation keys, the back stack, sealed PINs, shortcuts, and the checks held before a screen.
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
  AccountOffer,
  CommandResult,
  FundingKind,
  Language,
  Message,
  SubscriberCommand,
} from '../../../src/core/index.js'
import { accountOfferOf, assert } from '../../../src/core/index.js'
import type { Question, Routed } from '../../../src/gateway/menus/index.js'
import {
  answer,
  commandOf,
  defaultAccountName,
  dialogLookup,
  enterState,
  fillText,
  firstTurn,
  formatProblems,
  isCommandKind,
  isSecret,
  refuse,
  remember,
  resultTexts,
  routeResult,
  runsFromShortcut,
  sayResult,
} from '../../../src/gateway/menus/index.js'
import type { Logger } from '../../../src/service/log.js'
import { silentLogger } from '../../../src/service/log.js'
import type { EngineStep, Screen, UssdEngine, UssdSession } from '../contract.js'
import { languageKey } from './check-menus.js'
import type { UssdMenuLimits } from './limits.js'
import { ussdMenuLimits } from './limits.js'
import type { MenuCommand, MenuOption, MenuSet, MenuState, SystemTextKey } from './menu-model.js'
import { offeredMenus } from './offered.js'
import { PageCache } from './page-cache.js'
import { paginate } from './paging.js'
import { isSealed, sealSecret, unsealSecret } from './secrets.js'

export interface UssdEngineOptions {
  readonly limits?: UssdMenuLimits
  /**
   * The accounts the operating model offers: an option setting another is not shown
   * (offered.ts). Absent: every account (the cooperative model).
   */
  readonly accounts?: AccountOffer
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
 * it waits. `_` keeps it out of every screen: menu value names and placeholders cannot start with
 * one.
 */
const pendingKey = '_pending'
/** The HeldMode of a command whose answer only decides whether the held lastScreen is shown. */
const heldKey = '_held'
/**
 * A screen's answer enters one state: no USSD state moves on by itself (a command waits for its
 * result), so a second in one input is a loop.
 */
const oneState = firstTurn(1)

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

/** The keys every screen answers before its own question: 00, 98 (while a next page exists), 0. */
type Navigation = 'home' | 'more' | 'back'

function withoutKeys(
  values: Readonly<Record<string, string>>,
  drop: (key: string, value: string) => boolean,
): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => !drop(key, value)))
}

export function createUssdEngine(menus: MenuSet, options: UssdEngineOptions = {}): UssdEngine {
  const accounts = options.accounts ?? accountOfferOf('cooperative')
  const offered = offeredMenus(menus, accounts.accounts)
  assert(offered.problems.length === 0, formatProblems(offered.problems))
  return new MenuEngine(
    offered.menus,
    options.limits ?? ussdMenuLimits,
    options.logger ?? silentLogger,
    accounts.defaultFunding,
  )
}

class MenuEngine implements UssdEngine {
  private readonly pageCache: PageCache

  constructor(
    private readonly menus: MenuSet,
    private readonly limits: UssdMenuLimits,
    private readonly log: Logger,
    /** What `{default_account}` fills in: the operating model's default account. */
    private readonly defaultFunding: FundingKind,
  ) {
    assert(menus.states.has(menus.home), `the home state ${menus.home} does not exist`)
    this.pageCache = new PageCache(limits.pageCacheEntriesMax)
  }

  get serviceCode(): string {
    return this.menus.service
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
    const routed = result.ok && command !== null ? routeResult(command, result.message) : null
    if (routed !== null) return this.goOn(session, routed, waitingId)
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

  /**
   * The state after a command (`then`): the flow goes on with what the core said the payment is.
   */
  private goOn(session: UssdSession, routed: Routed, waitingId: string | null): EngineStep {
    const target = routed.to
    assert(
      enterState(this.menus.states, target, oneState).state.kind !== 'command',
      `then ${target} is a command state (the menu check lets no such menu load)`,
    )
    if (target === this.menus.home)
      return this.show({ ...session, state: target, page: 0, back: [], values: {} }, null)
    const values: Record<string, string> = {
      ...withoutKeys(session.values, (key) => key === pendingKey),
      ...routed.set,
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
    const texts = resultTexts(command, this.menus.results, message)
    return sayResult(message, texts, language, (name) => {
      if (name === 'service') return this.menus.service
      const value = message.params[name]
      return value === undefined || value === '' ? null : value
    })
  }

  timeoutScreen(language: Language): Screen {
    return { type: 'END', text: this.systemText('timeout', language) }
  }

  /**
   * The parts after the service code (`*123*2*1001#` -> 2, 1001), or null for another code or
   * garbage.
   */
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
    if (state.kind === 'input' && isSecret(state.input)) return true
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
    const question = this.questionOf(session, state ?? null)
    if (question === null) return this.end(session, 'restart')
    // Text that answers nothing: longer than any answer, empty, or with a `*` (the dial's hop
    // separator, never part of an answer).
    const answers = text.length <= this.limits.inputCharsMax && text !== '' && !text.includes('*')
    const navigation = answers ? this.navigation(session, text) : null
    const move =
      navigation !== null
        ? null
        : answers
          ? answer(question, text, session.language, (value) =>
              this.fill(session, value, session.language),
            )
          : refuse(question, text, session.language)
    // Masked: anything typed at a PIN screen, and any refused input, which may be a PIN typed
    // at the wrong screen.
    const secretScreen = state?.kind === 'input' && isSecret(state.input)
    const masked = secretScreen || move?.kind === 'refused'
    const trail = remember(session.trail, text, masked, this.limits.trailEntriesMax)
    const typed: UssdSession = { ...session, trail }
    const clean: UssdSession = {
      ...typed,
      values: withoutKeys(typed.values, (key) => key === wrongKey),
    }
    if (navigation === 'home')
      return this.show({ ...clean, state: this.menus.home, page: 0, back: [], values: {} }, null)
    if (navigation === 'more') return this.show({ ...clean, page: clean.page + 1 }, null)
    if (navigation === 'back') return this.goBack(clean)
    assert(move !== null, 'neither a navigation key nor an answer')
    if (move.kind === 'refused')
      return this.wrongInput(
        typed,
        move.reprompt ?? this.systemText('wrong_choice', session.language),
      )
    if (state?.kind === 'input') {
      // A secret outlives this hop only sealed; it is dropped with the command that needs it.
      const set = move.secret === null ? move.set : { [state.input.name]: sealSecret(move.secret) }
      return this.enter(clean, move.to, set)
    }
    const { [languageKey]: language, ...set } = move.set
    if (language === undefined) return this.enter(clean, move.to, set)
    return this.enter({ ...clean, language: language === 'zh' ? 'zh' : 'en' }, move.to, set)
  }

  /** 00 home, 98 more while a next page exists, 0 back; null for any other text. */
  private navigation(session: UssdSession, text: string): Navigation | null {
    if (text === '00') return 'home'
    // The pages of the screen on show: split when it was shown, so a cache hit here.
    if (text === '98' && session.page < this.pages(session, null).length - 1) return 'more'
    if (text === '0') return 'back'
    return null
  }

  /**
   * What the screen asks: an option by its number, or an input (a new PIN typed again repeats
   * the sealed one). Null when the PIN to repeat was sealed by another process (a restart) and
   * cannot be compared: the session starts again. The closing screen of a result asks nothing.
   */
  private questionOf(session: UssdSession, state: MenuState | null): Question<MenuOption> | null {
    if (state?.kind !== 'input') {
      const choices = state?.kind === 'options' ? state.options : []
      return { kind: 'choices', choices, keyOf: (_option, index) => String(index + 1) }
    }
    const sameAs = state.input.sameAs
    const sealed = sameAs === null ? undefined : session.values[sameAs]
    if (sealed === undefined) return { kind: 'input', input: state.input, repeat: null }
    const repeat = unsealSecret(sealed)
    return repeat === null ? null : { kind: 'input', input: state.input, repeat }
  }

  private wrongInput(session: UssdSession, reprompt: string): EngineStep {
    const wrong = Number(session.values[wrongKey] ?? '0') + 1
    if (wrong >= this.limits.wrongInputsMax) return this.end(session, 'too_many_wrong')
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
    const { state } = enterState(this.menus.states, target, oneState)
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
    const built = commandOf(
      state.command,
      session.msisdn,
      session.language,
      (name) => {
        const raw = name === null ? undefined : session.values[name]
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
    const text = this.fill(session, state.text[language], language)
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
    return fillText(this.menus.texts[key][language], language, (name) =>
      name === 'service' ? this.menus.service : null,
    )
  }

  /** A menu text filled from the session: its values (never a sealed one) and the built-ins. */
  private fill(session: UssdSession, template: string, language: Language): string {
    const builtins = {
      msisdn: session.msisdn,
      service: this.menus.service,
      [defaultAccountName]: this.defaultFunding,
    }
    const lookup = dialogLookup(session.values, builtins, (_name, value) => isSealed(value))
    return fillText(template, language, lookup)
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
