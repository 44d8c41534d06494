/**
 * script.ts - a conformance script (SPEC section 10): YAML with a name and a list of steps, each
 * step a one-key map `{ kind: arguments }`. Parsing checks the shape and names the step that is
 * wrong; what a step means is the business of the step handlers.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export interface Step {
  readonly kind: string
  readonly args: unknown
  /** 1-based position in the script, for messages. */
  readonly index: number
}

export interface Script {
  readonly file: string
  readonly name: string
  readonly steps: readonly Step[]
}

export class ScriptError extends Error {
  override readonly name = 'ScriptError'
}

export function parseScript(file: string, text: string): Script {
  let document: unknown
  try {
    document = parse(text)
  } catch (error) {
    throw new ScriptError(`${file}: not YAML: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (typeof document !== 'object' || document === null) throw new ScriptError(`${file}: expected a map with name and steps`)
  const { name, steps } = document as { name?: unknown; steps?: unknown }
  if (typeof name !== 'string' || name.trim() === '') throw new ScriptError(`${file}: name is required`)
  if (!Array.isArray(steps) || steps.length === 0) throw new ScriptError(`${file}: steps must be a non-empty list`)
  return {
    file,
    name,
    steps: steps.map((step: unknown, position) => {
      const index = position + 1
      if (typeof step !== 'object' || step === null || Array.isArray(step)) throw new ScriptError(`${file}: step ${index}: expected a map such as { sms: {...} }`)
      const entries = Object.entries(step)
      const [entry] = entries
      if (entries.length !== 1 || entry === undefined) throw new ScriptError(`${file}: step ${index}: a step has exactly one kind, got ${entries.map(([key]) => key).join(', ') || 'none'}`)
      return { kind: entry[0], args: entry[1], index }
    }),
  }
}

export function readScript(file: string): Script {
  return parseScript(file, readFileSync(file, 'utf8'))
}
