/**
 * ussd-bench.ts - the USSD benchmark: concurrent sessions, each a different subscriber, walk the
 * pay-merchant menu to its END over real HTTP (`POST /ussd`, Africa's Talking's form) through
 * the whole gateway (express, the USSD channel's session store and menu engine, core, SQLite
 * group commit), and the same load generator drives a bare express handler answering `CON` in
 * the same run, in alternating slices. Two measurements: a closed loop (every session sends its
 * next hop at once: hops per second and the ratio to bare express), then the same sessions with
 * users who think between hops (the latency a user sees: p50/p99 per hop). Also the load
 * averages, the gateway's ledger check and a money check, and PASS/FAIL against the issue's
 * targets. Exports runUssdBench, formatUssdBenchReport, parseUssdBenchArgs and their types.
 */
import { loadavg } from 'node:os'
import type { Gateway } from '../../gateway.js'
import { inBenchDir } from './bench-dir.js'
import { benchMsisdn } from './bench-world.js'
import { machineInfo } from './measure.js'
import { checkMoney } from './sms/money-check.js'
import { startBareExpress } from './ussd/bare-express.js'
import { startUssdBenchGateway } from './ussd/bench-gateway.js'
import type { AckedPayment, UssdLoadPlan, UssdTarget } from './ussd/load.js'
import { mergeAcked, recordPayment, walkOnce } from './ussd/load.js'
import type { UssdBenchOptions } from './ussd/options.js'
import { checkUssdBenchOptions } from './ussd/options.js'
import type { UssdBenchReport, UssdMeasurement } from './ussd/report.js'
import { verdictsOf } from './ussd/report.js'
import type { LoadRunner } from './ussd/runner.js'
import { startLoadRunner } from './ussd/runner.js'
import { expectedScreen, hopTexts, shapeOf, WalkSource } from './ussd/walks.js'

export { parseUssdBenchArgs, ussdBenchUsage } from './ussd/args.js'
export type { UssdBenchOptions } from './ussd/options.js'
export {
  checkUssdBenchOptions,
  ussdBenchDefaults,
  ussdBenchLimits,
  ussdBenchTargets,
} from './ussd/options.js'
export type { UssdBenchReport, UssdBenchVerdict, UssdMeasurement } from './ussd/report.js'
export { formatUssdBenchReport } from './ussd/report.js'

const loopback = '127.0.0.1'

/**
 * Runs the benchmark; options must pass checkUssdBenchOptions (a bad set is a programmer error).
 */
export async function runUssdBench(options: UssdBenchOptions): Promise<UssdBenchReport> {
  const problems = checkUssdBenchOptions(options)
  if (problems.length > 0) throw new RangeError(`bad USSD bench options: ${problems.join('; ')}`)
  return inBenchDir(options, 'ussd-run-', (dir) => benchIn(dir, options))
}

/**
 * Subscriber 0 walks one phone-bill and one wallet payment against telepay before the load
 * starts: they check the gateway answers the walk at all, and telepay's answer length per request
 * shape is what the bare baseline answers. Their payments join the money check.
 */
async function probe(
  gateway: Gateway,
  options: UssdBenchOptions,
  acked: Map<string, AckedPayment>,
): Promise<Record<string, number>> {
  const lengths: Record<string, number> = {}
  const msisdn = benchMsisdn(0)
  for (const [index, walletShare] of [0, 1].entries()) {
    const walk = new WalkSource(options.seed, walletShare).next()
    const answers = await walkOnce(gateway.url, msisdn, `bench-probe-${index}`, walk)
    const texts = hopTexts(walk)
    texts.forEach((text, hop) => {
      const answer = answers[hop]
      if (
        answer === undefined ||
        !answer.ok ||
        answer.status !== 200 ||
        !expectedScreen(walk, hop, answer.body)
      ) {
        const got =
          answer === undefined
            ? 'nothing'
            : answer.ok
              ? `HTTP ${answer.status}, ${answer.body.length} characters`
              : answer.error
        throw new Error(
          `the probe ${walk.kind} walk got a wrong answer at hop ${hop} (${got}): ` +
            `the gateway does not walk the pay-merchant menu`,
        )
      }
      lengths[shapeOf(text)] = answer.body.length
    })
    recordPayment(acked, msisdn, walk)
  }
  return lengths
}

async function benchIn(dir: string, options: UssdBenchOptions): Promise<UssdBenchReport> {
  const progress = options.progress ?? (() => undefined)
  const machine = machineInfo()
  const loadBefore = loadavg()
  const gateway = await startUssdBenchGateway(dir, options)
  let bare: Awaited<ReturnType<typeof startBareExpress>> | null = null
  let runner: LoadRunner | null = null
  try {
    const probeAcked = new Map<string, AckedPayment>()
    const answerLengths = await probe(gateway, options, probeAcked)
    bare = await startBareExpress(loopback, (shape) => answerLengths[shape] ?? 0)
    const targets: UssdTarget[] = [
      { name: 'telepay', url: gateway.url, expect: 'telepay' },
      { name: 'bare express', url: bare.url, expect: 'bare', lengths: answerLengths },
    ]
    const plan: UssdLoadPlan = {
      sessions: options.sessions,
      subscribers: options.subscribers,
      walletShare: options.walletShare,
      seed: options.seed,
      thinkMs: 0,
    }
    progress(
      `ussd bench: ${options.sessions} sessions, ` +
        `${options.subscribers.toLocaleString('en')} subscribers, load generator ` +
        `${options.worker ? 'in a worker thread' : 'on the main thread'}; ` +
        `closed loop, warm-up ${options.warmupSeconds} s per side`,
    )
    runner = await startLoadRunner(targets, plan, options.worker)
    for (const side of [0, 1]) await runner.run(side, options.warmupSeconds, false)
    const closed = await measure(runner, options.seconds, options.slices, 'closed loop', progress)
    await runner.close()
    runner = null
    // Each closed-loop walk finished before its slice returned, so no subscriber is in two
    // sessions when the same slots start over with think time.
    progress(`ussd bench: think time ${options.thinkMs} ms +-50% before each hop`)
    runner = await startLoadRunner(targets, { ...plan, thinkMs: options.thinkMs }, options.worker)
    const thinking = await measure(
      runner,
      options.thinkSeconds,
      options.slices,
      'think time',
      progress,
    )
    const money = await checkMoney(
      gateway,
      options.subscribers,
      mergeAcked([closed.acked, thinking.acked, probeAcked]),
    )
    const ratio =
      closed.express.hopsPerSecond === 0
        ? 0
        : closed.telepay.hopsPerSecond / closed.express.hopsPerSecond
    const verdicts = verdictsOf(closed, ratio, thinking, options)
    const sides = [closed.telepay, closed.express, thinking.telepay, thinking.express]
    const sound =
      sides.every((side) => side.problems.length === 0) &&
      money.exactlyOnce &&
      bare.counters.refused === 0
    const { progress: _progress, ...shown } = options
    return {
      machine,
      loadAverage: { before: loadBefore, after: loadavg() },
      options: { ...shown, dir },
      telepay: closed.telepay,
      express: closed.express,
      ratio,
      thinking: { telepay: thinking.telepay, express: thinking.express },
      answerLengths,
      money,
      verdicts,
      sound,
      pass: sound && verdicts.every((verdict) => verdict.pass),
    }
  } finally {
    await runner?.close()
    await bare?.close()
    await gateway.close()
  }
}

/**
 * Runs both sides for `seconds` each in alternating slices (A B B A ...); their results and
 * telepay's acknowledged payments.
 */
async function measure(
  runner: LoadRunner,
  seconds: number,
  slices: number,
  way: string,
  progress: (line: string) => void,
): Promise<UssdMeasurement & { readonly acked: ReadonlyMap<string, AckedPayment> }> {
  for (let slice = 0; slice < slices; slice += 1) {
    for (const side of slice % 2 === 0 ? [0, 1] : [1, 0]) {
      const partial = await runner.run(side, seconds / slices, true)
      progress(
        `  ${way} slice ${slice + 1}/${slices} ${partial.name}: ` +
          `${Math.round(partial.hopsPerSecond).toLocaleString('en')} hops/s so far, ` +
          `p99 ${partial.latency.p99Ms.toFixed(1)} ms`,
      )
    }
  }
  const finished = await runner.finish()
  const [telepay, express] = finished.results
  if (telepay === undefined || express === undefined)
    throw new Error('the load generator returned fewer sides than it ran')
  return { telepay, express, acked: finished.acked }
}
