/**
 * index.ts - the USSD menu engine's import surface: loadUssdEngine (reads and checks the menu
 * files, refuses menus with problems), checkMenus, and the types. Re-exports and the loader only.
 */
import { fileURLToPath } from 'node:url'
import type { UssdEngine } from '../contract.js'
import { checkMenuSet } from './check-menus.js'
import type { UssdEngineOptions } from './engine.js'
import { createUssdEngine } from './engine.js'
import { ussdMenuLimits } from './limits.js'
import { readMenus } from './load-menus.js'
import type { Problem } from './menu-model.js'

export { checkMenus, checkMenuSet } from './check-menus.js'
export { createUssdEngine, heldMode, resultState, waitingPaymentOf, waitsForConfirm } from './engine.js'
export type { HeldMode, UssdEngineOptions } from './engine.js'
export { ussdMenuLimits } from './limits.js'
export type { UssdMenuLimits } from './limits.js'
export type { MenuSet, MenuState, Problem } from './menu-model.js'

/** The menus shipped with telepay, wherever the process was started from. */
export const defaultMenuDir = fileURLToPath(new URL('../../../menus/ussd', import.meta.url))

/** One line per problem: `file: state: message`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.file}: ${problem.state}: ${problem.message}`).join('\n')
}

/** The engine over the menus of `dir`; throws with every problem when the menus are invalid. */
export function loadUssdEngine(dir: string = defaultMenuDir, options: UssdEngineOptions = {}): UssdEngine {
  const limits = options.limits ?? ussdMenuLimits
  const read = readMenus(dir, limits)
  const problems = [...read.problems, ...checkMenuSet(read.menus, limits)]
  if (problems.length > 0) throw new Error(`the USSD menus in ${dir} have ${problems.length} problem(s):\n${formatProblems(problems)}`)
  return createUssdEngine(read.menus, { ...options, limits })
}
