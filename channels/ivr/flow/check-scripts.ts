/**
 * check-scripts.ts - the semantic checks of the IVR scripts, after load-scripts.ts has read
 * their structure: unknown and unreachable states, unknown validators, commands, fields and
 * message keys, gathers that cannot complete, placeholders nothing fills, a PIN that could
 * outlive the command it is for, and a script that would set the engine's own payment value.
 * Transitions, reachability and commands are found by the one menu check
 * (src/gateway/menus/check.ts); this file words them and adds the call's own rules.
 */
import { assertNever } from '../../../src/core/index.js'
import type {
  CommandKindName,
  CommandRules,
  Edge,
  FieldKind,
  MenuGraph,
} from '../../../src/gateway/menus/index.js'
import {
  accountValueProblem,
  commandFaults,
  isValidatorName,
  knownMessageKeys,
  mainFile,
  resultParamNames,
  unknownTargets,
  unreachable,
  validators,
} from '../../../src/gateway/menus/index.js'
import type { IvrFlowLimits } from './limits.js'
import { placeholdersOf } from './prompt-text.js'
import {
  isScriptCommandKind,
  scriptCommandKinds,
  scriptFieldsOf,
  spokenPaymentValue,
} from './script-commands.js'
import type { GatherSpec, Problem, ScriptSet, ScriptState, Texts } from './script-model.js'

/**
 * A typical input of each validator as keyed on a phone: an input state's gather must be able
 * to take it. Validators that need a value to repeat (new_pin_repeat) have no call form here.
 */
const keyedExamples: Readonly<Record<string, string>> = {
  amount: '25*50',
  merchant_code: '1001',
  biller_code: '2001',
  customer_ref: '12345678',
  msisdn: '8613800138000',
  order_no: '880001',
  pin: '123456',
  new_pin: '123456',
}

/** Keys a menu may offer: 9 repeats and * goes back in every menu; # cannot be a one-key answer. */
const menuChoiceKeys = '012345678'
/** Built-in placeholders: the access number and the caller's MSISDN. */
const builtinNames = ['number', 'msisdn']

export function checkScriptSet(scripts: ScriptSet, limits: IvrFlowLimits): Problem[] {
  const problems: Problem[] = []
  const note = (file: string, state: string, message: string): void => {
    problems.push({ file, state, message })
  }
  const states = scripts.states
  const stateOf = (name: string): ScriptState | undefined => states.get(name)
  const graph = graphOf(scripts)
  const target = (file: string, from: string, what: string, name: string | null): void => {
    if (name !== null && name !== '' && !states.has(name))
      note(file, from, `${what} names an unknown state "${name}"`)
  }

  checkEntries(scripts, note)
  for (const [key, to] of Object.entries(scripts.then)) {
    if (!knownMessageKeys.has(key))
      note(mainFile, '-', `then names an unknown message key "${key}"`)
    target(mainFile, '-', `then.${key}`, to)
  }
  for (const key of Object.keys(scripts.results)) {
    if (!knownMessageKeys.has(key))
      note(mainFile, '-', `results names an unknown message key "${key}"`)
  }
  checkGather(scripts.gathers.menu, limits, (message) =>
    note(mainFile, '-', `gathers.menu: ${message}`),
  )
  checkGather(scripts.gathers.input, limits, (message) =>
    note(mainFile, '-', `gathers.input: ${message}`),
  )

  const valueNames = new Set<string>([...builtinNames, ...resultParamNames])
  for (const state of states.values()) {
    const setNames =
      state.kind === 'input'
        ? [state.input.name]
        : state.kind === 'menu'
          ? state.choices.flatMap((choice) => Object.keys(choice.set))
          : []
    if (setNames.includes(spokenPaymentValue)) {
      // A script that set it could make a confirm or cancel answer a payment the caller never heard
      // about.
      note(
        state.file,
        state.name,
        `"${spokenPaymentValue}" is the engine's own value (the payment the call spoke of): ` +
          'a script cannot set it',
      )
    }
    if (state.kind === 'input' && !isSecretInput(state)) valueNames.add(state.input.name)
    if (state.kind === 'menu')
      for (const choice of state.choices) {
        for (const name of Object.keys(choice.set)) valueNames.add(name)
        const account = choice.set['account']
        const problem = account === undefined ? null : accountValueProblem(account)
        if (problem !== null) note(state.file, state.name, `key ${choice.key} ${problem}`)
      }
  }
  const checkTexts = (state: ScriptState, what: string, texts: Texts | null): void => {
    if (texts === null) return
    for (const text of [texts.en, texts.zh]) {
      for (const name of placeholdersOf(text)) {
        if (!valueNames.has(name))
          note(
            state.file,
            state.name,
            `${what} speaks {${name}}, which no input, choice or result sets`,
          )
      }
    }
  }

  for (const state of states.values()) {
    const { file, name } = state
    switch (state.kind) {
      case 'end':
        checkTexts(state, 'say', state.say)
        break
      case 'command':
        checkCommand(state, scripts, valueNames, note)
        break
      case 'menu':
      case 'input': {
        checkTexts(state, 'say', state.say)
        checkTexts(state, 'help', state.help)
        checkTexts(state, 'no_match', state.noMatch)
        checkGather(state.gather, limits, (message) => note(file, name, `gather: ${message}`))
        if (state.kind === 'menu') checkMenu(state, note)
        else checkInput(state, stateOf, note)
        break
      }
    }
    for (const edge of unknownTargets(graph, state))
      note(file, name, `${edge.what} names an unknown state "${edge.to}"`)
  }
  for (const name of unreachable(graph)) {
    const state = states.get(name)
    note(state?.file ?? '?', name, 'the state is unreachable from the main menu')
  }
  return problems
}

type Note = (file: string, state: string, message: string) => void

function checkEntries(scripts: ScriptSet, note: Note): void {
  const home = scripts.states.get(scripts.home)
  if (home === undefined) note(mainFile, '-', `home names an unknown state "${scripts.home}"`)
  else if (home.kind !== 'menu') note(mainFile, '-', 'home must be a menu state')
  const identify = scripts.states.get(scripts.identify)
  if (identify === undefined)
    note(mainFile, '-', `identify names an unknown state "${scripts.identify}"`)
  else if (identify.kind !== 'input' || identify.input.name !== 'msisdn') {
    note(
      mainFile,
      '-',
      'identify must be an input named msisdn: ' +
        'an unregistered caller has no number until it gives one',
    )
  }
  const failure = scripts.states.get(scripts.onFailure)
  if (failure === undefined)
    note(mainFile, '-', `on_failure names an unknown state "${scripts.onFailure}"`)
}

function checkGather(
  gather: GatherSpec,
  limits: IvrFlowLimits,
  note: (message: string) => void,
): void {
  if (gather.digitsMin < 1) note('digitsMin must be at least 1')
  if (gather.digitsMax !== null && gather.digitsMax < gather.digitsMin)
    note(
      `digitsMax ${gather.digitsMax} is below digitsMin ${gather.digitsMin}: ` +
        'no input can complete it',
    )
  for (const [name, value] of [
    ['firstDigitTimeoutMs', gather.firstDigitTimeoutMs],
    ['interDigitTimeoutMs', gather.interDigitTimeoutMs],
  ] as const) {
    if (value < limits.timeoutMsMin || value > limits.timeoutMsMax)
      note(`${name} ${value} is outside ${limits.timeoutMsMin}..${limits.timeoutMsMax}`)
  }
}

function checkMenu(state: Extract<ScriptState, { kind: 'menu' }>, note: Note): void {
  const { file, name } = state
  if (state.gather.digitsMax !== 1)
    note(file, name, 'a menu is answered by one key: its gather needs digitsMax 1')
  for (const choice of state.choices) {
    if (choice.key.length !== 1 || !menuChoiceKeys.includes(choice.key)) {
      note(
        file,
        name,
        `menu key "${choice.key}" must be one of 0-8 (9 repeats and * goes back in every menu)`,
      )
    }
    if (choice.key === state.gather.finishOnKey)
      note(file, name, `menu key "${choice.key}" is also the terminator`)
  }
}

function checkInput(
  state: Extract<ScriptState, { kind: 'input' }>,
  stateOf: (name: string) => ScriptState | undefined,
  note: Note,
): void {
  const { file, name, input, gather } = state
  if (!isValidatorName(input.validator) || keyedExamples[input.validator] === undefined) {
    note(
      file,
      name,
      `unknown validator "${input.validator}" (one of ${Object.keys(keyedExamples).join(', ')})`,
    )
    return
  }
  if (gather.finishOnKey === '*')
    note(
      file,
      name,
      "an input cannot end with '*': it goes back (and is an amount's decimal point)",
    )
  const example = keyedExamples[input.validator] ?? ''
  if (gather.digitsMax !== null && example.length > gather.digitsMax) {
    note(
      file,
      name,
      `the gather stops at ${gather.digitsMax} keys, shorter than a typical ` +
        `${input.validator} (${example.length} keys): it cannot complete`,
    )
  }
  if (example.length < gather.digitsMin)
    note(
      file,
      name,
      `digitsMin ${gather.digitsMin} refuses a typical ${input.validator} (${example.length} keys)`,
    )
  if (gather.digitsMax === null && gather.finishOnKey === '')
    note(file, name, 'an input needs a terminator or digitsMax: only a timeout could end it')
  if (validators[input.validator].secret) {
    // A PIN is never kept in the call: it must go straight into the command that needs it.
    const next = stateOf(input.next)
    const command = next?.kind === 'command' ? next.command : null
    const kind = command?.kind ?? ''
    const takesIt =
      command !== null &&
      isScriptCommandKind(kind) &&
      Object.entries(command.fields).some(
        ([field, value]) => value === input.name && fieldKindOf(kind, field) === 'secret',
      )
    if (next !== undefined && !takesIt)
      note(
        file,
        name,
        `the secret "${input.name}" must go straight to a command that takes it, ` +
          `not to ${input.next}`,
      )
  }
}

function checkCommand(
  state: Extract<ScriptState, { kind: 'command' }>,
  scripts: ScriptSet,
  valueNames: ReadonlySet<string>,
  note: Note,
): void {
  const { file, name, command } = state
  const secretNames = new Set<string>()
  for (const other of scripts.states.values())
    if (other.kind === 'input' && isSecretInput(other)) secretNames.add(other.input.name)
  const faults = commandFaults(command, scriptCommands, { plain: valueNames, secret: secretNames })
  for (const fault of faults) {
    switch (fault.kind) {
      case 'unknown_kind':
        note(
          file,
          name,
          `unknown command "${command.kind}" (one of ${scriptCommandKinds.join(', ')})`,
        )
        return
      case 'missing_field':
        note(file, name, `command ${command.kind} needs the field ${fault.field}`)
        break
      case 'no_such_field':
        note(file, name, `command ${command.kind} has no field ${fault.field}`)
        break
      case 'unknown_value':
        note(
          file,
          name,
          `field ${fault.field} takes "${fault.value}", which no input or choice sets`,
        )
        break
      default:
        assertNever(fault)
    }
  }
  for (const key of [...Object.keys(command.then), ...Object.keys(command.results)]) {
    if (!knownMessageKeys.has(key)) note(file, name, `unknown message key "${key}"`)
  }
}

function fieldKindOf(kind: CommandKindName, field: string): FieldKind | undefined {
  return scriptFieldsOf(kind)[field]
}

function isSecretInput(state: Extract<ScriptState, { kind: 'input' }>): boolean {
  return isValidatorName(state.input.validator) && validators[state.input.validator].secret
}

/**
 * A call can run every command but a PIN change or a language switch, and each field needs a value.
 */
const scriptCommands: CommandRules = { kinds: scriptCommandKinds, everyFieldRequired: true }

/**
 * A call starts at the main menu, the identify state, a failure or a global `then`; `*` goes back
 * to home and the last failure to main.yaml's on_failure unless the state names its own.
 */
function graphOf(scripts: ScriptSet): MenuGraph<ScriptState> {
  const edges = (state: ScriptState): Edge[] => {
    switch (state.kind) {
      case 'menu':
      case 'input': {
        const listening: Edge[] = [
          { what: 'back', to: state.back ?? scripts.home, implied: state.back === null },
          {
            what: 'on_failure',
            to: state.onFailure ?? scripts.onFailure,
            implied: state.onFailure === null,
          },
        ]
        if (state.kind === 'input')
          return [{ what: 'input next', to: state.input.next }, ...listening]
        return [
          ...state.choices.map((choice) => ({ what: `menu key ${choice.key}`, to: choice.to })),
          ...listening,
        ]
      }
      case 'command':
        return [
          { what: 'next', to: state.command.next },
          ...Object.entries(state.command.then).map(([key, to]) => ({ what: `then.${key}`, to })),
        ]
      case 'end':
        return []
    }
  }
  return {
    states: scripts.states,
    roots: [scripts.home, scripts.identify, scripts.onFailure, ...Object.values(scripts.then)],
    edges,
  }
}
