/**
 * startup-bench.ts - `telepay bench startup`: how long `telepay start` takes to answer /healthz
 * and how much memory it holds at idle, from the compiled code of dist/ and from the sources
 * through tsx's loader, beside a bare node:http server started the same way (a child process,
 * free ports; the gateway on a fresh data directory it loads the default world into). The
 * sides take turns, run after run; the report gives each side's medians, the ratios, and
 * PASS/FAIL for the compiled gateway against the targets. A dist/ older than the sources is built
 * first. Exports runStartupBench, formatStartupBenchReport, parseStartupBenchArgs,
 * startupBenchUsage, startupBenchTargets, StartupBenchReport and StartupSideResult.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repositoryPath } from '../../gateway/repository-path.js'
import type { ParsedBenchArgs } from './bench-args.js'
import { parseBenchOptions } from './bench-args.js'
import type { MachineInfo } from './measure.js'
import { machineInfo } from './measure.js'
import type { StartupSample, StartupSide } from './startup/launch.js'
import { launchOnce } from './startup/launch.js'

export const startupBenchTargets = {
  /** Spawn to the first 200 of /healthz, compiled, median. */
  readyMsMax: 500,
  /** VmRSS after the idle wait, compiled, median. */
  rssMiBMax: 100,
} as const

export interface StartupBenchOptions {
  readonly runs: number
  readonly idleSeconds: number
  readonly dir: string | null
}

const defaults: StartupBenchOptions = { runs: 5, idleSeconds: 1, dir: null }

// A backslash that ends a line of the text below continues that line: the usage prints as written
// on one line, the source stays within 100 columns.
export const startupBenchUsage = `usage: telepay bench startup [--runs N] [--idle-seconds S] \
[--dir PATH] [--json]
  --runs N          starts of each side: compiled, tsx, bare node (default ${defaults.runs})
  --idle-seconds S  idle time after ready before the memory is read (default \
${defaults.idleSeconds})
  --dir PATH        where the fresh data directories go (default: a new directory under \
./data/bench)
  --json            also print the report as JSON`

export function parseStartupBenchArgs(
  args: readonly string[],
): ParsedBenchArgs<StartupBenchOptions> {
  return parseBenchOptions(args, {
    defaults,
    numeric: { '--runs': 'runs', '--idle-seconds': 'idleSeconds' },
    flags: {},
    usage: startupBenchUsage,
    check: (options) => [
      ...(Number.isInteger(options.runs) && options.runs >= 1 && options.runs <= 100
        ? []
        : ['--runs must be a whole number from 1 to 100']),
      ...(options.idleSeconds >= 0 && options.idleSeconds <= 60
        ? []
        : ['--idle-seconds must be from 0 to 60']),
    ],
  })
}

export interface StartupSideResult {
  readonly name: string
  readonly label: string
  readonly samples: readonly StartupSample[]
  readonly readyMs: number
  readonly rssMiB: number
  readonly cpuMs: number
}

export interface StartupVerdict {
  readonly name: 'ready_ms' | 'rss_mib'
  readonly value: number
  readonly target: number
  readonly pass: boolean
  readonly text: string
}

export interface StartupBenchReport {
  readonly machine: MachineInfo
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] }
  readonly options: StartupBenchOptions
  /** Whether dist/ had to be built first, and how long that took. */
  readonly buildMs: number | null
  readonly compiled: StartupSideResult
  readonly sources: StartupSideResult
  readonly bare: StartupSideResult
  readonly verdicts: readonly StartupVerdict[]
  readonly pass: boolean
}

/** The environment of this process without TELEPAY_* settings, which would change the start. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('TELEPAY_')) env[key] = value
  return { ...env, ...extra }
}

function gatewaySide(name: string, label: string, code: 'compiled' | 'sources'): StartupSide {
  const bin = repositoryPath('bin/telepay.js')
  return {
    name,
    label,
    env: cleanEnv({ TELEPAY_CODE: code }),
    args: (ports, dir) => [
      bin,
      'start',
      '--port',
      String(ports.http),
      '--smpp-port',
      String(ports.smpp),
      '--pos-port',
      '0',
      '--data-dir',
      dir,
    ],
  }
}

const sides: readonly StartupSide[] = [
  gatewaySide('compiled', 'node bin/telepay.js start, compiled (dist/)', 'compiled'),
  gatewaySide('tsx', 'node bin/telepay.js start, sources through tsx', 'sources'),
  {
    name: 'bare',
    label: 'node bare-healthz.mjs, a bare node:http server',
    env: cleanEnv({}),
    args: (ports) => [repositoryPath('src/tools/bench/startup/bare-healthz.mjs'), `${ports.http}`],
  },
]

/** Builds dist/ when it is missing or older than the sources; the time it took, or null. */
async function buildIfStale(progress: (line: string) => void): Promise<number | null> {
  const state = (await import(pathToFileURL(repositoryPath('bin/build-state.js')).href)) as {
    isBuildFresh(): boolean
  }
  if (state.isBuildFresh()) return null
  progress('startup: dist/ is missing or older than the sources: building it (npm run build)')
  const started = performance.now()
  const build = spawnSync(process.execPath, [repositoryPath('bin/build.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })
  if (build.status !== 0 || !state.isBuildFresh())
    throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`)
  return performance.now() - started
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

function resultOf(side: StartupSide, samples: readonly StartupSample[]): StartupSideResult {
  return {
    name: side.name,
    label: side.label,
    samples,
    readyMs: median(samples.map((sample) => sample.readyMs)),
    rssMiB: median(samples.map((sample) => sample.rssBytes / 2 ** 20)),
    cpuMs: median(samples.map((sample) => sample.cpuMs)),
  }
}

export async function runStartupBench(
  options: StartupBenchOptions,
  progress: (line: string) => void,
): Promise<StartupBenchReport> {
  const before = loadavg()
  const buildMs = await buildIfStale(progress)
  const parent = options.dir === null ? resolve('data', 'bench') : resolve(options.dir)
  mkdirSync(parent, { recursive: true })
  const root = mkdtempSync(join(parent, 'startup-'))
  const samples = new Map<string, StartupSample[]>(sides.map((side) => [side.name, []]))
  try {
    // The sides take turns so that a busy moment of a shared machine falls on all of them.
    for (let run = 1; run <= options.runs; run += 1) {
      for (const side of sides) {
        const dir = join(root, `${side.name}-${run}`)
        mkdirSync(dir)
        const sample = await launchOnce(side, dir, options.idleSeconds * 1000)
        samples.get(side.name)?.push(sample)
        rmSync(dir, { recursive: true, force: true })
        progress(
          `startup: run ${run}/${options.runs} ${side.name}: ready ${seconds(sample.readyMs)}, ` +
            `${mib(sample.rssBytes / 2 ** 20)} idle`,
        )
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  const [compiled, sources, bare] = sides.map((side) =>
    resultOf(side, samples.get(side.name) ?? []),
  ) as [StartupSideResult, StartupSideResult, StartupSideResult]
  const verdicts = verdictsOf(compiled, options.runs)
  return {
    machine: machineInfo(),
    loadAverage: { before, after: loadavg() },
    options,
    buildMs,
    compiled,
    sources,
    bare,
    verdicts,
    pass: verdicts.every((verdict) => verdict.pass),
  }
}

function verdictsOf(compiled: StartupSideResult, runs: number): StartupVerdict[] {
  const { readyMsMax, rssMiBMax } = startupBenchTargets
  return [
    {
      name: 'ready_ms',
      value: compiled.readyMs,
      target: readyMsMax,
      pass: compiled.readyMs < readyMsMax,
      text:
        `compiled start-up to a ready /healthz: ${seconds(compiled.readyMs)}, median of ` +
        `${runs} (target < ${seconds(readyMsMax)})`,
    },
    {
      name: 'rss_mib',
      value: compiled.rssMiB,
      target: rssMiBMax,
      pass: compiled.rssMiB < rssMiBMax,
      text:
        `compiled idle resident memory: ${mib(compiled.rssMiB)}, median of ${runs} ` +
        `(target < ${mib(rssMiBMax)})`,
    },
  ]
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`
const mib = (value: number): string => `${value.toFixed(1)} MiB`
const times = (a: number, b: number): string => `x${(a / b).toFixed(2)}`

function sideLine(side: StartupSideResult): string {
  const ready = side.samples.map((sample) => sample.readyMs)
  const rss = side.samples.map((sample) => sample.rssBytes / 2 ** 20)
  return (
    `${side.name.padEnd(8)} ready ${seconds(side.readyMs)} ` +
    `(${seconds(Math.min(...ready))}-${seconds(Math.max(...ready))}), ` +
    `idle ${mib(side.rssMiB)} (${mib(Math.min(...rss))}-${mib(Math.max(...rss))}), ` +
    `cpu to ready ${seconds(side.cpuMs)}: ${side.label}`
  )
}

export function formatStartupBenchReport(report: StartupBenchReport): string[] {
  const { options, machine, compiled, sources, bare } = report
  const load = (values: readonly number[]): string =>
    values.map((value) => value.toFixed(2)).join(' ')
  return [
    `telepay start-up bench: ${options.runs} starts per side, the sides in turn ` +
      `(compiled, tsx, bare); each a child process of node on free ports, the gateway on a ` +
      'fresh data directory it loads the default world into',
    'method: ready = from the spawn to the first 200 of GET /healthz (polled every 5 ms); ' +
      `idle = VmRSS of /proc/<pid>/status ${options.idleSeconds} s after ready; cpu = the ` +
      "process's user + system time until ready; figures are medians (min-max)",
    `machine: ${machine.cores} cores, ${machine.cpuModel}, node ${machine.node}; load average ` +
      `(1/5/15 min) ${load(report.loadAverage.before)} at the start, ` +
      `${load(report.loadAverage.after)} at the end` +
      (report.buildMs === null ? '' : `; dist/ built first in ${seconds(report.buildMs)}`),
    sideLine(compiled),
    sideLine(sources),
    sideLine(bare),
    `compiled / bare: ready ${times(compiled.readyMs, bare.readyMs)}, ` +
      `idle memory ${times(compiled.rssMiB, bare.rssMiB)}; ` +
      `tsx / compiled: ready ${times(sources.readyMs, compiled.readyMs)}, ` +
      `idle memory ${times(sources.rssMiB, compiled.rssMiB)}`,
    ...report.verdicts.map((verdict) => `${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.text}`),
  ]
}
