/**
 * ussd.ts - `telepay ussd <msisdn> [*123#] [--url http://127.0.0.1:8080]`: plays a USSD session
 * in the terminal against a running gateway's `POST /ussd`, as Africa's Talking would carry it:
 * prints each screen, reads a line, sends the accumulated text, until an END, after which it
 * prints "— session ended —" and exits. It applies the network's idle timeout as the gateway
 * names it (the session-idle header, else the channel's default): no reply within it ends the
 * session. A PIN screen's reply shows as stars. On a terminal Ctrl-C cancels the session and
 * Ctrl-D ends the input; stdin may be a pipe (each line one input, echoed after the prompt).
 * Exit 0 at an END or the timeout, 130 on Ctrl-C, 1 when the gateway cannot be reached,
 * answers an error, or the input ends first; 2 for usage. Exports runUssd.
 */
import { randomUUID } from 'node:crypto'
import { defaultUssdLimits, sessionIdleHeader } from '../../../channels/ussd/limits.js'
import { unreachableCause } from './gateway-url.js'
import { parsePhoneArgs } from './phone-args.js'
import type { TerminalIo } from './terminal-io.js'
import {
  interruptedExitCode,
  openLineInput,
  processIo,
  secondsText,
  timeoutNamed,
} from './terminal-io.js'

const usage = 'Usage: telepay ussd <msisdn> [*123#] [--url http://127.0.0.1:8080]'

/** One request of a USSD session: the gateway may wait for a bank, under its own deadline. */
const requestTimeoutMs = 30_000

/** Printed after the last screen, whatever ended the session. */
const sessionEnded = '— session ended —'

interface Session {
  readonly url: string
  readonly sessionId: string
  readonly serviceCode: string
  readonly phoneNumber: string
}

interface Screen {
  readonly type: 'CON' | 'END'
  readonly text: string
  /** The gateway's idle timeout, when it names one. */
  readonly idleMs: number | null
}

export async function runUssd(args: string[], io: TerminalIo = processIo): Promise<number> {
  const session = parseSession(args, io)
  if (typeof session === 'number') return session
  const inputs: string[] = []
  const input = openLineInput(io)
  let idleMs: number = defaultUssdLimits.sessionIdleMs
  try {
    for (;;) {
      const answer = await post(session, inputs.join('*'))
      if (typeof answer === 'string') {
        io.stderr.write(`telepay ussd: ${answer}\n`)
        return 1
      }
      if (inputs.length === 0) {
        idleMs = answer.idleMs ?? idleMs
        io.stdout.write(
          `[${session.serviceCode} as ${session.phoneNumber}: reply to each screen within ` +
            `${secondsText(idleMs)}; Ctrl-C cancels]\n`,
        )
      }
      io.stdout.write(`${answer.text}\n`)
      if (answer.type === 'END') {
        io.stdout.write(`${sessionEnded}\n`)
        return 0
      }
      const read = await input.read('> ', { secret: asksForPin(answer.text), timeoutMs: idleMs })
      switch (read.kind) {
        case 'line':
          inputs.push(read.text)
          break
        case 'timeout':
          io.stdout.write(
            `[no reply within ${secondsText(idleMs)}: the session timed out]\n${sessionEnded}\n`,
          )
          return 0
        case 'interrupt':
          io.stdout.write(`[you cancelled the session]\n${sessionEnded}\n`)
          return interruptedExitCode
        case 'end':
          io.stderr.write('telepay ussd: input ended before the session did\n')
          return 1
      }
    }
  } finally {
    input.close()
  }
}

/**
 * Whether a screen asks for a PIN: its last line names one and is not a menu option
 * ("3 Change PIN").
 */
function asksForPin(text: string): boolean {
  const last = text.trimEnd().split('\n').at(-1) ?? ''
  return !/^\d+[ .)]/.test(last) && /\bPIN\b|密码/i.test(last)
}

function parseSession(args: string[], io: TerminalIo): Session | number {
  const parsed = parsePhoneArgs(args, io, 'ussd', usage, {
    fallback: '*123#',
    pattern: /^\*\d+(?:\*\d+)*#$/,
    described: 'a USSD string like *123# or *123*1#',
  })
  if (typeof parsed === 'number') return parsed
  // The session id is ours to choose, as an aggregator's would be: unique per session.
  return {
    url: parsed.url,
    sessionId: `cli-${randomUUID()}`,
    serviceCode: parsed.dial,
    phoneNumber: `+${parsed.msisdn}`,
  }
}

/** One hop; the screen, or a text saying why there is none. */
async function post(session: Session, text: string): Promise<Screen | string> {
  let response: Response
  try {
    response = await fetch(`${session.url}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        sessionId: session.sessionId,
        serviceCode: session.serviceCode,
        phoneNumber: session.phoneNumber,
        networkCode: 'cli',
        text,
      }).toString(),
      signal: AbortSignal.timeout(requestTimeoutMs),
    })
  } catch (error) {
    const cause = unreachableCause(error)
    return `cannot reach ${session.url}/ussd: ${cause} (is the gateway running? npm start)`
  }
  const body = await response.text()
  if (response.status !== 200) return `the gateway answered ${response.status}: ${body}`
  const match = /^(CON|END) ([\s\S]*)$/.exec(body)
  if (match === null) return `the gateway's answer is not CON or END: ${body.slice(0, 200)}`
  return {
    type: match[1] === 'CON' ? 'CON' : 'END',
    text: match[2] ?? '',
    idleMs: timeoutNamed(response.headers.get(sessionIdleHeader)),
  }
}
