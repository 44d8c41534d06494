/**
 * script.ts - a conformance script (SPEC section 10): YAML with a name, optionally the operating
 * model it needs, and a list of steps, each step a one-key map `{ kind: arguments }`. Parsing
 * validates the whole script against the step schemas before any step can run, and refuses it
 * with every problem found.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { OperatingModelId } from '../../core/index.js'
import { validateScript } from './validate.js'

export interface Step {
  readonly kind: string
  readonly args: unknown
  /** 1-based position in the script, for messages. */
  readonly index: number
}

export interface Script {
  readonly file: string
  readonly name: string
  /** The operating model the gateway must run; null: any (a fresh gateway: the default). */
  readonly operatingModel: OperatingModelId | null
  readonly steps: readonly Step[]
}

/** A script that may not run: every problem found in it, each a line naming its step. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError'

  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`)
  }
}

/** Parses and validates the whole script (validate.ts); throws a ScriptError with every problem. */
export function parseScript(file: string, text: string): Script {
  let document: unknown
  try {
    document = parse(text)
  } catch (error) {
    throw new ScriptError(file, [
      `not YAML: ${error instanceof Error ? error.message : String(error)}`,
    ])
  }
  const problems = validateScript(document)
  if (problems.length > 0) throw new ScriptError(file, problems)
  const { name, steps, operating_model } = document as {
    name: string
    operating_model?: OperatingModelId
    steps: Record<string, unknown>[]
  }
  return {
    file,
    name,
    operatingModel: operating_model ?? null,
    steps: steps.map((step, position) => {
      const [kind, args] = Object.entries(step)[0] ?? ['', null]
      return { kind, args, index: position + 1 }
    }),
  }
}

export function readScript(file: string): Script {
  return parseScript(file, readFileSync(file, 'utf8'))
}
