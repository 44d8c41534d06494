/**
 * args.ts - the SMS benchmark's command-line options, for `telepay
 * bench sms` (src/tools/bench/bench-cli.ts). Exports parseSmsBenchArgs and smsBenchUsage.
 */

import type { ParsedBenchArgs } from '../bench-args.js'
import { parseBenchOptions } from '../bench-args.js'
import type { SmsBenchOptions } from './options.js'
import { checkSmsBenchOptions, smsBenchDefaults } from './options.js'

export type ParsedSmsBenchArgs = ParsedBenchArgs<SmsBenchOptions>

const d = smsBenchDefaults
// A backslash that ends a line of the text below continues that line: the usage prints as written
// on one line, the source stays within 100 columns.
export const smsBenchUsage = `usage: telepay bench sms [--seconds N] [--slices N] [--warmup N] \
[--binds N] [--window N] [--flows-per-bind N]
                 [--subscribers N] [--balance-share F] [--wallet-share F] [--pin-hash-cost N] \
[--dir PATH] [--keep] [--json]
  --seconds N         measured seconds per side, telepay and the bare smpp echo \
(default ${d.seconds})
  --slices N          alternating slices the seconds are cut into (default ${d.slices})
  --warmup N          unmeasured seconds per side first (default ${d.warmupSeconds})
  --binds N           ESME binds per side (default ${d.binds})
  --window N          submit_sm window per bind (default ${d.windowMax})
  --flows-per-bind N  subscribers with a flow in flight per bind (default ${d.flowsPerBind})
  --subscribers N     subscribers in the world (default ${d.subscribers})
  --balance-share F   share of flows that are BAL (default ${d.balanceShare})
  --wallet-share F    share that are wallet PAY + YES <PIN>; the rest are phone-bill PAY + YES \
(default ${d.walletShare})
  --pin-hash-cost N   scrypt N of the bench PIN hash, a power of two (default ${d.pinHashCost})
  --dir PATH          where the database goes (default: a new directory under ./data/bench)
  --keep              keep the database
  --json              also print the report as JSON`

const numeric: Readonly<Record<string, keyof SmsBenchOptions>> = {
  '--seconds': 'seconds',
  '--slices': 'slices',
  '--warmup': 'warmupSeconds',
  '--binds': 'binds',
  '--window': 'windowMax',
  '--flows-per-bind': 'flowsPerBind',
  '--subscribers': 'subscribers',
  '--balance-share': 'balanceShare',
  '--wallet-share': 'walletShare',
  '--pin-hash-cost': 'pinHashCost',
}

export function parseSmsBenchArgs(args: readonly string[]): ParsedSmsBenchArgs {
  return parseBenchOptions(args, {
    defaults: smsBenchDefaults,
    numeric,
    flags: { '--keep': 'keep' },
    usage: smsBenchUsage,
    check: checkSmsBenchOptions,
  })
}
