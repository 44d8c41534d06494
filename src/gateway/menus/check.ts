/**
 * check.ts - the checks every medium's menus share, after the loader has read their structure:
 * transitions to unknown states, states no path reaches, commands of a kind the medium does not
 * run, fields missing or unknown, and values nothing sets (a PIN field fed by anything but a
 * secret input), message keys the core never answers with. It finds faults as data; the medium
 * words them in its own check (channels/ussd/menu/check-menus.ts,
 * channels/ivr/flow/check-scripts.ts)
 * beside its own rules (pages and paging for USSD; gathers, keys and timeouts for IVR).
 */
import { messageKeys, reasons } from '../../core/index.js'
import type { CommandKindName, FieldKind } from './commands.js'
import { commandKinds, isCommandKind } from './commands.js'
import type { Problem } from './model.js'
import { formatProblems } from './model.js'

/** Keys the core answers with: the static ones and `refusal.<reason>`. */
export const knownMessageKeys: ReadonlySet<string> = new Set<string>([
  ...messageKeys,
  ...reasons.map((reason) => `refusal.${reason}`),
])

/** Whether a key is one a successful result of the core carries (what a `then` may name). */
export function isSuccessKey(key: string): boolean {
  return (messageKeys as readonly string[]).includes(key)
}

/**
 * A transition out of a state: what names it in the file (`option 2`, `menu key 5`, `then.x`)
 * and the state it goes to. An implied one (an IVR state's `*` back to home) only counts for
 * reachability: the setting it comes from is checked where it is written.
 */
export interface Edge {
  readonly what: string
  readonly to: string
  readonly implied?: boolean
}

export interface MenuGraph<State> {
  readonly states: ReadonlyMap<string, State>
  /** Where dialogs start: a USSD dial's home; a call's main menu, identify and failure states. */
  readonly roots: readonly string[]
  readonly edges: (state: State) => readonly Edge[]
}

/**
 * The written transitions of `state` that name no state (an empty name is the loader's problem).
 */
export function unknownTargets<State>(graph: MenuGraph<State>, state: State): Edge[] {
  return graph
    .edges(state)
    .filter((edge) => edge.implied !== true && edge.to !== '' && !graph.states.has(edge.to))
}

/** The names of the states no path reaches from a root, in the order they were read. */
export function unreachable<State>(graph: MenuGraph<State>): string[] {
  const seen = new Set<string>()
  const queue = graph.roots.filter((root) => graph.states.has(root))
  for (const root of queue) seen.add(root)
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = graph.states.get(name)
    if (state === undefined) continue
    for (const edge of graph.edges(state)) {
      if (graph.states.has(edge.to) && !seen.has(edge.to)) {
        seen.add(edge.to)
        queue.push(edge.to)
      }
    }
  }
  return [...graph.states.keys()].filter((name) => !seen.has(name))
}

/** The values a medium's states set, split by whether they hold a secret (a PIN). */
export interface Values {
  readonly plain: ReadonlySet<string>
  readonly secret: ReadonlySet<string>
}

export type CommandFault =
  | { readonly kind: 'unknown_kind' }
  | { readonly kind: 'missing_field'; readonly field: string }
  | { readonly kind: 'no_such_field'; readonly field: string }
  | {
      readonly kind: 'unknown_value'
      readonly field: string
      readonly value: string
      readonly secret: boolean
    }

/** How a medium runs commands: the kinds it offers, and whether every field needs a value. */
export interface CommandRules {
  readonly kinds: readonly CommandKindName[]
  readonly everyFieldRequired: boolean
}

/** What is wrong with a command state's `command:` (kind and field -> value name). */
export function commandFaults(
  command: { readonly kind: string; readonly fields: Readonly<Record<string, string>> },
  rules: CommandRules,
  values: Values,
): CommandFault[] {
  const { kind, fields } = command
  if (!isCommandKind(kind) || !rules.kinds.includes(kind)) return [{ kind: 'unknown_kind' }]
  const faults: CommandFault[] = []
  const specs: Readonly<Record<string, { readonly kind: FieldKind; readonly required: boolean }>> =
    commandKinds[kind]
  for (const [field, spec] of Object.entries(specs)) {
    if ((rules.everyFieldRequired || spec.required) && fields[field] === undefined)
      faults.push({ kind: 'missing_field', field })
  }
  for (const [field, value] of Object.entries(fields)) {
    const spec = specs[field]
    if (spec === undefined) {
      faults.push({ kind: 'no_such_field', field })
      continue
    }
    const secret = spec.kind === 'secret'
    if (!(secret ? values.secret : values.plain).has(value))
      faults.push({ kind: 'unknown_value', field, value, secret })
  }
  return faults
}

/**
 * Throws with every problem, one per line, when there is any: a channel never starts on broken
 * menus.
 */
export function refuseProblems(what: string, dir: string, problems: readonly Problem[]): void {
  if (problems.length > 0)
    throw new Error(
      `the ${what} in ${dir} have ${problems.length} problem(s):\n${formatProblems(problems)}`,
    )
}

/** One medium's menus as `telepay menus check` sees them: where they are and how to check them. */
export interface MenuCheck {
  /** `USSD menus`, `IVR call scripts`. */
  readonly what: string
  /** What a clean check promises, printed after "load". */
  readonly promise: string
  readonly defaultDir: string
  /** Every problem of the menus in `dir`: the loader's, then the checks'. None: they load. */
  readonly check: (dir: string) => Problem[]
}
