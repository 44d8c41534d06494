/**
 * session-load.ts - section D's load over real HTTP (`POST /ussd`, Africa's Talking's form):
 * warming the dial path up, opening many USSD sessions (each subscriber dials *123# once and
 * gets the main menu, a CON: the session stays open) with a fixed number of dials in flight,
 * timing every tenth of them, then users who think between hops answering the next menu steps
 * of the open sessions (2 Pay merchant, the merchant code, the amount, 2 Phone bill: the confirm
 * screen, still a CON, after the core was asked), so that every session stays open. Every answer
 * is checked against the screen it must be. Exports UssdConnections, warmUpDials, openSessions,
 * hopAmongOpen, OpenResult, HopResult, OpenPlan, HopPlan.
 */
import { randomBytes } from 'node:crypto'
import { Agent } from 'node:http'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { benchMsisdn, seededRandom } from '../bench-world.js'
import type { LatencySummary } from '../measure.js'
import { Samples, summarizeLatency } from '../measure.js'
import type { Answer } from '../ussd/load.js'
import { postHop } from '../ussd/load.js'
import type { Walk } from '../ussd/walks.js'
import { expectedScreen, hopForm, hopTexts, WalkSource } from '../ussd/walks.js'

/** Any walk: the dial's answer (the main menu) is the same for all. */
const anyWalk: Walk = new WalkSource(1, 0).next()
/** The load generator's event loop is watched with a 10 ms timer while the users hop. */
const loopResolutionMs = 10
/** The menu steps a user answers in a session: hops 1 to 4 of a phone-bill walk. */
const stepsPerSession = 4

export interface OpenPlan {
  /** Subscriber index of the first session: session i is subscriber `firstSubscriber + i`. */
  readonly firstSubscriber: number
  readonly sessions: number
  /** Dials in flight (at most one per connection). */
  readonly inFlight: number
  /** The provider session id of session i is `${sessionPrefix}-${i}`. */
  readonly sessionPrefix: string
  /** The opening is timed in this many equal parts (the 10,000 of 100,000). */
  readonly parts: number
}

export interface OpenResult {
  /** Dials answered with the main menu: sessions open. */
  readonly opened: number
  readonly elapsedS: number
  readonly dialsPerSecond: number
  /** Each part's dials per second, from the answer ending the part before to its own last. */
  readonly partRates: readonly number[]
  readonly partSize: number
  /** Dial sent to answer read, closed loop: about inFlight / rate. */
  readonly latency: LatencySummary
  readonly problems: readonly string[]
}

/**
 * The load's keep-alive connections to the gateway, one per dial or user in flight, shared by
 * every phase: the warm-up opens them all, so that the timed phases never wait for a connection
 * (on a busy machine, a burst of 200 new connections held some dials for seconds).
 */
export class UssdConnections {
  private readonly agent: Agent
  private readonly target: URL

  constructor(
    url: string,
    readonly sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets })
    this.target = new URL(url)
  }

  post(sessionId: string, msisdn: string, text: string): Promise<Answer> {
    return postHop(this.agent, this.target, hopForm(sessionId, msisdn, text))
  }

  close(): void {
    this.agent.destroy()
  }
}

/** Between the first dials of two warm-up diallers: the connections open one after another. */
const connectionRampMs = 5

/**
 * `dials` subscribers (indexes 0 to dials - 1) dial once each, as the timed opening does, one
 * per connection in flight, the connections opening one after another: the dial path of a new
 * session (a subscriber read, the menu, the store's insert and, past its memory bound, its
 * eviction) is compiled and warm, and every connection is open, before anything is timed. Their
 * sessions stay open too.
 */
export async function warmUpDials(
  connections: UssdConnections,
  dials: number,
): Promise<{ readonly opened: number; readonly problems: readonly string[] }> {
  const prefix = `scale-warm-${randomBytes(4).toString('hex')}`
  const tally = new Tally()
  let next = 0
  const dialler = async (slot: number): Promise<void> => {
    await sleep(slot * connectionRampMs)
    while (next < dials) {
      const subscriber = next
      next += 1
      const answer = await connections.post(`${prefix}-${subscriber}`, benchMsisdn(subscriber), '')
      tally.judge(answer, 0, anyWalk)
    }
  }
  await Promise.all(Array.from({ length: connections.sockets }, (_, slot) => dialler(slot)))
  return { opened: tally.right, problems: tally.problems('warm-up dial') }
}

/** Dials `plan.sessions` sessions open, one per connection in flight. */
export async function openSessions(
  connections: UssdConnections,
  plan: OpenPlan,
  progress: (line: string) => void,
): Promise<OpenResult> {
  const tally = new Tally()
  const latencies = new Samples()
  // Answer times in the order they came: the part boundaries are counts of answers.
  const answeredAt = new Float64Array(plan.sessions)
  let answered = 0
  const bounds = Array.from({ length: plan.parts + 1 }, (_, part) =>
    Math.round((part * plan.sessions) / plan.parts),
  )
  const started = performance.now()
  /** Dials per second of part `part` (0-based), once its last answer came. */
  const rateOf = (part: number): number => {
    const begin = bounds[part] ?? 0
    const end = bounds[part + 1] ?? begin
    const from = begin === 0 ? started : (answeredAt[begin - 1] ?? started)
    const to = answeredAt[end - 1] ?? from
    return to > from ? ((end - begin) * 1000) / (to - from) : 0
  }
  let part = 0
  let next = 0
  const dialler = async (): Promise<void> => {
    while (next < plan.sessions) {
      const index = next
      next += 1
      const sent = performance.now()
      const answer = await connections.post(
        `${plan.sessionPrefix}-${index}`,
        benchMsisdn(plan.firstSubscriber + index),
        '',
      )
      const arrived = performance.now()
      latencies.push(arrived - sent)
      answeredAt[answered] = arrived
      answered += 1
      tally.judge(answer, 0, anyWalk)
      if (answered === bounds[part + 1]) {
        progress(
          `D: ${answered.toLocaleString('en')} dialled, ` +
            `${Math.round(rateOf(part)).toLocaleString('en')} dials/s in this part`,
        )
        part += 1
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(plan.inFlight, connections.sockets) }, dialler))
  const elapsedS = (performance.now() - started) / 1000
  return {
    opened: tally.right,
    elapsedS,
    dialsPerSecond: plan.sessions / elapsedS,
    partRates: Array.from({ length: plan.parts }, (_, index) => rateOf(index)),
    partSize: Math.round(plan.sessions / plan.parts),
    latency: summarizeLatency(latencies.toArray()),
    problems: tally.problems('dial'),
  }
}

export interface HopPlan {
  readonly firstSubscriber: number
  /** Sessions open: session i is subscriber `firstSubscriber + i`, `${sessionPrefix}-${i}`. */
  readonly sessions: number
  readonly sessionPrefix: string
  readonly users: number
  readonly thinkMs: number
  readonly seconds: number
  readonly seed: number
}

export interface HopResult {
  readonly hops: number
  readonly elapsedS: number
  readonly hopsPerSecond: number
  /** Request written to whole answer read, every hop sent within the seconds. */
  readonly latency: LatencySummary
  /** Hops 1 to 3 show a menu screen; hop 4 asks the core first (the payment left waiting). */
  readonly latencyByStep: { readonly menu: LatencySummary; readonly core: LatencySummary }
  /** Open sessions the users answered in. */
  readonly sessionsTouched: number
  /**
   * How late the load generator's own event loop ran meanwhile: a hop it sent or read late is
   * late by this much without the gateway's doing.
   */
  readonly loadLoopDelay: LatencySummary
  readonly problems: readonly string[]
}

/**
 * `users` users, each taking open sessions in a seeded random order spread over all of them
 * (those the store keeps in memory and those it left to its file alike) and answering their
 * next four menu steps, thinking thinkMs +-50% before each, for `seconds`.
 */
export async function hopAmongOpen(
  connections: UssdConnections,
  plan: HopPlan,
): Promise<HopResult> {
  const order = shuffled(plan.sessions, plan.seed)
  const tally = new Tally()
  const all = new Samples()
  const menu = new Samples()
  const core = new Samples()
  let touched = 0
  const loop = monitorEventLoopDelay({ resolution: loopResolutionMs })
  loop.enable()
  const started = performance.now()
  const deadline = started + plan.seconds * 1_000
  const user = async (index: number): Promise<void> => {
    const think = seededRandom(plan.seed ^ (index * 0x9e3779b1))
    for (let taken = index; taken < plan.sessions; taken += plan.users) {
      const session = order[taken] ?? 0
      const walk = new WalkSource(plan.seed + session, 0).next()
      const texts = hopTexts(walk)
      for (let hop = 1; hop <= stepsPerSession; hop += 1) {
        await sleep(Math.min(plan.thinkMs * (0.5 + think()), deadline - performance.now()))
        if (performance.now() >= deadline) return
        const sent = performance.now()
        const answer = await connections.post(
          `${plan.sessionPrefix}-${session}`,
          benchMsisdn(plan.firstSubscriber + session),
          texts[hop] ?? '',
        )
        const took = performance.now() - sent
        if (hop === 1) touched += 1
        all.push(took)
        ;(hop < stepsPerSession ? menu : core).push(took)
        if (!tally.judge(answer, hop, walk)) break
      }
    }
  }
  await Promise.all(Array.from({ length: plan.users }, (_, index) => user(index)))
  loop.disable()
  const elapsedS = (performance.now() - started) / 1000
  return {
    hops: all.length,
    elapsedS,
    hopsPerSecond: all.length / elapsedS,
    latency: summarizeLatency(all.toArray()),
    latencyByStep: {
      menu: summarizeLatency(menu.toArray()),
      core: summarizeLatency(core.toArray()),
    },
    sessionsTouched: touched,
    // The histogram holds the timer's whole intervals: its lateness is beyond the resolution.
    loadLoopDelay: {
      p50Ms: Math.max(0, loop.percentile(50) / 1e6 - loopResolutionMs),
      p99Ms: Math.max(0, loop.percentile(99) / 1e6 - loopResolutionMs),
      maxMs: Math.max(0, loop.max / 1e6 - loopResolutionMs),
    },
    problems: tally.problems('hop'),
  }
}

/** Right, wrong and lost answers, and the first of each kind of failure. */
class Tally {
  right = 0
  private lost = 0
  private firstLost = ''
  private readonly wrong = new Map<string, number>()

  /** Whether the answer is the screen hop `hop` of `walk` must show. */
  judge(answer: Answer, hop: number, walk: Walk): boolean {
    if (!answer.ok) {
      this.lost += 1
      this.firstLost ||= answer.error
      return false
    }
    if (answer.status !== 200 || !expectedScreen(walk, hop, answer.body)) {
      // Named by hop and status only: what a screen showed stays out of the report.
      const key = `the answer to step ${hop} (HTTP ${answer.status})`
      this.wrong.set(key, (this.wrong.get(key) ?? 0) + 1)
      return false
    }
    this.right += 1
    return true
  }

  problems(what: string): string[] {
    const problems: string[] = []
    if (this.lost > 0)
      problems.push(`${this.lost} ${what}s got no answer (first: ${this.firstLost})`)
    for (const [key, count] of this.wrong)
      problems.push(`${count} ${what}s: ${key} was not the expected screen`)
    return problems
  }
}

/** 0 .. count-1 in a seeded random order (Fisher-Yates). */
function shuffled(count: number, seed: number): Int32Array {
  const random = seededRandom(seed)
  const order = new Int32Array(count)
  for (let index = 0; index < count; index += 1) order[index] = index
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1))
    const item = order[index] ?? 0
    order[index] = order[other] ?? 0
    order[other] = item
  }
  return order
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))
}
