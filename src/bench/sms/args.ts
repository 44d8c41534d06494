/**
 * args.ts - the SMS benchmark's command-line options, for `telepay
 * bench sms` (src/bench/bench-cli.ts). Exports parseSmsBenchArgs and smsBenchUsage.
 */
import type { SmsBenchOptions } from './options.js'
import { checkSmsBenchOptions, smsBenchDefaults } from './options.js'

export type ParsedSmsBenchArgs =
  | { readonly ok: true; readonly options: SmsBenchOptions; readonly json: boolean }
  | { readonly ok: false; readonly error: string }

const d = smsBenchDefaults
export const smsBenchUsage = `usage: telepay bench sms [--seconds N] [--slices N] [--warmup N] [--binds N] [--window N] [--flows-per-bind N]
                 [--subscribers N] [--balance-share F] [--wallet-share F] [--pin-hash-cost N] [--dir PATH] [--keep] [--json]
  --seconds N         measured seconds per side, telepay and the bare smpp echo (default ${d.seconds})
  --slices N          alternating slices the seconds are cut into (default ${d.slices})
  --warmup N          unmeasured seconds per side first (default ${d.warmupSeconds})
  --binds N           ESME binds per side (default ${d.binds})
  --window N          submit_sm window per bind (default ${d.windowMax})
  --flows-per-bind N  subscribers with a flow in flight per bind (default ${d.flowsPerBind})
  --subscribers N     subscribers in the world (default ${d.subscribers})
  --balance-share F   share of flows that are BAL (default ${d.balanceShare})
  --wallet-share F    share that are wallet PAY + YES <PIN>; the rest are phone-bill PAY + YES (default ${d.walletShare})
  --pin-hash-cost N   scrypt N of the bench PIN hash, a power of two (default ${d.pinHashCost})
  --dir PATH          where the database goes (default: a new directory under ./data/bench)
  --keep              keep the database
  --json              also print the report as JSON`

const numeric: Readonly<Record<string, keyof SmsBenchOptions>> = {
  '--seconds': 'seconds', '--slices': 'slices', '--warmup': 'warmupSeconds', '--binds': 'binds', '--window': 'windowMax',
  '--flows-per-bind': 'flowsPerBind', '--subscribers': 'subscribers', '--balance-share': 'balanceShare',
  '--wallet-share': 'walletShare', '--pin-hash-cost': 'pinHashCost',
}

export function parseSmsBenchArgs(args: readonly string[]): ParsedSmsBenchArgs {
  const options: Record<string, unknown> = { ...smsBenchDefaults }
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
    else if (arg === '--json') json = true
    else if (arg === '--help' || arg === '-h') return { ok: false, error: smsBenchUsage }
    else return { ok: false, error: `unknown option ${arg}\n${smsBenchUsage}` }
  }
  const checked = options as unknown as SmsBenchOptions
  const problems = checkSmsBenchOptions(checked)
  if (problems.length > 0) return { ok: false, error: `${problems.join('; ')}\n${smsBenchUsage}` }
  return { ok: true, options: checked, json }
}
