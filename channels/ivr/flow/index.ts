/**
 * index.ts - the IVR call engine's import surface: loadIvrEngine (reads and checks the scripts
 * of menus/ivr, refuses scripts with problems), checkIvrScripts for `telepay menus check`, and
 * the types. Re-exports and the loader only.
 */
import type { MenuCheck, Problem } from '../../../src/gateway/menus/index.js'
import { refuseProblems } from '../../../src/gateway/menus/index.js'
import { repositoryPath } from '../../../src/gateway/repository-path.js'
import type { IvrEngine } from '../contract.js'
import { checkScriptSet } from './check-scripts.js'
import type { IvrEngineOptions } from './engine.js'
import { createIvrEngine } from './engine.js'
import { ivrFlowLimits } from './limits.js'
import { readScripts } from './load-scripts.js'

export { checkScriptSet } from './check-scripts.js'
export type { IvrEngineOptions } from './engine.js'
export { createIvrEngine } from './engine.js'
export type { IvrFlowLimits } from './limits.js'
export { ivrFlowLimits } from './limits.js'
export { readScripts } from './load-scripts.js'
export type { Problem, ScriptSet, ScriptState } from './script-model.js'

/** The scripts shipped with telepay, wherever the process was started from. */
export const defaultIvrScriptDir = repositoryPath('menus/ivr')

/** Every problem of the scripts in `dir` (none: they load); for `telepay menus check`. */
export function checkIvrScripts(
  dir: string = defaultIvrScriptDir,
  options: IvrEngineOptions = {},
): Problem[] {
  const limits = options.limits ?? ivrFlowLimits
  const read = readScripts(dir, limits)
  return [...read.problems, ...checkScriptSet(read.scripts, limits)]
}

/** The IVR call scripts for `telepay menus check`. */
export const ivrScriptCheck: MenuCheck = {
  what: 'IVR call scripts',
  promise: 'every state reachable, every prompt in en and zh, every gather able to complete',
  defaultDir: defaultIvrScriptDir,
  check: (dir) => checkIvrScripts(dir),
}

/** The engine over the scripts of `dir`; throws with every problem when the scripts are invalid. */
export function loadIvrEngine(
  dir: string = defaultIvrScriptDir,
  options: IvrEngineOptions = {},
): IvrEngine {
  const limits = options.limits ?? ivrFlowLimits
  const read = readScripts(dir, limits)
  const problems = [...read.problems, ...checkScriptSet(read.scripts, limits)]
  refuseProblems('IVR scripts', dir, problems)
  return createIvrEngine(read.scripts, {
    limits,
    ...(options.defaultFunding === undefined ? {} : { defaultFunding: options.defaultFunding }),
  })
}
