/**
 * load.ts - the SMS benchmark's load generator, the same for both sides: `binds` PhoneEsme
 * transceivers, each driving `flowsPerBind` subscribers at once (a subscriber has one flow in
 * flight: each MO waits for its reply before the next), every MO from its own MSISDN with its
 * own user_message_reference (so the gateway never takes a second YES for a retransmission of
 * the first). It runs in slices: within a slice drivers start new flows until the deadline,
 * replies that arrive by the deadline are counted (a command = an MO whose reply arrived) with
 * their latency (submit to reply), and flows under way at the deadline finish unmeasured before
 * the slice returns. Exports LoadSide, LoadTarget, LoadPlan, SideResult, AckedPayment.
 */
import { performance } from 'node:perf_hooks'
import type { SmppLimits } from '../../../bearer/smpp/limits.js'
import { PhoneEsme } from '../../phones/phone-esme.js'
import { benchMsisdn } from '../bench-world.js'
import type { LatencySummary } from '../measure.js'
import { Samples, summarizeLatency } from '../measure.js'
import type { Flow, FlowKind, FlowStep } from './flows.js'
import { FlowSource } from './flows.js'
import { smsBenchLimits } from './options.js'

export interface LoadTarget {
  /** Names the side in the report ("telepay", "bare smpp echo"). */
  readonly name: string
  readonly host: string
  readonly port: number
  readonly systemId: string
  readonly password: string
  readonly shortCode: string
  /** Whether the reply text is the right one for the step. */
  readonly replyMatches: (step: FlowStep, flow: Flow, text: string) => boolean
  /**
   * Whether a matching reply to YES means money moved (telepay), so it is kept for the money check.
   */
  readonly movesMoney: boolean
}

export interface LoadPlan {
  readonly binds: number
  readonly windowMax: number
  readonly flowsPerBind: number
  readonly subscribers: number
  readonly balanceShare: number
  readonly walletShare: number
  readonly seed: number
}

/** Payments a subscriber saw acknowledged ("Paid ...") over the whole run, warm-up included. */
export interface AckedPayment {
  phoneBillMinor: bigint
  walletMinor: bigint
  payments: number
}

export interface SideResult {
  readonly name: string
  /** Replies that arrived within measured slices. */
  readonly commands: number
  readonly elapsedS: number
  readonly commandsPerSecond: number
  /** MO submit (send called) to reply received, measured replies only. */
  readonly latency: LatencySummary
  /** Every MO answered, warm-up and slice ends included. */
  readonly repliesTotal: number
  readonly flowsCompleted: Readonly<Record<FlowKind, number>>
  /** Lost replies, refused submits, wrong replies; empty when sound. */
  readonly problems: readonly string[]
}

interface Driver {
  readonly esme: PhoneEsme
  readonly subscribers: readonly string[]
  readonly flows: FlowSource
  cursor: number
}

interface Tally {
  replies: number
  lost: number
  sendFailures: number
  firstSendError: string | null
  wrong: Map<string, number>
  flows: Record<FlowKind, number>
}

/** The phones' session limits: the stack is measured, not the client's throttle or queue. */
export function phoneLimitsOf(plan: LoadPlan): Partial<SmppLimits> {
  return {
    windowMax: plan.windowMax,
    // Every driver may queue one MO behind the window.
    sendQueueMax: Math.max(1_000, plan.flowsPerBind),
    inboundRatePerSecond: smsBenchLimits.inboundRatePerSecond,
    inboundBurstMax: smsBenchLimits.inboundBurstMax,
    // The bare echo has no window: a bind may get one deliver_sm per flow in flight at once.
    inboundInFlightMax: Math.max(100, plan.flowsPerBind),
  }
}

export class LoadSide {
  readonly acked = new Map<string, AckedPayment>()
  private readonly tally: Tally = {
    replies: 0,
    lost: 0,
    sendFailures: 0,
    firstSendError: null,
    wrong: new Map(),
    flows: { balance: 0, phone_bill_pay: 0, wallet_pay: 0 },
  }
  private readonly measured = { commands: 0, elapsedS: 0 }
  private readonly latencies = new Samples()
  /** user_message_reference per subscriber, 0..65535 (a 16-bit TLV). */
  private readonly references = new Map<string, number>()

  private constructor(
    readonly target: LoadTarget,
    private readonly esmes: readonly PhoneEsme[],
    private readonly drivers: readonly Driver[],
  ) {}

  /** Binds every ESME; an error text when one cannot bind (the others are closed again). */
  static async open(target: LoadTarget, plan: LoadPlan): Promise<LoadSide | string> {
    const limits = phoneLimitsOf(plan)
    const esmes = Array.from(
      { length: plan.binds },
      () =>
        new PhoneEsme({
          host: target.host,
          port: target.port,
          systemId: target.systemId,
          password: target.password,
          shortCode: target.shortCode,
          limits,
        }),
    )
    const problems = await Promise.all(esmes.map((esme) => esme.bind(smsBenchLimits.bindTimeoutMs)))
    const problem = problems.find((item) => item !== null)
    if (problem !== undefined && problem !== null) {
      await Promise.all(esmes.map((esme) => esme.close()))
      return `${target.name}: bind failed: ${problem}`
    }
    return new LoadSide(target, esmes, driversOf(esmes, plan))
  }

  /** Drives every flow slot for `seconds`; counted in the result only when `measure` is set. */
  async run(seconds: number, measure: boolean): Promise<void> {
    const started = performance.now()
    const deadline = started + seconds * 1_000
    await Promise.all(this.drivers.map((driver) => this.drive(driver, deadline, measure)))
    if (measure) this.measured.elapsedS += seconds
  }

  result(): SideResult {
    const problems: string[] = []
    if (this.tally.lost > 0)
      problems.push(
        `${this.tally.lost} MOs got no reply within ${smsBenchLimits.replyTimeoutMs} ms`,
      )
    if (this.tally.sendFailures > 0)
      problems.push(
        `${this.tally.sendFailures} MOs not accepted (first: ${this.tally.firstSendError ?? ''})`,
      )
    for (const [expected, count] of this.tally.wrong)
      problems.push(`${count} replies were not the expected ${expected}`)
    return {
      name: this.target.name,
      commands: this.measured.commands,
      elapsedS: this.measured.elapsedS,
      commandsPerSecond:
        this.measured.elapsedS === 0 ? 0 : this.measured.commands / this.measured.elapsedS,
      latency: summarizeLatency(this.latencies.toArray()),
      repliesTotal: this.tally.replies,
      flowsCompleted: { ...this.tally.flows },
      problems,
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.esmes.map((esme) => esme.close()))
  }

  private async drive(driver: Driver, deadline: number, measure: boolean): Promise<void> {
    while (performance.now() < deadline) {
      const msisdn = driver.subscribers[driver.cursor % driver.subscribers.length] ?? ''
      driver.cursor += 1
      const flow = driver.flows.next()
      const outcome = await this.runFlow(driver.esme, msisdn, flow, deadline, measure)
      if (outcome === 'done') this.tally.flows[flow.kind] += 1
      // A refused submit fails at once (unbound, queue full): retrying would spin without I/O.
      if (outcome === 'stop') return
    }
  }

  /**
   * One flow, step by step; a failed step is tallied and ends the flow, a refused submit ends the
   * slice for this driver.
   */
  private async runFlow(
    esme: PhoneEsme,
    msisdn: string,
    flow: Flow,
    deadline: number,
    measure: boolean,
  ): Promise<'done' | 'failed' | 'stop'> {
    for (const step of flow.steps) {
      const reference = ((this.references.get(msisdn) ?? -1) + 1) % 65_536
      this.references.set(msisdn, reference)
      const sent = performance.now()
      const accepted = await esme.send(msisdn, step.text, { userMessageReference: reference })
      if (!accepted.ok) {
        this.tally.sendFailures += 1
        this.tally.firstSendError ??= accepted.error
        return 'stop'
      }
      const reply = await esme.next(msisdn, smsBenchLimits.replyTimeoutMs)
      const arrived = performance.now()
      if (reply === null) {
        this.tally.lost += 1
        return 'failed'
      }
      this.tally.replies += 1
      if (measure && arrived <= deadline) {
        this.measured.commands += 1
        this.latencies.push(arrived - sent)
      }
      if (!this.target.replyMatches(step, flow, reply.text)) {
        // Only what was expected is kept: a reply text may quote the MO, and an MO may hold a PIN.
        this.tally.wrong.set(step.reply, (this.tally.wrong.get(step.reply) ?? 0) + 1)
        return 'failed'
      }
      if (step.reply === 'paid' && this.target.movesMoney) this.recordPayment(msisdn, flow)
    }
    return 'done'
  }

  private recordPayment(msisdn: string, flow: Flow): void {
    const acked = this.acked.get(msisdn) ?? { phoneBillMinor: 0n, walletMinor: 0n, payments: 0 }
    if (flow.kind === 'wallet_pay') acked.walletMinor += flow.amountMinor
    else acked.phoneBillMinor += flow.amountMinor
    acked.payments += 1
    this.acked.set(msisdn, acked)
  }
}

/**
 * Subscriber i belongs to bind i % binds; within a bind, driver d takes every flowsPerBind-th
 * subscriber from d, so no subscriber is ever in two flows at once. Driver seeds depend only on
 * the bind and slot: both sides send the same texts in the same order.
 */
function driversOf(esmes: readonly PhoneEsme[], plan: LoadPlan): Driver[] {
  const drivers: Driver[] = []
  esmes.forEach((esme, bind) => {
    const mine: string[] = []
    for (let index = bind; index < plan.subscribers; index += plan.binds)
      mine.push(benchMsisdn(index))
    const slots = Math.min(plan.flowsPerBind, mine.length)
    for (let slot = 0; slot < slots; slot += 1) {
      const subscribers = mine.filter((_, position) => position % slots === slot)
      const flows = new FlowSource(plan.seed + bind * 100_003 + slot, {
        balanceShare: plan.balanceShare,
        walletShare: plan.walletShare,
      })
      drivers.push({ esme, subscribers, flows, cursor: 0 })
    }
  })
  return drivers
}
