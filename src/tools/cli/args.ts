/**
 * args.ts - a small option parser for the subcommands: `--name value`, `--flag`, and the rest
 * as positional arguments. Unknown options are an error that names them.
 */

export interface ParsedArgs {
  readonly options: ReadonlyMap<string, string | true>
  readonly positional: readonly string[]
}

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export function parseArgs(
  args: readonly string[],
  valued: readonly string[],
  flags: readonly string[],
): ParsedArgs {
  const options = new Map<string, string | true>()
  const positional: string[] = []
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? ''
    if (!arg.startsWith('--')) {
      positional.push(arg)
      continue
    }
    const [name = '', inline] = arg.slice(2).split('=', 2)
    if (flags.includes(name)) {
      options.set(name, true)
    } else if (valued.includes(name)) {
      const value = inline ?? args[index + 1]
      if (value === undefined) throw new UsageError(`--${name} needs a value`)
      if (inline === undefined) index += 1
      options.set(name, value)
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  return { options, positional }
}
