/**
 * bench-cli.ts - `telepay bench [ledger|sms|ussd|handset|console|startup|onsite|clearing|pos|
 * storage|scale|all] [options]`
 * (what `npm run bench` runs: all). Each benchmark prints its figures beside a baseline measured
 * in the same run and exits 1 when a target is missed; `all` runs ledger, sms, ussd, handset,
 * console, startup, onsite, clearing and pos one after the other, each in a process of its own, and
 * fails when any failed (not scale: at the sizes it takes minutes; CI runs `bench scale
 * --small`). `storage` measures the database's bytes per payment,
 * has no target and runs by name only. Options after the name go to that benchmark (`telepay
 * bench sms --help`).
 */

import { spawn } from 'node:child_process'
import {
  clearingBenchUsage,
  formatClearingBenchReport,
  parseClearingBenchArgs,
  runClearingBench,
} from './clearing-bench.js'
import {
  consoleBenchUsage,
  formatConsoleBenchReport,
  parseConsoleBenchArgs,
  runConsoleBench,
} from './console-bench.js'
import { handsetBenchUsage, parseHandsetBenchArgs } from './handset/args.js'
import { formatHandsetBenchReport, runHandsetBench } from './handset-bench.js'
import {
  formatOnsiteBenchReport,
  onsiteBenchUsage,
  parseOnsiteBenchArgs,
  runOnsiteBench,
} from './onsite-bench.js'
import { formatPosBenchReport, parsePosBenchArgs, posBenchUsage, runPosBench } from './pos-bench.js'
import { runBench } from './run-bench.js'
import { formatScaleBenchReport, parseScaleBenchArgs, runScaleBench } from './scale-bench.js'
import { parseSmsBenchArgs, smsBenchUsage } from './sms/args.js'
import { formatSmsBenchReport, runSmsBench } from './sms-bench.js'
import {
  formatStartupBenchReport,
  parseStartupBenchArgs,
  runStartupBench,
  startupBenchUsage,
} from './startup-bench.js'
import {
  formatStorageReport,
  parseStorageBenchArgs,
  runStorageBench,
  storageBenchUsage,
} from './storage-bench.js'
import { parseUssdBenchArgs, ussdBenchUsage } from './ussd/args.js'
import { formatUssdBenchReport, runUssdBench } from './ussd-bench.js'

const benches = [
  'ledger',
  'sms',
  'ussd',
  'handset',
  'console',
  'startup',
  'onsite',
  'clearing',
  'pos',
  'storage',
  'scale',
] as const

const jsonOf = (report: unknown): string =>
  JSON.stringify(
    report,
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  )

async function runSms(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${smsBenchUsage}\n`)
    return 0
  }
  const parsed = parseSmsBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runSmsBench({
    ...parsed.options,
    progress: (line) => process.stderr.write(`${line}\n`),
  })
  process.stdout.write(`${formatSmsBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

async function runUssd(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${ussdBenchUsage}\n`)
    return 0
  }
  const parsed = parseUssdBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runUssdBench({
    ...parsed.options,
    progress: (line) => process.stderr.write(`${line}\n`),
  })
  process.stdout.write(`${formatUssdBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

async function runHandset(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${handsetBenchUsage}\n`)
    return 0
  }
  const parsed = parseHandsetBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runHandsetBench({
    ...parsed.options,
    progress: (line) => process.stderr.write(`${line}\n`),
  })
  process.stdout.write(`${formatHandsetBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

async function runConsole(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${consoleBenchUsage}\n`)
    return 0
  }
  const parsed = parseConsoleBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runConsoleBench({
    ...parsed.options,
    progress: (line) => process.stderr.write(`${line}\n`),
  })
  process.stdout.write(`${formatConsoleBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

async function runStartup(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${startupBenchUsage}\n`)
    return 0
  }
  const parsed = parseStartupBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runStartupBench(parsed.options, (line) => process.stderr.write(`${line}\n`))
  process.stdout.write(`${formatStartupBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

/** A measurement without targets: it is run by name, never by `all`. */
async function runStorage(args: readonly string[]): Promise<number> {
  if (args.includes('--help')) {
    process.stdout.write(`${storageBenchUsage}\n`)
    return 0
  }
  const parsed = parseStorageBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runStorageBench(parsed.options, (line) => process.stderr.write(`${line}\n`))
  process.stdout.write(`${formatStorageReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  const problems = report.unpruned.problems.length + report.pruned.problems.length
  return problems === 0 ? 0 : 1
}

async function runScale(args: readonly string[]): Promise<number> {
  const parsed = parseScaleBenchArgs(args)
  if (!parsed.ok) {
    // The usage asked for is an answer; the usage after a wrong option is an error.
    const help = args.includes('--help') || args.includes('-h')
    ;(help ? process.stdout : process.stderr).write(`${parsed.error}\n`)
    return help ? 0 : 2
  }
  const report = await runScaleBench({
    ...parsed.options,
    progress: (line) => process.stderr.write(`${line}\n`),
  })
  process.stdout.write(`${formatScaleBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

async function runClearing(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${clearingBenchUsage}\n`)
    return 0
  }
  const parsed = parseClearingBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runClearingBench(parsed.options, (line) => process.stderr.write(`${line}\n`))
  process.stdout.write(`${formatClearingBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

async function runPos(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${posBenchUsage}\n`)
    return 0
  }
  const parsed = parsePosBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runPosBench(parsed.options, (line) => process.stderr.write(`${line}\n`))
  process.stdout.write(`${formatPosBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

async function runOnsite(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${onsiteBenchUsage}\n`)
    return 0
  }
  const parsed = parseOnsiteBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runOnsiteBench(parsed.options, (line) => process.stderr.write(`${line}\n`))
  process.stdout.write(`${formatOnsiteBenchReport(report).join('\n')}\n`)
  if (parsed.json) process.stdout.write(`${jsonOf(report)}\n`)
  return report.pass ? 0 : 1
}

export async function runBenchCommand(args: string[]): Promise<number> {
  const [first, ...rest] = args
  if (first === 'ledger') return runBench(rest)
  if (first === 'onsite') return runOnsite(rest)
  if (first === 'clearing') return runClearing(rest)
  if (first === 'pos') return runPos(rest)
  if (first === 'storage') return runStorage(rest)
  if (first === 'sms') return runSms(rest)
  if (first === 'ussd') return runUssd(rest)
  if (first === 'handset') return runHandset(rest)
  if (first === 'console') return runConsole(rest)
  if (first === 'startup') return runStartup(rest)
  if (first === 'scale') return runScale(rest)
  if (first !== undefined && first !== 'all' && !first.startsWith('--')) {
    process.stderr.write(
      `telepay bench: unknown benchmark "${first}"; choose ${benches.join(', ')} or all\n`,
    )
    return 2
  }
  if (first === 'all' && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(
      'usage: telepay bench all: ledger, sms, ussd, handset, console, startup, onsite, ' +
        'clearing and pos one after the other, each with its defaults (no options; scale is ' +
        'not in it)\n',
    )
    return 0
  }
  // `all` takes no per-benchmark options: each runs with its defaults.
  const options = first === 'all' ? rest : args
  if (options.length > 0) {
    process.stderr.write(
      'telepay bench: options go after a benchmark name, e.g. telepay bench ledger --seconds 4\n',
    )
    return 2
  }
  let worst = 0
  for (const name of allBenchmarks) {
    process.stderr.write(`\n=== ${name} benchmark ===\n`)
    worst = Math.max(worst, await runApart(name))
  }
  return worst
}

/** What `telepay bench all` runs, in this order: all but the two long measurements. */
const allBenchmarks = benches.filter((name) => name !== 'storage' && name !== 'scale')

/**
 * One benchmark in a process of its own, as `telepay bench <name>` would run it. Why: run one
 * after another in one process, each inherited the heap, the caches and the timers the ones
 * before it left, and a figure of `all` was not the figure of the benchmark alone (the clearing
 * of a million records took 129.5 s there, 111.3 s alone, the same day).
 */
function runApart(name: string): Promise<number> {
  const entry = process.argv[1]
  if (entry === undefined) return Promise.resolve(2)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, entry, 'bench', name], {
      stdio: 'inherit',
    })
    child.on('error', () => resolve(2))
    child.on('exit', (code, signal) => resolve(signal === null ? (code ?? 2) : 2))
  })
}
