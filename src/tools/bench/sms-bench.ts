/**
 * sms-bench.ts - the SMS benchmark: many ESME binds on loopback send BAL and complete PAY/YES
 * flows through the whole gateway (SMPP session layer, SMS channel, grammar, core, SQLite group
 * commit), and the same load generator drives a bare npm `smpp` echo server in the same run, in
 * alternating slices; commands per second completed with their reply, p50/p99 latency, the
 * ratio, the gateway's ledger check and a money check, and PASS/FAIL against the issue's
 * targets. Exports runSmsBench, formatSmsBenchReport, parseSmsBenchArgs and their types.
 */
import { inBenchDir } from './bench-dir.js'
import { machineInfo } from './measure.js'
import { startSmsBenchGateway } from './sms/bench-gateway.js'
import { startEchoServer } from './sms/echo-server.js'
import { replyMatches } from './sms/flows.js'
import type { LoadPlan, LoadTarget } from './sms/load.js'
import { LoadSide } from './sms/load.js'
import { checkMoney } from './sms/money-check.js'
import type { SmsBenchOptions } from './sms/options.js'
import { checkSmsBenchOptions } from './sms/options.js'
import type { SmsBenchReport } from './sms/report.js'
import { verdictsOf } from './sms/report.js'

export { parseSmsBenchArgs, smsBenchUsage } from './sms/args.js'
export type { SmsBenchOptions } from './sms/options.js'
export { checkSmsBenchOptions, smsBenchDefaults, smsBenchTargets } from './sms/options.js'
export type { SmsBenchReport, SmsBenchVerdict } from './sms/report.js'
export { formatSmsBenchReport } from './sms/report.js'

/** Runs the benchmark; options must pass checkSmsBenchOptions (a bad set is a programmer error). */
export async function runSmsBench(options: SmsBenchOptions): Promise<SmsBenchReport> {
  const problems = checkSmsBenchOptions(options)
  if (problems.length > 0) throw new RangeError(`bad SMS bench options: ${problems.join('; ')}`)
  return inBenchDir(options, 'sms-run-', (dir) => benchIn(dir, options))
}

async function benchIn(dir: string, options: SmsBenchOptions): Promise<SmsBenchReport> {
  const progress = options.progress ?? (() => undefined)
  const machine = machineInfo()
  const gateway = await startSmsBenchGateway(dir, options)
  const config = gateway.config
  const echo = await startEchoServer('127.0.0.1').catch(async (error: unknown) => {
    await gateway.close()
    throw error
  })
  const plan: LoadPlan = {
    binds: options.binds,
    windowMax: options.windowMax,
    flowsPerBind: options.flowsPerBind,
    subscribers: options.subscribers,
    balanceShare: options.balanceShare,
    walletShare: options.walletShare,
    seed: options.seed,
  }
  const sides: LoadSide[] = []
  try {
    const smpp = gateway.smpp
    if (smpp === null) throw new Error('the gateway started without its SMSC simulator')
    const telepayTarget: LoadTarget = {
      name: 'telepay',
      host: smpp.host,
      port: smpp.port,
      systemId: config.smpp.systemId,
      password: config.smpp.password,
      shortCode: config.sms.shortCode,
      replyMatches,
      movesMoney: true,
    }
    const echoTarget: LoadTarget = {
      name: 'bare smpp echo',
      host: echo.host,
      port: echo.port,
      systemId: 'bench',
      password: 'bench',
      shortCode: config.sms.shortCode,
      replyMatches: (step, _flow, text) => text === step.text,
      movesMoney: false,
    }
    for (const target of [telepayTarget, echoTarget]) {
      const side = await LoadSide.open(target, plan)
      if (typeof side === 'string') throw new Error(side)
      sides.push(side)
    }
    const [telepay, bare] = sides as [LoadSide, LoadSide]
    progress(
      `sms bench: ${options.binds} binds x window ${options.windowMax}, ` +
        `${options.flowsPerBind} flows per bind, ` +
        `${options.subscribers.toLocaleString('en')} subscribers; ` +
        `warm-up ${options.warmupSeconds} s per side`,
    )
    for (const side of sides) await side.run(options.warmupSeconds, false)
    for (let slice = 0; slice < options.slices; slice += 1) {
      const order = slice % 2 === 0 ? [telepay, bare] : [bare, telepay]
      for (const side of order) {
        await side.run(options.seconds / options.slices, true)
        const partial = side.result()
        progress(
          `  slice ${slice + 1}/${options.slices} ${side.target.name}: ` +
            `${Math.round(partial.commandsPerSecond).toLocaleString('en')} commands/s so far`,
        )
      }
    }
    await Promise.all(sides.map((side) => side.close()))
    const money = await checkMoney(gateway, options.subscribers, telepay.acked)
    const telepayResult = telepay.result()
    const echoResult = bare.result()
    const ratio =
      echoResult.commandsPerSecond === 0
        ? 0
        : telepayResult.commandsPerSecond / echoResult.commandsPerSecond
    const verdicts = verdictsOf(
      telepayResult.commandsPerSecond,
      ratio,
      echoResult.commandsPerSecond,
    )
    const sound =
      telepayResult.problems.length === 0 &&
      echoResult.problems.length === 0 &&
      money.exactlyOnce &&
      echo.counters.refused === 0
    const { progress: _progress, ...shown } = options
    return {
      machine,
      options: { ...shown, dir },
      telepay: telepayResult,
      echo: echoResult,
      ratio,
      money,
      verdicts,
      sound,
      pass: sound && verdicts.every((verdict) => verdict.pass),
    }
  } finally {
    await Promise.all(sides.map((side) => side.close()))
    await echo.close()
    await gateway.close()
  }
}
