/**
 * args.ts - the subcommands' option parser, node's util.parseArgs in strict mode: `--name value`
 * and `--name=value` for an option that takes a value, `--flag` for one that does not, the rest
 * as positional arguments (`--` ends the options). An unknown option, a missing value or a value
 * given to a flag is a UsageError that names the option. optionsOf turns a command's help lines
 * (`--port N`, `--yes`) into what it parses, so the help and the parser cannot disagree.
 * Exports parseArgs, parseOptions, optionsOf, ParsedArgs, OptionLines, CommandOptions and
 * UsageError.
 */
import { parseArgs as parseNodeArgs } from 'node:util'

export interface ParsedArgs {
  readonly options: ReadonlyMap<string, string | true>
  readonly positional: readonly string[]
}

/** A command's options as its --help prints them: `--port N` takes a value, `--yes` does not. */
export type OptionLines = readonly (readonly [option: string, meaning: string])[]

/** The options a command parses, by name without the dashes. */
export interface CommandOptions {
  readonly valued: readonly string[]
  readonly flags: readonly string[]
}

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** What `lines` parse: an option whose help names a value after it (`--port N`) takes one. */
export function optionsOf(lines: OptionLines): CommandOptions {
  const valued: string[] = []
  const flags: string[] = []
  for (const [option] of lines) {
    const [flag = '', value] = option.split(' ')
    ;(value === undefined ? flags : valued).push(flag.replace(/^--/, ''))
  }
  return { valued, flags }
}

/** `args` parsed by the options of a command's help lines. */
export function parseOptions(args: readonly string[], lines: OptionLines): ParsedArgs {
  const { valued, flags } = optionsOf(lines)
  return parseArgs(args, valued, flags)
}

export function parseArgs(
  args: readonly string[],
  valued: readonly string[],
  flags: readonly string[],
): ParsedArgs {
  const spec: Record<string, { type: 'string' | 'boolean' }> = {}
  for (const name of valued) spec[name] = { type: 'string' }
  for (const name of flags) spec[name] = { type: 'boolean' }
  let parsed: ReturnType<typeof parseNodeArgs>
  try {
    parsed = parseNodeArgs({
      args: [...args],
      options: spec,
      strict: true,
      allowPositionals: true,
    })
  } catch (error) {
    throw usageErrorOf(error, valued)
  }
  const options = new Map<string, string | true>()
  for (const [name, value] of Object.entries(parsed.values)) {
    // A flag given as --flag=false is refused above (flags take no value), so false never comes.
    if (typeof value === 'string') options.set(name, value)
    else if (value === true) options.set(name, true)
  }
  return { options, positional: parsed.positionals }
}

/**
 * util.parseArgs's errors in this program's words (`unknown option --frob`, `--url needs a
 * value`), naming the option as written. Its own messages are long and suggest `--` tricks that
 * do not apply to these commands.
 */
function usageErrorOf(error: unknown, valued: readonly string[]): Error {
  if (!(error instanceof Error)) return new UsageError(String(error))
  const code = (error as NodeJS.ErrnoException).code
  const option = /'(--?[^' =]+)/.exec(error.message)?.[1] ?? '?'
  const name = option.replace(/^--?/, '')
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${option}`)
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // A value option at the end or before another option; or a value given to a flag.
      return valued.includes(name)
        ? new UsageError(
            `${option} needs a value` +
              (/ambiguous/.test(error.message)
                ? ` (one that starts with "-" is written ${option}=VALUE)`
                : ''),
          )
        : new UsageError(`${option} takes no value`)
    default:
      return new UsageError(error.message)
  }
}
