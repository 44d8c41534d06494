/**
 * options.ts - what the SMS benchmark can be asked to do (SmsBenchOptions and its defaults),
 * the bounds it runs under (smsBenchLimits, one comment per bound) and the targets.
 * Exports SmsBenchOptions, smsBenchDefaults, smsBenchLimits, smsBenchTargets, checkSmsBenchOptions.
 */

export interface SmsBenchOptions {
  /** Measured seconds per side (telepay, bare echo), split into `slices` alternating slices. */
  readonly seconds: number
  /** Slices per side; the sides alternate A B B A A B ... so drift hits both alike. */
  readonly slices: number
  /** Unmeasured load per side before the first slice: fills caches, opens every subscriber. */
  readonly warmupSeconds: number
  /** ESME binds (transceivers) per side, each with its own socket and session. */
  readonly binds: number
  /** submit_sm awaiting submit_sm_resp per bind (the client's windowMax). */
  readonly windowMax: number
  /**
   * Subscribers with a flow in flight per bind at once; each waits for its reply before its next
   * MO.
   */
  readonly flowsPerBind: number
  /** Subscribers in the world, shared out among the binds. */
  readonly subscribers: number
  /** Share of flows that are BAL (one command). */
  readonly balanceShare: number
  /**
   * Share of flows that are a wallet PAY then YES <PIN> (scrypt on every YES); the rest are
   * phone-bill PAY then YES.
   */
  readonly walletShare: number
  /**
   * scrypt N of the bench PIN hash (16384 in production): makes YES <PIN> cheap enough to run
   * thousands of.
   */
  readonly pinHashCost: number
  /**
   * Where the gateway's database goes; null: a new directory under ./data/bench (the gateway's
   * disk).
   */
  readonly dir: string | null
  /** Keep the database directory after the run. */
  readonly keep: boolean
  /** Seed of the flow sequence: both sides and every run send the same messages. */
  readonly seed: number
  /** Progress lines (stderr in the CLI); null: quiet. */
  readonly progress: ((line: string) => void) | null
}

export const smsBenchDefaults: SmsBenchOptions = {
  // As the ledger bench: seconds of slices long enough to hold many group commits each.
  seconds: 8,
  slices: 4,
  warmupSeconds: 2,
  binds: 8,
  // Kannel recommends 10 pending submits; a gateway's own ESMEs run wider. 8 x 32 = 256 MOs in
  // flight.
  windowMax: 32,
  // One subscriber per window slot: more only queues in the client and adds latency, not rate.
  flowsPerBind: 32,
  subscribers: 2_000,
  balanceShare: 0.4,
  // YES <PIN> costs one scrypt (about 1.5 ms at N=1024 on the thread pool, which competes with
  // the event loop for the 2 cores): a small share, as most SMS payments are SIM-authorized.
  walletShare: 0.05,
  pinHashCost: 1_024,
  dir: null,
  keep: false,
  seed: 20_261_121,
  progress: null,
}

export const smsBenchLimits = {
  /**
   * A reply later than this counts as lost: the gateway's own response timeout is 30 s, a loaded
   * run answers in milliseconds.
   */
  replyTimeoutMs: 10_000,
  /** Binding every ESME of a side; loopback binds take milliseconds. */
  bindTimeoutMs: 10_000,
  /**
   * The gateway's SMSC simulator and the phones' ESMEs take this many messages per second per
   * bind (default 1,000 msg/s): the bench measures the stack, not the throttle. Both sides'
   * ESMEs get the same value, so the bare echo is measured with the same client.
   */
  inboundRatePerSecond: 1_000_000,
  /**
   * Token-bucket depth that goes with the raised rate (a bucket smaller than a window would
   * throttle bursts).
   */
  inboundBurstMax: 100_000,
  /** Most binds a side may open: the simulator's sessionsMax default is 100. */
  bindsMax: 100,
  /**
   * Largest client window; the simulator's in-flight bound and deliver_sm window are raised to
   * match it, so this bounds them too.
   */
  windowMaxMax: 1_000,
  /** Bench PIN hash cost bounds: a power of two, as the gateway's pinHashCost config demands. */
  pinHashCostMin: 2,
  pinHashCostMax: 1 << 20,
} as const

/** The targets on a 2-core machine. */
export const smsBenchTargets = {
  commandsPerSecondMin: 5_000,
  echoRatioMin: 0.25,
} as const

/** The problems of an option set, each naming its option; empty when it can run. */
export function checkSmsBenchOptions(options: SmsBenchOptions): string[] {
  const problems: string[] = []
  const positiveInteger = (name: keyof SmsBenchOptions, value: number, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max)
      problems.push(`${name} must be an integer from 1 to ${max}`)
  }
  if (!(options.seconds > 0)) problems.push('seconds must be > 0')
  if (!(options.warmupSeconds >= 0)) problems.push('warmupSeconds must be >= 0')
  positiveInteger('slices', options.slices, 1_000)
  positiveInteger('binds', options.binds, smsBenchLimits.bindsMax)
  positiveInteger('windowMax', options.windowMax, smsBenchLimits.windowMaxMax)
  positiveInteger('flowsPerBind', options.flowsPerBind, 100_000)
  positiveInteger('subscribers', options.subscribers, 10_000_000)
  if (Number.isInteger(options.subscribers) && options.subscribers < options.binds)
    problems.push('subscribers must be >= binds (each bind needs one)')
  for (const name of ['balanceShare', 'walletShare'] as const) {
    if (!(options[name] >= 0 && options[name] <= 1)) problems.push(`${name} must be in [0, 1]`)
  }
  if (options.balanceShare + options.walletShare > 1)
    problems.push('balanceShare + walletShare must be <= 1')
  const cost = options.pinHashCost
  if (
    !Number.isInteger(cost) ||
    cost < smsBenchLimits.pinHashCostMin ||
    cost > smsBenchLimits.pinHashCostMax ||
    (cost & (cost - 1)) !== 0
  ) {
    problems.push(
      `pinHashCost must be a power of two from ${smsBenchLimits.pinHashCostMin} to ` +
        `${smsBenchLimits.pinHashCostMax}`,
    )
  }
  return problems
}
