/**
 * options.ts - what `telepay bench scale` can be asked to do: which sections, the world sizes of
 * section A, the open sessions of section D, and the small preset CI runs (the whole small run
 * well under a minute). Exports ScaleBenchOptions, scaleBenchDefaults, scaleBenchSmall,
 * checkScaleBenchOptions.
 */

export interface ScaleBenchOptions {
  /** Section ids to run, in order ('A', 'D'). */
  readonly sections: readonly string[]
  /** Section A: the world sizes, smallest first; each is built once and measured on copies. */
  readonly subscribers: readonly number[]
  /** Section A: measured seconds per side (telepay, raw SQLite) at each size. */
  readonly seconds: number
  /**
   * Section A: the bound of telepay's row caches: `world` sizes it for the world (the working
   * set when everyone pays at random), a number is taken as given.
   */
  readonly cacheRows: number | 'world'
  /** Sections B and C: the world the stored history is written in. */
  readonly historySubscribers: number
  /** Sections B and C: payments already stored before measuring. */
  readonly storedPayments: number
  /** Section D: USSD sessions opened and left open, each a different subscriber. */
  readonly sessions: number
  /** Section D: dials in flight while the sessions open (a closed loop: its rate is the figure). */
  readonly inFlight: number
  /** Section D: users answering menu steps among the open sessions. */
  readonly users: number
  /** Section D: a user's mean think time before each hop, +-50%. */
  readonly thinkMs: number
  /** Section D: how long the users hop. */
  readonly hopSeconds: number
  /**
   * Section D: the dialog store's memory bound (sessionsInMemoryMax); the channel's default
   * unless asked, so that the memory per session is the one a production gateway has.
   */
  readonly sessionsInMemory: number
  /** The preset the defaults came from: the CI size or the issue's. */
  readonly small: boolean
  /** Where the databases go; null: a new directory under ./data/bench (the gateway's disk). */
  readonly dir: string | null
  readonly keep: boolean
  /** Progress lines (stderr in the CLI); null: quiet. */
  readonly progress: ((line: string) => void) | null
}

/** The sizes. */
export const scaleBenchDefaults: ScaleBenchOptions = {
  sections: ['A', 'B', 'C', 'D'],
  subscribers: [10_000, 100_000, 1_000_000],
  historySubscribers: 100_000,
  storedPayments: 5_000_000,
  // As the ledger bench: four alternating slices of 1.25 s per side hold tens of group commits.
  seconds: 5,
  cacheRows: 'world',
  sessions: 100_000,
  // The USSD bench's closed loop runs 200 sessions at once: the same pressure while opening.
  inFlight: 200,
  // The figure for the hop p99, and the USSD bench's think time (1 s +-50%).
  users: 200,
  thinkMs: 1_000,
  // About 200 hops a second: 20 s give some 4,000 hops, so the p99 is the 40th slowest.
  hopSeconds: 20,
  // The USSD channel's default (channels/ussd/limits.ts sessionsInMemoryMax).
  sessionsInMemory: 20_000,
  small: false,
  dir: null,
  keep: false,
  progress: null,
}

/**
 * CI's size: two small worlds and a few thousand sessions, a few seconds each. The memory bound
 * holds the same share of the open sessions as the default does at full size (a fifth), so the
 * sessions left to SQLite and read back are exercised too.
 */
export const scaleBenchSmall: ScaleBenchOptions = {
  ...scaleBenchDefaults,
  subscribers: [2_000, 10_000],
  historySubscribers: 2_000,
  storedPayments: 50_000,
  seconds: 1,
  sessions: 5_000,
  hopSeconds: 4,
  sessionsInMemory: 1_000,
  small: true,
}

/** The problems of an option set, each naming its option; empty when it can run. */
export function checkScaleBenchOptions(
  options: ScaleBenchOptions,
  sectionIds: readonly string[],
): string[] {
  const problems: string[] = []
  const integer = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name} must be an integer from ${min} to ${max}`)
  }
  if (options.sections.length === 0) problems.push('sections: name at least one')
  for (const id of options.sections) {
    if (!sectionIds.includes(id))
      problems.push(`sections: no section ${id} (there are ${sectionIds.join(', ')})`)
  }
  if (new Set(options.sections).size !== options.sections.length)
    problems.push('sections: each at most once')
  if (options.subscribers.length === 0) problems.push('subscribers: give at least one size')
  for (const size of options.subscribers) integer('subscribers', size, 10, 10_000_000)
  const sizes = options.subscribers
  if (sizes.some((size, index) => index > 0 && size <= (sizes[index - 1] ?? 0)))
    problems.push('subscribers: sizes must grow (smallest first)')
  if (!(options.seconds > 0)) problems.push('seconds must be > 0')
  integer('historySubscribers', options.historySubscribers, 10, 10_000_000)
  integer('storedPayments', options.storedPayments, 1_000, 100_000_000)
  integer('sessions', options.sessions, 10, 10_000_000)
  integer('inFlight', options.inFlight, 1, 1_000)
  integer('users', options.users, 1, 1_000)
  integer('thinkMs', options.thinkMs, 1, 10_000)
  integer('sessionsInMemory', options.sessionsInMemory, 1, 10_000_000)
  if (!(options.hopSeconds > 0)) problems.push('hopSeconds must be > 0')
  // Each user walks four menu steps of a session, then takes its next one: every user needs
  // sessions enough for the hops it can make (one per half a think time at most).
  const hopsPerUser = Math.ceil((options.hopSeconds * 1_000) / (options.thinkMs * 0.5))
  const needed = options.users * Math.ceil(hopsPerUser / 4)
  if (Number.isInteger(options.sessions) && options.sessions < needed)
    problems.push(
      `sessions must be >= ${needed}: ${options.users} users hopping for ${options.hopSeconds} s ` +
        'walk four steps in each session they take',
    )
  return problems
}
