/**
 * options.ts - what the USSD benchmark can be asked to do (UssdBenchOptions and its defaults),
 * the bounds it runs under (ussdBenchLimits, one comment per bound) and the targets.
 * Exports UssdBenchOptions, ussdBenchDefaults, ussdBenchLimits, ussdBenchTargets,
 * checkUssdBenchOptions.
 */
import { defaultUssdLimits } from '../../../../channels/ussd/limits.js'

export interface UssdBenchOptions {
  /**
   * Closed loop: measured seconds per side (telepay, bare express), split into `slices` alternating
   * slices.
   */
  readonly seconds: number
  /** Slices per side; the sides alternate A B B A A B ... so drift hits both alike. */
  readonly slices: number
  /** Unmeasured load per side before the first slice: JIT, caches, every socket opened. */
  readonly warmupSeconds: number
  /**
   * USSD sessions at once per side, each a different subscriber, each one hop at a time (both
   * measurements).
   */
  readonly sessions: number
  /**
   * Think time: the mean time a user takes to read a screen and type, before every hop, drawn
   * uniformly within +-50% of it. The latency target's "200 concurrent sessions" are people
   * in sessions, not 200 requests always in flight.
   */
  readonly thinkMs: number
  /** Think time: measured seconds per side, in `slices` alternating slices as the closed loop. */
  readonly thinkSeconds: number
  /** Subscribers in the world, shared out among the sessions. */
  readonly subscribers: number
  /**
   * Share of walks that pay from the wallet and confirm with the PIN (one scrypt); the rest pay on
   * the phone bill (Confirm, no PIN).
   */
  readonly walletShare: number
  /**
   * scrypt N of the bench PIN hash (16384 in production): makes the PIN screen cheap enough to run
   * thousands of.
   */
  readonly pinHashCost: number
  /**
   * Run the load generator in a worker thread (its own event loop, so the other core) instead of
   * beside the servers.
   */
  readonly worker: boolean
  /**
   * Where the gateway's database goes; null: a new directory under ./data/bench (the gateway's
   * disk).
   */
  readonly dir: string | null
  /** Keep the database directory after the run. */
  readonly keep: boolean
  /** Seed of the walk sequence: both sides and every run send the same requests. */
  readonly seed: number
  /** Progress lines (stderr in the CLI); null: quiet. */
  readonly progress: ((line: string) => void) | null
}

export const ussdBenchDefaults: UssdBenchOptions = {
  // As the other benches: slices long enough to hold thousands of hops and many group commits.
  seconds: 8,
  slices: 4,
  warmupSeconds: 2,
  // The figure: its p99 target is stated at 200 concurrent sessions.
  sessions: 200,
  // People take a second or two to read a short screen and type a digit or four; 1 s +-50%
  // is on the quick side, so the load is if anything heavier than real users make.
  thinkMs: 1_000,
  // About sessions / think = 200 hops a second: 16 s (less the first half second of each slice,
  // when every user is still thinking) gives some 2,800 hops per side, so the p99 is about the
  // 28th slowest, not one outlier.
  thinkSeconds: 16,
  // Ten subscribers per session: a subscriber dials again only after nine others have paid.
  subscribers: 2_000,
  // A wallet walk ends in one scrypt (about 1.7 ms at N=1024) under the gateway's bound of two
  // at a time, and each slot turns over only when the busy event loop comes round to the
  // scrypt's callback (tens of ms a turn at 200 sessions): the gateway checked about 20-50 PINs
  // a second under this load. At a share of 0.25 the PIN hop waited 1.4 s at p50 and dragged
  // every figure; 0.05 (as the SMS bench) keeps PIN checks in every slice without letting their
  // queue stand for the channel. --wallet-share shows the rest.
  walletShare: 0.05,
  pinHashCost: 1_024,
  worker: false,
  dir: null,
  keep: false,
  seed: 20_261_121,
  progress: null,
}

export const ussdBenchLimits = {
  /**
   * A hop answered later than this counts as lost: the channel's own answer deadline is 5 s
   * (a late command gets the polite END then), so 10 s means the server never answered.
   */
  hopTimeoutMs: 10_000,
  /**
   * Most sessions a side may run: each holds a keep-alive socket, and the servers' backlog is 511.
   */
  sessionsMax: 500,
  /** Longest mean think time: its +50% stays well below the channel's idle timeout (30 s). */
  thinkMsMax: 10_000,
  /** Bench PIN hash cost bounds: a power of two, as the gateway's pinHashCost config demands. */
  pinHashCostMin: 2,
  pinHashCostMax: 1 << 20,
  /**
   * Longest the worker thread may take to start or to answer a command beyond the slice it runs.
   */
  workerReplyTimeoutMs: 60_000,
} as const

/** The targets on a 2-core machine. */
export const ussdBenchTargets = {
  /** telepay's hops per second over the bare express handler's, same load generator. */
  expressRatioMin: 0.6,
  /**
   * p99 of a hop (request sent to answer read) at `sessionsStated` sessions of users with think
   * time.
   */
  p99MsMax: 50,
  sessionsStated: 200,
} as const

/** The problems of an option set, each naming its option; empty when it can run. */
export function checkUssdBenchOptions(options: UssdBenchOptions): string[] {
  const problems: string[] = []
  const positiveInteger = (name: keyof UssdBenchOptions, value: number, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max)
      problems.push(`${name} must be an integer from 1 to ${max}`)
  }
  if (!(options.seconds > 0)) problems.push('seconds must be > 0')
  if (!(options.warmupSeconds >= 0)) problems.push('warmupSeconds must be >= 0')
  if (!(options.thinkSeconds > 0)) problems.push('thinkSeconds must be > 0')
  positiveInteger('thinkMs', options.thinkMs, ussdBenchLimits.thinkMsMax)
  // A walk paused at a slice's end waits out up to two slices of the other side between two
  // thinks: the session must outlive that, or telepay rightly answers that it timed out.
  const pauseMs = (2 * (options.thinkSeconds * 1_000)) / options.slices + 3 * options.thinkMs
  if (pauseMs >= defaultUssdLimits.sessionIdleMs)
    problems.push(
      `thinkSeconds / slices and thinkMs leave a paused session idle up to ` +
        `${Math.round(pauseMs)} ms, past the ${defaultUssdLimits.sessionIdleMs} ms idle timeout`,
    )
  positiveInteger('slices', options.slices, 1_000)
  positiveInteger('sessions', options.sessions, ussdBenchLimits.sessionsMax)
  positiveInteger('subscribers', options.subscribers, 10_000_000)
  // Subscriber 0 walks the probe walks before the load starts; every session needs its own
  // subscriber.
  if (Number.isInteger(options.subscribers) && options.subscribers < options.sessions + 1)
    problems.push('subscribers must be > sessions (each session needs its own)')
  if (!(options.walletShare >= 0 && options.walletShare <= 1))
    problems.push('walletShare must be in [0, 1]')
  const cost = options.pinHashCost
  if (
    !Number.isInteger(cost) ||
    cost < ussdBenchLimits.pinHashCostMin ||
    cost > ussdBenchLimits.pinHashCostMax ||
    (cost & (cost - 1)) !== 0
  ) {
    problems.push(
      `pinHashCost must be a power of two from ${ussdBenchLimits.pinHashCostMin} to ` +
        `${ussdBenchLimits.pinHashCostMax}`,
    )
  }
  return problems
}
