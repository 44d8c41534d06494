/**
 * console-bench.ts - whether the operator console stays usable while the gateway is busy
 * (issue 17): a person's console, logged in, loading the overview page again and again and
 * holding its live stream, first on an idle gateway (the baseline) and then while the SMS
 * benchmark's load runs on it (8 SMPP binds of 32 MOs in flight, paying and asking balances).
 * Measured: the page's answer time (GET /console with the session cookie, whole body) and the
 * gaps between the stream's snapshots. Exports runConsoleBench, formatConsoleBenchReport,
 * ConsoleBenchReport and the options' parts.
 */
import { performance } from 'node:perf_hooks'
import { inBenchDir } from './bench-dir.js'
import type { ConsoleBenchOptions } from './console/options.js'
import { checkConsoleBenchOptions, consoleBenchTargets } from './console/options.js'
import type { LatencySummary, MachineInfo } from './measure.js'
import { machineInfo, ms, rate, Samples, summarizeLatency } from './measure.js'
import { startGatewayProcess } from './scale/gateway-process.js'
import { replyMatches } from './sms/flows.js'
import type { LoadPlan } from './sms/load.js'
import { LoadSide } from './sms/load.js'
import { smsBenchDefaults } from './sms/options.js'

export { consoleBenchUsage, parseConsoleBenchArgs } from './console/args.js'
export type { ConsoleBenchOptions } from './console/options.js'
export { checkConsoleBenchOptions, consoleBenchDefaults } from './console/options.js'

export interface ConsolePhase {
  readonly name: 'idle' | 'under load'
  readonly pageLoads: number
  readonly page: LatencySummary
  readonly updates: number
  readonly gap: LatencySummary
  /** The SMS load's commands a second during the phase; null when there was none. */
  readonly smsCommandsPerSecond: number | null
  /** How late the gateway's event loop ran, p99 (its process's own figure). */
  readonly loopDelayP99Ms: number
}

export interface ConsoleBenchReport {
  readonly options: Omit<ConsoleBenchOptions, 'progress'>
  readonly machine: MachineInfo
  readonly idle: ConsolePhase
  readonly load: ConsolePhase
  readonly pass: boolean
}

export async function runConsoleBench(options: ConsoleBenchOptions): Promise<ConsoleBenchReport> {
  const problems = checkConsoleBenchOptions(options)
  if (problems.length > 0) throw new RangeError(`bad console bench options: ${problems.join('; ')}`)
  return inBenchDir(options, 'console-run-', (dir) => benchIn(dir, options))
}

async function benchIn(dir: string, options: ConsoleBenchOptions): Promise<ConsoleBenchReport> {
  const progress = options.progress ?? (() => undefined)
  const machine = machineInfo()
  const sms = { ...smsBenchDefaults, binds: options.binds, windowMax: options.windowMax }
  // The gateway in a process of its own, as in production: the load generator and the console
  // client here would otherwise take the gateway's event loop turns (measured in one process:
  // p50 80-105 ms for the page, most of it the load generator's work).
  const gateway = await startGatewayProcess({
    dir,
    pinHashCost: sms.pinHashCost,
    ussdLimits: {},
    sms: { subscribers: sms.subscribers, windowMax: sms.windowMax },
  })
  let load: LoadSide | null = null
  let stopped = false
  try {
    const smpp = gateway.smpp
    if (smpp === null) throw new Error('the gateway started without its SMSC simulator')
    const cookie = await logIn(gateway.url, smpp.adminToken)
    const plan: LoadPlan = {
      binds: sms.binds,
      windowMax: sms.windowMax,
      flowsPerBind: sms.windowMax,
      subscribers: sms.subscribers,
      balanceShare: sms.balanceShare,
      walletShare: sms.walletShare,
      seed: sms.seed,
    }
    const opened = await LoadSide.open(
      {
        name: 'telepay',
        host: smpp.host,
        port: smpp.port,
        systemId: smpp.systemId,
        password: smpp.password,
        shortCode: smpp.shortCode,
        replyMatches,
        movesMoney: true,
      },
      plan,
    )
    if (typeof opened === 'string') throw new Error(opened)
    load = opened
    progress(`console bench: the console alone for ${options.seconds} s`)
    await gateway.loopDelay()
    const idle = await measureConsole(gateway.url, cookie, options, null)
    const idleLoop = await gateway.loopDelay()
    progress(`console bench: SMS load warming up for ${options.warmupSeconds} s`)
    await load.run(options.warmupSeconds, false)
    progress(`console bench: the console under the SMS load for ${options.seconds} s`)
    await gateway.loopDelay()
    const busy = await measureConsole(gateway.url, cookie, options, load)
    const busyLoop = await gateway.loopDelay()
    await load.close()
    load = null
    await gateway.stop()
    stopped = true
    const { progress: _progress, ...shown } = options
    return {
      options: shown,
      machine,
      idle: { ...idle, loopDelayP99Ms: idleLoop.p99Ms },
      load: { ...busy, loopDelayP99Ms: busyLoop.p99Ms },
      pass:
        busy.page.p99Ms < consoleBenchTargets.pageP99Ms &&
        busy.updates > 0 &&
        busy.gap.p99Ms <= consoleBenchTargets.updateGapP99Ms,
    }
  } finally {
    await load?.close()
    if (!stopped) gateway.kill()
  }
}

/** Logs in through the console's form, as a browser does; the session's Cookie header. */
async function logIn(url: string, adminToken: string): Promise<string> {
  const form = await fetch(`${url}/console/login`)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
  const loginCookie = form.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('telepay_login_csrf='))
  const answer = await fetch(`${url}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: loginCookie ?? '',
    },
    body: new URLSearchParams({ _csrf: csrf, secret: adminToken, next: '/console' }).toString(),
  })
  const session = answer.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('telepay_console='))
  if (answer.status !== 303 || session === undefined)
    throw new Error(`the console's log-in answered ${answer.status}`)
  return session
}

/** For `seconds`: the page loaded in a loop and the stream read, with `load` running or not. */
async function measureConsole(
  url: string,
  cookie: string,
  options: ConsoleBenchOptions,
  load: LoadSide | null,
): Promise<Omit<ConsolePhase, 'loopDelayP99Ms'>> {
  const endMs = performance.now() + options.seconds * 1_000
  const pages = new Samples()
  const gaps = new Samples()
  let updates = 0
  const controller = new AbortController()
  const stream = (async () => {
    const response = await fetch(`${url}/admin/api/overview/stream`, {
      headers: { cookie },
      signal: controller.signal,
    })
    const reader = response.body?.getReader()
    if (response.status !== 200 || reader === undefined)
      throw new Error(`the overview stream answered ${response.status}`)
    const decoder = new TextDecoder()
    let buffered = ''
    let lastMs: number | null = null
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (chunk.done === true || chunk.value === undefined) return
      buffered += decoder.decode(chunk.value, { stream: true })
      let end = buffered.indexOf('\n\n')
      while (end !== -1) {
        const frame = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        if (frame.startsWith('event: overview')) {
          const nowMs = performance.now()
          updates += 1
          if (lastMs !== null) gaps.push(nowMs - lastMs)
          lastMs = nowMs
        }
        end = buffered.indexOf('\n\n')
      }
    }
  })()
  const clicks = (async () => {
    while (performance.now() < endMs) {
      const startedMs = performance.now()
      const response = await fetch(`${url}/console`, { headers: { cookie } })
      await response.text()
      if (response.status !== 200) throw new Error(`/console answered ${response.status}`)
      pages.push(performance.now() - startedMs)
      await new Promise((resolve) => setTimeout(resolve, options.pagePauseMs))
    }
  })()
  const loadRun = load?.run(options.seconds, true) ?? Promise.resolve()
  await Promise.all([clicks, loadRun])
  controller.abort()
  await stream.catch(() => undefined)
  return {
    name: load === null ? 'idle' : 'under load',
    pageLoads: pages.length,
    page: summarizeLatency(pages.toArray()),
    updates,
    gap: summarizeLatency(gaps.toArray()),
    smsCommandsPerSecond: load === null ? null : load.result().commandsPerSecond,
  }
}

export function formatConsoleBenchReport(report: ConsoleBenchReport): string[] {
  const { options, machine } = report
  const line = (phase: ConsolePhase): string =>
    `${phase.name.padEnd(10)} page p50 ${ms(phase.page.p50Ms)}, p99 ${ms(phase.page.p99Ms)} ` +
    `(${phase.pageLoads} loads); snapshots ${phase.updates}, gap p50 ${ms(phase.gap.p50Ms)}, ` +
    `p99 ${ms(phase.gap.p99Ms)}, max ${ms(phase.gap.maxMs)}` +
    (phase.smsCommandsPerSecond === null
      ? ''
      : `; SMS load ${rate(phase.smsCommandsPerSecond)} commands/s`) +
    `; gateway event loop late p99 ${ms(phase.loopDelayP99Ms)}`
  const ratio = report.load.page.p99Ms / report.idle.page.p99Ms
  return [
    `telepay console bench: a logged-in console loads /console every ${options.pagePauseMs} ms ` +
      `and holds the overview stream, ${options.seconds} s idle, then ${options.seconds} s ` +
      `under the SMS bench's load (${options.binds} binds x ${options.windowMax} in flight)`,
    'method: the gateway in a process of its own; the SMS load and the console client in this one',
    `machine: ${machine.cores} cores, ${machine.cpuModel}, node ${machine.node}`,
    line(report.idle),
    line(report.load),
    `under load / idle: page p99 x${ratio.toFixed(2)}`,
    `${report.pass ? 'PASS' : 'FAIL'}  under load: page p99 ${ms(report.load.page.p99Ms)} ` +
      `(target < ${consoleBenchTargets.pageP99Ms}.0 ms), snapshot gap p99 ` +
      `${ms(report.load.gap.p99Ms)} (target <= ${consoleBenchTargets.updateGapP99Ms}.0 ms: ` +
      'at least one a second)',
  ]
}
