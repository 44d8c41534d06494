/**
 * walk.ts - the one walk of the menus, the same for a USSD screen and an IVR call script: a state
 * entered under the loop guard, a question answered (a choice and the values it sets, an input
 * judged by its validator and kept under its name, a secret handed back apart), a command built
 * from a command state's fields, a result routed by its message key through `then` with what the
 * payment is, result texts chosen and texts filled with the dialog's values. Exports DialogValues,
 * Turn, firstTurn, enterState, Question, Move, answer, refuse, isSecret, commandOf, ValueOf,
 * Routed, routeResult, resultTexts, dialogLookup, fillText, sayResult, maskedInput and remember.
 *
 * Why apart from the engines: the two media walk the same graph and differed only by accident
 * (two copies of each rule); what is left to each is its own: USSD turns text into an answer and
 * the outcome into screens (paging, `00`, `0`, `98`, shortcuts, sealing), IVR turns keys into an
 * answer and the outcome into prompts and gathers (`9`, `*`, type-ahead, timers). Pure: values in,
 * values out, no I/O and no clock; a dialog's own facts (its session or call) stay with its medium.
 */
import type { Language, Message } from '../../core/index.js'
import { assert } from '../../core/index.js'
import type { ValueLookup } from '../reply/index.js'
import { accountName, fillTemplate, renderMessage } from '../reply/index.js'
import type { BuiltCommand, FieldKind, FieldSpec } from './commands.js'
import { buildCommand, isCommandKind, resultParamNames } from './commands.js'
import type { MenuChoice, MenuCommand, MenuInput, StateBase, Texts } from './model.js'
import { isValidatorName, validators } from './validators.js'

/** The values a dialog collected by name (merchant, amount, account...). */
export type DialogValues = Readonly<Record<string, string>>

/**
 * The states entered while answering one event of a dialog. An answer may carry a dialog through
 * several (IVR type-ahead, a refusal routed to a goodbye), each for a reason; more than `max` is a
 * menu loop, a programmer error the menu check cannot see.
 */
export interface Turn {
  readonly transitions: number
  readonly max: number
}

export function firstTurn(max: number): Turn {
  return { transitions: 0, max }
}

/** The state `name`, entered in `turn`: the turn after it counts one more transition. */
export function enterState<State extends StateBase>(
  states: ReadonlyMap<string, State>,
  name: string,
  turn: Turn,
): { readonly state: State; readonly turn: Turn } {
  const next: Turn = { ...turn, transitions: turn.transitions + 1 }
  assert(next.transitions <= next.max, `the menus loop at ${name}`)
  const state = states.get(name)
  assert(state !== undefined, `unknown state ${name} (the menu check lets no such menu load)`)
  return { state, turn: next }
}

/**
 * What a state that listens asks: one of its choices, each answered by its key (a USSD option's
 * number, an IVR menu's key), or an input. `repeat` is the value an input must repeat (a new PIN
 * typed again), unsealed by the medium, or null.
 */
export type Question<Choice extends MenuChoice> =
  | {
      readonly kind: 'choices'
      readonly choices: readonly Choice[]
      readonly keyOf: (choice: Choice, index: number) => string
    }
  | { readonly kind: 'input'; readonly input: MenuInput; readonly repeat: string | null }

/**
 * Where an answer takes the dialog. go: on to `to`, with the values the answer sets and, for an
 * input its validator calls secret, the secret apart (never among the values: a medium seals it
 * or hands it to the command at once). refused: the question again; `reprompt` says what was
 * wrong with an input (null for a key that is no choice, which the medium words itself).
 */
export type Move =
  | {
      readonly kind: 'go'
      readonly to: string
      readonly set: DialogValues
      readonly secret: string | null
    }
  | { readonly kind: 'refused'; readonly reprompt: string | null }

/**
 * The answer `text` to `question`. A choice's `set` values are filled with `fill` (a value may
 * name another, or the caller's number); an input's value is its validator's normal form.
 */
export function answer<Choice extends MenuChoice>(
  question: Question<Choice>,
  text: string,
  language: Language,
  fill: (template: string) => string,
): Move {
  if (question.kind === 'choices') {
    const choice = question.choices.find((item, index) => question.keyOf(item, index) === text)
    if (choice === undefined) return refuse(question, text, language)
    const set = Object.fromEntries(
      Object.entries(choice.set).map(([name, value]) => [name, fill(value)]),
    )
    return { kind: 'go', to: choice.to, set, secret: null }
  }
  const validator = validators[validatorOf(question.input)]
  if (!new RegExp(validator.pattern(question.repeat)).test(text))
    return refuse(question, text, language)
  const value = validator.normalize(text)
  if (validator.secret) return { kind: 'go', to: question.input.next, set: {}, secret: value }
  return {
    kind: 'go',
    to: question.input.next,
    set: { [question.input.name]: value },
    secret: null,
  }
}

/** The refusal of `text`, also for a text a medium refuses before the walk sees it (too long). */
export function refuse<Choice extends MenuChoice>(
  question: Question<Choice>,
  text: string,
  language: Language,
): Move {
  if (question.kind === 'choices') return { kind: 'refused', reprompt: null }
  return {
    kind: 'refused',
    reprompt: validators[validatorOf(question.input)].reprompt(text, language),
  }
}

/** Whether an input takes a secret (a PIN): never kept in clear, masked in the trail. */
export function isSecret(input: MenuInput): boolean {
  return validators[validatorOf(input)].secret
}

function validatorOf(input: MenuInput): keyof typeof validators {
  assert(
    isValidatorName(input.validator),
    `unknown validator ${input.validator} (the menu check lets no such menu load)`,
  )
  return input.validator
}

/**
 * The dialog value a command field is mapped to: `valueName` is what the state's `fields` name
 * (null: the field is not mapped), `kind` the field's kind, so that a medium that never keeps a
 * secret can give the one just typed.
 */
export type ValueOf = (valueName: string | null, kind: FieldKind) => string | null

/**
 * The command of a command state, its fields taken from the dialog's values; see buildCommand for
 * `waitingPaymentId` and `isRequired`. Not ok: a field lacks a value, so the dialog came by a path
 * that skipped an input and the medium ends it politely.
 */
export function commandOf(
  command: MenuCommand,
  msisdn: string,
  language: Language,
  value: ValueOf,
  waitingPaymentId: string | null,
  isRequired?: (spec: FieldSpec) => boolean,
): BuiltCommand {
  const { kind, fields } = command
  assert(
    isCommandKind(kind),
    `unknown command kind ${kind} (the menu check lets no such menu load)`,
  )
  return buildCommand(
    kind,
    msisdn,
    language,
    (field, fieldKind) => value(fields[field] ?? null, fieldKind),
    waitingPaymentId,
    isRequired,
  )
}

/** The state a result goes on to, and the values it sets there: what the payment is. */
export interface Routed {
  readonly to: string
  readonly set: DialogValues
}

/**
 * Where a command's result goes: the state its message key names in the command's `then`, else
 * in `otherwise` (a medium's main.yaml), or null when neither names it (the medium then says the
 * result and goes its own way). Only the params of resultParamNames come along, so that a result
 * cannot overwrite any other value of the dialog; `keepEmpty` keeps an empty one, which then
 * blanks a value typed before (a call does, a screen keeps what was typed).
 */
export function routeResult(
  command: MenuCommand,
  message: Message,
  otherwise: Readonly<Record<string, string>> = {},
  keepEmpty = false,
): Routed | null {
  const to = command.then[message.key] ?? otherwise[message.key]
  if (to === undefined) return null
  const set: Record<string, string> = {}
  for (const name of resultParamNames) {
    const value = message.params[name]
    if (value !== undefined && (keepEmpty || value !== '')) set[name] = value
  }
  return { to, set }
}

/** A result's texts in the medium's words: the command state's, else main.yaml's, else null. */
export function resultTexts(
  command: MenuCommand | null,
  results: Readonly<Record<string, Texts>>,
  message: Message,
): Texts | null {
  return command?.results[message.key] ?? results[message.key] ?? null
}

/**
 * A dialog's values as placeholders: the medium's built-ins first (the caller's number, the
 * service code or access number), then the values it does not hide (a sealed PIN, an id the
 * dialog keeps for itself), own properties only.
 */
export function dialogLookup(
  values: DialogValues,
  builtins: Readonly<Record<string, string | null>>,
  hidden: (name: string, value: string) => boolean,
): ValueLookup {
  return (name) => {
    if (Object.hasOwn(builtins, name)) return builtins[name] ?? null
    const value = Object.hasOwn(values, name) ? values[name] : undefined
    return value === undefined || hidden(name, value) ? null : value
  }
}

/**
 * A text with its placeholders filled by the one placeholder rule of src/gateway/reply; `{account}`
 * holds a funding kind and is said by its catalogue name. A result without texts of its own
 * (`texts` null) is the catalogue's message.
 */
export function fillText(template: string, language: Language, lookup: ValueLookup): string {
  return fillTemplate(template, (name) => {
    const value = lookup(name)
    if (name !== 'account' || value === null) return value
    return accountName(value, language) ?? value
  })
}

/** A result said in `texts` (filled from `lookup`), or by the catalogue when there are none. */
export function sayResult(
  message: Message,
  texts: Texts | null,
  language: Language,
  lookup: ValueLookup,
): string {
  if (texts === null) return renderMessage(message, language)
  return fillText(texts[language], language, lookup)
}

/** How a secret answer appears in a dialog's trail, whatever its length. */
export const maskedInput = '****'

/** The trail with one more answer, masked when secret; the oldest go past `max`. */
export function remember(
  trail: readonly string[],
  typed: string,
  secret: boolean,
  max: number,
): string[] {
  return [...trail, secret ? maskedInput : typed].slice(-max)
}
