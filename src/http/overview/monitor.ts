/**
 * monitor.ts - the operator console's live overview: one snapshot of the gateway now (commands
 * a second by channel and result with their latency over the last two minutes, open sessions
 * and calls, SMPP binds with their windows and throughput, the outbox, the bank, the ledger's
 * last check, the command queue) and its alarms. It reads only what is cheap: counters kept in
 * memory, one count on an index for the outbox, and an incremental ledger check (the new
 * transfers only, in the report worker) at most every ledgerCheckEveryMs, and only while
 * someone watches. Exports OverviewMonitor, OverviewSources, Overview, SmppBindView,
 * overviewLimits.
 */
import type { BankBehaviour } from '../../bank/gateway-bank.js'
import type { SmppBindStatus } from '../../bearer/start.js'
import { formatAmount } from '../../core/index.js'
import type { LedgerCheck, LedgerStore } from '../../ledger/store.js'
import type { LiveSecond, LiveStats } from '../../service/live-stats.js'
import type { Alarm } from './alarms.js'
import { alarmsOf } from './alarms.js'

export const overviewLimits = {
  /**
   * How often the overview's ledger check runs while someone watches: an incremental check
   * reads the transfers since the last one, so every 30 s it reads at most 30 s of traffic
   * (about 60,000 transfers at the bench's rate), off the event loop.
   */
  ledgerCheckEveryMs: 30_000,
  /** Outbox samples kept, one a second at most: the minute the growth alarm compares with. */
  outboxSamplesMax: 61,
  /** Seconds of commands in a snapshot: the live chart's width. */
  chartSeconds: 120,
} as const

export interface SmppBindView extends Omit<SmppBindStatus, 'boundAtMs'> {
  readonly boundAt: string
  /** Requests a second since the previous snapshot (null on the first). */
  readonly inPerSecond: number | null
  readonly outPerSecond: number | null
}

export interface OverviewSources {
  readonly liveStats: LiveStats
  readonly ledger: Pick<LedgerStore, 'outboxDepth' | 'check'>
  readonly bank: { readonly mode: BankBehaviour }
  /** Commands waiting for the ledger writer. */
  commandQueueDepth(): number
  /** Channels by name, ready or not (as /healthz). */
  channels(): Readonly<Record<string, boolean>>
  sessionsOpen(): { readonly ussd: number; readonly ivr: number; readonly wap: number }
  /** The SMSC simulator's binds (simulator mode); empty in operator mode. */
  smppBinds(): readonly SmppBindStatus[]
  readonly smppMode: 'simulator' | 'operator' | 'none'
  /** The wall clock, in ms. */
  nowMs(): number
}

export interface Overview {
  readonly at: string
  /** The last chartSeconds seconds, oldest first, one array per figure (compact on the wire). */
  readonly chart: {
    readonly startSecond: number
    readonly commands: readonly number[]
    readonly byChannel: Readonly<Record<string, readonly number[]>>
    readonly p50Ms: readonly (number | null)[]
    readonly p99Ms: readonly (number | null)[]
  }
  readonly lastMinute: {
    readonly commands: number
    readonly perSecond: number
    readonly byChannel: Readonly<Record<string, number>>
    readonly byResult: Readonly<Record<string, number>>
  }
  readonly sessions: { readonly ussd: number; readonly ivr: number; readonly wap: number }
  readonly smpp: { readonly mode: string; readonly binds: readonly SmppBindView[] }
  readonly outbox: { readonly sms: number; readonly webhook: number }
  readonly bank: BankBehaviour
  readonly ledger: {
    readonly balanced: boolean
    readonly checkedAt: string
    readonly transfers: number
    readonly total: string
  } | null
  readonly commandQueueDepth: number
  readonly channels: Readonly<Record<string, boolean>>
  readonly alarms: readonly Alarm[]
}

const pinLockoutReason = 'pin_attempts_exceeded'

export class OverviewMonitor {
  private readonly outboxSamples: { atMs: number; depth: number }[] = []
  private lastCheck: { check: LedgerCheck; atMs: number } | null = null
  private checking: Promise<void> | null = null
  private previousBinds = new Map<number, { atMs: number; in: number; out: number }>()

  constructor(private readonly sources: OverviewSources) {}

  async snapshot(): Promise<Overview> {
    const { sources } = this
    const nowMs = sources.nowMs()
    this.checkLedgerIfDue(nowMs)
    const outbox = await sources.ledger.outboxDepth()
    const outboxNow = outbox.sms + outbox.webhook
    const minuteAgo = this.sampleOutbox(nowMs, outboxNow)
    const seconds = sources.liveStats.seconds(overviewLimits.chartSeconds)
    const lastMinute = sumOf(seconds.slice(-60))
    const channels = sources.channels()
    const commandQueueDepth = sources.commandQueueDepth()
    const check = this.lastCheck
    return {
      at: new Date(nowMs).toISOString(),
      chart: chartOf(seconds),
      lastMinute,
      sessions: sources.sessionsOpen(),
      smpp: { mode: sources.smppMode, binds: this.bindViews(nowMs) },
      outbox,
      bank: sources.bank.mode,
      ledger:
        check === null
          ? null
          : {
              balanced: check.check.balanced,
              checkedAt: new Date(check.atMs).toISOString(),
              transfers: check.check.transfers,
              total: formatAmount(check.check.totalMinor),
            },
      commandQueueDepth,
      channels,
      alarms: alarmsOf({
        ledgerBalanced: check?.check.balanced ?? null,
        channels,
        bankMode: sources.bank.mode.mode,
        outboxNow,
        outboxMinuteAgo: minuteAgo,
        pinLockoutsLastMinute: lastMinute.byResult[pinLockoutReason] ?? 0,
        commandQueueDepth,
      }),
    }
  }

  /** Waits for a ledger check in progress (tests, and a page that asks right after a change). */
  async settled(): Promise<void> {
    await this.checking
  }

  /** Runs an incremental ledger check in the background when the last one is old enough. */
  private checkLedgerIfDue(nowMs: number): void {
    if (this.checking !== null) return
    if (this.lastCheck !== null && nowMs - this.lastCheck.atMs < overviewLimits.ledgerCheckEveryMs)
      return
    this.checking = this.sources.ledger
      .check({ mode: 'incremental' })
      .then(
        (check) => {
          this.lastCheck = { check, atMs: this.sources.nowMs() }
        },
        // A check that fails (the worker gone on stop) is tried again at the next interval.
        () => {
          this.lastCheck = null
        },
      )
      .finally(() => {
        this.checking = null
      })
  }

  /** Keeps the depth and returns the one of about a minute ago, if there is one. */
  private sampleOutbox(nowMs: number, depth: number): number | null {
    const last = this.outboxSamples.at(-1)
    if (last === undefined || nowMs - last.atMs >= 1_000)
      this.outboxSamples.push({ atMs: nowMs, depth })
    while (this.outboxSamples.length > overviewLimits.outboxSamplesMax) this.outboxSamples.shift()
    const old = this.outboxSamples.find((sample) => nowMs - sample.atMs <= 61_000)
    return old !== undefined && nowMs - old.atMs >= 55_000 ? old.depth : null
  }

  private bindViews(nowMs: number): SmppBindView[] {
    const next = new Map<number, { atMs: number; in: number; out: number }>()
    const views = this.sources.smppBinds().map((bind) => {
      const before = this.previousBinds.get(bind.id)
      next.set(bind.id, { atMs: nowMs, in: bind.requestsIn, out: bind.requestsOut })
      const seconds = before === undefined ? 0 : (nowMs - before.atMs) / 1000
      const rate = (now: number, then: number | undefined): number | null =>
        then === undefined || seconds <= 0 ? null : Math.round(((now - then) / seconds) * 10) / 10
      const { boundAtMs, ...rest } = bind
      return {
        ...rest,
        boundAt: new Date(boundAtMs).toISOString(),
        inPerSecond: rate(bind.requestsIn, before?.in),
        outPerSecond: rate(bind.requestsOut, before?.out),
      }
    })
    this.previousBinds = next
    return views
  }
}

function chartOf(seconds: readonly LiveSecond[]): Overview['chart'] {
  const byChannel: Record<string, number[]> = {}
  seconds.forEach((second, index) => {
    for (const [channel, count] of Object.entries(second.byChannel)) {
      const line = byChannel[channel] ?? seconds.map(() => 0)
      line[index] = count
      byChannel[channel] = line
    }
  })
  return {
    startSecond: seconds[0]?.second ?? 0,
    commands: seconds.map((second) => second.commands),
    byChannel,
    p50Ms: seconds.map((second) => second.p50Ms),
    p99Ms: seconds.map((second) => second.p99Ms),
  }
}

function sumOf(seconds: readonly LiveSecond[]): Overview['lastMinute'] {
  const byChannel: Record<string, number> = {}
  const byResult: Record<string, number> = {}
  let commands = 0
  for (const second of seconds) {
    commands += second.commands
    for (const [key, count] of Object.entries(second.byChannel))
      byChannel[key] = (byChannel[key] ?? 0) + count
    for (const [key, count] of Object.entries(second.byResult))
      byResult[key] = (byResult[key] ?? 0) + count
  }
  const perSecond = seconds.length === 0 ? 0 : Math.round((commands / seconds.length) * 10) / 10
  return { commands, perSecond, byChannel, byResult }
}
