/**
 * menus.ts - `telepay menus check [--dir menus/ussd]`: checks the USSD menu files (the same
 * check the gateway runs at start) and prints "ok" lines or every problem with its file and
 * state. Exit 0 when the menus load, 1 when they have problems, 2 for usage.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { checkMenus, defaultMenuDir, formatProblems } from '../../channels/ussd/menu/index.js'
import { UsageError, parseArgs } from './args.js'

const usage = 'Usage: telepay menus check [--dir menus/ussd]'

export async function runMenus(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs(args, ['dir'], ['help'])
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
  const problems = checkMenus(dir)
  if (problems.length > 0) {
    const lines = problems.map((problem) => ({ ...problem, file: join(dir, problem.file) }))
    process.stdout.write(`${formatProblems(lines)}\n${problems.length} problem(s) in the USSD menus of ${dir}\n`)
    return 1
  }
  const files = readdirSync(dir).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml')).sort()
  for (const file of files) process.stdout.write(`ok ${join(dir, file)}\n`)
  process.stdout.write(`ok: the USSD menus of ${dir} load (every state reachable, every text in en and zh, every option within a page)\n`)
  return 0
}
