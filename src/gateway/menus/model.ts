/**
 * model.ts - what the menus of every medium share once loaded: texts in both languages, states
 * that know their file, choices, inputs and commands, the set of states with its home, texts
 * and result texts, and the problems a read or a check finds. The medium's states (USSD
 * screens in channels/ussd/menu/menu-model.ts, IVR call states in
 * channels/ivr/flow/script-model.ts)
 * build on these.
 */
import type { Texts } from './file-reader.js'

export type { Texts }

interface StateBase {
  readonly name: string
  /** The file the state is written in (basename), for problems and logs. */
  readonly file: string
}

export type { StateBase }

/** A choice of a USSD screen's options or of an IVR menu's keys: where it goes and what it sets. */
export interface MenuChoice {
  readonly to: string
  /** Values set when the choice is made (`account: wallet`). */
  readonly set: Readonly<Record<string, string>>
}

/** An input state's answer: kept under `name` once `validator` accepts it, then on to `next`. */
export interface MenuInput {
  /**
   * The dialog value the input is kept under (a secret is sealed or never kept: the medium's rule).
   */
  readonly name: string
  readonly validator: string
  readonly next: string
}

/** A command state's command: its kind, its fields, and where each result goes. */
export interface MenuCommand {
  readonly kind: string
  /** Command field -> dialog value name (`merchantCode: merchant`). */
  readonly fields: Readonly<Record<string, string>>
  /**
   * Message key of a successful result -> the state the dialog goes on to (a payment's confirm
   * screen or menu), with the result's amount, payee and account among its values.
   */
  readonly then: Readonly<Record<string, string>>
  /** The medium's texts for this command's results by message key, before main.yaml's. */
  readonly results: Readonly<Record<string, Texts>>
}

/** What every medium's main.yaml gives besides its own settings, and the states of all files. */
export interface MenuSetBase<State, TextKey extends string> {
  /** The state a dialog opens on: the main screen or menu. */
  readonly home: string
  /** The texts the engine itself shows or speaks, written in main.yaml under `texts:`. */
  readonly texts: Readonly<Record<TextKey, Texts>>
  /**
   * The medium's texts for the core's answers by message key, instead of the SMS-worded catalogue.
   */
  readonly results: Readonly<Record<string, Texts>>
  readonly states: ReadonlyMap<string, State>
}

/** One thing wrong with the menu files; `state` is `-` for a file-level problem. */
export interface Problem {
  readonly file: string
  readonly state: string
  readonly message: string
}

/** One line per problem: `file: state: message`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((problem) => `${problem.file}: ${problem.state}: ${problem.message}`)
    .join('\n')
}
