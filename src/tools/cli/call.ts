/**
 * call.ts - `telepay call <msisdn> [12588] [--url http://127.0.0.1:8080]`: plays an IVR call in
 * the terminal against a running gateway's simulation API (`/ivr/calls`): prints what the caller
 * hears, reads a line of keys (digits, `*`, `#`, several at once), an empty line for silence,
 * `h` to hang up. Each question's timeout (the script's, sent with it) is shown and applied: no
 * key within it is silence, as on a phone line. A secret question's keys (the PIN) show as
 * stars. On a terminal Ctrl-C hangs up and Ctrl-D ends the input; stdin may be a pipe (each line
 * one input, echoed after the prompt). Exit 0 when the call ends (either side), 130 on Ctrl-C,
 * 1 when the gateway cannot be reached, answers an error, or the input ends first (the call is
 * then hung up); 2 for usage. Exports runCall.
 */

import { unreachableCause } from './gateway-url.js'
import { parsePhoneArgs } from './phone-args.js'
import type { LineInput, TerminalIo } from './terminal-io.js'
import { interruptedExitCode, openLineInput, processIo, secondsText } from './terminal-io.js'

const usage = 'Usage: telepay call <msisdn> [12588] [--url http://127.0.0.1:8080]'
const help =
  'Type keys (0-9 * #, several at once), an empty line to stay silent, h to hang up; ' +
  'no key within the seconds shown is silence.'

/** One request of a call: the gateway may wait for a bank, under its own deadline. */
const requestTimeoutMs = 30_000

interface GatherJson {
  readonly digitsMin: number
  readonly digitsMax: number | null
  readonly finishOnKey: string
  readonly firstDigitTimeoutMs: number
  /** Absent from an older gateway: the first key's timeout stands in. */
  readonly interDigitTimeoutMs?: number
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

/** What the caller did at one question. */
type Keys =
  | { readonly kind: 'keys'; readonly keys: string }
  | { readonly kind: 'silence' | 'hangup' | 'interrupt' | 'end' }

export async function runCall(args: string[], io: TerminalIo = processIo): Promise<number> {
  const target = parseTarget(args, io)
  if (typeof target === 'number') return target
  const input = openLineInput(io)
  try {
    const first = await request(
      target.url,
      'POST',
      '/ivr/calls',
      { from: target.msisdn, to: target.number },
      201,
    )
    if (typeof first === 'string') return fail(io, first)
    io.stdout.write(`[calling ${target.number} as ${target.msisdn}; ${help}]\n`)
    let answer = first
    for (;;) {
      for (const prompt of answer.prompts) io.stdout.write(`${prompt}\n`)
      if (answer.ended || answer.gather === null) {
        io.stdout.write(`[call ended: ${answer.outcome ?? 'ended'}]\n`)
        return 0
      }
      // No prompt: the keys so far are kept and the line waits for the next one.
      const timeoutMs =
        answer.prompts.length === 0
          ? (answer.gather.interDigitTimeoutMs ?? answer.gather.firstDigitTimeoutMs)
          : answer.gather.firstDigitTimeoutMs
      const keys = await readKeys(io, input, answer.gather, timeoutMs)
      if (keys.kind === 'end' || keys.kind === 'interrupt' || keys.kind === 'hangup') {
        const hungUp = await request(
          target.url,
          'DELETE',
          `/ivr/calls/${answer.callId}`,
          undefined,
          200,
        )
        if (keys.kind === 'end') return fail(io, 'input ended before the call did; hung up')
        if (typeof hungUp === 'string') return fail(io, hungUp)
        io.stdout.write(`[you hung up: ${hungUp.outcome ?? 'hung_up'}]\n`)
        return keys.kind === 'interrupt' ? interruptedExitCode : 0
      }
      const next =
        keys.kind === 'keys'
          ? await request(
              target.url,
              'POST',
              `/ivr/calls/${answer.callId}/digits`,
              { digits: keys.keys, step: answer.step },
              200,
            )
          : await request(
              target.url,
              'POST',
              `/ivr/calls/${answer.callId}/silence`,
              { step: answer.step },
              200,
            )
      if (typeof next === 'string') return fail(io, next)
      answer = next
    }
  } finally {
    input.close()
  }
}

/**
 * The caller's next usable line of keys, silence (an empty line or the timeout), `h`, Ctrl-C or the
 * end of input.
 */
async function readKeys(
  io: TerminalIo,
  input: LineInput,
  gather: GatherJson,
  timeoutMs: number,
): Promise<Keys> {
  for (;;) {
    const read = await input.read(`${hint(gather, timeoutMs)} > `, {
      secret: gather.secret,
      timeoutMs,
    })
    if (read.kind === 'timeout') {
      io.stdout.write(`[no key within ${secondsText(timeoutMs)}: silence]\n`)
      return { kind: 'silence' }
    }
    if (read.kind !== 'line') return read
    const keys = read.text.trim().replace(/\s+/g, '')
    if (keys === '') return { kind: 'silence' }
    if (keys === 'h' || keys === 'H') return { kind: 'hangup' }
    if (/^[0-9*#]+$/.test(keys)) return { kind: 'keys', keys }
    io.stdout.write(`[${help}]\n`)
  }
}

/**
 * What the caller is expected to type and how long the line waits, e.g. "[1 key; 5 s]" or
 * "[6+ keys, then #; 8 s]".
 */
function hint(gather: GatherJson, timeoutMs: number): string {
  const count =
    gather.digitsMax === gather.digitsMin
      ? `${gather.digitsMin} key${gather.digitsMin === 1 ? '' : 's'}`
      : `${gather.digitsMin}${gather.digitsMax === null ? '+' : `-${gather.digitsMax}`} keys`
  const finish = gather.finishOnKey === '' ? '' : `, then ${gather.finishOnKey}`
  return `[${count}${finish}${gather.secret ? ', secret' : ''}; ${secondsText(timeoutMs)}]`
}

function fail(io: TerminalIo, message: string): number {
  io.stderr.write(`telepay call: ${message}\n`)
  return 1
}

function parseTarget(
  args: string[],
  io: TerminalIo,
): { url: string; msisdn: string; number: string } | number {
  const parsed = parsePhoneArgs(args, io, 'call', usage, {
    fallback: '12588',
    pattern: /^\d{1,20}$/,
    described: 'a number to call, like 12588',
  })
  return typeof parsed === 'number'
    ? parsed
    : { url: parsed.url, msisdn: parsed.msisdn, number: parsed.dial }
}

/** One request of the simulation API; the answer, or a text saying why there is none. */
async function request(
  url: string,
  method: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<AnswerJson | string> {
  let response: Response
  try {
    response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    })
  } catch (error) {
    const cause = unreachableCause(error)
    return `cannot reach ${url}${path}: ${cause} (is the gateway running? npm start)`
  }
  const text = await response.text()
  if (response.status !== expected)
    return `the gateway answered ${response.status}: ${text.slice(0, 300)}`
  try {
    return JSON.parse(text) as AnswerJson
  } catch {
    return `the gateway's answer is not JSON: ${text.slice(0, 200)}`
  }
}
