/**
 * index.ts - the USSD menu engine's import surface: loadUssdEngine (reads and checks the menu
 * files, refuses menus with problems), the menus' check for `telepay menus check`, and the types.
 * Re-exports and the loader only.
 */
import type { MenuCheck } from '../../../src/gateway/menus/index.js'
import { refuseProblems } from '../../../src/gateway/menus/index.js'
import { repositoryPath } from '../../../src/gateway/repository-path.js'
import type { UssdEngine } from '../contract.js'
import { checkMenuSet, checkMenus } from './check-menus.js'
import type { UssdEngineOptions } from './engine.js'
import { createUssdEngine } from './engine.js'
import { ussdMenuLimits } from './limits.js'
import { readMenus } from './load-menus.js'
import { offeredMenus } from './offered.js'

export { checkMenuSet, checkMenus } from './check-menus.js'
export type { HeldMode, UssdEngineOptions } from './engine.js'
export {
  createUssdEngine,
  heldMode,
  resultState,
  waitingPaymentOf,
  waitsForConfirm,
} from './engine.js'
export type { UssdMenuLimits } from './limits.js'
export { ussdMenuLimits } from './limits.js'
export type { MenuSet, MenuState, Problem } from './menu-model.js'

/** The menus shipped with telepay, wherever the process was started from. */
export const defaultMenuDir = repositoryPath('menus/ussd')

/** The USSD menus for `telepay menus check`. */
export const ussdMenuCheck: MenuCheck = {
  what: 'USSD menus',
  promise: 'every state reachable, every text in en and zh, every option within a page',
  defaultDir: defaultMenuDir,
  check: (dir) => checkMenus(dir),
}

/** The engine over the menus of `dir`; throws with every problem when the menus are invalid. */
export function loadUssdEngine(
  dir: string = defaultMenuDir,
  options: UssdEngineOptions = {},
): UssdEngine {
  const limits = options.limits ?? ussdMenuLimits
  const read = readMenus(dir, limits)
  const problems = [...read.problems, ...checkMenuSet(read.menus, limits)]
  // Menus that cannot serve the operating model (a screen left with no option) stop start-up too.
  if (problems.length === 0 && options.accounts !== undefined)
    problems.push(...offeredMenus(read.menus, options.accounts.accounts).problems)
  refuseProblems('USSD menus', dir, problems)
  return createUssdEngine(read.menus, { ...options, limits })
}
