/**
 * reports-under-load.ts - section C of `telepay bench scale`: the ledger's reports on a ledger
 * holding millions of payments, while users keep hopping through USSD menus. A gateway runs in a
 * process of its own on a seeded world whose history was written through the core beforehand
 * (fillHistory: payments dated over days, random keys). Users who think between hops answer menu
 * steps for a while with nothing else running (the baseline), then again while the admin API
 * runs a full ledger check, and the settlement of the busiest day every second meanwhile, over
 * and over until the hopping ends. Its checks: the hop p99 under the reports stays under 50 ms,
 * and a day's settlement of its payments (100,000 or more at the size) answers within 1 s.
 * Exports reportsUnderLoadSection, reportsUnderLoadTargets, ReportsUnderLoadData.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { defaultUssdLimits } from '../../../../channels/ussd/limits.js'
import type { FillSummary } from '../../world/fill-history.js'
import { fillHistory } from '../../world/fill-history.js'
import { rate } from '../measure.js'
import { seedUssdBenchDatabase } from '../ussd/bench-gateway.js'
import { ussdBenchDefaults } from '../ussd/options.js'
import type { GatewayLoopDelay } from './gateway-process.js'
import { withGatewayProcess } from './gateway-process.js'
import type { ScaleSectionReport } from './report.js'
import { checkOf, sectionOf } from './report.js'
import type { ScaleSection, SectionContext } from './sections.js'
import type { HopResult } from './session-load.js'
import { hopAmongOpen, openSessions } from './session-load.js'

/** Between two settlements of the day while a check runs: a dashboard refreshing each second. */
const settlementPauseMs = 1_000

export const reportsUnderLoadTargets = {
  /** A hop among open sessions while the reports run, request sent to answer read. */
  hopP99MsMax: 50,
  /** The settlement of one day, request to answer, at 100,000 payments that day or more. */
  settlementMsMax: 1_000,
} as const

/** Each user walks four menu steps of a session, at most one hop per half a think time. */
const stepsPerSession = 4
const seed = 20_261_207
const adminToken = 'test_admin_token'

export interface ReportsUnderLoadData {
  readonly storedPayments: number
  readonly fill: Pick<FillSummary, 'completed' | 'elapsedS' | 'paymentsPerSecond'>
  readonly busiestDay: string
  readonly busiestDayPayments: number
  readonly quiet: HopResult
  readonly underReports: HopResult
  readonly quietLoopDelay: GatewayLoopDelay
  readonly reportsLoopDelay: GatewayLoopDelay
  /** Each full check's and settlement's time, request to answer, while the users hopped. */
  readonly checkMs: readonly number[]
  readonly settlementMs: readonly number[]
  readonly checkTransfers: number
}

export const reportsUnderLoadSection: ScaleSection = {
  id: 'C',
  name: 'reports-under-load',
  run: runReportsUnderLoad,
}

/**
 * What a kept run's directory (--dir of an earlier run with --keep) says it holds: its history is
 * used again when it is the one asked for, so that two versions of telepay can be measured on one
 * history without writing millions of payments for each (about 25 minutes at the full size).
 */
const historyFile = 'history.json'

async function keptHistory(
  dir: string,
  subscribers: number,
  storedPayments: number,
  progress: (line: string) => void,
): Promise<FillSummary | null> {
  const path = join(dir, historyFile)
  if (!existsSync(path)) return null
  const kept = JSON.parse(readFileSync(path, 'utf8')) as {
    subscribers: number
    storedPayments: number
    fill: FillSummary
  }
  if (kept.subscribers !== subscribers || kept.storedPayments !== storedPayments) return null
  progress(`C: using the history kept in ${dir} (${storedPayments.toLocaleString('en')} payments)`)
  return kept.fill
}

async function writeHistory(
  dir: string,
  subscribers: number,
  storedPayments: number,
  progress: (line: string) => void,
): Promise<FillSummary> {
  const pinHashCost = ussdBenchDefaults.pinHashCost
  progress(`C: seeding a world of ${subscribers.toLocaleString('en')} subscribers`)
  await seedUssdBenchDatabase(dir, { subscribers, pinHashCost })
  const days = Math.max(2, Math.ceil(storedPayments / 150_000))
  progress(
    `C: writing ${storedPayments.toLocaleString('en')} payments over ${days} days ` +
      'through the core (random keys)',
  )
  let shownMs = performance.now()
  const fill = await fillHistory(
    join(dir, 'telepay.sqlite'),
    { payments: storedPayments, days, keys: 'random', seed },
    (step) => {
      if (performance.now() - shownMs < 5_000) return
      shownMs = performance.now()
      progress(
        `C: history ${step.submitted.toLocaleString('en')} of ${step.total.toLocaleString('en')} ` +
          `(${rate(step.paymentsPerSecond)}/s)`,
      )
    },
  )
  writeFileSync(join(dir, historyFile), JSON.stringify({ subscribers, storedPayments, fill }))
  return fill
}

async function runReportsUnderLoad(context: SectionContext): Promise<ScaleSectionReport> {
  const { options, progress } = context
  const dir = join(context.dir, 'reports')
  const users = options.users
  const hopsPerUser = Math.ceil((options.hopSeconds * 1_000) / (options.thinkMs * 0.5))
  const sessionsPerRun = users * Math.ceil(hopsPerUser / stepsPerSession)
  const subscribers = Math.max(options.historySubscribers, 3 * sessionsPerRun)
  const pinHashCost = ussdBenchDefaults.pinHashCost
  const fill =
    (await keptHistory(dir, subscribers, options.storedPayments, progress)) ??
    (await writeHistory(dir, subscribers, options.storedPayments, progress))
  const [busiestDay, busiestDayPayments] = Object.entries(fill.byDay).reduce(
    (best, entry) => (entry[1] > best[1] ? entry : best),
    ['', 0] as [string, number],
  )
  const ussdLimits = {
    sessionsInMemoryMax: defaultUssdLimits.sessionsInMemoryMax,
    sessionIdleMs: 60 * 60_000,
    sessionTotalMs: 60 * 60_000,
  }
  progress(`C: starting the gateway process; ${sessionsPerRun * 3} sessions open for the users`)
  const measured = await withGatewayProcess(
    { dir, pinHashCost, ussdLimits },
    Math.max(users, 200),
    async (gateway, connections) => {
      const prefix = `reports-${randomBytes(4).toString('hex')}`
      const planOf = (run: number) => ({
        firstSubscriber: run * sessionsPerRun,
        sessionPrefix: `${prefix}-${run}`,
        sessions: sessionsPerRun,
        users,
        thinkMs: options.thinkMs,
        seconds: options.hopSeconds,
        seed: seed + run,
      })
      // Sessions of their own for a warm-up, the quiet hops and the hops under the reports.
      const plans = [planOf(0), planOf(1), planOf(2)] as const
      for (const plan of plans)
        await openSessions(connections, { ...plan, inFlight: 200, parts: 1 }, () => {})
      // Not measured: the first hops after the start read a ledger of gigabytes from the disk,
      // and that tail would be the baseline's, not the reports' (measured: quiet p99 136 ms).
      progress(`C: ${users} users hop for ${options.hopSeconds} s to warm the gateway up`)
      await hopAmongOpen(connections, plans[0])
      progress(`C: ${users} users hop for ${options.hopSeconds} s with nothing else running`)
      await gateway.loopDelay()
      const quiet = await hopAmongOpen(connections, plans[1])
      const quietLoopDelay = await gateway.loopDelay()
      progress(
        `C: quiet hop p99 ${quiet.latency.p99Ms.toFixed(1)} ms; now again while full checks and ` +
          `the settlement of ${busiestDay} (${busiestDayPayments.toLocaleString('en')} ` +
          'payments) run',
      )
      const checkMs: number[] = []
      const settlementMs: number[] = []
      let checkTransfers = 0
      let hopping = true
      const admin = async (
        path: string,
      ): Promise<{ ms: number; body: Record<string, unknown> }> => {
        const started = performance.now()
        const answer = await fetch(`${gateway.url}${path}`, {
          headers: { authorization: `Bearer ${adminToken}` },
        })
        const body = (await answer.json()) as Record<string, unknown>
        if (!answer.ok) throw new Error(`${path}: ${answer.status} ${JSON.stringify(body)}`)
        return { ms: performance.now() - started, body }
      }
      // A full check at a time, and meanwhile the busiest day's settlement every second or so (an
      // operator's dashboard): both run while the users hop. A check of millions of transfers may
      // outlast the hopping; it is waited for, and counted, after.
      const reports = (async () => {
        while (hopping) {
          let checking = true
          const check = admin('/admin/api/ledger/check?mode=full').then((answer) => {
            checkMs.push(answer.ms)
            checkTransfers = Number(answer.body['transfersRead'] ?? 0)
            checking = false
          })
          while (hopping && checking) {
            settlementMs.push((await admin(`/admin/api/settlements?date=${busiestDay}`)).ms)
            await new Promise((pause) => setTimeout(pause, settlementPauseMs))
          }
          await check
        }
      })()
      const underReports = await hopAmongOpen(connections, plans[2])
      hopping = false
      await reports
      const reportsLoopDelay = await gateway.loopDelay()
      return {
        quiet,
        underReports,
        quietLoopDelay,
        reportsLoopDelay,
        checkMs,
        settlementMs,
        checkTransfers,
      }
    },
  )
  const { quiet, underReports, checkMs, settlementMs } = measured
  const data: ReportsUnderLoadData = {
    storedPayments: options.storedPayments,
    fill: {
      completed: fill.completed,
      elapsedS: fill.elapsedS,
      paymentsPerSecond: fill.paymentsPerSecond,
    },
    busiestDay,
    busiestDayPayments,
    ...measured,
  }
  const problems = [...quiet.problems, ...underReports.problems]
  if (fill.completed !== options.storedPayments)
    problems.push(`${fill.completed} of ${options.storedPayments} history payments completed`)
  if (checkMs.length === 0 || settlementMs.length === 0)
    problems.push('no full check or settlement finished while the users hopped')
  const settlementWorst = Math.max(0, ...settlementMs)
  const checks = [
    checkOf({
      name: 'hop_p99_under_reports',
      label: `hop p99, ${users} users, full checks and settlements running`,
      figure: `${underReports.latency.p99Ms.toFixed(1)} ms`,
      baseline: `quiet ${quiet.latency.p99Ms.toFixed(1)} ms`,
      value: underReports.latency.p99Ms,
      valueText: `${underReports.latency.p99Ms.toFixed(1)} ms`,
      bound: { op: '<', limit: reportsUnderLoadTargets.hopP99MsMax, unit: 'ms' },
    }),
    checkOf({
      name: 'settlement_ms',
      label: `settlement of a day of ${busiestDayPayments.toLocaleString('en')} payments`,
      figure: `${settlementWorst.toFixed(0)} ms (slowest)`,
      baseline: null,
      value: settlementWorst,
      valueText: `${settlementWorst.toFixed(0)} ms`,
      bound: { op: '<', limit: reportsUnderLoadTargets.settlementMsMax, unit: 'ms' },
    }),
  ]
  return sectionOf({
    id: 'C',
    title: 'USSD hops while the ledger check and a settlement run on a long history',
    lines: linesOf(data),
    checks,
    problems,
    data,
  })
}

function linesOf(data: ReportsUnderLoadData): string[] {
  const list = (values: readonly number[]): string =>
    values.map((value) => `${Math.round(value).toLocaleString('en')}`).join(', ')
  return [
    `history: ${data.fill.completed.toLocaleString('en')} payments written through the core ` +
      `first (${data.fill.elapsedS.toFixed(0)} s, ${rate(data.fill.paymentsPerSecond)}/s); ` +
      `busiest day ${data.busiestDay}, ${data.busiestDayPayments.toLocaleString('en')} payments`,
    `hops, quiet: ${data.quiet.hops.toLocaleString('en')}, p50 ` +
      `${data.quiet.latency.p50Ms.toFixed(1)} ms, p99 ${data.quiet.latency.p99Ms.toFixed(1)} ms; ` +
      `gateway loop delay p99 ${data.quietLoopDelay.p99Ms.toFixed(1)} ms`,
    `hops, under reports: ${data.underReports.hops.toLocaleString('en')}, p50 ` +
      `${data.underReports.latency.p50Ms.toFixed(1)} ms, p99 ` +
      `${data.underReports.latency.p99Ms.toFixed(1)} ms; gateway loop delay p99 ` +
      `${data.reportsLoopDelay.p99Ms.toFixed(1)} ms, ` +
      `max ${data.reportsLoopDelay.maxMs.toFixed(1)} ms`,
    `full checks meanwhile (${data.checkTransfers.toLocaleString('en')} transfers each), ms: ` +
      `${list(data.checkMs)}`,
    `settlements of ${data.busiestDay} meanwhile, ms: ${list(data.settlementMs)}`,
  ]
}
