/**
 * report.ts - what the USSD benchmark found and how it is printed: UssdBenchReport, the verdicts
 * against the issue's targets, and formatUssdBenchReport (the lines `npm run bench` prints: the
 * method, both sides' hops per second and latencies, the ratio, the ledger and money checks,
 * PASS/FAIL). Exports UssdBenchReport, UssdBenchVerdict, verdictsOf, formatUssdBenchReport.
 */
import { formatAmount } from '../../core/index.js'
import type { MachineInfo } from '../measure.js'
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

export interface UssdBenchReport {
  readonly machine: MachineInfo
  /** The options it ran with; `dir` is where the database was. */
  readonly options: Omit<UssdBenchOptions, 'progress' | 'dir'> & { readonly dir: string }
  readonly telepay: UssdSideResult
  readonly express: UssdSideResult
  /** telepay's hops per second over the bare express handler's. */
  readonly ratio: number
  /** The length of telepay's whole answer per request shape (from the probe walks): what the baseline answers. */
  readonly answerLengths: Readonly<Record<string, number>>
  readonly money: MoneyCheck
  readonly verdicts: readonly UssdBenchVerdict[]
  /** No lost, refused or wrong answer on either side, and every payment moved its money exactly once. */
  readonly sound: boolean
  /** Sound, and every target met. */
  readonly pass: boolean
}

export function verdictsOf(telepay: UssdSideResult, express: UssdSideResult, ratio: number, sessions: number): UssdBenchVerdict[] {
  const targets = ussdBenchTargets
  const p99Ms = telepay.latency.p99Ms
  const atStated = sessions === targets.sessionsStated ? '' : `; measured at ${sessions} sessions, the target is stated at ${targets.sessionsStated}`
  return [
    {
      name: 'express_ratio', value: ratio, target: targets.expressRatioMin, pass: ratio >= targets.expressRatioMin,
      text: `telepay / bare express hops per second: ${rate(telepay.hopsPerSecond)} / ${rate(express.hopsPerSecond)} = ${ratio.toFixed(3)} (target >= ${targets.expressRatioMin})`,
    },
    {
      name: 'p99_ms', value: p99Ms, target: targets.p99MsMax, pass: p99Ms < targets.p99MsMax,
      text: `telepay hop p99: ${ms(p99Ms)} at ${sessions} concurrent sessions (target < ${targets.p99MsMax} ms at ${targets.sessionsStated}${atStated})`,
    },
  ]
}

export function formatUssdBenchReport(report: UssdBenchReport): string[] {
  const { options, machine, money } = report
  const lengths = Object.entries(report.answerLengths).map(([shape, length]) => `${shape}=${length}`).join(' ')
  const lines = [
    `telepay USSD bench: ${options.sessions} concurrent sessions per side, ${options.subscribers.toLocaleString('en')} subscribers; ${options.seconds} s per side in ${options.slices} alternating slices after ${options.warmupSeconds} s of warm-up each`,
    `method: each session is one subscriber walking *123# -> 2 Pay merchant -> merchant code -> amount -> account -> confirm -> END (6 hops), then the next subscriber dials; ${percent(1 - options.walletShare)} phone bill (1 Confirm, no PIN), ${percent(options.walletShare)} wallet (PIN)`,
    `method: a hop = one POST /ussd (Africa's Talking form) answered within the slice; latency = request written to whole answer read; node:http keep-alive agent, a socket per session`,
    `method: bench PIN hash scrypt N=${options.pinHashCost} (production 16384), at most two at a time; gateway log level warn, SMS channel off, USSD limits as in production`,
    `method: baseline = bare express 5 POST /ussd parsing the same form with express.urlencoded and answering CON and a filler as long as telepay's answer to the same request shape (${lengths}), driven by the same load generator with the same walks`,
    `method: load generator ${options.worker ? 'in a worker thread (its own event loop); gateway and baseline on the main thread' : 'on the main thread beside the gateway and the baseline'}: one Node process`,
    `machine: ${machine.cores} cores, ${machine.cpuModel}, node ${machine.node}, SQLite ${machine.sqlite}; database in ${options.dir}`,
    sideLine(report.telepay),
    sideLine(report.express),
  ]
  for (const side of [report.telepay, report.express]) {
    for (const problem of side.problems) lines.push(`problem ${side.name}: ${problem}`)
  }
  lines.push(`check ledger: ${money.ledgerBalanced ? 'balanced' : 'NOT BALANCED'} (${money.ledgerTransfers.toLocaleString('en')} transfers): ${money.ledgerBalanced ? 'ok' : 'FAILED'}`)
  lines.push(`check money: ${money.paymentsAcked.toLocaleString('en')} payments answered END Paid, ${money.paymentsCompletedInDb.toLocaleString('en')} completed in the database; phone bills moved ${formatAmount(money.phoneBillMovedMinor)} for ${formatAmount(money.phoneBillAckedMinor)} acknowledged, wallets ${formatAmount(money.walletMovedMinor)} for ${formatAmount(money.walletAckedMinor)}; ${money.subscribersMismatched} subscribers off: ${money.exactlyOnce ? 'ok' : 'FAILED'}`)
  for (const verdict of report.verdicts) lines.push(`${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.text}`)
  if (!report.sound) lines.push('FAIL  the run was not sound (see the problems and checks above)')
  return lines
}

function sideLine(side: UssdSideResult): string {
  const walks = Object.entries(side.walksCompleted).map(([kind, count]) => `${kind} ${count.toLocaleString('en')}`).join(', ')
  const byHop = hopKinds.map((kind) => `${kind} ${ms(side.latencyByHop[kind].p50Ms)} / ${ms(side.latencyByHop[kind].p99Ms)}`).join(', ')
  return `  ${side.name}: ${rate(side.hopsPerSecond)} hops/s, p50 ${ms(side.latency.p50Ms)}, p99 ${ms(side.latency.p99Ms)}, max ${ms(side.latency.maxMs)} (${side.hops.toLocaleString('en')} in ${side.elapsedS.toFixed(1)} s; walks completed in all: ${walks}; p50 / p99 by hop: ${byHop})`
}

function rate(value: number): string {
  return Math.round(value).toLocaleString('en')
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`
}
