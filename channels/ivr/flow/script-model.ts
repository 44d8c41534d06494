/**
 * script-model.ts - the IVR call scripts as loaded from menus/ivr/*.yaml: states (menu, input,
 * command, end) with their spoken prompts and digit collection, the engine's own texts and the
 * problems a check finds. Plain data; the YAML shape is described in menus/ivr/main.yaml.
 * Exports the types and systemTextKeys.
 */

/** Both languages of one text (the menu files' reader refuses a file without either). */
import type { Texts } from '../../../src/gateway/menus/index.js'
export type { Texts }

/** How a state collects keys, before the engine adds the keys it allows and the secrecy. */
export interface GatherSpec {
  readonly digitsMax: number | null
  readonly digitsMin: number
  readonly finishOnKey: '#' | '*' | ''
  readonly firstDigitTimeoutMs: number
  readonly interDigitTimeoutMs: number
}

export interface MenuChoice {
  /** The key pressed: one of 0-8 (9 repeats and * goes back everywhere). */
  readonly key: string
  readonly to: string
  /** Values set when the choice is made (`account: wallet`; `{msisdn}` is the caller's number). */
  readonly set: Readonly<Record<string, string>>
}

export interface ScriptCommand {
  readonly kind: string
  /** Command field -> call value name (`orderNo: order`). */
  readonly fields: Readonly<Record<string, string>>
  /**
   * Message key of the result -> the state the call goes on to, with the result's amount,
   * payee and account among its values (a payment's confirm menu). The result is spoken first
   * only if `results` (here or in main.yaml) words it.
   */
  readonly then: Readonly<Record<string, string>>
  /** Where the call goes after any other result, which is spoken first. */
  readonly next: string
  /** Spoken texts for this command's results by message key, before the main.yaml ones. */
  readonly results: Readonly<Record<string, Texts>>
  /**
   * Only for a caller identified by the network (caller id), not by a number typed in: a read
   * such as the balance carries no PIN, so a typed number must not reveal someone's money.
   */
  readonly callerIdOnly: boolean
}

export interface ScriptInput {
  /** The call value kept; `msisdn` identifies the caller instead. A secret is never kept. */
  readonly name: string
  readonly validator: string
  readonly next: string
}

interface StateBase {
  readonly name: string
  /** The file the state is written in (basename), for problems. */
  readonly file: string
}

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

export interface ScriptSet {
  /** The access number answered: 12588. */
  readonly number: string
  /** The main menu. */
  readonly home: string
  /** Where a caller whose number is not registered starts (asked for the MSISDN). */
  readonly identify: string
  /** Where a call goes after the last failure on a state (a polite goodbye). */
  readonly onFailure: string
  readonly texts: Readonly<Record<SystemTextKey, Texts>>
  /** Spoken texts for the core's answers by message key, instead of the SMS-worded catalogue. */
  readonly results: Readonly<Record<string, Texts>>
  /** Message key -> state, for every command state that does not name the key in its own `then`. */
  readonly then: Readonly<Record<string, string>>
  readonly gathers: { readonly menu: GatherSpec; readonly input: GatherSpec }
  readonly states: ReadonlyMap<string, ScriptState>
}

/** One thing wrong with the script files; `state` is `-` for a file-level problem. */
export interface Problem {
  readonly file: string
  readonly state: string
  readonly message: string
}
