/**
 * trail-diagram.ts - a payment's trail as a sequence diagram for the terminal: the four roles of
 * the flow as columns with lifelines, one arrow a step in the order the steps were recorded,
 * labelled on its right with the step's number and name, its time on the left, and under the
 * label who acted and what passed. A skipped step is a dashed arrow with "skipped: why"; a branch
 * (declined, cancelled, expired, failed, refund) is drawn with = and marked !. A header names the
 * payment, a footer says whether steps 1-8 and the delivery (9) are recorded. Pure, answer in and
 * lines out: plain ASCII within 100 columns, so that it reads the same in a pipe or a log, with
 * ANSI colours only when asked. Exports TrailDiagramOptions, renderTrailDiagram and printable.
 */
import type { TrailCode, TrailRole } from '../../core/index.js'
import { trailRoles } from '../../core/index.js'
import type { TrailAnswer, TrailAnswerStep } from './trail-answer.js'

export interface TrailDiagramOptions {
  /** ANSI colours and greying: for a terminal that wants them, never for a pipe. */
  readonly colour: boolean
  /** Times as "+N ms" after the first step instead of the clock. */
  readonly relative: boolean
  /** The clock's zone, in minutes east of UTC (the caller's local zone; tests pass 0). */
  readonly utcOffsetMinutes: number
}

const widthColumns = 100
/** Room for a one-word name ("merchant") centred on each lifeline; wider ones take two rows. */
const lifelineGapColumns = 12
/** Where the first lifeline stands after the time column: half of "consumer". */
const firstLifelineColumns = 4
/** The step's text keeps at least this much room, however wide the time column grows. */
const textColumnsMin = 24

const roleLabels: Readonly<Record<TrailRole, string>> = {
  consumer: 'consumer',
  merchant: 'merchant',
  platform: 'platform',
  credit_institution: 'credit institution',
}

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'green'
const styleCodes: Readonly<Record<Style, string>> = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  green: '\u001b[32m',
}

/** The branches after which the payment goes no further (a refund follows a completed one). */
const endingBranches: readonly TrailCode[] = ['declined', 'cancelled', 'expired', 'failed']

type Look = 'done' | 'skipped' | 'ending' | 'refund'

function lookOf(step: TrailAnswerStep): Look {
  if (step.status === 'skipped') return 'skipped'
  if (step.code === 'refund') return 'refund'
  return endingBranches.includes(step.code) ? 'ending' : 'done'
}

const lookStyles: Readonly<Record<Look, Style | null>> = {
  done: null,
  skipped: 'dim',
  ending: 'red',
  refund: 'yellow',
}

/**
 * Text from the wire (a merchant's reference, a bank's message) may carry terminal escapes, line
 * separators or direction overrides that make a line read other than it is: each shows as ?, so
 * that a trail can never drive or disguise the terminal it is printed on.
 */
export function printable(text: string): string {
  return text
    .replace(/[\t\n\r]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?')
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ').filter((part) => part !== '')) {
    let rest = word
    while ([...rest].length > width) {
      if (line !== '') lines.push(line)
      line = ''
      lines.push([...rest].slice(0, width).join(''))
      rest = [...rest].slice(width).join('')
    }
    if (line === '') line = rest
    else if ([...line].length + 1 + [...rest].length <= width) line = `${line} ${rest}`
    else {
      lines.push(line)
      line = rest
    }
  }
  if (line !== '') lines.push(line)
  return lines.length === 0 ? [''] : lines
}

const two = (value: number): string => String(value).padStart(2, '0')

/** "2026-12-06" and "10:00:00.000" of a time in the zone. */
function clockParts(atMs: number, utcOffsetMinutes: number): { date: string; time: string } {
  const iso = new Date(atMs + utcOffsetMinutes * 60_000).toISOString()
  return { date: iso.slice(0, 10), time: iso.slice(11, 23) }
}

function zoneName(utcOffsetMinutes: number): string {
  if (utcOffsetMinutes === 0) return 'UTC'
  const minutes = Math.abs(utcOffsetMinutes)
  const sign = utcOffsetMinutes > 0 ? '+' : '-'
  return `UTC${sign}${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`
}

/** "+25 ms" up to a quarter of an hour; beyond, "+1d 02:03:04" (a refund days later). */
function relativeText(deltaMs: number): string {
  const sign = deltaMs < 0 ? '-' : '+'
  const ms = Math.abs(deltaMs)
  if (ms < 1_000_000) return `${sign}${ms} ms`
  const seconds = Math.floor(ms / 1000)
  const days = Math.floor(seconds / 86_400)
  const clock =
    `${two(Math.floor((seconds % 86_400) / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:` +
    two(seconds % 60)
  return `${sign}${days > 0 ? `${days}d ` : ''}${clock}`
}

interface Layout {
  readonly timeWidth: number
  /** Each role's lifeline, in columns from the diagram's left edge. */
  readonly lifelines: Readonly<Record<TrailRole, number>>
  readonly diagramWidth: number
  readonly textWidth: number
  readonly paint: (text: string, style: Style | null) => string
}

function layoutFor(timeTexts: readonly string[], colour: boolean): Layout {
  const timeWidth = Math.max(12, ...timeTexts.map((text) => text.length))
  const lifelines = Object.fromEntries(
    trailRoles.map((role, index) => [role, firstLifelineColumns + index * lifelineGapColumns]),
  ) as Record<TrailRole, number>
  const diagramWidth = firstLifelineColumns + (trailRoles.length - 1) * lifelineGapColumns + 1
  return {
    timeWidth,
    lifelines,
    diagramWidth,
    textWidth: Math.max(textColumnsMin, widthColumns - timeWidth - 2 - diagramWidth - 3),
    paint: (text, style) =>
      !colour || style === null || text === '' ? text : `${styleCodes[style]}${text}\u001b[0m`,
  }
}

function lifelineChars(layout: Layout): string[] {
  const chars = Array.from({ length: layout.diagramWidth }, () => ' ')
  for (const role of trailRoles) chars[layout.lifelines[role]] = '|'
  return chars
}

function row(layout: Layout, time: string, diagram: string, text: string): string {
  return `${time.padEnd(layout.timeWidth)}  ${diagram}   ${text}`.trimEnd()
}

/**
 * The roles' names centred over their lifelines; a name wider than the gap between two lifelines
 * ("credit institution") takes a word a row, so that it never runs into its neighbour.
 */
function roleNameRows(layout: Layout): string[] {
  const words = trailRoles.map((role) => {
    const label = roleLabels[role]
    return label.length > lifelineGapColumns - 2 ? label.split(' ') : [label]
  })
  const rows = Math.max(...words.map((list) => list.length))
  return Array.from({ length: rows }, (_, index) => {
    const chars = Array.from({ length: layout.diagramWidth }, () => ' ')
    for (const [position, role] of trailRoles.entries()) {
      const word = words[position]?.[index] ?? ''
      chars.splice(layout.lifelines[role] - Math.floor((word.length - 1) / 2), word.length, ...word)
    }
    return chars.join('').trimEnd()
  })
}

/** The arrow of one step across the lifelines, painted in its look. */
function arrowDiagram(layout: Layout, step: TrailAnswerStep, look: Look): string {
  const chars = lifelineChars(layout)
  const from = layout.lifelines[step.from]
  const to = layout.lifelines[step.to]
  if (from === to) {
    chars[from] = '*'
    return chars.join('')
  }
  const low = Math.min(from, to)
  const high = Math.max(from, to)
  const fill = look === 'ending' || look === 'refund' ? '=' : '-'
  for (let column = low + 1; column < high; column += 1) {
    const crossed = chars[column] === '|'
    const dashed = look === 'skipped' && (column - low) % 2 === 0
    chars[column] = crossed ? '+' : dashed ? ' ' : fill
  }
  if (to > from) chars[high - 1] = '>'
  else chars[low + 1] = '<'
  const style = lookStyles[look]
  return (
    chars.slice(0, low + 1).join('') +
    layout.paint(chars.slice(low + 1, high).join(''), style) +
    chars.slice(high).join('')
  )
}

function labelOf(step: TrailAnswerStep): string {
  return typeof step.code === 'number' ? `${step.code} ${step.name}` : `! ${step.name}`
}

function detailOf(step: TrailAnswerStep): string {
  const actor = printable(step.actor)
  const detail = printable(step.detail)
  if (step.status === 'skipped') {
    const why = detail === '' ? 'no reason given' : detail
    return `skipped: ${why}${actor === '' ? '' : ` (${actor})`}`
  }
  if (actor === '' || detail === '') return actor + detail
  return `${actor}: ${detail}`
}

function headerLines(answer: TrailAnswer, options: TrailDiagramOptions): string[] {
  const { payment } = answer
  const first = answer.steps[0]
  const words = (parts: readonly (string | null | false)[]): string =>
    parts.filter((part): part is string => typeof part === 'string').join('  ')
  const started = first === undefined ? null : clockParts(first.atMs, options.utcOffsetMinutes)
  const zone = zoneName(options.utcOffsetMinutes)
  return [
    words([
      `payment ${printable(payment.id)}`,
      payment.amount,
      payment.state,
      answer.model !== null && `(model ${answer.model})`,
    ]),
    words([
      payment.payer !== null && `payer ${payment.payer}`,
      payment.merchant !== null && `merchant ${payment.merchant}`,
      payment.funding,
      payment.channel !== null && `by ${payment.channel}`,
      payment.initiator !== null && `initiated by ${payment.initiator}`,
    ]),
    started === null
      ? ''
      : options.relative
        ? `times after the first step, at ${started.date} ${started.time} ${zone}`
        : `times ${zone}, from ${started.date}`,
  ]
    .filter((line) => line !== '')
    .map(printable)
}

function footerLines(answer: TrailAnswer, layout: Layout, timeOf: (ms: number) => string) {
  const { steps } = answer
  const missing = [1, 2, 3, 4, 5, 6, 7, 8].filter((code) => !steps.some((s) => s.code === code))
  const skipped = steps
    .flatMap((s) => (s.status === 'skipped' && typeof s.code === 'number' ? [s.code] : []))
    .sort((a, b) => a - b)
  const ended = steps.find((s) => endingBranches.includes(s.code))
  const recorded =
    missing.length === 0
      ? layout.paint('steps 1-8: all recorded', 'green') +
        (skipped.length === 0 ? '' : ` (${skipped.join(', ')} skipped)`)
      : layout.paint(
          `steps 1-8: ${8 - missing.length} of 8 recorded, missing ${missing.join(', ')}`,
          'yellow',
        ) + (ended === undefined ? '' : `; the payment ended: ${ended.name}`)
  const disagrees = answer.complete !== null && answer.complete !== (missing.length === 0)
  const delivery = steps.find((s) => s.code === 9)
  return [
    recorded +
      (disagrees ? ` (the gateway says ${answer.complete === true ? '' : 'not '}complete)` : ''),
    delivery === undefined
      ? 'step 9 (delivery): not recorded'
      : `step 9 (delivery): recorded at ${timeOf(delivery.atMs)}` +
        (delivery.status === 'skipped' ? ' (skipped)' : ''),
  ]
}

/** The whole diagram, one string a line, without line ends. */
export function renderTrailDiagram(answer: TrailAnswer, options: TrailDiagramOptions): string[] {
  const firstMs = answer.steps[0]?.atMs ?? 0
  const timeOf = (atMs: number): string =>
    options.relative
      ? relativeText(atMs - firstMs)
      : clockParts(atMs, options.utcOffsetMinutes).time
  const layout = layoutFor(
    answer.steps.map((step) => timeOf(step.atMs)),
    options.colour,
  )
  const lifelines = lifelineChars(layout).join('')
  const lines = [
    ...headerLines(answer, options).map((line, index) =>
      index === 0 ? layout.paint(line, 'bold') : line,
    ),
    '',
    ...roleNameRows(layout).map((names) => row(layout, '', names, '')),
    row(layout, '', lifelines, ''),
  ]
  if (answer.steps.length === 0) lines.push(row(layout, '', lifelines, '(no steps recorded)'))
  let date = answer.steps[0] === undefined ? '' : clockParts(firstMs, options.utcOffsetMinutes).date
  for (const step of answer.steps) {
    const stepDate = clockParts(step.atMs, options.utcOffsetMinutes).date
    // A later day (a refund, a delivery) would otherwise read as the same morning.
    if (!options.relative && stepDate !== date) lines.push(row(layout, stepDate, lifelines, ''))
    date = stepDate
    const look = lookOf(step)
    const style = lookStyles[look]
    const label = layout.paint(labelOf(step), style ?? 'bold')
    lines.push(row(layout, timeOf(step.atMs), arrowDiagram(layout, step, look), label))
    for (const text of wrap(detailOf(step), layout.textWidth))
      lines.push(row(layout, '', lifelines, layout.paint(text, look === 'skipped' ? 'dim' : null)))
  }
  lines.push(
    row(layout, '', lifelines, ''),
    '',
    '---> done   - - > skipped   ===> branch (!)',
    ...footerLines(answer, layout, timeOf),
  )
  return lines
}
