/**
 * scale-bench.ts - `telepay bench scale`: does telepay scale with the work? Runs the chosen
 * sections of the benchmark in one run, each in a directory of its own under the bench
 * directory, each beside a baseline measured in the same run or held to a bound: section A
 * (scale/group-commit.ts: group commit at 10,000, 100,000 and 1,000,000 subscribers beside raw
 * SQLite, no cliff between sizes) and section D (scale/open-sessions.ts: 100,000 open USSD
 * sessions over HTTP, opened at a flat rate, the hop p99 among them, memory per session). A
 * section that throws is reported failed with its error and the next one still runs. Not part
 * of `telepay bench all`: at full size it takes minutes. Exports runScaleBench and re-exports
 * the scale folder's options, parser and report.
 */
import { mkdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { inBenchDir } from './bench-dir.js'
import { machineInfo } from './measure.js'
import type { ScaleBenchOptions } from './scale/options.js'
import { checkScaleBenchOptions } from './scale/options.js'
import type { ScaleBenchReport, ScaleSectionReport } from './scale/report.js'
import type { ScaleSection } from './scale/sections.js'
import { scaleSections } from './scale/sections.js'

export { parseScaleBenchArgs, scaleBenchUsage } from './scale/args.js'
export type { ScaleBenchOptions } from './scale/options.js'
export { checkScaleBenchOptions, scaleBenchDefaults, scaleBenchSmall } from './scale/options.js'
export type { ScaleBenchReport, ScaleCheck, ScaleSectionReport } from './scale/report.js'
export { formatScaleBenchReport } from './scale/report.js'

/**
 * Runs the sections asked for, in the order; options must pass checkScaleBenchOptions (a
 * bad set is a programmer error).
 */
export async function runScaleBench(options: ScaleBenchOptions): Promise<ScaleBenchReport> {
  const problems = checkScaleBenchOptions(
    options,
    scaleSections.map((section) => section.id),
  )
  if (problems.length > 0) throw new RangeError(`bad scale bench options: ${problems.join('; ')}`)
  return inBenchDir(options, 'scale-run-', (dir) => benchIn(dir, options))
}

async function benchIn(dir: string, options: ScaleBenchOptions): Promise<ScaleBenchReport> {
  const progress = options.progress ?? (() => undefined)
  const started = performance.now()
  const machine = machineInfo()
  const loadBefore = loadavg()
  const chosen = scaleSections.filter((section) => options.sections.includes(section.id))
  progress(
    `bench scale: sections ${chosen.map((section) => section.id).join(', ')}` +
      `${options.small ? ' at the small size' : ''}, in ${dir}`,
  )
  const sections: ScaleSectionReport[] = []
  for (const section of chosen) sections.push(await runSection(section, dir, options, progress))
  const { progress: _progress, ...shown } = options
  return {
    machine,
    loadAverage: { before: loadBefore, after: loadavg() },
    options: { ...shown, dir },
    sections,
    seconds: (performance.now() - started) / 1000,
    pass: sections.every((section) => section.pass),
  }
}

async function runSection(
  section: ScaleSection,
  dir: string,
  options: ScaleBenchOptions,
  progress: (line: string) => void,
): Promise<ScaleSectionReport> {
  const own = join(dir, section.id)
  mkdirSync(own, { recursive: true })
  const started = performance.now()
  try {
    const report = await section.run({ options, dir: own, progress })
    progress(
      `${section.id}: done in ${((performance.now() - started) / 1000).toFixed(0)} s, ` +
        `${report.pass ? 'pass' : 'FAIL'}`,
    )
    return report
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    progress(`${section.id}: failed: ${message}`)
    return {
      id: section.id,
      title: section.name,
      lines: [],
      checks: [],
      problems: [`the section failed: ${message.split('\n')[0] ?? ''}`],
      data: null,
      pass: false,
    }
  }
}
