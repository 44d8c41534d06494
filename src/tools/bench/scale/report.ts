/**
 * report.ts - what `telepay bench scale` found and how it prints: each section's report (its
 * lines, its checks, the problems that make its figures unsound, its figures as data for
 * --json), the checks (a figure, its baseline, the ratio or bound it is held to, pass/fail), and
 * formatScaleBenchReport (every section's lines, then one summary table of every check). A
 * section is only ever listed once it ran: nothing stands in for one not built yet. Exports
 * ScaleCheck, ScaleBound, ScaleSectionReport, ScaleBenchReport, checkOf, formatScaleBenchReport.
 */
import type { MachineInfo } from '../measure.js'
import type { ScaleBenchOptions } from './options.js'

/** What a check's value is held to: at least, or below, a limit. */
export interface ScaleBound {
  readonly op: '>=' | '<' | '<='
  readonly limit: number
  /** What the limit counts, when not a plain ratio ('ms'). */
  readonly unit?: string
}

export interface ScaleCheck {
  /** Stable machine name within its section ('ratio_10000'). */
  readonly name: string
  /** What is checked, for people ('group commit at 10,000 subscribers'). */
  readonly label: string
  /** The figure measured ('27,104 payments/s'). */
  readonly figure: string
  /** What the figure is compared with, measured in the same run; null: held to a bound only. */
  readonly baseline: string | null
  /** The number held to the bound: a ratio to the baseline, or the figure itself. */
  readonly value: number
  /** How the value prints ('0.874', '12.3 ms'). */
  readonly valueText: string
  readonly bound: ScaleBound
  readonly pass: boolean
}

export interface ScaleSectionReport {
  /** 'A', 'D', ... as the issue names them. */
  readonly id: string
  readonly title: string
  /** The section's own lines: method, figures, tables. */
  readonly lines: readonly string[]
  readonly checks: readonly ScaleCheck[]
  /** What makes the figures unsound (lost answers, an unbalanced ledger); empty when sound. */
  readonly problems: readonly string[]
  /** The figures as data, for --json and tests; each section documents its own shape. */
  readonly data: unknown
  /** Sound, and every check passed. */
  readonly pass: boolean
}

export interface ScaleBenchReport {
  readonly machine: MachineInfo
  /** os.loadavg() (1, 5, 15 minutes) as the run started and as it ended: the machine is shared. */
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] }
  readonly options: Omit<ScaleBenchOptions, 'progress' | 'dir'> & { readonly dir: string }
  readonly sections: readonly ScaleSectionReport[]
  readonly seconds: number
  readonly pass: boolean
}

/** A check of `value` against `bound`. */
export function checkOf(fields: Omit<ScaleCheck, 'pass'>): ScaleCheck {
  const { op, limit } = fields.bound
  const pass =
    op === '>=' ? fields.value >= limit : op === '<' ? fields.value < limit : fields.value <= limit
  return { ...fields, pass }
}

/** A section's report, its verdict derived: sound, and every check passed. */
export function sectionOf(fields: Omit<ScaleSectionReport, 'pass'>): ScaleSectionReport {
  return {
    ...fields,
    pass: fields.problems.length === 0 && fields.checks.every((check) => check.pass),
  }
}

export function formatScaleBenchReport(report: ScaleBenchReport): string[] {
  const { machine } = report
  const lines: string[] = [
    `machine: ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, ` +
      `SQLite ${machine.sqlite}`,
    `load average (1, 5, 15 min): ${loads(report.loadAverage.before)} before, ` +
      `${loads(report.loadAverage.after)} after; ${Math.round(report.seconds)} s in all` +
      `${report.options.small ? ' (the small size, --small)' : ''}`,
  ]
  for (const section of report.sections) {
    lines.push('', `${section.id}  ${section.title}`)
    for (const line of section.lines) lines.push(`   ${line}`)
    for (const problem of section.problems) lines.push(`   PROBLEM: ${problem}`)
  }
  lines.push('', ...summaryTable(report.sections))
  return lines
}

function summaryTable(sections: readonly ScaleSectionReport[]): string[] {
  const header = ['', 'check', 'figure', 'baseline', 'value', 'bound', '']
  const rows = sections.flatMap((section) =>
    section.checks.map((check) => [
      section.id,
      check.label,
      check.figure,
      check.baseline ?? '-',
      check.valueText,
      `${check.bound.op} ${check.bound.limit}${check.bound.unit ? ` ${check.bound.unit}` : ''}`,
      check.pass ? 'PASS' : 'FAIL',
    ]),
  )
  const unsound = sections
    .filter((section) => section.problems.length > 0)
    .map((section) => `${section.id}: FAIL, unsound (${section.problems.length} problems above)`)
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line), ...unsound]
}

function loads(values: readonly number[]): string {
  return values.map((value) => value.toFixed(2)).join(' ')
}
