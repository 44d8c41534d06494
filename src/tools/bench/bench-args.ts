/**
 * bench-args.ts - the option parser the benchmarks share (through the command line's, so
 * `--name value` and `--name=value` both work): numeric options by name, boolean flags, `--dir
 * PATH`, `--json`, `--help`, then the benchmark's own check of the result.
 * Exports parseBenchOptions and ParsedBenchArgs.
 */
import type { ParsedArgs } from '../cli/args.js'
import { parseArgs, UsageError } from '../cli/args.js'

export type ParsedBenchArgs<O> =
  | { readonly ok: true; readonly options: O; readonly json: boolean }
  | { readonly ok: false; readonly error: string }

export interface BenchOptionSpec<O> {
  readonly defaults: O
  /** `--name` -> the option it sets to a number. */
  readonly numeric: Readonly<Record<string, keyof O>>
  /** `--name` -> the option it sets to true. */
  readonly flags: Readonly<Record<string, keyof O>>
  readonly usage: string
  /** What is wrong with the options as a whole (ranges, relations); empty when nothing. */
  readonly check: (options: O) => readonly string[]
}

export function parseBenchOptions<O>(
  args: readonly string[],
  spec: BenchOptionSpec<O>,
): ParsedBenchArgs<O> {
  if (args.includes('--help') || args.includes('-h')) return { ok: false, error: spec.usage }
  const bare = (name: string): string => name.replace(/^--/, '')
  let parsed: ParsedArgs
  try {
    parsed = parseArgs(
      args,
      [...Object.keys(spec.numeric).map(bare), 'dir'],
      [...Object.keys(spec.flags).map(bare), 'json'],
    )
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return { ok: false, error: `${error.message}\n${spec.usage}` }
  }
  if (parsed.positional.length > 0)
    return { ok: false, error: `unexpected argument ${parsed.positional[0]}\n${spec.usage}` }
  const options: Record<string, unknown> = { ...(spec.defaults as Record<string, unknown>) }
  for (const [name, value] of parsed.options) {
    const key = spec.numeric[`--${name}`]
    const flag = spec.flags[`--${name}`]
    if (key !== undefined) {
      const number = Number(value)
      if (value === true || value.trim() === '' || !Number.isFinite(number))
        return { ok: false, error: `--${name} needs a number` }
      options[key as string] = number
    } else if (flag !== undefined) options[flag as string] = true
    else if (name === 'dir') {
      if (value === '') return { ok: false, error: '--dir needs a path' }
      options['dir'] = value
    }
  }
  const checked = options as O
  const problems = spec.check(checked)
  if (problems.length > 0) return { ok: false, error: `${problems.join('; ')}\n${spec.usage}` }
  return { ok: true, options: checked, json: parsed.options.get('json') === true }
}
