/**
 * args.ts - the USSD benchmark's command-line options, for `telepay bench ussd`
 * (src/bench/bench-cli.ts). Exports parseUssdBenchArgs, ParsedUssdBenchArgs and ussdBenchUsage.
 */
import type { UssdBenchOptions } from './options.js'
import { checkUssdBenchOptions, ussdBenchDefaults } from './options.js'

export type ParsedUssdBenchArgs =
  | { readonly ok: true; readonly options: UssdBenchOptions; readonly json: boolean }
  | { readonly ok: false; readonly error: string }

const d = ussdBenchDefaults
export const ussdBenchUsage = `usage: telepay bench ussd [--seconds N] [--slices N] [--warmup N] [--sessions N] [--think-ms N] [--think-seconds N]
                  [--subscribers N] [--wallet-share F] [--pin-hash-cost N] [--worker] [--dir PATH] [--keep] [--json]
  --seconds N         closed loop (hops/s, the ratio): measured seconds per side, telepay and the bare express handler (default ${d.seconds})
  --slices N          alternating slices the seconds are cut into (default ${d.slices})
  --warmup N          unmeasured seconds per side first (default ${d.warmupSeconds})
  --sessions N        concurrent USSD sessions per side, one subscriber each (default ${d.sessions})
  --think-ms N        think time (latency): mean wait before each hop, +-50% (default ${d.thinkMs})
  --think-seconds N   think time: measured seconds per side (default ${d.thinkSeconds})
  --subscribers N     subscribers in the world (default ${d.subscribers})
  --wallet-share F    share of walks paying from the wallet with the PIN; the rest pay on the phone bill (default ${d.walletShare})
  --pin-hash-cost N   scrypt N of the bench PIN hash, a power of two (default ${d.pinHashCost})
  --worker            run the load generator in a worker thread (its own event loop) instead of beside the servers
  --dir PATH          where the database goes (default: a new directory under ./data/bench)
  --keep              keep the database
  --json              also print the report as JSON`

const numeric: Readonly<Record<string, keyof UssdBenchOptions>> = {
  '--seconds': 'seconds', '--slices': 'slices', '--warmup': 'warmupSeconds', '--sessions': 'sessions', '--subscribers': 'subscribers',
  '--think-ms': 'thinkMs', '--think-seconds': 'thinkSeconds',
  '--wallet-share': 'walletShare', '--pin-hash-cost': 'pinHashCost',
}

export function parseUssdBenchArgs(args: readonly string[]): ParsedUssdBenchArgs {
  const options: Record<string, unknown> = { ...ussdBenchDefaults }
  let json = false
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? ''
    const key = numeric[arg]
    if (key !== undefined) {
      const value = args[index + 1]
      index += 1
      const parsed = Number(value)
      if (value === undefined || value.trim() === '' || !Number.isFinite(parsed)) return { ok: false, error: `${arg} needs a number` }
      options[key] = parsed
    } else if (arg === '--dir') {
      const value = args[index + 1]
      index += 1
      if (value === undefined || value === '') return { ok: false, error: '--dir needs a path' }
      options['dir'] = value
    } else if (arg === '--keep') options['keep'] = true
    else if (arg === '--worker') options['worker'] = true
    else if (arg === '--json') json = true
    else if (arg === '--help' || arg === '-h') return { ok: false, error: ussdBenchUsage }
    else return { ok: false, error: `unknown option ${arg}\n${ussdBenchUsage}` }
  }
  const checked = options as unknown as UssdBenchOptions
  const problems = checkUssdBenchOptions(checked)
  if (problems.length > 0) return { ok: false, error: `${problems.join('; ')}\n${ussdBenchUsage}` }
  return { ok: true, options: checked, json }
}
