/**
 * call.ts - `telepay call <msisdn> [12588] [--url http://127.0.0.1:8080]`: plays an IVR call in
 * the terminal against a running gateway's simulation API (`/ivr/calls`): prints what the caller
 * hears, reads a line of keys (digits, `*`, `#`, several at once), an empty line for silence
 * until the timeout, `h` to hang up. Works with stdin a pipe (each line one input, echoed after
 * the prompt, a PIN echoed as ****). Exit 0 when the call ends (either side), 1 when the gateway
 * cannot be reached, answers an error, or stdin ends first (the call is then hung up); 2 for
 * usage. Exports runCall.
 */
import { createInterface } from 'node:readline'
import type { TerminalIo } from './terminal-io.js'
import { processIo } from './terminal-io.js'
import { gatewayUrl } from './gateway-url.js'
import { normalizeMsisdn } from '../core/index.js'
import { UsageError, parseArgs } from './args.js'

const usage = 'Usage: telepay call <msisdn> [12588] [--url http://127.0.0.1:8080]'
const help = 'Type keys (0-9 * #, several at once), an empty line to stay silent until the timeout, h to hang up.'

/** One request of a call: the gateway may wait for a bank, under its own deadline. */
const requestTimeoutMs = 30_000

interface GatherJson {
  readonly digitsMin: number
  readonly digitsMax: number | null
  readonly finishOnKey: string
  readonly firstDigitTimeoutMs: number
  readonly secret: boolean
}

interface AnswerJson {
  readonly callId: string
  readonly step: number
  readonly prompts: readonly string[]
  readonly gather: GatherJson | null
  readonly ended: boolean
  readonly outcome: string | null
}

export async function runCall(args: string[], io: TerminalIo = processIo): Promise<number> {
  const target = parseTarget(args, io)
  if (typeof target === 'number') return target
  const first = await request(target.url, 'POST', '/ivr/calls', { from: target.msisdn, to: target.number }, 201)
  if (typeof first === 'string') return fail(io, first)
  io.stdout.write(`[calling ${target.number} as ${target.msisdn}; ${help}]\n`)
  let answer = first
  const lines = createInterface({ input: io.stdin, terminal: false })[Symbol.asyncIterator]()
  try {
    for (;;) {
      for (const prompt of answer.prompts) io.stdout.write(`${prompt}\n`)
      if (answer.ended || answer.gather === null) {
        io.stdout.write(`[call ended: ${answer.outcome ?? 'ended'}]\n`)
        return 0
      }
      const input = await readKeys(io, lines, answer.gather)
      if (input === null) {
        await request(target.url, 'DELETE', `/ivr/calls/${answer.callId}`, undefined, 200)
        io.stdout.write('\n')
        return fail(io, 'input ended before the call did; hung up')
      }
      if (input === 'h') {
        const hungUp = await request(target.url, 'DELETE', `/ivr/calls/${answer.callId}`, undefined, 200)
        if (typeof hungUp === 'string') return fail(io, hungUp)
        io.stdout.write(`[you hung up: ${hungUp.outcome ?? 'hung_up'}]\n`)
        return 0
      }
      const next = input === ''
        ? await request(target.url, 'POST', `/ivr/calls/${answer.callId}/silence`, { step: answer.step }, 200)
        : await request(target.url, 'POST', `/ivr/calls/${answer.callId}/digits`, { digits: input, step: answer.step }, 200)
      if (typeof next === 'string') return fail(io, next)
      answer = next
    }
  } finally {
    await lines.return?.()
  }
}

/** The next usable line: keys, '' for silence, 'h' to hang up; null when stdin ended. */
async function readKeys(io: TerminalIo, lines: AsyncIterator<string>, gather: GatherJson): Promise<string | null> {
  for (;;) {
    io.stdout.write(`${hint(gather)} > `)
    const line = await lines.next()
    if (line.done === true) return null
    const input = line.value.replace(/\r$/, '').trim().replace(/\s+/g, '')
    if (!io.interactive) io.stdout.write(`${gather.secret && input !== 'h' ? '*'.repeat(input.length) : input}\n`)
    if (input === '' || input === 'h' || input === 'H') return input.toLowerCase()
    if (/^[0-9*#]+$/.test(input)) return input
    io.stdout.write(`[${help}]\n`)
  }
}

/** What the caller is expected to type, e.g. "[1 key]" or "[6+ keys, then #]". */
function hint(gather: GatherJson): string {
  const count = gather.digitsMax === gather.digitsMin
    ? `${gather.digitsMin} key${gather.digitsMin === 1 ? '' : 's'}`
    : `${gather.digitsMin}${gather.digitsMax === null ? '+' : `-${gather.digitsMax}`} keys`
  const finish = gather.finishOnKey === '' ? '' : `, then ${gather.finishOnKey}`
  return `[${count}${finish}${gather.secret ? ', secret' : ''}; ${Math.round(gather.firstDigitTimeoutMs / 1000)} s]`
}

function fail(io: TerminalIo, message: string): number {
  io.stderr.write(`telepay call: ${message}\n`)
  return 1
}

function parseTarget(args: string[], io: TerminalIo): { url: string; msisdn: string; number: string } | number {
  let parsed
  try {
    parsed = parseArgs(args, ['url'], [])
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`telepay call: ${error.message}\n${usage}\n`)
    return 2
  }
  const [msisdnText, number = '12588', ...extra] = parsed.positional
  const msisdn = msisdnText === undefined ? null : normalizeMsisdn(msisdnText)
  if (msisdn === null || extra.length > 0) {
    io.stderr.write(`${msisdnText === undefined || extra.length > 0 ? '' : `telepay call: "${msisdnText}" is not an MSISDN\n`}${usage}\n`)
    return 2
  }
  if (!/^\d{1,20}$/.test(number)) {
    io.stderr.write(`telepay call: "${number}" is not a number to call, like 12588\n${usage}\n`)
    return 2
  }
  const url = gatewayUrl(parsed.options.get('url'))
  return { url, msisdn, number }
}

/** One request of the simulation API; the answer, or a text saying why there is none. */
async function request(url: string, method: string, path: string, body: unknown, expected: number): Promise<AnswerJson | string> {
  let response: Response
  try {
    response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    })
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error)
    return `cannot reach ${url}${path}: ${cause} (is the gateway running? npm start)`
  }
  const text = await response.text()
  if (response.status !== expected) return `the gateway answered ${response.status}: ${text.slice(0, 300)}`
  try {
    return JSON.parse(text) as AnswerJson
  } catch {
    return `the gateway's answer is not JSON: ${text.slice(0, 200)}`
  }
}
