/**
 * report.ts - what the USSD benchmark found and how it is printed: UssdBenchReport, the verdicts
 * against the issue's targets (the hops-per-second ratio from the closed loop, the p99 from
 * sessions with think time), and formatUssdBenchReport (the lines `npm run bench` prints: the
 * two methods, both sides' hops per second and latencies in each, the ratio, the load averages,
 * the ledger and money checks, PASS/FAIL). Exports UssdBenchReport, UssdBenchVerdict,
 * UssdMeasurement, verdictsOf, formatUssdBenchReport.
 */
import { formatAmount } from '../../../core/index.js'
import type { MachineInfo } from '../measure.js'
import { ms, percent, rate } from '../measure.js'
import type { MoneyCheck } from '../sms/money-check.js'
import type { UssdSideResult } from './load.js'
import { hopKinds } from './load.js'
import type { UssdBenchOptions } from './options.js'
import { ussdBenchTargets } from './options.js'

export interface UssdBenchVerdict {
  readonly name: 'express_ratio' | 'p99_ms'
  readonly value: number
  readonly target: number
  readonly pass: boolean
  readonly text: string
}

/** Both sides of one way of loading them. */
export interface UssdMeasurement {
  readonly telepay: UssdSideResult
  readonly express: UssdSideResult
}

export interface UssdBenchReport {
  readonly machine: MachineInfo
  /** os.loadavg() (1, 5, 15 minutes) as the run started and as it ended: the machine is shared. */
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] }
  /** The options it ran with; `dir` is where the database was. */
  readonly options: Omit<UssdBenchOptions, 'progress' | 'dir'> & { readonly dir: string }
  /** Closed loop: `sessions` requests always in flight; hops per second and the ratio. */
  readonly telepay: UssdSideResult
  readonly express: UssdSideResult
  /** telepay's hops per second over the bare express handler's, closed loop. */
  readonly ratio: number
  /** Sessions of users who think between hops: the latency a user sees. */
  readonly thinking: UssdMeasurement
  /**
   * The length of telepay's whole answer per request shape (from the probe walks): what the
   * baseline answers.
   */
  readonly answerLengths: Readonly<Record<string, number>>
  readonly money: MoneyCheck
  readonly verdicts: readonly UssdBenchVerdict[]
  /**
   * No lost, refused or wrong answer on either side in either measurement, and every payment moved
   * its money exactly once.
   */
  readonly sound: boolean
  /** Sound, and every target met. */
  readonly pass: boolean
}

export function verdictsOf(
  closed: UssdMeasurement,
  ratio: number,
  thinking: UssdMeasurement,
  options: Pick<UssdBenchOptions, 'sessions' | 'thinkMs'>,
): UssdBenchVerdict[] {
  const targets = ussdBenchTargets
  const p99Ms = thinking.telepay.latency.p99Ms
  const { sessions } = options
  const atStated =
    sessions === targets.sessionsStated
      ? ''
      : `; measured at ${sessions} sessions, the target is stated at ${targets.sessionsStated}`
  return [
    {
      name: 'express_ratio',
      value: ratio,
      target: targets.expressRatioMin,
      pass: ratio >= targets.expressRatioMin,
      text:
        `telepay / bare express hops per second, closed loop of ${sessions} sessions: ` +
        `${rate(closed.telepay.hopsPerSecond)} / ${rate(closed.express.hopsPerSecond)} = ` +
        `${ratio.toFixed(3)} (target >= ${targets.expressRatioMin})`,
    },
    {
      // NaN (nothing measured) fails: a comparison with NaN is false.
      name: 'p99_ms',
      value: p99Ms,
      target: targets.p99MsMax,
      pass: p99Ms < targets.p99MsMax,
      text:
        `telepay hop p99 with think time: ${ms(p99Ms)} at ${sessions} sessions thinking ` +
        `${thinkText(options.thinkMs)} before each hop (target < ${targets.p99MsMax} ms ` +
        `at ${targets.sessionsStated} sessions${atStated})`,
    },
  ]
}

export function formatUssdBenchReport(report: UssdBenchReport): string[] {
  const { options, machine, money, thinking } = report
  const lengths = Object.entries(report.answerLengths)
    .map(([shape, length]) => `${shape}=${length}`)
    .join(' ')
  const generatorPlace = options.worker
    ? 'in a worker thread (its own event loop); gateway and baseline on the main thread'
    : 'on the main thread beside the gateway and the baseline'
  const lines = [
    `telepay USSD bench: ${options.sessions} sessions per side, ` +
      `${options.subscribers.toLocaleString('en')} subscribers; ` +
      `closed loop ${options.seconds} s per side in ${options.slices} alternating ` +
      `slices after ${options.warmupSeconds} s of warm-up each, ` +
      `then think time ${options.thinkSeconds} s per side in ` +
      `${options.slices} alternating slices`,
    `method: each session is one subscriber walking *123# -> 2 Pay merchant -> merchant ` +
      `code -> amount -> account -> confirm -> END (6 hops), then the next subscriber ` +
      `dials; ${percent(1 - options.walletShare)} phone bill (1 Confirm, no PIN), ` +
      `${percent(options.walletShare)} wallet (PIN)`,
    `method: a hop = one POST /ussd (Africa's Talking form); latency = request written to ` +
      `whole answer read; node:http keep-alive agent, a socket per session`,
    `method: closed loop (hops/s, the ratio): each session sends its next hop the moment ` +
      `the last is answered, so ${options.sessions} requests are always in flight and ` +
      `latency = sessions / hops per second (Little's law): its latency prices ` +
      `saturation, not a user's wait; hops answered within a slice count`,
    `method: think time (p99): each of the ${options.sessions} sessions' users waits ` +
      `${thinkText(options.thinkMs)} (uniform, seeded) before each hop, ` +
      `the dial included, as people read and type between screens; hops sent within a ` +
      `slice count, however late answered; a walk under way at a slice's end ` +
      `pauses before its next hop and goes on in that side's next slice`,
    `method: bench PIN hash scrypt N=${options.pinHashCost} (production 16384), ` +
      `at most two at a time; gateway log level warn, SMS channel off, ` +
      `USSD limits as in production`,
    `method: baseline = bare express 5 POST /ussd parsing the same form with ` +
      `express.urlencoded and answering CON and a filler as long as telepay's answer to ` +
      `the same request shape (${lengths}), driven by the same load generator with ` +
      `the same walks`,
    `method: load generator ${generatorPlace}: one Node process`,
    `machine: ${machine.cores} cores, ${machine.cpuModel}, node ${machine.node}, ` +
      `SQLite ${machine.sqlite}; load average (1/5/15 min) ` +
      `${loadText(report.loadAverage.before)} at the start, ` +
      `${loadText(report.loadAverage.after)} at the end; database in ${options.dir}`,
    sideLine('closed loop', report.telepay),
    sideLine('closed loop', report.express),
    sideLine('think time', thinking.telepay),
    sideLine('think time', thinking.express),
  ]
  for (const [way, side] of [
    ['closed loop', report.telepay],
    ['closed loop', report.express],
    ['think time', thinking.telepay],
    ['think time', thinking.express],
  ] as const) {
    for (const problem of side.problems) lines.push(`problem ${way} ${side.name}: ${problem}`)
  }
  lines.push(
    `check ledger: ${money.ledgerBalanced ? 'balanced' : 'NOT BALANCED'} ` +
      `(${money.ledgerTransfers.toLocaleString('en')} transfers): ` +
      `${money.ledgerBalanced ? 'ok' : 'FAILED'}`,
  )
  lines.push(
    `check money: ${money.paymentsAcked.toLocaleString('en')} payments answered END Paid, ` +
      `${money.paymentsCompletedInDb.toLocaleString('en')} completed in the database; ` +
      `phone bills moved ${formatAmount(money.phoneBillMovedMinor)} for ` +
      `${formatAmount(money.phoneBillAckedMinor)} acknowledged, ` +
      `wallets ${formatAmount(money.walletMovedMinor)} for ` +
      `${formatAmount(money.walletAckedMinor)}; ` +
      `${money.subscribersMismatched} subscribers off: ` +
      `${money.exactlyOnce ? 'ok' : 'FAILED'}`,
  )
  for (const verdict of report.verdicts)
    lines.push(`${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.text}`)
  if (!report.sound) lines.push('FAIL  the run was not sound (see the problems and checks above)')
  return lines
}

function sideLine(way: string, side: UssdSideResult): string {
  const walks = Object.entries(side.walksCompleted)
    .map(([kind, count]) => `${kind} ${count.toLocaleString('en')}`)
    .join(', ')
  const underWay =
    side.walksUnderWay > 0
      ? `, ${side.walksUnderWay.toLocaleString('en')} under way at the end`
      : ''
  const byHop = hopKinds
    .map(
      (kind) =>
        `${kind} ${ms(side.latencyByHop[kind].p50Ms)} / ${ms(side.latencyByHop[kind].p99Ms)}`,
    )
    .join(', ')
  // Little's law: requests in flight on average = arrival rate x time in the system.
  const inFlight = (side.hopsPerSecond * side.meanLatencyMs) / 1_000
  return (
    `  ${way} ${side.name}: ${rate(side.hopsPerSecond)} hops/s, ` +
    `p50 ${ms(side.latency.p50Ms)}, p99 ${ms(side.latency.p99Ms)}, ` +
    `max ${ms(side.latency.maxMs)}, ${inFlight.toFixed(1)} requests in flight on ` +
    `average (${side.hops.toLocaleString('en')} in ${side.elapsedS.toFixed(1)} s; ` +
    `walks completed in all: ${walks}${underWay}; p50 / p99 by hop: ${byHop})`
  )
}

function thinkText(thinkMs: number): string {
  return `${thinkMs.toLocaleString('en')} ms +-50%`
}

function loadText(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(' ')
}
