/**
 * validate.ts - checks a whole conformance script against step-schemas.ts before any step runs,
 * and returns every problem at once, each naming its step number and kind: an unknown key (with
 * the known ones), a missing or wrongly typed value (a trail's steps item by item), an
 * enumeration's valid values, keys that exclude each other, an expectation that checks nothing,
 * and an operating model telepay does not have. A value that may be a PIN is never quoted.
 * Exports validateScript, validateStep.
 */

import { isOperatingModelId, operatingModelIds } from '../../core/index.js'
import { compilePattern, describeValue } from './step-args.js'
import type { KeySchema, StepSchema, ValueType } from './step-schemas.js'
import { scriptKeys, stepSchemas } from './step-schemas.js'
import { readExpectedSteps } from './trail-expectation.js'

/**
 * A string with `{{name}}` is filled in from a saved variable when its step runs: only its type is
 * checked now.
 */
const placeholder = /\{\{\s*[\w.-]+\s*\}\}/

/** Money as telepay writes it (SPEC section 1: two decimals; a phone bill may be below zero). */
const moneyPattern = /^-?\d+\.\d{2}$/

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function quoteHint(value: unknown): string {
  return typeof value === 'number'
    ? ' (YAML reads an unquoted 00 as 0 and 25.50 as 25.5: write it in quotes)'
    : ''
}

/** What is wrong with one value, or null; a list's items each have their own problems. */
function valueProblem(
  key: string,
  value: unknown,
  type: ValueType,
  secret: boolean,
): string | readonly string[] | null {
  const got = describeValue(value, secret)
  const needString = (what: string): string | null => {
    if (typeof value === 'string' && value !== '') return null
    return `${key} must be ${what}, got ${got}${quoteHint(value)}`
  }
  switch (type.type) {
    case 'string':
      return needString('a quoted string')
    case 'pattern': {
      const wrong = needString(`a quoted string of ${type.describe}`)
      if (wrong !== null || placeholder.test(value as string) || type.pattern.test(value as string))
        return wrong
      return `${key} must be ${type.describe}, got ${got}`
    }
    case 'regex': {
      const wrong = needString('a quoted regular expression')
      if (wrong !== null) return wrong
      try {
        compilePattern(value as string, key)
        return null
      } catch (error) {
        return error instanceof Error ? error.message.replace(`${key}: `, '') : String(error)
      }
    }
    case 'enum':
      return typeof value === 'string' && type.values.includes(value)
        ? null
        : `${key} must be ${type.values.join(' | ')}, got ${got}`
    case 'money': {
      const wrong = needString('money such as "475.00" (quoted, two decimals)')
      if (wrong !== null || placeholder.test(value as string) || moneyPattern.test(value as string))
        return wrong
      return `${key} must be money such as "475.00" (two decimals), got ${got}`
    }
    case 'number': {
      const fits =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        value >= type.min &&
        value <= type.max &&
        (!type.integer || Number.isInteger(value))
      if (fits) return null
      const what = type.integer ? 'a whole number' : 'a number'
      const upTo = type.max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${type.max}`
      return `${key} must be ${what} from ${type.min}${upTo}, got ${got}`
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : `${key} must be true or false, got ${got}`
    case 'string_map':
      if (!isMap(value)) return `${key} must be a map such as { name: "value" }, got ${got}`
      // An empty value is a field left empty on purpose.
      return (
        Object.entries(value)
          .filter(([, item]) => typeof item !== 'string')
          .map(
            ([name, item]) =>
              `${key}.${name} must be a quoted string, ` +
              `got ${describeValue(item, secret)}${quoteHint(item)}`,
          )
          .join('; ') || null
      )
    case 'any':
      return null
    case 'trail_steps':
      return readExpectedSteps(value).problems
  }
}

function keyProblems(args: Record<string, unknown>, schema: StepSchema): string[] {
  const known = Object.keys(schema.keys)
  const problems: string[] = []
  for (const [key, value] of Object.entries(args)) {
    const keySchema: KeySchema | undefined = schema.keys[key]
    if (keySchema === undefined) {
      problems.push(
        `unknown key ${JSON.stringify(key)}; known keys: ` +
          `${known.length === 0 ? 'none' : [...known].sort().join(', ')}`,
      )
      continue
    }
    const problem = valueProblem(key, value, keySchema.value, keySchema.secret === true)
    if (problem !== null) problems.push(...(typeof problem === 'string' ? [problem] : problem))
  }
  for (const [key, keySchema] of Object.entries(schema.keys)) {
    if (keySchema.required === true && !(key in args)) problems.push(`${key} is required`)
  }
  for (const group of schema.groups ?? []) {
    const given = group.keys.filter((key) => key in args)
    if (given.length < group.min) problems.push(group.missing)
    if (group.max !== null && given.length > group.max)
      problems.push(`give only one of ${given.join(', ')}`)
  }
  for (const [key, needed] of Object.entries(schema.needs ?? {})) {
    if (key in args && !(needed in args)) problems.push(`${key} needs ${needed}`)
  }
  return problems
}

/** The problems of one step's arguments, without the step's position (the caller adds it). */
export function validateStep(kind: string, args: unknown): string[] {
  const schema = stepSchemas[kind]
  if (schema === undefined)
    return [`unknown step kind; known kinds: ${Object.keys(stepSchemas).sort().join(', ')}`]
  if (schema.args.form === 'literal') {
    return args === schema.args.word
      ? []
      : [
          `the only expectation is ${schema.args.word} (${kind}: ${schema.args.word}), ` +
            `got ${describeValue(args, false)}`,
        ]
  }
  // `hangup:` with nothing after it is YAML's null: a step without arguments.
  if (args === null || args === undefined) return keyProblems({}, schema)
  if (!isMap(args))
    return [
      `expected a map of arguments such as { ${Object.keys(schema.keys)[0] ?? ''}: ... }, ` +
        `got ${describeValue(args, true)}`,
    ]
  return keyProblems(args, schema)
}

/** Every problem of a parsed YAML document as a script; an empty list when it may run. */
export function validateScript(document: unknown): string[] {
  if (!isMap(document)) return ['expected a map with name and steps']
  const problems: string[] = []
  for (const key of Object.keys(document)) {
    if (!scriptKeys.includes(key))
      problems.push(
        `unknown key ${JSON.stringify(key)} at the top; known keys: ${scriptKeys.join(', ')}`,
      )
  }
  const { name, steps } = document
  if (typeof name !== 'string' || name.trim() === '')
    problems.push('name is required (a quoted string)')
  if ('operating_model' in document && !isOperatingModelId(document['operating_model']))
    problems.push(
      `operating_model must be ${operatingModelIds.join(' | ')}, ` +
        `got ${describeValue(document['operating_model'], false)}`,
    )
  if (!Array.isArray(steps) || steps.length === 0) {
    problems.push('steps must be a non-empty list')
    return problems
  }
  steps.forEach((step: unknown, position) => {
    const index = position + 1
    if (!isMap(step)) {
      problems.push(
        `step ${index}: expected a map such as { sms: {...} }, got ${describeValue(step, true)}`,
      )
      return
    }
    const kinds = Object.keys(step)
    const [kind] = kinds
    if (kinds.length !== 1 || kind === undefined) {
      problems.push(`step ${index}: a step has exactly one kind, got ${kinds.join(', ') || 'none'}`)
      return
    }
    for (const problem of validateStep(kind, step[kind]))
      problems.push(`step ${index} (${kind}): ${problem}`)
  })
  return problems
}
