/**
 * push-flow.ts - the network-initiated payment prompt as a tiny flow of its own: a merchant's
 * request opens a USSD screen that asks for the PIN (or 1 Confirm / 2 Decline for a phone-bill
 * charge, which the SIM authorizes), and the answer becomes the core's `confirm` (with the PIN)
 * or `cancel` command for the payment the prompt shows, named by its id: a payment started
 * meanwhile on another channel replaces the requested one (SPEC section 4), and the PIN typed on
 * the prompt must neither pay nor decline it. Its sessions live in the same store
 * and hop service as the menu's, so idempotency (`${session}:${hop}`), deadlines, timeouts and
 * "one USSD session per subscriber" hold for them too.
 *
 * withPushFlow() wraps the menu engine: sessions in a `push:` state (a name no menu state can
 * have: menu names are letters, digits, `_` and `.`) are answered here, every other one by the
 * menu. Pure like the engine. Texts are data in push-texts.ts. Exports withPushFlow, openPush,
 * pushBookkeeping, isPushState, PushRequest, pushStates.
 */
import type { CommandResult, Language, Message } from '../../../src/core/index.js'
import {
  accountName,
  fillTemplate,
  lookupIn,
  renderMessage,
} from '../../../src/gateway/reply/index.js'
import type { EngineStep, Screen, UssdEngine, UssdSession } from '../contract.js'
import type { UssdMenuLimits } from '../menu/limits.js'
import { ussdMenuLimits } from '../menu/limits.js'
import { fitsPage } from '../menu/paging.js'
import type { PushTextKey } from './push-texts.js'
import { pushTexts } from './push-texts.js'

export const pushStates = {
  /** A wallet or bank-card request: the PIN confirms, 0 declines. */
  pin: 'push:pin',
  /** A phone-bill request: 1 confirms (no PIN, SPEC section 3), 2 declines. */
  sim: 'push:sim',
} as const

export function isPushState(state: string): boolean {
  return state === pushStates.pin || state === pushStates.sim
}

/** Engine-own values of a push session (no PIN is ever among the values; none reaches a screen). */
const outboxKey = '_outbox'
/** The id of the requested payment, which the answer names. */
const paymentKey = '_payment'
const answeredKey = '_answered'
const wrongKey = '_wrong'
const maskedInput = '****'
const pinPattern = /^\d{4,6}$/

export interface PushRequest {
  readonly sessionId: string
  readonly msisdn: string
  readonly language: Language
  /** The notice the core queued: `request.prompt` or `request.prompt_sim`. */
  readonly message: Message
  /** The outbox row of the notice, settled when the user answers. */
  readonly outboxId: number
  /** The waiting payment the notice asks about (see push-payment.ts): the answer names it. */
  readonly paymentId: string
}

type PageLimits = Pick<UssdMenuLimits, 'pageGsmCharsMax' | 'pageUcs2CharsMax' | 'wrongInputsMax'>

/** The first screen of a push and its session; null when the notice is not a payment prompt. */
export function openPush(
  request: PushRequest,
  limits: PageLimits = ussdMenuLimits,
): { readonly session: UssdSession; readonly screen: Screen } | null {
  const key = request.message.key
  if (key !== 'request.prompt' && key !== 'request.prompt_sim') return null
  const params = request.message.params
  const session: UssdSession = {
    sessionId: request.sessionId,
    msisdn: request.msisdn,
    language: request.language,
    state: key === 'request.prompt' ? pushStates.pin : pushStates.sim,
    page: 0,
    back: [],
    values: {
      payee: params['payee'] ?? '',
      amount: params['amount'] ?? '',
      account: params['account'] ?? '',
      reference: params['reference'] ?? '',
      [outboxKey]: String(request.outboxId),
      [paymentKey]: request.paymentId,
    },
    trail: [],
    hop: 0,
    lastScreen: null,
    ended: false,
  }
  const screen: Screen = { type: 'CON', text: promptText(session, null, limits) }
  return { session: { ...session, lastScreen: screen }, screen }
}

/**
 * What a push session means for its outbox row: `answered` once the user's answer ran a
 * command (the SMS is no longer needed), `abandoned` when it ended without one (send the SMS
 * now). Null for a menu session.
 */
export function pushBookkeeping(
  session: UssdSession,
): { readonly outboxId: number; readonly answered: boolean; readonly abandoned: boolean } | null {
  const outbox = session.values[outboxKey]
  if (!isPushState(session.state) || outbox === undefined) return null
  const answered = session.values[answeredKey] === '1'
  return { outboxId: Number(outbox), answered, abandoned: session.ended && !answered }
}

/** The menu engine with the push flow in front of it (see the file comment). */
export function withPushFlow(engine: UssdEngine, limits: PageLimits = ussdMenuLimits): UssdEngine {
  return {
    serviceCode: engine.serviceCode,
    start: (sessionId, msisdn, language, dial, admitted) =>
      engine.start(sessionId, msisdn, language, dial, admitted),
    input: (session, text) =>
      isPushState(session.state) ? pushInput(session, text, limits) : engine.input(session, text),
    resume: (session, result) =>
      isPushState(session.state)
        ? pushResume(session, result, limits)
        : engine.resume(session, result),
    timeoutScreen: (language) => engine.timeoutScreen(language),
  }
}

function pushInput(session: UssdSession, raw: string, limits: PageLimits): EngineStep {
  if (session.ended)
    return {
      kind: 'screen',
      session,
      screen: session.lastScreen ?? endScreen('too_many_wrong', session.language),
    }
  const text = raw.trim()
  const moved: UssdSession = { ...session, hop: session.hop + 1 }
  const answer = (command: 'confirm' | 'cancel', pin: string | null, shown: string): EngineStep => {
    const paymentId = session.values[paymentKey]
    const trail = [...moved.trail, shown]
    // openPush always names the payment: a session without it (stored by an older version) cannot
    // tell which payment it asked about, and a bare answer might move another one.
    if (paymentId === undefined) {
      const screen = endScreen('gone', session.language)
      return {
        kind: 'screen',
        session: { ...moved, trail, lastScreen: screen, ended: true },
        screen,
      }
    }
    return {
      kind: 'command',
      session: { ...moved, trail, values: withoutWrong({ ...moved.values, [answeredKey]: '1' }) },
      run: { command: { kind: command, msisdn: session.msisdn, paymentId }, pin, newPin: null },
    }
  }
  if (session.state === pushStates.pin) {
    if (text === '0') return answer('cancel', null, text)
    if (pinPattern.test(text)) return answer('confirm', text, maskedInput)
    return wrongInput(moved, 'wrong_pin_format', limits)
  }
  if (text === '1') return answer('confirm', null, text)
  if (text === '2') return answer('cancel', null, text)
  return wrongInput(moved, 'wrong_choice', limits)
}

/** A refused input: masked in the trail (it may be a PIN), re-prompted, the third one ends. */
function wrongInput(session: UssdSession, key: PushTextKey, limits: PageLimits): EngineStep {
  const wrong = Number(session.values[wrongKey] ?? '0') + 1
  const trail = [...session.trail, maskedInput]
  if (wrong >= limits.wrongInputsMax) {
    const screen = endScreen('too_many_wrong', session.language)
    return {
      kind: 'screen',
      session: { ...session, trail, lastScreen: screen, ended: true },
      screen,
    }
  }
  const next: UssdSession = {
    ...session,
    trail,
    values: { ...session.values, [wrongKey]: String(wrong) },
  }
  const screen: Screen = {
    type: 'CON',
    text: promptText(next, pushTexts[session.language][key], limits),
  }
  return { kind: 'screen', session: { ...next, lastScreen: screen }, screen }
}

function pushResume(session: UssdSession, result: CommandResult, limits: PageLimits): EngineStep {
  // The catalogue's text asks to send the payment again, in SMS words; the prompt says what
  // happened.
  const said =
    !result.ok && result.reason === 'no_pending_payment'
      ? pushTexts[session.language].gone
      : renderMessage(result.message, session.language)
  // A wrong PIN leaves the payment waiting (the core counts the tries and locks at three):
  // ask again on the same screen rather than send the user to SMS.
  if (!result.ok && result.reason === 'pin_incorrect' && session.state === pushStates.pin) {
    const screen: Screen = { type: 'CON', text: promptText(session, said, limits) }
    return { kind: 'screen', session: { ...session, lastScreen: screen }, screen }
  }
  const screen: Screen = { type: 'END', text: cutToPage(said, limits) }
  return { kind: 'screen', session: { ...session, lastScreen: screen, ended: true }, screen }
}

function endScreen(key: PushTextKey, language: Language): Screen {
  return { type: 'END', text: pushTexts[language][key] }
}

function withoutWrong(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key !== wrongKey))
}

/**
 * The prompt, with a re-prompt line above it. When it does not fit one page the reference is
 * shortened, then the payee, then the re-prompt goes: what is asked and how to answer stay.
 */
function promptText(session: UssdSession, reprompt: string | null, limits: PageLimits): string {
  const texts = pushTexts[session.language]
  const values = session.values
  const account = values['account'] ?? ''
  const accountShown = accountName(account, session.language) ?? account
  const options =
    session.state === pushStates.sim ? [`1 ${texts.confirm}`, `2 ${texts.decline}`] : []
  const attempts: readonly [string, string, string | null][] = [
    [values['payee'] ?? '', values['reference'] ?? '', reprompt],
    [values['payee'] ?? '', shorten(values['reference'] ?? '', 8), reprompt],
    [shorten(values['payee'] ?? '', 12), shorten(values['reference'] ?? '', 8), reprompt],
    [shorten(values['payee'] ?? '', 12), shorten(values['reference'] ?? '', 8), null],
  ]
  let text = ''
  for (const [payee, reference, line] of attempts) {
    const template = session.state === pushStates.pin ? texts.prompt_pin : texts.prompt_sim
    const shown = { payee, amount: values['amount'], account: accountShown, reference }
    const body = fillTemplate(template, lookupIn(shown))
    text = [...(line === null ? [] : [line]), body, ...options].join('\n')
    if (fitsPage(text, limits)) return text
  }
  return cutToPage(text, limits)
}

function shorten(text: string, charsMax: number): string {
  const chars = Array.from(text)
  return chars.length <= charsMax ? text : `${chars.slice(0, charsMax - 3).join('')}...`
}

/** The text cut to one page with "..." (a core answer longer than a page is a core bug). */
function cutToPage(text: string, limits: PageLimits): string {
  if (fitsPage(text, limits)) return text
  const chars = Array.from(text)
  let kept = chars.length
  while (kept > 0 && !fitsPage(`${chars.slice(0, kept).join('')}...`, limits)) kept -= 1
  return `${chars.slice(0, kept).join('')}...`
}
