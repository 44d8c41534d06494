/**
 * load.ts - the USSD benchmark's load generator, the same for both sides: `sessions` session
 * slots over one keep-alive HTTP agent (a socket per slot), each slot walking the pay-merchant
 * menu to its END as one subscriber, then dialling a new session as its next subscriber; one
 * request at a time per slot, every request a hop. Two ways to run, by the plan's thinkMs:
 *  - closed loop (thinkMs 0): a slot sends its next hop as soon as the last is answered, so
 *    `sessions` requests are always in flight; it measures hops per second. Within a slice slots
 *    start new walks until the deadline, hops answered by the deadline are counted with their
 *    latency, and walks under way at the deadline finish unmeasured before the slice returns.
 *  - think time (thinkMs > 0): before every hop, the dial included, the user reads and types for
 *    thinkMs +-50% (uniform, seeded per slot); it measures what a user waits for a screen. A hop
 *    sent within the slice counts, however late its answer. A walk under way at the deadline
 *    pauses before its next hop and goes on in the side's next slice (the user thought longer,
 *    well within the idle timeout), so every kind of hop is measured, the payments too; walks
 *    still paused when the bench ends stay unfinished (they paid nothing: paying is the last hop).
 * Latency is request written to whole answer read. Targets and results are plain data, so the
 * same code runs in a worker thread (runner.ts, load-worker.ts). Exports LoadSide, UssdTarget,
 * UssdLoadPlan, UssdSideResult, AckedPayment, HopKind, hopKinds, walkOnce, postHop, Answer,
 * answerMatches, recordPayment, mergeAcked.
 */
import { randomBytes } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { performance } from 'node:perf_hooks'
import { benchMsisdn, seededRandom } from '../bench-world.js'
import type { LatencySummary } from '../measure.js'
import { Samples, summarizeLatency } from '../measure.js'
import type { AckedPayment } from '../sms/load.js'
import { ussdBenchLimits } from './options.js'
import type { Walk, WalkKind } from './walks.js'
import { expectedScreen, hopForm, hopTexts, shapeOf, WalkSource } from './walks.js'

export type { AckedPayment } from '../sms/load.js'

/**
 * A side as data (it crosses to a worker thread): where its `POST /ussd` is and how its answers
 * are judged. telepay must answer the walk's screens; the bare baseline `CON ` and a filler as
 * long as `lengths[shape]`.
 */
export type UssdTarget =
  | { readonly name: string; readonly url: string; readonly expect: 'telepay' }
  | {
      readonly name: string
      readonly url: string
      readonly expect: 'bare'
      readonly lengths: Readonly<Record<string, number>>
    }

export interface UssdLoadPlan {
  readonly sessions: number
  readonly subscribers: number
  readonly walletShare: number
  readonly seed: number
  /** Mean think time before each hop, +-50%; 0: closed loop, no think time. */
  readonly thinkMs: number
}

export interface UssdSideResult {
  readonly name: string
  /** Hops answered within measured slices. */
  readonly hops: number
  readonly elapsedS: number
  readonly hopsPerSecond: number
  /** Request written to whole answer read, measured hops only. */
  readonly latency: LatencySummary
  /** Their mean: hops per second times it is the requests in flight on average (Little's law). */
  readonly meanLatencyMs: number
  /**
   * The same by what the hop does: a menu screen (hops 1-5), or the payment hop of each walk kind.
   */
  readonly latencyByHop: Readonly<Record<HopKind, LatencySummary>>
  /** Every hop answered, warm-up and slice ends included. */
  readonly hopsTotal: number
  readonly walksCompleted: Readonly<Record<WalkKind, number>>
  /**
   * Think time only: walks paused before their next hop now (none paid: paying is the last hop).
   */
  readonly walksUnderWay: number
  /** Lost hops, refused requests, wrong answers; empty when sound. */
  readonly problems: readonly string[]
}

/**
 * What a hop does: the five menu hops, or the last hop, which runs the payment (and, for the
 * wallet, the PIN check).
 */
export const hopKinds = ['menu', 'pay_phone_bill', 'pay_wallet_pin'] as const
export type HopKind = (typeof hopKinds)[number]

function hopKindOf(walk: Walk, hop: number): HopKind {
  if (hop < walk.inputs.length) return 'menu'
  return walk.kind === 'wallet_pay' ? 'pay_wallet_pin' : 'pay_phone_bill'
}

/** Whether a side's answer to hop `hop` of `walk` is the right one. */
export function answerMatches(target: UssdTarget, walk: Walk, hop: number, body: string): boolean {
  if (target.expect === 'telepay') return expectedScreen(walk, hop, body)
  const text = hopTexts(walk)[hop] ?? ''
  return body.startsWith('CON ') && body.length === target.lengths[shapeOf(text)]
}

export type Answer =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | { readonly ok: false; readonly error: string }

/** One `POST /ussd` over the agent; an error text when no whole answer came within hopTimeoutMs. */
export function postHop(agent: Agent, url: URL, body: string): Promise<Answer> {
  return new Promise((resolve) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: '/ussd',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
        })
        response.on('end', () =>
          resolve({ ok: true, status: response.statusCode ?? 0, body: text }),
        )
        response.on('error', (error) => resolve({ ok: false, error: error.message }))
      },
    )
    request.setTimeout(ussdBenchLimits.hopTimeoutMs, () =>
      request.destroy(new Error(`no answer within ${ussdBenchLimits.hopTimeoutMs} ms`)),
    )
    request.on('error', (error) => resolve({ ok: false, error: error.message }))
    request.end(body)
  })
}

/** The whole answers to one walk, hop by hop, stopping at the first failed request. */
export async function walkOnce(
  url: string,
  msisdn: string,
  sessionId: string,
  walk: Walk,
): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const answers: Answer[] = []
  try {
    for (const text of hopTexts(walk)) {
      const answer = await postHop(agent, new URL(url), hopForm(sessionId, msisdn, text))
      answers.push(answer)
      if (!answer.ok || answer.status !== 200) break
    }
  } finally {
    agent.destroy()
  }
  return answers
}

interface Slot {
  readonly subscribers: readonly string[]
  readonly walks: WalkSource
  /** Uniform in [0, 1): this slot's think times. */
  readonly think: () => number
  cursor: number
  /** Think time: the walk paused at the last slice's end, to go on in the next. */
  current: Walking | null
}

interface Walking {
  readonly walk: Walk
  readonly sessionId: string
  readonly msisdn: string
  /** The next hop to send. */
  hop: number
}

interface Tally {
  hops: number
  lost: number
  firstLostError: string | null
  refused: number
  wrong: Map<string, number>
  walks: Record<WalkKind, number>
}

export class LoadSide {
  readonly acked = new Map<string, AckedPayment>()
  private readonly tally: Tally = {
    hops: 0,
    lost: 0,
    firstLostError: null,
    refused: 0,
    wrong: new Map(),
    walks: { phone_bill_pay: 0, wallet_pay: 0 },
  }
  private readonly measured = { hops: 0, elapsedS: 0 }
  private readonly latencies = new Samples()
  private readonly latenciesByHop: Record<HopKind, Samples> = {
    menu: new Samples(),
    pay_phone_bill: new Samples(),
    pay_wallet_pin: new Samples(),
  }
  private readonly agent: Agent
  private readonly url: URL
  /** Session ids of this side and run: unique, so a new walk never lands in an old session. */
  private readonly sessionPrefix = `bench-${randomBytes(4).toString('hex')}`
  private readonly slots: readonly Slot[]
  private sessionsStarted = 0
  private readonly thinkMs: number

  constructor(
    readonly target: UssdTarget,
    plan: UssdLoadPlan,
  ) {
    this.thinkMs = plan.thinkMs
    // A socket per session slot: a request never waits for a socket, as it would not at an
    // aggregator.
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: plan.sessions,
      maxFreeSockets: plan.sessions,
    })
    this.url = new URL(target.url)
    this.slots = slotsOf(plan)
  }

  /** Drives every session slot for `seconds`; counted in the result only when `measure` is set. */
  async run(seconds: number, measure: boolean): Promise<void> {
    const deadline = performance.now() + seconds * 1_000
    await Promise.all(this.slots.map((slot) => this.drive(slot, deadline, measure)))
    if (measure) this.measured.elapsedS += seconds
  }

  result(): UssdSideResult {
    const problems: string[] = []
    const latencies = this.latencies.toArray()
    if (this.tally.lost > 0)
      problems.push(
        `${this.tally.lost} hops got no answer (first: ${this.tally.firstLostError ?? ''})`,
      )
    if (this.tally.refused > 0)
      problems.push(`${this.tally.refused} hops answered with an HTTP status other than 200`)
    for (const [expected, count] of this.tally.wrong)
      problems.push(`${count} answers were not the expected ${expected}`)
    return {
      name: this.target.name,
      hops: this.measured.hops,
      elapsedS: this.measured.elapsedS,
      hopsPerSecond: this.measured.elapsedS === 0 ? 0 : this.measured.hops / this.measured.elapsedS,
      latency: summarizeLatency(latencies),
      meanLatencyMs:
        latencies.length === 0
          ? Number.NaN
          : latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
      latencyByHop: {
        menu: summarizeLatency(this.latenciesByHop.menu.toArray()),
        pay_phone_bill: summarizeLatency(this.latenciesByHop.pay_phone_bill.toArray()),
        pay_wallet_pin: summarizeLatency(this.latenciesByHop.pay_wallet_pin.toArray()),
      },
      hopsTotal: this.tally.hops,
      walksCompleted: { ...this.tally.walks },
      walksUnderWay: this.slots.filter((slot) => slot.current !== null).length,
      problems,
    }
  }

  close(): void {
    this.agent.destroy()
  }

  private async drive(slot: Slot, deadline: number, measure: boolean): Promise<void> {
    while (performance.now() < deadline) {
      const walking = slot.current ?? this.nextWalk(slot)
      slot.current = null
      const outcome = await this.walk(slot, walking, deadline, measure)
      if (outcome === 'done') this.tally.walks[walking.walk.kind] += 1
      if (outcome === 'paused') slot.current = walking
      // A request that fails outright (refused connection) fails at once: retrying would spin.
      if (outcome === 'stop') return
    }
  }

  private nextWalk(slot: Slot): Walking {
    const msisdn = slot.subscribers[slot.cursor % slot.subscribers.length] ?? ''
    slot.cursor += 1
    this.sessionsStarted += 1
    return {
      walk: slot.walks.next(),
      sessionId: `${this.sessionPrefix}-${this.sessionsStarted}`,
      msisdn,
      hop: 0,
    }
  }

  /**
   * A walk, hop by hop from where it stands; a wrong answer is tallied and ends the walk, a lost
   * hop ends this slot's slice. With think time the user thinks before each hop, and the walk
   * pauses when its next hop would go after the deadline.
   */
  private async walk(
    slot: Slot,
    walking: Walking,
    deadline: number,
    measure: boolean,
  ): Promise<'done' | 'failed' | 'stop' | 'paused'> {
    const { walk, sessionId, msisdn } = walking
    const texts = hopTexts(walk)
    const thinking = this.thinkMs > 0
    for (; walking.hop < texts.length; walking.hop += 1) {
      const hop = walking.hop
      if (thinking) {
        await sleep(Math.min(this.thinkMs * (0.5 + slot.think()), deadline - performance.now()))
        if (performance.now() >= deadline) return 'paused'
      }
      const sent = performance.now()
      const answer = await postHop(
        this.agent,
        this.url,
        hopForm(sessionId, msisdn, texts[hop] ?? ''),
      )
      const arrived = performance.now()
      if (!answer.ok) {
        this.tally.lost += 1
        this.tally.firstLostError ??= answer.error
        return 'stop'
      }
      this.tally.hops += 1
      // Closed loop: what was answered within the slice is its throughput. Think time: every
      // hop sent within it counts, so that a slow answer at the slice's end is not dropped.
      if (measure && (thinking || arrived <= deadline)) {
        this.measured.hops += 1
        this.latencies.push(arrived - sent)
        this.latenciesByHop[hopKindOf(walk, hop)].push(arrived - sent)
      }
      if (answer.status !== 200) {
        this.tally.refused += 1
        return 'failed'
      }
      if (!answerMatches(this.target, walk, hop, answer.body)) {
        // Only the hop is named, never the answer: what a user typed stays out of the report.
        const expected = `answer to hop ${hop} (${walk.kind})`
        this.tally.wrong.set(expected, (this.tally.wrong.get(expected) ?? 0) + 1)
        return 'failed'
      }
    }
    if (this.target.expect === 'telepay') recordPayment(this.acked, msisdn, walk)
    return 'done'
  }
}

/** Adds an acknowledged payment (telepay answered END "Paid ...") to a subscriber's tally. */
export function recordPayment(acked: Map<string, AckedPayment>, msisdn: string, walk: Walk): void {
  const mine = acked.get(msisdn) ?? { phoneBillMinor: 0n, walletMinor: 0n, payments: 0 }
  if (walk.kind === 'wallet_pay') mine.walletMinor += walk.amountMinor
  else mine.phoneBillMinor += walk.amountMinor
  mine.payments += 1
  acked.set(msisdn, mine)
}

/** The payments of several tallies, summed per subscriber. */
export function mergeAcked(
  tallies: Iterable<ReadonlyMap<string, AckedPayment>>,
): Map<string, AckedPayment> {
  const merged = new Map<string, AckedPayment>()
  for (const tally of tallies) {
    for (const [msisdn, mine] of tally) {
      const sum = merged.get(msisdn) ?? { phoneBillMinor: 0n, walletMinor: 0n, payments: 0 }
      merged.set(msisdn, {
        phoneBillMinor: sum.phoneBillMinor + mine.phoneBillMinor,
        walletMinor: sum.walletMinor + mine.walletMinor,
        payments: sum.payments + mine.payments,
      })
    }
  }
  return merged
}

/**
 * Subscriber 0 is the probe walks'; slot s takes subscribers 1 + s, 1 + s + sessions, ... so no
 * subscriber is ever in two sessions at once (a second dial would end the first: one session per
 * subscriber). Slot seeds depend only on the slot: both sides send the same requests in order.
 */
function slotsOf(plan: UssdLoadPlan): Slot[] {
  return Array.from({ length: plan.sessions }, (_, slot) => {
    const subscribers: string[] = []
    for (let index = 1 + slot; index < plan.subscribers; index += plan.sessions)
      subscribers.push(benchMsisdn(index))
    const seed = plan.seed + slot * 100_003
    return {
      subscribers,
      walks: new WalkSource(seed, plan.walletShare),
      think: seededRandom(seed ^ 0x5bd1e995),
      cursor: 0,
      current: null,
    }
  })
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))
}
