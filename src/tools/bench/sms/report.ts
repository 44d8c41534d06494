/**
 * report.ts - what the SMS benchmark found and how it is printed: SmsBenchReport, the verdicts
 * against the issue's targets, and formatSmsBenchReport (the lines `npm run bench` prints: the
 * method, both sides' rates and latencies, the ratio, the ledger and money checks, PASS/FAIL).
 * Exports SmsBenchReport, SmsBenchVerdict, verdictsOf, formatSmsBenchReport.
 */
import { formatAmount } from '../../../core/index.js'
import type { MachineInfo } from '../measure.js'
import { ms, percent, rate } from '../measure.js'
import type { SideResult } from './load.js'
import type { MoneyCheck } from './money-check.js'
import type { SmsBenchOptions } from './options.js'
import { smsBenchLimits, smsBenchTargets } from './options.js'

export interface SmsBenchVerdict {
  readonly name: 'commands_per_second' | 'echo_ratio'
  readonly value: number
  readonly target: number
  readonly pass: boolean
  readonly text: string
}

export interface SmsBenchReport {
  readonly machine: MachineInfo
  /** The options it ran with; `dir` is where the database was. */
  readonly options: Omit<SmsBenchOptions, 'progress' | 'dir'> & { readonly dir: string }
  readonly telepay: SideResult
  readonly echo: SideResult
  /** telepay's commands per second over the bare echo's. */
  readonly ratio: number
  readonly money: MoneyCheck
  readonly verdicts: readonly SmsBenchVerdict[]
  /** No lost or wrong reply on either side, and every payment moved its money exactly once. */
  readonly sound: boolean
  /** Sound, and every target met. */
  readonly pass: boolean
}

export function verdictsOf(
  commandsPerSecond: number,
  ratio: number,
  echoPerSecond: number,
): SmsBenchVerdict[] {
  const targets = smsBenchTargets
  return [
    {
      name: 'commands_per_second',
      value: commandsPerSecond,
      target: targets.commandsPerSecondMin,
      pass: commandsPerSecond >= targets.commandsPerSecondMin,
      text:
        `telepay SMS commands with their reply: ${rate(commandsPerSecond)}/s ` +
        `(target >= ${rate(targets.commandsPerSecondMin)}/s)`,
    },
    {
      name: 'echo_ratio',
      value: ratio,
      target: targets.echoRatioMin,
      pass: ratio >= targets.echoRatioMin,
      text:
        `telepay / bare smpp echo: ${rate(commandsPerSecond)} / ${rate(echoPerSecond)} = ` +
        `${ratio.toFixed(3)} (target >= ${targets.echoRatioMin})`,
    },
  ]
}

export function formatSmsBenchReport(report: SmsBenchReport): string[] {
  const { options, machine, money } = report
  const phoneShare = 1 - options.balanceShare - options.walletShare
  const lines = [
    `telepay SMS bench: ${options.binds} ESME binds per side, window ${options.windowMax}, ` +
      `${options.flowsPerBind} subscribers in flight per bind, ` +
      `${options.subscribers.toLocaleString('en')} subscribers; ${options.seconds} s ` +
      `per side in ${options.slices} alternating slices after ` +
      `${options.warmupSeconds} s of warm-up each`,
    `method: flows ${percent(options.balanceShare)} BAL, ${percent(phoneShare)} PAY ` +
      `<merchant> <amount> P then YES (phone bill, SIM-authorized, no PIN), ` +
      `${percent(options.walletShare)} PAY ... W then YES <PIN> (wallet)`,
    `method: a command = one MO whose reply arrived within the slice; latency = MO submit ` +
      `to reply received; every MO carries its own user_message_reference`,
    `method: bench PIN hash scrypt N=${options.pinHashCost} (production 16384); ` +
      `gateway log level warn; SMSC simulator rate limit per bind raised to ` +
      `${rate(smsBenchLimits.inboundRatePerSecond)} msg/s (default 1,000) ` +
      `and its deliver_sm window to ${options.windowMax}`,
    `method: baseline = npm smpp 0.5.1 Server answering submit_sm_resp then a deliver_sm ` +
      `echo, driven by the same ESMEs with the same flows; load generator, ` +
      `gateway and echo server share one Node process`,
    `machine: ${machine.cores} cores, ${machine.cpuModel}, node ${machine.node}, ` +
      `SQLite ${machine.sqlite}; database in ${options.dir}`,
    sideLine(report.telepay),
    sideLine(report.echo),
  ]
  for (const side of [report.telepay, report.echo]) {
    for (const problem of side.problems) lines.push(`problem ${side.name}: ${problem}`)
  }
  lines.push(
    `check ledger: ${money.ledgerBalanced ? 'balanced' : 'NOT BALANCED'} ` +
      `(${money.ledgerTransfers.toLocaleString('en')} transfers): ` +
      `${money.ledgerBalanced ? 'ok' : 'FAILED'}`,
  )
  lines.push(
    `check money: ${money.paymentsAcked.toLocaleString('en')} payments acknowledged, ` +
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

function sideLine(side: SideResult): string {
  const flows = Object.entries(side.flowsCompleted)
    .map(([kind, count]) => `${kind} ${count.toLocaleString('en')}`)
    .join(', ')
  return (
    `  ${side.name}: ${rate(side.commandsPerSecond)} commands/s, ` +
    `p50 ${ms(side.latency.p50Ms)}, p99 ${ms(side.latency.p99Ms)}, ` +
    `max ${ms(side.latency.maxMs)} (${side.commands.toLocaleString('en')} in ` +
    `${side.elapsedS.toFixed(1)} s; flows completed in all: ${flows})`
  )
}
