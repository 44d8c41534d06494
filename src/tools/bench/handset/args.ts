/**
 * args.ts - the handset benchmark's command-line options, for `telepay bench handset`
 * (src/tools/bench/bench-cli.ts). Exports parseHandsetBenchArgs and handsetBenchUsage.
 */
import type { ParsedBenchArgs } from '../bench-args.js'
import { parseBenchOptions } from '../bench-args.js'
import type { HandsetBenchOptions } from './options.js'
import { checkHandsetBenchOptions, handsetBenchDefaults } from './options.js'

const d = handsetBenchDefaults
export const handsetBenchUsage = `usage: telepay bench handset [--seconds N] [--slices N] \
[--warmup N] [--handsets N] [--think-ms N] [--dir PATH] [--keep] [--json]
  --seconds N     measured seconds per side, web handsets and SMPP phones (default ${d.seconds})
  --slices N      alternating slices the seconds are cut into (default ${d.slices})
  --warmup N      unmeasured seconds per side first (default ${d.warmupSeconds})
  --handsets N    phones per side, each sending BAL and waiting for its reply (default \
${d.handsets})
  --think-ms N    pause between a reply and the next MO, jittered by half (default ${d.thinkMs})
  --dir PATH      where the database goes (default: a new directory under ./data/bench)
  --keep          keep the database
  --json          also print the report as JSON`

export function parseHandsetBenchArgs(
  args: readonly string[],
): ParsedBenchArgs<HandsetBenchOptions> {
  return parseBenchOptions(args, {
    defaults: handsetBenchDefaults,
    numeric: {
      '--seconds': 'seconds',
      '--slices': 'slices',
      '--warmup': 'warmupSeconds',
      '--handsets': 'handsets',
      '--think-ms': 'thinkMs',
    },
    flags: { '--keep': 'keep' },
    usage: handsetBenchUsage,
    check: checkHandsetBenchOptions,
  })
}
