/**
 * cli.ts - `telepay conformance [--target URL --smpp HOST:PORT] FILES...`: validates every script
 * first and, when one is not valid, prints every problem of each and exits 2 without running any;
 * otherwise one line per script, exit 1 when any fails (2 also for a usage error).
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { defaultAdminToken } from '../../config.js'
import type { ParsedArgs } from '../cli/args.js'
import { parseOptions, UsageError } from '../cli/args.js'
import { optionsHelp } from '../cli/options-help.js'
import { runScript } from './runner.js'
import type { Script } from './script.js'
import { readScript, ScriptError } from './script.js'

function expand(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [path]
    return readdirSync(path)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(path, name))
  })
}

export async function runConformance(args: string[]): Promise<number> {
  let parsed: ParsedArgs
  try {
    parsed = parseOptions(args, optionsHelp.conformance)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay conformance: ${error.message}\n`)
      return 2
    }
    throw error
  }
  const files = expand(parsed.positional)
  if (files.length === 0) {
    process.stderr.write(
      'Usage: telepay conformance [--target http://127.0.0.1:8080 --smpp 127.0.0.1:2775] ' +
        'FILES...\n',
    )
    return 2
  }
  const target = parsed.options.get('target')
  const smpp = hostPortOption(parsed.options.get('smpp'))
  const pos = hostPortOption(parsed.options.get('pos'))
  if (smpp === 'invalid' || pos === 'invalid') {
    const name = smpp === 'invalid' ? 'smpp' : 'pos'
    process.stderr.write(`telepay conformance: --${name} takes HOST:PORT\n`)
    return 2
  }
  const adminToken = parsed.options.get('admin-token')
  // Every script is read and validated before any runs: one mistyped key stops the run at once.
  const scripts: Script[] = []
  let invalid = 0
  for (const file of files) {
    try {
      scripts.push(readScript(file))
    } catch (error) {
      invalid += 1
      if (!(error instanceof ScriptError)) {
        process.stdout.write(
          `ERROR ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
        )
        continue
      }
      const count = error.problems.length
      const problems = error.problems.map((problem) => `      ${problem}\n`).join('')
      process.stdout.write(
        `ERROR ${file}: ${count === 1 ? '1 problem' : `${count} problems`}\n${problems}`,
      )
    }
  }
  if (invalid > 0) {
    process.stdout.write(`${invalid} of ${files.length} scripts are not valid; nothing was run\n`)
    return 2
  }
  let failed = 0
  for (const script of scripts) {
    const outcome = await runScript(script, {
      target: typeof target === 'string' ? target : null,
      smpp,
      pos,
      adminToken: typeof adminToken === 'string' ? adminToken : defaultAdminToken,
    })
    if (outcome.ok) {
      process.stdout.write(
        `ok    ${script.file}: ${outcome.name} (${outcome.stepsRun} steps, ${outcome.ms} ms)\n`,
      )
    } else {
      failed += 1
      process.stdout.write(`FAIL  ${script.file}: ${outcome.name}: ${outcome.failure ?? ''}\n`)
    }
  }
  process.stdout.write(`${files.length - failed} passed, ${failed} failed\n`)
  return failed === 0 ? 0 : 1
}

/** A HOST:PORT option: null when absent, 'invalid' when not of that form. */
function hostPortOption(
  value: string | boolean | undefined,
): { host: string; port: number } | null | 'invalid' {
  if (typeof value !== 'string') return null
  const match = /^(.+):(\d+)$/.exec(value)
  if (match === null) return 'invalid'
  return { host: match[1] ?? '127.0.0.1', port: Number(match[2]) }
}
