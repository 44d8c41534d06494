/**
 * args.ts - the console benchmark's command-line options, for `telepay bench console`
 * (src/tools/bench/bench-cli.ts). Exports parseConsoleBenchArgs and consoleBenchUsage.
 */
import type { ParsedBenchArgs } from '../bench-args.js'
import { parseBenchOptions } from '../bench-args.js'
import type { ConsoleBenchOptions } from './options.js'
import { checkConsoleBenchOptions, consoleBenchDefaults } from './options.js'

const d = consoleBenchDefaults
export const consoleBenchUsage = `usage: telepay bench console [--seconds N] [--warmup N] \
[--binds N] [--window N] [--page-pause-ms N] [--dir PATH] [--keep] [--json]
  --seconds N        measured seconds per phase: the console alone, then under the SMS load \
(default ${d.seconds})
  --warmup N         unmeasured seconds of SMS load first (default ${d.warmupSeconds})
  --binds N          SMPP binds of the SMS load (default ${d.binds})
  --window N         MOs in flight on each bind (default ${d.windowMax})
  --page-pause-ms N  pause between two loads of the console page (default ${d.pagePauseMs})
  --dir PATH         where the database goes (default: a new directory under ./data/bench)
  --keep             keep the database
  --json             also print the report as JSON`

export function parseConsoleBenchArgs(
  args: readonly string[],
): ParsedBenchArgs<ConsoleBenchOptions> {
  return parseBenchOptions(args, {
    defaults: consoleBenchDefaults,
    numeric: {
      '--seconds': 'seconds',
      '--warmup': 'warmupSeconds',
      '--binds': 'binds',
      '--window': 'windowMax',
      '--page-pause-ms': 'pagePauseMs',
    },
    flags: { '--keep': 'keep' },
    usage: consoleBenchUsage,
    check: checkConsoleBenchOptions,
  })
}
