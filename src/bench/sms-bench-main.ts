/**
 * sms-bench-main.ts - runs the SMS benchmark on its own until `telepay bench` calls it:
 * `npx tsx src/bench/sms-bench-main.ts [options]` (see --help). Prints the report on stdout,
 * progress on stderr; exits 0 when every target is met and the run was sound, 1 when not, 2 on
 * bad options.
 */
import { formatSmsBenchReport, runSmsBench } from './sms-bench.js'
import { parseSmsBenchArgs } from './sms/args.js'

async function main(args: readonly string[]): Promise<number> {
  const parsed = parseSmsBenchArgs(args)
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`)
    return 2
  }
  const report = await runSmsBench({ ...parsed.options, progress: (line) => process.stderr.write(`${line}\n`) })
  process.stdout.write(`${formatSmsBenchReport(report).join('\n')}\n`)
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`)
  }
  return report.pass ? 0 : 1
}

process.exitCode = await main(process.argv.slice(2))
