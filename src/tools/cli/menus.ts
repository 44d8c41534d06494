/**
 * menus.ts - `telepay menus check [--dir menus/ussd] [--ivr menus/ivr]`: checks the USSD menus
 * and the IVR call scripts (the same checks the gateway runs at start) and prints "ok" lines or
 * every problem with its file and state. Exit 0 when both load, 1 on a problem, 2 for usage.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ivrScriptCheck } from '../../../channels/ivr/flow/index.js'
import { ussdMenuCheck } from '../../../channels/ussd/menu/index.js'
import type { MenuCheck } from '../../gateway/menus/index.js'
import { formatProblems } from '../../gateway/menus/index.js'
import type { ParsedArgs } from './args.js'
import { parseOptions, UsageError } from './args.js'
import { optionsHelp } from './options-help.js'

const usage = 'Usage: telepay menus check [--dir menus/ussd] [--ivr menus/ivr]'

/** Each medium's menus by the option naming their folder; all go through the one check. */
const media: readonly (readonly [string, MenuCheck])[] = [
  ['dir', ussdMenuCheck],
  ['ivr', ivrScriptCheck],
]

export async function runMenus(args: string[]): Promise<number> {
  let parsed: ParsedArgs
  try {
    parsed = parseOptions(args, optionsHelp.menus)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay menus: ${error.message}\n${usage}\n`)
      return 2
    }
    throw error
  }
  const [action, ...extra] = parsed.positional
  if (action !== 'check' || extra.length > 0) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  let ok = true
  for (const [option, menus] of media) {
    const value = parsed.options.get(option)
    if (!report(typeof value === 'string' ? value : menus.defaultDir, menus)) ok = false
  }
  return ok ? 0 : 1
}

function report(dir: string, { what, promise, check }: MenuCheck): boolean {
  const problems = check(dir)
  if (problems.length > 0) {
    const lines = problems.map((problem) => ({ ...problem, file: join(dir, problem.file) }))
    process.stdout.write(
      `${formatProblems(lines)}\n${problems.length} problem(s) in the ${what} of ${dir}\n`,
    )
    return false
  }
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort()
  for (const file of files) process.stdout.write(`ok ${join(dir, file)}\n`)
  process.stdout.write(`ok: the ${what} of ${dir} load (${promise})\n`)
  return true
}
