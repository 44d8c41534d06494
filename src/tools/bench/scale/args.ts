/**
 * args.ts - the command-line options of `telepay bench scale` (src/tools/bench/bench-cli.ts):
 * --small picks CI's sizes as the defaults wherever it stands, the other options override them;
 * --subscribers and --sections take comma-separated lists. Exports parseScaleBenchArgs,
 * ParsedScaleBenchArgs and scaleBenchUsage.
 */
import type { ParsedBenchArgs } from '../bench-args.js'
import type { ScaleBenchOptions } from './options.js'
import { checkScaleBenchOptions, scaleBenchDefaults, scaleBenchSmall } from './options.js'
import { scaleSections, sectionById } from './sections.js'

export type ParsedScaleBenchArgs = ParsedBenchArgs<ScaleBenchOptions>

const d = scaleBenchDefaults
const s = scaleBenchSmall
const list = (values: readonly number[]): string => values.map((value) => String(value)).join(',')
const sectionList = scaleSections.map((section) => `${section.id} (${section.name})`).join(', ')

// A backslash that ends a line of the text below continues that line: the usage prints as written
// on one line, the source stays within 100 columns.
export const scaleBenchUsage = `usage: telepay bench scale [--small] [--sections A,B,C,D] \
[--subscribers N,N,...] [--seconds N] [--cache-rows N]
                   [--history-subscribers N] [--stored N] [--sessions N] [--in-flight N] \
[--users N] [--think-ms N] [--hop-seconds N]
                   [--sessions-in-memory N] [--dir PATH] [--keep] [--json]
Sections: ${sectionList}. Defaults are the issue's sizes; --small (CI) in brackets.
  --small                 CI's sizes as the defaults; any other option still overrides them
  --sections LIST         which sections, by letter or name (default ${d.sections.join(',')})
  A: group commit at each world size, beside raw SQLite writing the same rows
  --subscribers LIST      world sizes, smallest first (default ${list(d.subscribers)} \
[${list(s.subscribers)}])
  --seconds N             measured seconds per side at each size (default ${d.seconds} \
[${s.seconds}])
  --cache-rows N|world    telepay's row caches' bound (default world: 3 rows a subscriber, \
the working set when all pay at random; 150000 is the gateway's default)
  B: group commit with random keys, millions of payments stored beside none
  --history-subscribers N the world the history is written in (default \
${d.historySubscribers} [${s.historySubscribers}])
  --stored N              payments stored first (default ${d.storedPayments} \
[${s.storedPayments}])
  C: USSD hops while full checks and a day's settlement run on the stored history
     (--history-subscribers, --stored as B; --users, --think-ms, --hop-seconds as D)
  D: open USSD sessions over HTTP
  --sessions N            sessions opened and left open (default ${d.sessions} [${s.sessions}])
  --in-flight N           dials in flight while opening (default ${d.inFlight})
  --users N               users hopping among the open sessions (default ${d.users})
  --think-ms N            their mean think time before each hop, +-50% (default ${d.thinkMs})
  --hop-seconds N         how long they hop (default ${d.hopSeconds} [${s.hopSeconds}])
  --sessions-in-memory N  the dialog store's memory bound (default ${d.sessionsInMemory}, the \
channel's [${s.sessionsInMemory}])
  --dir PATH              where the databases go (default: a new directory under ./data/bench)
  --keep                  keep the databases (C then uses its history again: same --dir)
  --json                  also print the report as JSON`

const numeric: Readonly<Record<string, keyof ScaleBenchOptions>> = {
  '--seconds': 'seconds',
  '--history-subscribers': 'historySubscribers',
  '--stored': 'storedPayments',
  '--sessions': 'sessions',
  '--in-flight': 'inFlight',
  '--users': 'users',
  '--think-ms': 'thinkMs',
  '--hop-seconds': 'hopSeconds',
  '--sessions-in-memory': 'sessionsInMemory',
}

export function parseScaleBenchArgs(args: readonly string[]): ParsedScaleBenchArgs {
  if (args.includes('--help') || args.includes('-h')) return { ok: false, error: scaleBenchUsage }
  const options: Record<string, unknown> = {
    ...(args.includes('--small') ? scaleBenchSmall : scaleBenchDefaults),
  }
  let json = false
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? ''
    const value = args[index + 1]
    const key = numeric[arg]
    if (key !== undefined) {
      index += 1
      const parsed = Number(value)
      if (value === undefined || value.trim() === '' || !Number.isFinite(parsed))
        return { ok: false, error: `${arg} needs a number` }
      options[key] = parsed
    } else if (arg === '--subscribers') {
      index += 1
      const sizes = (value ?? '').split(',').map((part) => Number(part.replaceAll('_', '')))
      if (value === undefined || sizes.some((size) => !Number.isFinite(size)))
        return { ok: false, error: '--subscribers needs sizes, e.g. 10000,100000,1000000' }
      options['subscribers'] = sizes
    } else if (arg === '--sections') {
      index += 1
      const names = (value ?? '').split(',').filter((name) => name !== '')
      const unknown = names.filter((name) => sectionById(name) === undefined)
      if (value === undefined || names.length === 0 || unknown.length > 0)
        return {
          ok: false,
          error:
            `--sections: no section ${unknown.join(', ') || '(none given)'}; ` +
            `there are ${sectionList}`,
        }
      options['sections'] = names.map((name) => sectionById(name)?.id ?? name)
    } else if (arg === '--cache-rows') {
      index += 1
      const rows = Number((value ?? '').replaceAll('_', ''))
      if (value === 'world') options['cacheRows'] = 'world'
      else if (value !== undefined && Number.isInteger(rows) && rows > 0)
        options['cacheRows'] = rows
      else return { ok: false, error: '--cache-rows needs a number of rows or world' }
    } else if (arg === '--dir') {
      index += 1
      if (value === undefined || value === '') return { ok: false, error: '--dir needs a path' }
      options['dir'] = value
    } else if (arg === '--keep') options['keep'] = true
    else if (arg === '--json') json = true
    else if (arg !== '--small')
      return { ok: false, error: `unknown option ${arg}\n${scaleBenchUsage}` }
  }
  const checked = options as unknown as ScaleBenchOptions
  const problems = checkScaleBenchOptions(
    checked,
    scaleSections.map((section) => section.id),
  )
  if (problems.length > 0) return { ok: false, error: `${problems.join('; ')}\n${scaleBenchUsage}` }
  return { ok: true, options: checked, json }
}
