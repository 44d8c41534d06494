/**
 * options.ts - what the handset benchmark can be asked to do, its defaults, its target and the
 * checks of a set of options. Exports HandsetBenchOptions, handsetBenchDefaults,
 * handsetBenchTargets and checkHandsetBenchOptions.
 */

export interface HandsetBenchOptions {
  /** Measured seconds per side (web handsets, SMPP phones), cut into alternating slices. */
  readonly seconds: number
  /** Slices per side; the sides alternate A B B A ... so that drift hits both alike. */
  readonly slices: number
  /** Unmeasured seconds per side first: opens every subscriber, warms the caches. */
  readonly warmupSeconds: number
  /** Phones per side: web handsets each with its own live stream; SMPP phones each its own bind. */
  readonly handsets: number
  /** A person's pause between reading a reply and sending the next MO, in ms (jittered ±50 %). */
  readonly thinkMs: number
  /** scrypt N of the bench world's PIN hash (BAL needs no PIN; kept cheap for seeding). */
  readonly pinHashCost: number
  readonly dir: string | null
  readonly keep: boolean
  readonly progress: ((line: string) => void) | null
}

export const handsetBenchDefaults: HandsetBenchOptions = {
  seconds: 8,
  slices: 4,
  warmupSeconds: 2,
  // The figure: 50 handsets open at once.
  handsets: 50,
  // Reading a short reply and tapping the next command: about half a second at the quickest.
  thinkMs: 500,
  pinHashCost: 1024,
  dir: null,
  keep: false,
  progress: null,
}

export const handsetBenchTargets = {
  /** From pressing send to the MT on the handset's stream, p99 (issue 16). */
  p99Ms: 100,
} as const

export function checkHandsetBenchOptions(options: HandsetBenchOptions): string[] {
  const problems: string[] = []
  const whole = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`--${name} must be a whole number from ${min} to ${max}`)
  }
  whole('seconds', options.seconds, 1, 3_600)
  whole('slices', options.slices, 1, 100)
  whole('warmup', options.warmupSeconds, 0, 600)
  // The gateway's stream bound is 100 (src/gateway/handset/limits.ts).
  whole('handsets', options.handsets, 1, 100)
  whole('think-ms', options.thinkMs, 0, 60_000)
  if (!Number.isInteger(Math.log2(options.pinHashCost)) || options.pinHashCost < 2)
    problems.push('--pin-hash-cost must be a power of two')
  return problems
}
