/**
 * trail.ts - `telepay trail <payment id | last>`: fetches a payment's nine-step trail from a
 * running gateway's admin API (`GET /admin/api/payments/:id/trail`; `last` is the newest payment)
 * and prints it as a sequence diagram (trail-diagram.ts), or with --json the answer as it came.
 * The gateway and its admin token are found as the gateway itself finds them: --url and
 * --admin-token, else the configuration file and the TELEPAY_* variables. The clock is the local
 * zone's (TZ chooses another); colour only on a terminal, and never with NO_COLOR set. Exit 0 when
 * printed; 1 when the payment is unknown, the gateway cannot be reached, refuses the token or
 * answers something that is not a trail; 2 for usage or a bad configuration. Exports runTrail and
 * colourWanted.
 */
import type { Writable } from 'node:stream'
import { ConfigError, loadConfig } from '../../config.js'
import type { ParsedArgs } from './args.js'
import { parseOptions, UsageError } from './args.js'
import { gatewayUrl, unreachableCause } from './gateway-url.js'
import { optionsHelp } from './options-help.js'
import type { TerminalIo } from './terminal-io.js'
import { processIo } from './terminal-io.js'
import { readTrailAnswer } from './trail-answer.js'
import { printable, renderTrailDiagram } from './trail-diagram.js'

const usage =
  'Usage: telepay trail <payment id | last> [--url http://127.0.0.1:8080] ' +
  '[--admin-token TOKEN] [--relative] [--json]'

/** The trail is one read of one row: a gateway that takes longer is stuck, not busy. */
const requestTimeoutMs = 10_000

/** Most of an unexpected answer's body quoted in an error. */
const quotedBodyMax = 300

/** Whether to paint: a terminal that has not asked for none (https://no-color.org), not dumb. */
export function colourWanted(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  const terminal = (stream as Writable & { isTTY?: boolean }).isTTY === true
  return terminal && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb'
}

interface Target {
  readonly url: string
  readonly token: string
}

type Fetched = { readonly ok: true; readonly json: unknown } | { readonly ok: false; why: string }

function errorField(json: unknown, field: 'error' | 'message'): string | null {
  const value =
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[field] : null
  return typeof value === 'string' ? value : null
}

/** Each answer but a trail as a sentence that says what to do about it. */
function refusal(target: Target, id: string, path: string, status: number, body: string): string {
  let json: unknown = null
  try {
    json = JSON.parse(body)
  } catch {
    // Not JSON: a proxy's page, or not a telepay gateway at all; the body is quoted below.
  }
  const quoted = printable(body.slice(0, quotedBodyMax))
  const at = `the gateway at ${target.url}`
  if (status === 401)
    return (
      `${at} refused the admin token (401): give its token with --admin-token, or set ` +
      'adminToken (TELEPAY_ADMIN_TOKEN) as the gateway has it'
    )
  if (status === 403)
    return `${at} refused the admin API (403): ${printable(errorField(json, 'message') ?? quoted)}`
  if (status === 404 && errorField(json, 'error') === 'payment_not_found')
    return id === 'last'
      ? `${at} has no payment yet`
      : `no payment ${printable(id)} at ${target.url}`
  // Any other 404 is the route's own: a gateway from before payments kept their trail.
  if (status === 404)
    return (
      `${at} has no trail endpoint (404 to GET ${path}: ` +
      `${printable(errorField(json, 'message') ?? quoted)}): is it older than this command?`
    )
  return `${at} answered ${status} to GET ${path}: ${quoted}`
}

async function fetchTrail(target: Target, id: string): Promise<Fetched> {
  const path = `/admin/api/payments/${encodeURIComponent(id)}/trail`
  let response: Response
  try {
    response = await fetch(`${target.url}${path}`, {
      headers: { authorization: `Bearer ${target.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(requestTimeoutMs),
    })
  } catch (error) {
    return {
      ok: false,
      why:
        `cannot reach the gateway at ${target.url} (${unreachableCause(error)}): is it ` +
        'running? Start it with `npx telepay start`, or say where it listens with --url',
    }
  }
  const body = await response.text()
  if (response.status !== 200)
    return { ok: false, why: refusal(target, id, path, response.status, body) }
  try {
    return { ok: true, json: JSON.parse(body) }
  } catch {
    return { ok: false, why: `the gateway's answer is not JSON: ${printable(body.slice(0, 200))}` }
  }
}

function targetOf(parsed: ParsedArgs): Target {
  const url = parsed.options.get('url')
  const token = parsed.options.get('admin-token')
  return {
    url: gatewayUrl(url),
    token: typeof token === 'string' ? token : loadConfig().adminToken,
  }
}

export async function runTrail(
  args: string[],
  io: TerminalIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const fail = (why: string, code: 1 | 2): number => {
    io.stderr.write(`telepay trail: ${why}\n${code === 2 ? `${usage}\n` : ''}`)
    return code
  }
  let parsed: ParsedArgs
  let target: Target
  try {
    parsed = parseOptions(args, optionsHelp.trail)
    target = targetOf(parsed)
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) return fail(error.message, 2)
    throw error
  }
  const [id, ...extra] = parsed.positional
  if (id === undefined || id.trim() === '') return fail('which payment? give its id or last', 2)
  if (extra.length > 0) return fail(`one payment at a time, got ${parsed.positional.length}`, 2)
  const fetched = await fetchTrail(target, id)
  if (!fetched.ok) return fail(fetched.why, 1)
  if (parsed.options.get('json') === true) {
    io.stdout.write(`${JSON.stringify(fetched.json, null, 2)}\n`)
    return 0
  }
  const answer = readTrailAnswer(fetched.json)
  if (typeof answer === 'string') return fail(`the gateway's answer is not a trail: ${answer}`, 1)
  // The zone of the payment's first step, so that a trail across a clock change reads one way.
  const firstMs = answer.steps[0]?.atMs ?? Date.now()
  const lines = renderTrailDiagram(answer, {
    colour: colourWanted(io.stdout, env),
    relative: parsed.options.get('relative') === true,
    utcOffsetMinutes: -new Date(firstMs).getTimezoneOffset(),
  })
  io.stdout.write(`${lines.join('\n')}\n`)
  return 0
}
