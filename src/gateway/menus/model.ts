/**
 * model.ts - what the menus of every medium share once loaded: texts in both languages, states
 * that know their file, and the problems a read or a check finds. The medium's states (USSD
 * screens in channels/ussd/menu/menu-model.ts, IVR call states in channels/ivr/flow/script-model.ts)
 * build on these.
 */
import type { Texts } from './file-reader.js'

export type { Texts }

/** One thing wrong with the menu files; `state` is `-` for a file-level problem. */
export interface Problem {
  readonly file: string
  readonly state: string
  readonly message: string
}

/** One line per problem: `file: state: message`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.file}: ${problem.state}: ${problem.message}`).join('\n')
}
