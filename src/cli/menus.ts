/**
 * menus.ts - `telepay menus check [--dir menus/ussd] [--ivr menus/ivr]`: checks the USSD menus
 * and the IVR call scripts (the same checks the gateway runs at start) and prints "ok" lines or
 * every problem with its file and state. Exit 0 when both load, 1 on a problem, 2 for usage.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { checkMenus, defaultMenuDir, formatProblems } from '../../channels/ussd/menu/index.js'
import { checkIvrScripts, defaultIvrScriptDir, formatIvrProblems } from '../../channels/ivr/flow/index.js'
import { UsageError, parseArgs } from './args.js'
import type { ParsedArgs } from './args.js'

const usage = 'Usage: telepay menus check [--dir menus/ussd] [--ivr menus/ivr]'

export async function runMenus(args: string[]): Promise<number> {
  let parsed: ParsedArgs
  try {
    parsed = parseArgs(args, ['dir', 'ivr'], ['help'])
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay menus: ${error.message}\n${usage}\n`)
      return 2
    }
    throw error
  }
  if (parsed.options.get('help') === true) {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const [action, ...extra] = parsed.positional
  if (action !== 'check' || extra.length > 0) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  const dirOption = parsed.options.get('dir')
  const dir = typeof dirOption === 'string' ? dirOption : defaultMenuDir
  const ivrOption = parsed.options.get('ivr')
  const ivrDir = typeof ivrOption === 'string' ? ivrOption : defaultIvrScriptDir
  const ussdOk = report(dir, checkMenus(dir), formatProblems, 'USSD menus', 'every state reachable, every text in en and zh, every option within a page')
  const ivrOk = report(ivrDir, checkIvrScripts(ivrDir), formatIvrProblems, 'IVR call scripts', 'every state reachable, every prompt in en and zh, every gather able to complete')
  return ussdOk && ivrOk ? 0 : 1
}

function report<P extends { readonly file: string }>(dir: string, problems: readonly P[], format: (problems: readonly P[]) => string, what: string, promise: string): boolean {
  if (problems.length > 0) {
    const lines = problems.map((problem) => ({ ...problem, file: join(dir, problem.file) }))
    process.stdout.write(`${format(lines)}\n${problems.length} problem(s) in the ${what} of ${dir}\n`)
    return false
  }
  const files = readdirSync(dir).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml')).sort()
  for (const file of files) process.stdout.write(`ok ${join(dir, file)}\n`)
  process.stdout.write(`ok: the ${what} of ${dir} load (${promise})\n`)
  return true
}
