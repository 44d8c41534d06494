/**
 * args.ts - the USSD benchmark's command-line options, for `telepay bench ussd`
 * (src/tools/bench/bench-cli.ts). Exports parseUssdBenchArgs, ParsedUssdBenchArgs and
 * ussdBenchUsage.
 */

import type { ParsedBenchArgs } from '../bench-args.js'
import { parseBenchOptions } from '../bench-args.js'
import type { UssdBenchOptions } from './options.js'
import { checkUssdBenchOptions, ussdBenchDefaults } from './options.js'

export type ParsedUssdBenchArgs = ParsedBenchArgs<UssdBenchOptions>

const d = ussdBenchDefaults
// A backslash that ends a line of the text below continues that line: the usage prints as written
// on one line, the source stays within 100 columns.
export const ussdBenchUsage = `usage: telepay bench ussd [--seconds N] [--slices N] [--warmup N] \
[--sessions N] [--think-ms N] [--think-seconds N]
                  [--subscribers N] [--wallet-share F] [--pin-hash-cost N] [--worker] [--dir PATH] \
[--keep] [--json]
  --seconds N         closed loop (hops/s, the ratio): measured seconds per side, telepay and the \
bare express handler (default ${d.seconds})
  --slices N          alternating slices the seconds are cut into (default ${d.slices})
  --warmup N          unmeasured seconds per side first (default ${d.warmupSeconds})
  --sessions N        concurrent USSD sessions per side, one subscriber each (default ${d.sessions})
  --think-ms N        think time (latency): mean wait before each hop, +-50% (default ${d.thinkMs})
  --think-seconds N   think time: measured seconds per side (default ${d.thinkSeconds})
  --subscribers N     subscribers in the world (default ${d.subscribers})
  --wallet-share F    share of walks paying from the wallet with the PIN; the rest pay on the \
phone bill (default ${d.walletShare})
  --pin-hash-cost N   scrypt N of the bench PIN hash, a power of two (default ${d.pinHashCost})
  --worker            run the load generator in a worker thread (its own event loop) instead of \
beside the servers
  --dir PATH          where the database goes (default: a new directory under ./data/bench)
  --keep              keep the database
  --json              also print the report as JSON`

const numeric: Readonly<Record<string, keyof UssdBenchOptions>> = {
  '--seconds': 'seconds',
  '--slices': 'slices',
  '--warmup': 'warmupSeconds',
  '--sessions': 'sessions',
  '--subscribers': 'subscribers',
  '--think-ms': 'thinkMs',
  '--think-seconds': 'thinkSeconds',
  '--wallet-share': 'walletShare',
  '--pin-hash-cost': 'pinHashCost',
}

export function parseUssdBenchArgs(args: readonly string[]): ParsedUssdBenchArgs {
  return parseBenchOptions(args, {
    defaults: ussdBenchDefaults,
    numeric,
    flags: { '--keep': 'keep', '--worker': 'worker' },
    usage: ussdBenchUsage,
    check: checkUssdBenchOptions,
  })
}
