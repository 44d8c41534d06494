/**
 * open-sessions.ts - section D of `telepay bench scale`: 100,000 open USSD sessions end to end
 * over HTTP. A gateway runs in a child process of its own (gateway-process.ts) on a seeded world
 * with a subscriber for every session (an unregistered number's dial ENDs at once: it cannot
 * hold a session open). After a warm-up (a tenth as many subscribers dial first, not timed),
 * each subscriber dials *123# once with a fixed number of dials in flight and gets the main menu,
 * a CON, so its session stays open; the opening is timed per tenth (the 10,000 of
 * 100,000). Then users who think between hops answer the next menu steps of sessions spread over
 * all the open ones. Its checks: the last tenth opens at least 0.8 as fast as the first, and the
 * hop p99 stays under 50 ms. It also prints the gateway's resident memory per open session (after
 * a full collection, before and after opening) and how late its event loop ran while the users
 * hopped. Exports openSessionsSection, openSessionsTargets, OpenSessionsData.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { UssdLimits } from '../../../../channels/ussd/limits.js'
import { defaultUssdLimits } from '../../../../channels/ussd/limits.js'
import { rate } from '../measure.js'
import { seedUssdBenchDatabase } from '../ussd/bench-gateway.js'
import { ussdBenchDefaults } from '../ussd/options.js'
import type { GatewayLoopDelay, GatewayMemory } from './gateway-process.js'
import { withGatewayProcess } from './gateway-process.js'
import type { ScaleCheck, ScaleSectionReport } from './report.js'
import { checkOf, sectionOf } from './report.js'
import type { ScaleSection, SectionContext } from './sections.js'
import type { HopResult, OpenResult } from './session-load.js'
import { hopAmongOpen, openSessions, warmUpDials } from './session-load.js'

export const openSessionsTargets = {
  /** The last tenth's dials per second over the first tenth's. */
  flatRatioMin: 0.8,
  /** A hop among the open sessions, request sent to answer read. */
  hopP99MsMax: 50,
} as const

/**
 * The sessions' idle timeout and total cap for the run: the first session must still be open
 * when the last is dialled and the users hop (production: 30 s idle, 180 s in all, the network's
 * own timers). An hour is far longer than any run; the final open count shows none expired.
 */
const sessionTtlMs = 60 * 60_000
/**
 * Subscribers who dial before the timed opening, as it does (their sessions stay open too): a
 * tenth of the sessions, at most 10,000, so that the new session's whole path is compiled and
 * warm and every connection open before the first tenth is timed.
 */
const warmUpShare = 0.1
const warmUpDialsMax = 10_000
/** The opening is timed in tenths. */
const parts = 10
const seed = 20_261_206

export interface OpenSessionsData {
  readonly sessions: number
  readonly inFlight: number
  readonly users: number
  readonly thinkMs: number
  readonly ussdLimits: Pick<
    UssdLimits,
    'sessionIdleMs' | 'sessionTotalMs' | 'sessionsInMemoryMax' | 'sessionsDirtyMax'
  >
  readonly seedSeconds: number
  /** Subscribers who dialled once before the timed opening; their sessions stay open. */
  readonly warmSubscribers: number
  readonly open: OpenResult
  /** The last tenth's rate over the first's. */
  readonly flatRatio: number
  readonly hops: HopResult
  /**
   * How late the gateway's event loop ran while the users hopped: what a hop waited for the
   * gateway's other work, or for the CPU. (Not while the sessions open: in a closed loop every
   * turn of the loop is full by design.)
   */
  readonly hopLoopDelay: GatewayLoopDelay
  readonly memoryBefore: GatewayMemory
  readonly memoryAfter: GatewayMemory
  readonly rssPerSessionBytes: number
  readonly heapPerSessionBytes: number
  /** Open sessions the gateway counted at the end, and the ones the bench left open. */
  readonly openAtEnd: number
  readonly openExpected: number
}

export const openSessionsSection: ScaleSection = {
  id: 'D',
  name: 'open-sessions',
  run: runOpenSessions,
}

async function runOpenSessions(context: SectionContext): Promise<ScaleSectionReport> {
  const { options, progress } = context
  const dir = join(context.dir, 'gateway')
  // One connection per dial or user in flight.
  const sockets = Math.max(options.inFlight, options.users)
  const warmSubscribers = Math.min(
    warmUpDialsMax,
    Math.max(sockets, Math.round(options.sessions * warmUpShare)),
  )
  const count = options.sessions.toLocaleString('en')
  progress(
    `D: seeding a world of ${(warmSubscribers + options.sessions).toLocaleString('en')} ` +
      'subscribers',
  )
  const seedStarted = performance.now()
  const pinHashCost = ussdBenchDefaults.pinHashCost
  await seedUssdBenchDatabase(dir, { subscribers: warmSubscribers + options.sessions, pinHashCost })
  const seedSeconds = (performance.now() - seedStarted) / 1000
  const ussdLimits = {
    sessionIdleMs: sessionTtlMs,
    sessionTotalMs: sessionTtlMs,
    sessionsInMemoryMax: options.sessionsInMemory,
    // The write-behind bound may not exceed the memory bound (checkUssdLimits).
    sessionsDirtyMax: Math.min(defaultUssdLimits.sessionsDirtyMax, options.sessionsInMemory),
  }
  progress(`D: seeded in ${seedSeconds.toFixed(1)} s; starting the gateway process`)
  const { warm, memoryBefore, memoryAfter, open, hops, loopHops, openAtEnd } =
    await withGatewayProcess(
      { dir, pinHashCost, ussdLimits },
      sockets,
      async (gateway, connections) => {
        const warm = await warmUpDials(connections, warmSubscribers)
        const memoryBefore = await gateway.memory()
        progress(
          `D: gateway pid ${gateway.pid} warmed up, ${mib(memoryBefore.rss)} resident; opening ` +
            `${count} sessions, ${options.inFlight} dials in flight`,
        )
        const sessionPrefix = `scale-${randomBytes(4).toString('hex')}`
        const plan = { firstSubscriber: warmSubscribers, sessionPrefix, sessions: options.sessions }
        const open = await openSessions(
          connections,
          { ...plan, inFlight: options.inFlight, parts },
          progress,
        )
        const memoryAfter = await gateway.memory()
        await gateway.loopDelay()
        progress(
          `D: ${open.opened.toLocaleString('en')} open, ${mib(memoryAfter.rss)} resident; ` +
            `${options.users} users hop among them for ${options.hopSeconds} s`,
        )
        const hops = await hopAmongOpen(connections, {
          ...plan,
          users: options.users,
          thinkMs: options.thinkMs,
          seconds: options.hopSeconds,
          seed,
        })
        const loopHops = await gateway.loopDelay()
        const openAtEnd = await gateway.openCount()
        return { warm, memoryBefore, memoryAfter, open, hops, loopHops, openAtEnd }
      },
    )
  const first = open.partRates[0] ?? 0
  const last = open.partRates[open.partRates.length - 1] ?? 0
  const data: OpenSessionsData = {
    sessions: options.sessions,
    inFlight: options.inFlight,
    users: options.users,
    thinkMs: options.thinkMs,
    ussdLimits,
    seedSeconds,
    warmSubscribers,
    open,
    flatRatio: first > 0 ? last / first : 0,
    hops,
    hopLoopDelay: loopHops,
    memoryBefore,
    memoryAfter,
    rssPerSessionBytes: (memoryAfter.rss - memoryBefore.rss) / options.sessions,
    heapPerSessionBytes: (memoryAfter.heapUsed - memoryBefore.heapUsed) / options.sessions,
    openAtEnd,
    openExpected: open.opened + warm.opened,
  }
  const problems = [...warm.problems, ...open.problems, ...hops.problems]
  if (open.opened !== options.sessions)
    problems.push(`${open.opened} sessions opened of the ${options.sessions} dialled`)
  if (openAtEnd !== data.openExpected)
    problems.push(
      `the gateway counted ${openAtEnd} sessions open at the end, the bench left ` +
        `${data.openExpected} open (${open.opened} opened, the rest from the warm-up)`,
    )
  const checks = checksOf(data)
  return sectionOf({
    id: 'D',
    title: `${count} open USSD sessions over HTTP, end to end`,
    lines: linesOf(data),
    checks,
    problems,
    data,
  })
}

function checksOf(data: OpenSessionsData): ScaleCheck[] {
  const partSize = data.open.partSize.toLocaleString('en')
  const first = data.open.partRates[0] ?? 0
  const last = data.open.partRates[data.open.partRates.length - 1] ?? 0
  const p99 = data.hops.latency.p99Ms
  return [
    checkOf({
      name: 'flat_opening',
      label: `opening, last ${partSize} vs first ${partSize}`,
      figure: `${rate(last)} dials/s`,
      baseline: `${rate(first)} dials/s`,
      value: data.flatRatio,
      valueText: `ratio ${data.flatRatio.toFixed(3)}`,
      bound: { op: '>=', limit: openSessionsTargets.flatRatioMin },
    }),
    checkOf({
      name: 'hop_p99_ms',
      label: `hop p99 among ${data.open.opened.toLocaleString('en')} open sessions`,
      figure: `${p99.toFixed(1)} ms (${data.hops.hops.toLocaleString('en')} hops)`,
      baseline: null,
      value: p99,
      valueText: `${p99.toFixed(1)} ms`,
      bound: { op: '<', limit: openSessionsTargets.hopP99MsMax, unit: 'ms' },
    }),
  ]
}

function linesOf(data: OpenSessionsData): string[] {
  const { open, hops, ussdLimits } = data
  const inMemory = ussdLimits.sessionsInMemoryMax
  const memoryBound =
    inMemory === defaultUssdLimits.sessionsInMemoryMax
      ? "the channel's default"
      : `NOT the channel's default ${defaultUssdLimits.sessionsInMemoryMax.toLocaleString('en')}`
  return [
    `gateway in a child process of its own (the load generator is the bench's process); ` +
      `world of ${(data.sessions + data.warmSubscribers).toLocaleString('en')} subscribers ` +
      `seeded in ${data.seedSeconds.toFixed(1)} s`,
    `session idle timeout and total cap set to ${minutes(ussdLimits.sessionIdleMs)} for the run ` +
      `(production: ${minutes(defaultUssdLimits.sessionIdleMs)} and ` +
      `${minutes(defaultUssdLimits.sessionTotalMs)}), so none expires before the bench ends`,
    `dialog store memory bound: ${inMemory.toLocaleString('en')} sessions (${memoryBound}); ` +
      'the rest are left to ussd.sqlite and read back when they hop',
    `warm-up: ${data.warmSubscribers.toLocaleString('en')} other subscribers dial once each ` +
      'first, as the timed ones do (not timed; their sessions stay open too)',
    `opening: ${open.opened.toLocaleString('en')} of ${data.sessions.toLocaleString('en')} ` +
      `sessions open, each a dial of *123# answered with the main menu (CON), ` +
      `${data.inFlight} dials in flight: ${rate(open.dialsPerSecond)} dials/s over ` +
      `${open.elapsedS.toFixed(1)} s; dial p50 ${ms(open.latency.p50Ms)}, ` +
      `p99 ${ms(open.latency.p99Ms)}`,
    `dials/s per ${open.partSize.toLocaleString('en')}: ` +
      open.partRates.map((value) => rate(value)).join(', '),
    `hops: ${hops.hops.toLocaleString('en')} by ${data.users} users thinking ` +
      `${data.thinkMs.toLocaleString('en')} ms +-50% before each, in ` +
      `${hops.sessionsTouched.toLocaleString('en')} open sessions (2 Pay merchant, code, ` +
      `amount, 2 Phone bill: the confirm screen, still open), ` +
      `${rate(hops.hopsPerSecond)} hops/s; ` +
      `p50 ${ms(hops.latency.p50Ms)}, p99 ${ms(hops.latency.p99Ms)}, max ${ms(hops.latency.maxMs)}`,
    `  menu steps p50 ${ms(hops.latencyByStep.menu.p50Ms)} p99 ` +
      `${ms(hops.latencyByStep.menu.p99Ms)}; the step asking the core p50 ` +
      `${ms(hops.latencyByStep.core.p50Ms)} p99 ${ms(hops.latencyByStep.core.p99Ms)}`,
    `event loop delay while hopping (how late a 10 ms timer ran): gateway p50 ` +
      `${ms(data.hopLoopDelay.p50Ms)}, p99 ${ms(data.hopLoopDelay.p99Ms)}, max ` +
      `${ms(data.hopLoopDelay.maxMs)}; load generator p99 ${ms(hops.loadLoopDelay.p99Ms)}, max ` +
      `${ms(hops.loadLoopDelay.maxMs)}`,
    `memory of the gateway process after a full collection: resident ` +
      `${mib(data.memoryBefore.rss)} before opening, ${mib(data.memoryAfter.rss)} after; heap ` +
      `${mib(data.memoryBefore.heapUsed)} -> ${mib(data.memoryAfter.heapUsed)}`,
    `memory per open session: ${Math.round(data.rssPerSessionBytes).toLocaleString('en')} bytes ` +
      `resident, ${Math.round(data.heapPerSessionBytes).toLocaleString('en')} bytes of heap`,
    `check open sessions: the gateway counts ${data.openAtEnd.toLocaleString('en')}, the bench ` +
      `left ${data.openExpected.toLocaleString('en')} open: ` +
      `${data.openAtEnd === data.openExpected ? 'ok' : 'MISMATCH'}`,
  ]
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

function minutes(valueMs: number): string {
  return valueMs >= 60_000 ? `${valueMs / 60_000} min` : `${valueMs / 1_000} s`
}
