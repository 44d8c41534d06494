/**
 * live-stats.ts - the last two minutes of commands, a second at a time, for the operator
 * console's live overview: how many by channel, how many by result, and their latency. The
 * Prometheus metrics count since start and are for a scraper; a person watching a console wants
 * "now", without running Prometheus. Fixed memory: one slot a second in a ring. Exports
 * LiveStats, LiveSecond, liveStatsLimits.
 */

export const liveStatsLimits = {
  /** Seconds kept: the chart's width; a minute of results beside the minute before. */
  secondsKept: 120,
  /**
   * Distinct channels and results counted in one second; past it they count as "other". Channels
   * are a handful and results the core's refusal reasons (about 40), so this is never reached
   * but by a bug, and then memory stays bounded.
   */
  keysPerSecondMax: 64,
} as const

/**
 * Latency buckets' upper bounds in milliseconds: a cached read, a group commit, a slow bank. The
 * percentiles are read from them, so they are exact to a bucket.
 */
const latencyBoundsMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000]

interface Slot {
  second: number
  commands: number
  readonly byChannel: Map<string, number>
  readonly byResult: Map<string, number>
  readonly latency: number[]
  latencyMaxMs: number
}

/** One second of commands, as the overview shows it. */
export interface LiveSecond {
  /** Unix time in seconds. */
  readonly second: number
  readonly commands: number
  readonly byChannel: Readonly<Record<string, number>>
  readonly byResult: Readonly<Record<string, number>>
  /** Latency percentiles to a bucket's bound; null when the second had no command. */
  readonly p50Ms: number | null
  readonly p99Ms: number | null
  readonly maxMs: number | null
}

function emptySlot(second: number): Slot {
  return {
    second,
    commands: 0,
    byChannel: new Map(),
    byResult: new Map(),
    latency: latencyBoundsMs.map(() => 0).concat(0),
    latencyMaxMs: 0,
  }
}

function bump(counts: Map<string, number>, key: string): void {
  const counted = counts.has(key) || counts.size < liveStatsLimits.keysPerSecondMax
  const name = counted ? key : 'other'
  counts.set(name, (counts.get(name) ?? 0) + 1)
}

/** The bound of the bucket that holds the given share of the counts. */
function percentileMs(buckets: readonly number[], total: number, share: number): number {
  const rank = Math.max(1, Math.ceil(total * share))
  let seen = 0
  for (let index = 0; index < buckets.length; index += 1) {
    seen += buckets[index] ?? 0
    if (seen >= rank) return latencyBoundsMs[index] ?? Number.POSITIVE_INFINITY
  }
  return Number.POSITIVE_INFINITY
}

export class LiveStats {
  private readonly slots: Slot[] = []

  /** `nowMs`: the wall clock (the console's seconds are real ones, whatever the test clock). */
  constructor(private readonly nowMs: () => number = Date.now) {
    for (let index = 0; index < liveStatsLimits.secondsKept; index += 1)
      this.slots.push(emptySlot(-1))
  }

  record(channel: string, result: string, latencyMs: number): void {
    const slot = this.slotOf(Math.floor(this.nowMs() / 1000))
    slot.commands += 1
    bump(slot.byChannel, channel)
    bump(slot.byResult, result)
    let bucket = latencyBoundsMs.findIndex((bound) => latencyMs <= bound)
    if (bucket === -1) bucket = latencyBoundsMs.length
    slot.latency[bucket] = (slot.latency[bucket] ?? 0) + 1
    slot.latencyMaxMs = Math.max(slot.latencyMaxMs, latencyMs)
  }

  /** The last `seconds` complete seconds and the current one, oldest first; empty ones too. */
  seconds(seconds: number = liveStatsLimits.secondsKept): LiveSecond[] {
    const now = Math.floor(this.nowMs() / 1000)
    const count = Math.min(seconds, liveStatsLimits.secondsKept)
    const out: LiveSecond[] = []
    for (let second = now - count + 1; second <= now; second += 1) {
      const slot = this.slots[second % liveStatsLimits.secondsKept]
      out.push(slot !== undefined && slot.second === second ? secondOf(slot) : idle(second))
    }
    return out
  }

  private slotOf(second: number): Slot {
    const index = second % liveStatsLimits.secondsKept
    const slot = this.slots[index]
    if (slot !== undefined && slot.second === second) return slot
    const fresh = emptySlot(second)
    this.slots[index] = fresh
    return fresh
  }
}

const tenths = (ms: number): number => Math.round(ms * 10) / 10

function idle(second: number): LiveSecond {
  return { second, commands: 0, byChannel: {}, byResult: {}, p50Ms: null, p99Ms: null, maxMs: null }
}

function secondOf(slot: Slot): LiveSecond {
  const none = slot.commands === 0
  return {
    second: slot.second,
    commands: slot.commands,
    byChannel: Object.fromEntries(slot.byChannel),
    byResult: Object.fromEntries(slot.byResult),
    p50Ms: none ? null : percentileMs(slot.latency, slot.commands, 0.5),
    p99Ms: none
      ? null
      : tenths(Math.min(percentileMs(slot.latency, slot.commands, 0.99), slot.latencyMaxMs)),
    maxMs: none ? null : tenths(slot.latencyMaxMs),
  }
}
