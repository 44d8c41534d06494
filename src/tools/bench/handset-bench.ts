/**
 * handset-bench.ts - the latency a person feels on a web handset (issue 16): from pressing send
 * to the reply on the handset, with 50 handsets open, each a person sending BAL and reading the
 * reply with a pause between. Beside it in the same run, the same MOs from SMPP phones, each an
 * ESME bind of its own as `telepay sms` makes (the baseline: the simulator's own way in). The
 * sides alternate in slices on one gateway; each side's phones are numbers of their own. What is
 * measured ends where the page's script gets the event: the browser's drawing is not in it.
 * Exports runHandsetBench, formatHandsetBenchReport, HandsetBenchReport and the options' parts.
 */
import { inBenchDir } from './bench-dir.js'
import { benchMsisdn } from './bench-world.js'
import type { HandsetBenchOptions } from './handset/options.js'
import { checkHandsetBenchOptions, handsetBenchTargets } from './handset/options.js'
import type { BenchPhone } from './handset/phones.js'
import { openSmppPhone, openWebHandset } from './handset/phones.js'
import type { LatencySummary, MachineInfo } from './measure.js'
import { machineInfo, ms, rate, Samples, summarizeLatency } from './measure.js'
import { startSmsBenchGateway } from './sms/bench-gateway.js'

export { handsetBenchUsage, parseHandsetBenchArgs } from './handset/args.js'
export type { HandsetBenchOptions } from './handset/options.js'
export { checkHandsetBenchOptions, handsetBenchDefaults } from './handset/options.js'

export interface HandsetSide {
  readonly name: 'handsets' | 'smpp'
  readonly label: string
  readonly replies: number
  readonly lost: number
  readonly perSecond: number
  readonly latency: LatencySummary
}

export interface HandsetBenchReport {
  readonly options: Omit<HandsetBenchOptions, 'progress'>
  readonly machine: MachineInfo
  readonly handsets: HandsetSide
  readonly smpp: HandsetSide
  readonly pass: boolean
}

export async function runHandsetBench(options: HandsetBenchOptions): Promise<HandsetBenchReport> {
  const problems = checkHandsetBenchOptions(options)
  if (problems.length > 0) throw new RangeError(`bad handset bench options: ${problems.join('; ')}`)
  return inBenchDir(options, 'handset-run-', (dir) => benchIn(dir, options))
}

/** A side's phones and what they measured. */
interface Side {
  readonly name: HandsetSide['name']
  readonly label: string
  readonly phones: readonly BenchPhone[]
  readonly samples: Samples
  lost: number
  measuredMs: number
}

async function benchIn(dir: string, options: HandsetBenchOptions): Promise<HandsetBenchReport> {
  const progress = options.progress ?? (() => undefined)
  const machine = machineInfo()
  const gateway = await startSmsBenchGateway(dir, {
    subscribers: options.handsets * 2,
    pinHashCost: options.pinHashCost,
    windowMax: 10,
    flowsPerBind: 1,
  })
  const sides: Side[] = []
  try {
    const smpp = gateway.smpp
    if (smpp === null) throw new Error('the gateway started without its SMSC simulator')
    const count = options.handsets
    progress(`handset bench: opening ${count} web handsets and ${count} SMPP phones`)
    const web = await Promise.all(
      Array.from({ length: count }, (_, index) => openWebHandset(gateway.url, benchMsisdn(index))),
    )
    sides.push(newSide('handsets', `${count} web handsets: POST /sim/mo, reply on the stream`, web))
    const account = {
      systemId: gateway.config.smpp.systemId,
      password: gateway.config.smpp.password,
    }
    const binds = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        openSmppPhone(smpp, account, benchMsisdn(count + index)),
      ),
    )
    sides.push(newSide('smpp', `${count} SMPP phones, a bind each (as telepay sms)`, binds))
    for (const side of sides) {
      progress(`handset bench: warming up ${side.name} for ${options.warmupSeconds} s`)
      await drive(side, options.warmupSeconds * 1_000, options.thinkMs, false)
    }
    const sliceMs = (options.seconds * 1_000) / options.slices
    for (let slice = 0; slice < options.slices; slice += 1) {
      // A B, then B A: drift during the run falls on both sides alike.
      const order = slice % 2 === 0 ? sides : [...sides].reverse()
      for (const side of order) await drive(side, sliceMs, options.thinkMs, true)
      progress(`handset bench: slice ${slice + 1}/${options.slices} done`)
    }
  } finally {
    for (const side of sides) await Promise.all(side.phones.map((phone) => phone.close()))
    await gateway.close()
  }
  const [web, smpp] = sides.map(sideReport)
  if (web === undefined || smpp === undefined) throw new Error('a side did not run')
  const { progress: _progress, ...shown } = options
  return {
    options: shown,
    machine,
    handsets: web,
    smpp,
    pass: web.lost === 0 && web.latency.p99Ms < handsetBenchTargets.p99Ms,
  }
}

function newSide(name: Side['name'], label: string, phones: readonly BenchPhone[]): Side {
  return { name, label, phones, samples: new Samples(), lost: 0, measuredMs: 0 }
}

/** Every phone of the side in its loop for `durationMs`: send, wait for the reply, think. */
async function drive(side: Side, durationMs: number, thinkMs: number, measure: boolean) {
  const startedMs = performance.now()
  const endMs = startedMs + durationMs
  const person = async (phone: BenchPhone, index: number): Promise<void> => {
    // Staggered starts, as people do not press send in step.
    await sleep((index / side.phones.length) * thinkMs)
    while (performance.now() < endMs) {
      const tookMs = await phone.roundTrip()
      if (measure) {
        if (tookMs === null) side.lost += 1
        else side.samples.push(tookMs)
      }
      await sleep(thinkMs * (0.5 + Math.random()))
    }
  }
  await Promise.all(side.phones.map(person))
  if (measure) side.measuredMs += performance.now() - startedMs
}

function sideReport(side: Side): HandsetSide {
  const samples = side.samples.toArray()
  return {
    name: side.name,
    label: side.label,
    replies: samples.length,
    lost: side.lost,
    perSecond: side.measuredMs === 0 ? 0 : samples.length / (side.measuredMs / 1_000),
    latency: summarizeLatency(samples),
  }
}

function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, delayMs))
}

export function formatHandsetBenchReport(report: HandsetBenchReport): string[] {
  const { options, machine } = report
  const line = (side: HandsetSide): string =>
    `${side.name.padEnd(8)} p50 ${ms(side.latency.p50Ms)}, p99 ${ms(side.latency.p99Ms)}, max ` +
    `${ms(side.latency.maxMs)}; ${rate(side.perSecond)} replies/s, ${side.replies} replies, ` +
    `${side.lost} lost: ${side.label}`
  const ratio = report.handsets.latency.p99Ms / report.smpp.latency.p99Ms
  return [
    `telepay handset bench: ${options.handsets} phones a side send BAL and wait for the reply, ` +
      `thinking ${options.thinkMs} ms (±50 %) between; ${options.seconds} s a side in ` +
      `${options.slices} alternating slices after ${options.warmupSeconds} s of warm-up`,
    "method: from the send to the reply in the phone's hands: for a web handset the MT event on " +
      "its live stream (where the page's script draws it), for an SMPP phone its deliver_sm",
    `machine: ${machine.cores} cores, ${machine.cpuModel}, node ${machine.node}`,
    line(report.handsets),
    line(report.smpp),
    `handsets / smpp: p99 x${ratio.toFixed(2)}`,
    `${report.pass ? 'PASS' : 'FAIL'}  web handset p99 from send to reply: ` +
      `${ms(report.handsets.latency.p99Ms)}, ${report.handsets.lost} lost ` +
      `(target < ${handsetBenchTargets.p99Ms}.0 ms, none lost)`,
  ]
}
