/**
 * trail-expectation.ts - what `expect_trail` expects of a payment's trail, and how a recorded
 * trail fails it. `steps` lists every recorded step in the order recorded, no more and no fewer:
 * an item is a step code (1-9 or a branch: declined, cancelled, expired, failed, refund), which
 * expects it done, or a map `{ step, status?, actor?, contains? }` (status done or skipped, the
 * actor exactly, a substring of the detail). One reader serves the validation before the script
 * runs and the step when it runs, so both agree on what a valid item is. A mismatch is a sentence
 * on the first difference, then the expected and recorded steps side by side. Exports
 * ExpectedStep, readExpectedSteps, describeExpected and trailMismatch.
 */
import type { TrailCode, TrailStatus } from '../../core/index.js'
import { isTrailCode, trailCodes } from '../../core/index.js'
import type { TrailAnswerStep } from '../cli/trail-answer.js'
import { printable } from '../cli/trail-diagram.js'
import { describeValue } from './step-args.js'

export interface ExpectedStep {
  readonly code: TrailCode
  readonly status: TrailStatus
  /** The actor exactly ("ICBC"); null: any. */
  readonly actor: string | null
  /** A plain substring of the detail; null: any. */
  readonly contains: string | null
}

const itemKeys = ['actor', 'contains', 'status', 'step']

const branchWords = trailCodes.filter((code) => typeof code === 'string').join(' | ')
const codeWords = `a step 1-9 or a branch (${branchWords})`

/** A recorded step's text in a diff is cut here, so that two columns fit a terminal. */
const recordedTextMax = 60

function codeProblem(value: unknown): string | null {
  if (isTrailCode(value)) return null
  const hint =
    typeof value === 'string' && isTrailCode(Number(value)) ? ' (write a step number unquoted)' : ''
  return `must be ${codeWords}, got ${describeValue(value, false)}${hint}`
}

function textOf(item: Record<string, unknown>, key: string): string | null {
  const value = item[key]
  return typeof value === 'string' && value !== '' ? value : null
}

/** One item of `steps`, or what is wrong with it (each problem naming the item). */
function readItem(item: unknown, where: string): ExpectedStep | string[] {
  if (typeof item !== 'object' || item === null) {
    const wrong = codeProblem(item)
    if (wrong === null)
      return { code: item as TrailCode, status: 'done', actor: null, contains: null }
    return [`${where} ${wrong}`]
  }
  if (Array.isArray(item))
    return [
      `${where} must be a step code or a map such as { step: 3, status: skipped }, got a list`,
    ]
  const map = item as Record<string, unknown>
  const problems: string[] = []
  for (const key of Object.keys(map)) {
    if (!itemKeys.includes(key))
      problems.push(
        `${where}: unknown key ${JSON.stringify(key)}; known keys: ${itemKeys.join(', ')}`,
      )
  }
  if (!('step' in map)) problems.push(`${where}: step is required`)
  else {
    const wrong = codeProblem(map['step'])
    if (wrong !== null) problems.push(`${where}: step ${wrong}`)
  }
  const status = map['status'] ?? 'done'
  if (status !== 'done' && status !== 'skipped')
    problems.push(`${where}: status must be done | skipped, got ${describeValue(status, false)}`)
  for (const key of ['actor', 'contains']) {
    if (key in map && textOf(map, key) === null)
      problems.push(
        `${where}: ${key} must be a quoted string, got ${describeValue(map[key], false)}`,
      )
  }
  if (problems.length > 0) return problems
  return {
    code: map['step'] as TrailCode,
    status: status as TrailStatus,
    actor: textOf(map, 'actor'),
    contains: textOf(map, 'contains'),
  }
}

/** The expected steps of a `steps` value, and every problem with it (none: it may run). */
export function readExpectedSteps(value: unknown): {
  readonly steps: readonly ExpectedStep[]
  readonly problems: readonly string[]
} {
  if (!Array.isArray(value))
    return {
      steps: [],
      problems: [
        'steps must be a list of trail steps such as [1, 2, 5, 6, 3, 4, 7, 8], ' +
          `got ${describeValue(value, false)}`,
      ],
    }
  if (value.length === 0) return { steps: [], problems: ['steps must list at least one step'] }
  const steps: ExpectedStep[] = []
  const problems: string[] = []
  value.forEach((item: unknown, index) => {
    const read = readItem(item, `steps item ${index + 1}`)
    if (Array.isArray(read)) problems.push(...read)
    else steps.push(read)
  })
  return { steps, problems }
}

/** "3 skipped, actor "ICBC", containing "approved"". */
export function describeExpected(step: ExpectedStep): string {
  return (
    `${step.code} ${step.status}` +
    (step.actor === null ? '' : ` by ${JSON.stringify(step.actor)}`) +
    (step.contains === null ? '' : ` containing ${JSON.stringify(step.contains)}`)
  )
}

function describeRecorded(step: TrailAnswerStep): string {
  const said = [step.actor, step.detail].filter((part) => part !== '').join(': ')
  const text = printable(`${step.code} ${step.status}${said === '' ? '' : ` (${said})`}`)
  return text.length > recordedTextMax ? `${text.slice(0, recordedTextMax - 3)}...` : text
}

/** How a recorded step fails an expected one, as the summary says it; null when it does not. */
function itemMismatch(
  position: number,
  expected: ExpectedStep | undefined,
  recorded: TrailAnswerStep | undefined,
): string | null {
  const item = `item ${position}`
  if (recorded === undefined)
    return expected === undefined
      ? null
      : `${item} is not recorded, expected ${describeExpected(expected)}`
  if (expected === undefined)
    return `${item} is ${recorded.code} ${recorded.status}, beyond the steps expected`
  if (recorded.code !== expected.code || recorded.status !== expected.status)
    return (
      `${item} is ${recorded.code} ${recorded.status}, ` +
      `expected ${expected.code} ${expected.status}`
    )
  if (expected.actor !== null && recorded.actor !== expected.actor)
    return (
      `${item} (${recorded.code}) is by ${JSON.stringify(printable(recorded.actor))}, ` +
      `expected ${JSON.stringify(expected.actor)}`
    )
  if (expected.contains !== null && !recorded.detail.includes(expected.contains))
    return (
      `${item} (${recorded.code}) says ${JSON.stringify(printable(recorded.detail))}, ` +
      `expected it to contain ${JSON.stringify(expected.contains)}`
    )
  return null
}

/**
 * Null when the recorded steps are the expected ones; else the first difference, then every item
 * expected beside the one recorded, the items that differ marked with >.
 */
export function trailMismatch(
  expected: readonly ExpectedStep[],
  recorded: readonly TrailAnswerStep[],
): string | null {
  const count = Math.max(expected.length, recorded.length)
  const mismatches = Array.from({ length: count }, (_, index) =>
    itemMismatch(index + 1, expected[index], recorded[index]),
  )
  const first = mismatches.find((mismatch) => mismatch !== null)
  if (first === undefined || first === null) return null
  const width = Math.max(8, ...expected.map((step) => describeExpected(step).length))
  const rows = mismatches.map((mismatch, index) => {
    const want = expected[index]
    const got = recorded[index]
    return (
      `${mismatch === null ? ' ' : '>'} ${String(index + 1).padStart(2)}  ` +
      `${(want === undefined ? '-' : describeExpected(want)).padEnd(width)}  ` +
      (got === undefined ? '-' : describeRecorded(got))
    )
  })
  const counts =
    expected.length === recorded.length
      ? ''
      : ` (${recorded.length} recorded, ${expected.length} expected)`
  return [`${first}${counts}`, `      ${'expected'.padEnd(width)}  recorded`, ...rows].join(
    '\n      ',
  )
}
