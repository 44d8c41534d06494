/**
 * bench-args.ts - the option parser the SMS and USSD benchmarks share: numeric options by name,
 * boolean flags, `--dir PATH`, `--json`, `--help`, then the benchmark's own check of the result.
 * Exports parseBenchOptions and ParsedBenchArgs.
 */

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
  const options: Record<string, unknown> = { ...(spec.defaults as Record<string, unknown>) }
  let json = false
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? ''
    const key = spec.numeric[arg]
    const flag = spec.flags[arg]
    if (key !== undefined) {
      const value = args[index + 1]
      index += 1
      const parsed = Number(value)
      if (value === undefined || value.trim() === '' || !Number.isFinite(parsed))
        return { ok: false, error: `${arg} needs a number` }
      options[key as string] = parsed
    } else if (flag !== undefined) {
      options[flag as string] = true
    } else if (arg === '--dir') {
      const value = args[index + 1]
      index += 1
      if (value === undefined || value === '') return { ok: false, error: '--dir needs a path' }
      options['dir'] = value
    } else if (arg === '--json') json = true
    else if (arg === '--help' || arg === '-h') return { ok: false, error: spec.usage }
    else return { ok: false, error: `unknown option ${arg}\n${spec.usage}` }
  }
  const checked = options as O
  const problems = spec.check(checked)
  if (problems.length > 0) return { ok: false, error: `${problems.join('; ')}\n${spec.usage}` }
  return { ok: true, options: checked, json }
}
