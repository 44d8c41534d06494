/**
 * world-transfer.ts - `telepay world load <file>` and `telepay world export`: a world file into a
 * running gateway, beside what it holds, and the gateway's world out as a file, both through its
 * admin API (POST and GET /admin/api/world), so that the gateway stays the only writer of its
 * ledger. Exports runWorldLoad, runWorldExport, loadUsage and exportUsage.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { loadConfig } from '../../config.js'
import { readWorldFile, WorldFileError, worldFileBytesMax } from '../../world/world-file.js'
import type { OptionLines } from './args.js'
import { parseOptions } from './args.js'
import { gatewayUrl, unreachableCause } from './gateway-url.js'
import { formatOptionLines } from './options-help.js'

const gatewayLines: OptionLines = [
  ['--url URL', 'the gateway (default: where the configuration makes it listen)'],
  ['--admin-token TOKEN', 'its admin token (default: adminToken of the configuration)'],
]

/** What load and export parse, as their help explains it. */
export const loadOptions: OptionLines = [
  ...gatewayLines,
  ['--json', "the gateway's answer as JSON"],
]
export const exportOptions: OptionLines = [
  ['--out FILE', 'write the file there, readable by its owner only (default: stdout)'],
  ...gatewayLines,
]

export const loadUsage = `Usage: telepay world load <file> [--url URL] [--admin-token TOKEN]
         [--json]

Loads a world file (YAML or JSON, docs/world.md) into the running gateway beside what it holds:
new subscribers are registered, their balances credited as top-ups from the platform's funding
account (no SMS is sent for them), their credit limits and cards set; new merchants are opened
and new orders created under their numbers. What exists already is left as it is and counted.
Running the same file again after a load that stopped half-way finishes it without crediting
anything twice. The file is checked first, every problem listed with its path.

${formatOptionLines(loadOptions).join('\n')}

Exit 0: loaded (what the core refused, if anything, is listed); 1: the file has problems, the
gateway refused it or cannot be reached; 2: bad options.`

export const exportUsage = `Usage: telepay world export [--out FILE] [--url URL]
         [--admin-token TOKEN]

Writes the running gateway's world as a world file (YAML) to FILE, or to stdout: every
subscriber with its balances as they are now, credit limit, card and PIN hash; every merchant
and biller with its API key's hash, webhook secret and fee rate; the orders still open. It holds
secrets (webhook secrets, PIN hashes): keep it as you keep the database. \`telepay world load\` or
\`world: <file>\` takes it back.

${formatOptionLines(exportOptions).join('\n')}

Exit 0: written; 1: the gateway refused or cannot be reached; 2: bad options.`

interface Target {
  readonly url: string
  readonly token: string
}

function targetOf(options: ReadonlyMap<string, string | true>): Target {
  const url = options.get('url')
  const token = options.get('admin-token')
  return {
    url: gatewayUrl(url),
    token: typeof token === 'string' ? token : loadConfig().adminToken,
  }
}

/** The gateway's answer, or a sentence saying why there is none. */
async function call(
  target: Target,
  path: string,
  init: RequestInit,
): Promise<{ ok: true; status: number; body: string } | { ok: false; why: string }> {
  try {
    const response = await fetch(`${target.url}${path}`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${target.token}` },
    })
    const body = await response.text()
    if (response.status === 401)
      return {
        ok: false,
        why:
          `the gateway at ${target.url} refused the admin token (401): give its token with ` +
          '--admin-token, or set adminToken (TELEPAY_ADMIN_TOKEN) as the gateway has it',
      }
    return { ok: true, status: response.status, body }
  } catch (error) {
    return {
      ok: false,
      why:
        `cannot reach the gateway at ${target.url} (${unreachableCause(error)}): is it running? ` +
        'Start it with `npx telepay start`, or say where it listens with --url',
    }
  }
}

export async function runWorldLoad(args: string[]): Promise<number> {
  const parsed = parseOptions(args, loadOptions)
  const [file, ...extra] = parsed.positional
  if (file === undefined || extra.length > 0) {
    process.stderr.write(`telepay world load: give one world file\n\n${loadUsage}\n`)
    return 2
  }
  try {
    readWorldFile(file)
  } catch (error) {
    if (!(error instanceof WorldFileError)) throw error
    process.stderr.write(`telepay world load: ${error.message}\n`)
    return 1
  }
  // readWorldFile checked the size; the gateway reads the same text again.
  const text = statSync(file).size <= worldFileBytesMax ? readFileSync(file, 'utf8') : ''
  const target = targetOf(parsed.options)
  const answer = await call(target, '/admin/api/world', {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: text,
  })
  if (!answer.ok) {
    process.stderr.write(`telepay world load: ${answer.why}\n`)
    return 1
  }
  if (answer.status !== 200) {
    process.stderr.write(
      `telepay world load: the gateway answered ${answer.status}: ${answer.body.slice(0, 2000)}\n`,
    )
    return 1
  }
  if (parsed.options.get('json') === true) {
    process.stdout.write(`${answer.body}\n`)
    return 0
  }
  const report = JSON.parse(answer.body) as {
    added: Record<string, number>
    kept: Record<string, number>
    refused: string[]
  }
  const counted = (count: number, noun: string): string =>
    `${count} ${noun}${count === 1 ? '' : 's'}`
  const counts = (of: Record<string, number>): string =>
    [
      counted(of['subscribers'] ?? 0, 'subscriber'),
      counted(of['merchants'] ?? 0, 'merchant'),
      counted(of['orders'] ?? 0, 'order'),
    ].join(', ')
  process.stdout.write(
    `${file} loaded into ${target.url}\n  added: ${counts(report.added)}\n` +
      `  kept as they were: ${counts(report.kept)}\n`,
  )
  if (report.refused.length > 0)
    process.stdout.write(
      `  refused by the core (${report.refused.length}):\n` +
        report.refused.map((line) => `    ${line}\n`).join(''),
    )
  return 0
}

export async function runWorldExport(args: string[]): Promise<number> {
  const parsed = parseOptions(args, exportOptions)
  if (parsed.positional.length > 0) {
    process.stderr.write(`telepay world export: takes no file; use --out FILE\n\n${exportUsage}\n`)
    return 2
  }
  const target = targetOf(parsed.options)
  const answer = await call(target, '/admin/api/world', { headers: { accept: 'application/yaml' } })
  if (!answer.ok || answer.status !== 200) {
    const why = answer.ok ? `the gateway answered ${answer.status}: ${answer.body}` : answer.why
    process.stderr.write(`telepay world export: ${why}\n`)
    return 1
  }
  const out = parsed.options.get('out')
  if (typeof out === 'string') {
    writeFileSync(out, answer.body, { mode: 0o600 })
    process.stderr.write(`world of ${target.url} written to ${out}\n`)
  } else process.stdout.write(answer.body)
  return 0
}
