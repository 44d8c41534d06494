/**
 * script-model.ts - the IVR call scripts as loaded from menus/ivr/*.yaml: the one menu model
 * (src/gateway/menus/model.ts) with what a call adds: spoken prompts, digit collection
 * (gathers and timeouts), menu keys, where `*` and the last failure go, a command's next state
 * and caller-id rule, and the call-wide settings. Plain data; the YAML shape is described in
 * menus/ivr/main.yaml.
 */
import type {
  MenuCommand,
  MenuInput,
  MenuSetBase,
  MenuChoice as SharedChoice,
  StateBase,
  Texts,
} from '../../../src/gateway/menus/index.js'

export type { Problem, Texts } from '../../../src/gateway/menus/index.js'

/** How a state collects keys, before the engine adds the keys it allows and the secrecy. */
export interface GatherSpec {
  readonly digitsMax: number | null
  readonly digitsMin: number
  readonly finishOnKey: '#' | '*' | ''
  readonly firstDigitTimeoutMs: number
  readonly interDigitTimeoutMs: number
}

/** A menu choice; `set` may name `{msisdn}`, the caller's number. */
export interface MenuChoice extends SharedChoice {
  /** The key pressed: one of 0-8 (9 repeats and * goes back everywhere). */
  readonly key: string
}

/** A `then` result is spoken first only if `results` (here or in main.yaml) words it. */
export interface ScriptCommand extends MenuCommand {
  /** Where the call goes after any other result, which is spoken first. */
  readonly next: string
  /**
   * Only for a caller identified by the network (caller id), not by a number typed in: a read
   * such as the balance carries no PIN, so a typed number must not reveal someone's money.
   */
  readonly callerIdOnly: boolean
}

/** The call value kept; `msisdn` identifies the caller instead. A secret is never kept. */
export type ScriptInput = MenuInput

interface ListeningBase extends StateBase {
  readonly say: Texts
  /** Said instead of `say` on the second retry: the same question, spelled out. */
  readonly help: Texts | null
  /** Said on a wrong input instead of the generic text or the validator's. */
  readonly noMatch: Texts | null
  readonly gather: GatherSpec
  /** Where `*` goes; the home state when not given. */
  readonly back: string | null
  /** Where the call goes after the last failure instead of main.yaml's `on_failure`. */
  readonly onFailure: string | null
}

export type ScriptState =
  | (ListeningBase & { readonly kind: 'menu'; readonly choices: readonly MenuChoice[] })
  | (ListeningBase & { readonly kind: 'input'; readonly input: ScriptInput })
  | (StateBase & { readonly kind: 'command'; readonly command: ScriptCommand })
  | (StateBase & { readonly kind: 'end'; readonly say: Texts; readonly outcome: string })

/** The texts the engine itself speaks, written in main.yaml under `texts:`. */
export const systemTextKeys = [
  'welcome',
  'no_input_1',
  'no_input_2',
  'no_match_1',
  'no_match_2',
  'caller_id_only',
  'cannot_continue',
] as const
export type SystemTextKey = (typeof systemTextKeys)[number]

/** `home` is the main menu; `results` word the core's answers for speech. */
export interface ScriptSet extends MenuSetBase<ScriptState, SystemTextKey> {
  /** The access number answered: 12588. */
  readonly number: string
  /** Where a caller whose number is not registered starts (asked for the MSISDN). */
  readonly identify: string
  /** Where a call goes after the last failure on a state (a polite goodbye). */
  readonly onFailure: string
  /** Message key -> state, for every command state that does not name the key in its own `then`. */
  readonly then: Readonly<Record<string, string>>
  readonly gathers: { readonly menu: GatherSpec; readonly input: GatherSpec }
}
