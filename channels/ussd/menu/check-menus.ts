/**
 * check-menus.ts - validates the USSD menus: unknown or unreachable states, options that cannot
 * fit a page even when paged, missing translations, unknown validators, placeholders, command
 * kinds, message keys in `then` and `results`, and payments without a confirm screen to go on
 * to. Every problem names its file and state. Transitions, reachability and commands are found
 * by the one menu check (src/gateway/menus/check.ts); this file words them and adds the screens'
 * own rules.
 */
import type { Language } from '../../../src/core/index.js'
import { assertNever } from '../../../src/core/index.js'
import type {
  CommandKindName,
  CommandRules,
  Edge,
  MenuGraph,
  Values,
} from '../../../src/gateway/menus/index.js'
import {
  accountValueProblem,
  commandFaults,
  commandKinds,
  isCommandKind,
  isPaymentKind,
  isSuccessKey,
  isValidatorName,
  knownMessageKeys,
  mainFile,
  resultParamNames,
  unknownTargets,
  unreachable,
  validators,
} from '../../../src/gateway/menus/index.js'
import type { UssdMenuLimits } from './limits.js'
import { ussdMenuLimits } from './limits.js'
import { readMenus } from './load-menus.js'
import type { MenuSet, MenuState, Problem } from './menu-model.js'
import { systemTextKeys } from './menu-model.js'
import { fitsPage } from './paging.js'
import { builtinPlaceholders, placeholdersOf } from './placeholders.js'

const languages: readonly Language[] = ['en', 'zh']
const namePattern = /^[A-Za-z][A-Za-z0-9_]*$/
/** The option key that switches the session language instead of setting a value. */
export const languageKey = 'language'

/** Reads and checks every menu file of `dir`; an empty list means the menus can be loaded. */
export function checkMenus(dir = 'menus/ussd', limits: UssdMenuLimits = ussdMenuLimits): Problem[] {
  const read = readMenus(dir, limits)
  return [...read.problems, ...checkMenuSet(read.menus, limits)]
}

/** Names of the values inputs and options produce, split by whether they hold a secret. */
function producedValues(menus: MenuSet): Values {
  const plain = new Set<string>()
  const secret = new Set<string>()
  for (const state of menus.states.values()) {
    if (state.kind === 'input' && isValidatorName(state.input.validator)) {
      ;(validators[state.input.validator].secret ? secret : plain).add(state.input.name)
    }
    if (state.kind === 'options') {
      for (const option of state.options)
        for (const key of Object.keys(option.set)) if (key !== languageKey) plain.add(key)
    }
  }
  return { plain, secret }
}

function edgesOf(state: MenuState): Edge[] {
  switch (state.kind) {
    case 'options':
      return state.options.map((option, index) => ({ what: `option ${index + 1}`, to: option.to }))
    case 'input':
      return [{ what: 'input next', to: state.input.next }]
    case 'command':
      return Object.entries(state.command.then).map(([key, to]) => ({ what: `then ${key}`, to }))
    default:
      return []
  }
}

/** A USSD dial starts at the home state; a state no option, input or `then` reaches is dead. */
function graphOf(menus: MenuSet): MenuGraph<MenuState> {
  return { states: menus.states, roots: [menus.home], edges: edgesOf }
}

/**
 * A USSD screen may run every command: a phone's SIM identity confirms a phone-bill micro-payment
 * without a PIN.
 */
const ussdCommands: CommandRules = {
  kinds: Object.keys(commandKinds) as CommandKindName[],
  everyFieldRequired: false,
}

function checkResultTexts(results: MenuSet['results'], problem: (message: string) => void): void {
  for (const key of Object.keys(results)) {
    if (!knownMessageKeys.has(key))
      problem(`results has ${key}, which is no message key of the core`)
  }
}

export function checkMenuSet(menus: MenuSet, limits: UssdMenuLimits = ussdMenuLimits): Problem[] {
  const problems: Problem[] = []
  const homeFile = mainFile
  if (menus.service !== '' && !/^\*\d+#$/.test(menus.service))
    problems.push({
      file: homeFile,
      state: '-',
      message: `service ${menus.service} is not a service code such as *123#`,
    })
  if (menus.home !== '' && !menus.states.has(menus.home))
    problems.push({
      file: homeFile,
      state: '-',
      message: `home state ${menus.home} does not exist`,
    })
  for (const key of systemTextKeys) {
    for (const language of languages) {
      const text = menus.texts[key][language]
      for (const name of placeholdersOf(text)) {
        if (name !== 'service')
          problems.push({
            file: homeFile,
            state: 'texts',
            message: `text ${key} ${language} has unknown placeholder {${name}}`,
          })
      }
      // The engine's own screens are never paged: each must fit one page as it is.
      if (!fitsPage(text.replaceAll('{service}', menus.service), limits))
        problems.push({
          file: homeFile,
          state: 'texts',
          message: `text ${key} ${language} does not fit one page`,
        })
    }
  }
  checkResultTexts(menus.results, (message) =>
    problems.push({ file: homeFile, state: 'results', message }),
  )
  const values = producedValues(menus)
  // A state after a command (`then`) also shows what the core said the payment is.
  const known = new Set([...builtinPlaceholders, ...values.plain, ...resultParamNames])

  for (const state of menus.states.values()) {
    const problem = (message: string): void => {
      problems.push({ file: state.file, state: state.name, message })
    }
    if (!namePattern.test(state.name.replaceAll('.', '_')))
      problem(`state name ${state.name} must be letters, digits, _ and . and start with a letter`)
    for (const edge of unknownTargets(graphOf(menus), state))
      problem(`goes to unknown state ${edge.to}`)
    if (state.kind !== 'command') {
      for (const language of languages)
        checkPlaceholders(state.text[language], `${language} text`, known, values.secret, problem)
    }
    switch (state.kind) {
      case 'options':
        checkOptions(state, menus, limits, known, values.secret, problem)
        break
      case 'input':
        checkInput(state, menus, problem)
        break
      case 'command':
        checkCommand(state, values, problem)
        checkThen(state, menus, problem)
        checkResultTexts(state.command.results, problem)
        break
      case 'end':
        break
    }
  }
  problems.push(...unreachableStates(menus))
  return problems
}

function checkPlaceholders(
  text: string,
  what: string,
  known: ReadonlySet<string>,
  secret: ReadonlySet<string>,
  problem: (message: string) => void,
): void {
  for (const name of placeholdersOf(text)) {
    if (secret.has(name)) problem(`${what} shows {${name}}, which holds a PIN`)
    else if (!known.has(name)) problem(`${what} has unknown placeholder {${name}}`)
  }
}

function checkOptions(
  state: Extract<MenuState, { kind: 'options' }>,
  menus: MenuSet,
  limits: UssdMenuLimits,
  known: ReadonlySet<string>,
  secret: ReadonlySet<string>,
  problem: (message: string) => void,
): void {
  if (state.options.length > limits.optionsMax)
    problem(`${state.options.length} options, more than ${limits.optionsMax}`)
  state.options.forEach((option, index) => {
    const account = option.set['account']
    const accountProblem = account === undefined ? null : accountValueProblem(account)
    if (accountProblem !== null) problem(`option ${index + 1} ${accountProblem}`)
    for (const language of languages) {
      const line = `${index + 1} ${option.label[language]}`
      if (placeholdersOf(option.label[language]).length > 0)
        problem(`option ${index + 1} ${language} label has a placeholder; labels are fixed text`)
      // Paging never splits an option: each must fit a page beside both navigation lines.
      const page = [line, menus.texts.more[language], menus.texts.back[language]].join('\n')
      if (!fitsPage(page, limits))
        problem(`option ${index + 1} ${language} label cannot fit a page even when paged`)
    }
    for (const [key, value] of Object.entries(option.set)) {
      if (key === languageKey) {
        if (!(languages as readonly string[]).includes(value))
          problem(
            `option ${index + 1} sets language to ${value}, not one of ${languages.join(', ')}`,
          )
        continue
      }
      if (!namePattern.test(key) || key.startsWith('_'))
        problem(`option ${index + 1} sets a bad value name ${key}`)
      checkPlaceholders(value, `option ${index + 1} set ${key}`, known, secret, problem)
    }
  })
}

function checkInput(
  state: Extract<MenuState, { kind: 'input' }>,
  menus: MenuSet,
  problem: (message: string) => void,
): void {
  const { input } = state
  if (input.name !== '' && (!namePattern.test(input.name) || input.name.startsWith('_')))
    problem(`input name ${input.name} must be letters, digits and _`)
  if (input.validator !== '' && !isValidatorName(input.validator))
    problem(`unknown validator ${input.validator}`)
  if (input.validator === 'new_pin_repeat') {
    const repeated = [...menus.states.values()].some(
      (other) =>
        other.kind === 'input' &&
        other.input.validator === 'new_pin' &&
        other.input.name === input.sameAs,
    )
    if (!repeated)
      problem(`new_pin_repeat needs same_as naming a new_pin input (has ${input.sameAs ?? 'none'})`)
  } else if (input.sameAs !== null) {
    problem('same_as is only for the new_pin_repeat validator')
  }
}

function checkCommand(
  state: Extract<MenuState, { kind: 'command' }>,
  values: Values,
  problem: (message: string) => void,
): void {
  const { kind } = state.command
  for (const fault of commandFaults(state.command, ussdCommands, values)) {
    switch (fault.kind) {
      case 'unknown_kind':
        if (kind !== '') problem(`unknown command kind ${kind}`)
        break
      case 'missing_field':
        problem(`command ${kind} needs field ${fault.field}`)
        break
      case 'no_such_field':
        problem(`command ${kind} has no field ${fault.field}`)
        break
      case 'unknown_value':
        problem(
          `command field ${fault.field} takes unknown ` +
            `${fault.secret ? 'PIN ' : ''}value ${fault.value}`,
        )
        break
      default:
        assertNever(fault)
    }
  }
}

function checkThen(
  state: Extract<MenuState, { kind: 'command' }>,
  menus: MenuSet,
  problem: (message: string) => void,
): void {
  const { kind, then } = state.command
  // Without a screen to go on to, a payment would stay waiting behind an SMS-worded END.
  if (isCommandKind(kind) && isPaymentKind(kind) && Object.keys(then).length === 0) {
    problem(
      `command ${kind} leaves a payment waiting: ` +
        'it needs then: { <confirm message key>: <confirm state> }',
    )
  }
  for (const [key, target] of Object.entries(then)) {
    if (!isSuccessKey(key))
      problem(`then has ${key}, which is no message key of a successful result`)
    // One command per answer: a command straight after a command would chain them in one hop.
    if (menus.states.get(target)?.kind === 'command')
      problem(`then ${key} goes to command state ${target}; it must show a screen`)
  }
}

function unreachableStates(menus: MenuSet): Problem[] {
  // Without a home state nothing is reachable; the missing home is the problem to report.
  if (!menus.states.has(menus.home)) return []
  return unreachable(graphOf(menus)).map((name) => ({
    file: menus.states.get(name)?.file ?? '?',
    state: name,
    message: `unreachable from the home state ${menus.home}`,
  }))
}
