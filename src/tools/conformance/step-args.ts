/**
 * step-args.ts - reading a step's arguments: a map, required strings, and the text expectations
 * `contains` (a plain substring) and `matches` (a regular expression, with the leading inline
 * flags `(?i)`, `(?s)`, `(?m)` that scripts written for other engines use, as in SPEC section 10);
 * and how a value is named in a problem with it.
 */
import { StepFailure } from './context.js'

export function record(args: unknown, step: string): Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw new StepFailure(`${step}: expected a map of arguments`)
  return args as Record<string, unknown>
}

export function requireString(args: Record<string, unknown>, key: string, step: string): string {
  const value = args[key]
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number') return String(value)
  throw new StepFailure(`${step}: ${key} is required`)
}

/**
 * A value as a problem names it ("the number 475", "a list"); a secret one (a PIN) by its type and
 * length only.
 */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  if (secret)
    return typeof value === 'string'
      ? `a string of ${value.length} characters`
      : `a ${typeof value}`
  if (typeof value === 'string') return JSON.stringify(value)
  return `the ${typeof value} ${String(value)}`
}

export interface TextExpectation {
  readonly describe: string
  test(text: string): boolean
}

/** Compiles `(?i)paid` as /paid/i; a bad pattern fails the step with the engine's message. */
export function compilePattern(pattern: string, step: string): RegExp {
  const inline = /^\(\?([ims]+)\)/.exec(pattern)
  const flags = inline?.[1] ?? ''
  try {
    return new RegExp(
      inline === null ? pattern : pattern.slice(inline[0].length),
      [...new Set(flags)].join(''),
    )
  } catch (error) {
    throw new StepFailure(
      `${step}: matches is not a valid regular expression: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    )
  }
}

/** `contains` or `matches` (or neither: anything passes); both given is a script error. */
export function textExpectation(args: Record<string, unknown>, step: string): TextExpectation {
  const contains = args['contains']
  const matches = args['matches']
  if (contains !== undefined && matches !== undefined)
    throw new StepFailure(`${step}: give contains or matches, not both`)
  if (contains !== undefined) {
    const needle = String(contains)
    return {
      describe: `containing ${JSON.stringify(needle)}`,
      test: (text) => text.includes(needle),
    }
  }
  if (matches !== undefined) {
    const pattern = compilePattern(String(matches), step)
    return { describe: `matching ${String(pattern)}`, test: (text) => pattern.test(text) }
  }
  return { describe: 'of any text', test: () => true }
}
