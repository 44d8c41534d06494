/**
 * africastalking.ts - Africa's Talking's USSD callback at `POST /ussd`: a form with `sessionId,
 * serviceCode, phoneNumber, networkCode, text`, answered in text/plain `CON ...` or `END ...`.
 *
 * `text` accumulates every input of the session joined by `*`. The new input is what follows
 * the previous hop's text and its `*`; so a `*` the user types inside an input stays in that
 * input (at an amount prompt `5*0` arrives as `5*0`, which the menu refuses as an amount)
 * instead of becoming two hops as in ussd-menu-builder. The previous text is never stored (it
 * holds the PIN once one was typed): the session keeps its length and a keyed HMAC of it.
 *
 * A shortcut dial arrives either as serviceCode `*123*2*1001#` or as `*123#` with `text`
 * prefilled on the first hop (`2*1001`); both become the dial string `*123*2*1001#`, and there
 * a `*` does separate inputs: that is what the user dialled. Exports africasTalkingRoute,
 * africasTalkingFastPath and textKeyer.
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Request, RequestHandler, Response } from 'express'
import express from 'express'
import { maskMsisdn, normalizeMsisdn } from '../../src/core/index.js'
import type { Logger } from '../../src/service/log.js'
import type { UssdLimits } from './limits.js'
import { sessionIdleHeader } from './limits.js'
import type { SessionRecord } from './session-store.js'
import { channelText } from './texts.js'
import type { HopRead, UssdService } from './ussd-service.js'

export interface AtRequest {
  readonly sessionId: string
  readonly serviceCode: string
  readonly msisdn: string
  readonly text: string
}

/** A USSD string as a keypad dials it: `*`, digits, more `*`-separated digit groups, `#`. */
const serviceCodePattern = /^\*\d+(?:\*\d+)*#$/
const sessionIdPattern = /^[\x21-\x7e]+$/

/** A keyed hash of AT's accumulated text; the key lives in memory only (see the file comment). */
export function textKeyer(key: Buffer = randomBytes(32)): (text: string) => string {
  return (text) => createHmac('sha256', key).update(text, 'utf8').digest('base64url')
}

/** The form's fields checked; a text saying what is wrong when they are not usable. */
export function parseAtRequest(body: unknown, limits: UssdLimits): AtRequest | string {
  if (typeof body !== 'object' || body === null)
    return 'expected a form (application/x-www-form-urlencoded)'
  const form = body as Record<string, unknown>
  const field = (name: string): string | undefined =>
    typeof form[name] === 'string' ? form[name] : undefined
  const sessionId = field('sessionId')
  if (sessionId === undefined || sessionId === '') return 'sessionId is missing'
  if (sessionId.length > limits.sessionIdLengthMax || !sessionIdPattern.test(sessionId))
    return 'sessionId is not a session id'
  const phoneNumber = field('phoneNumber')
  if (phoneNumber === undefined || phoneNumber === '') return 'phoneNumber is missing'
  const msisdn = normalizeMsisdn(phoneNumber)
  if (msisdn === null) return 'phoneNumber is not an international number'
  const serviceCode = field('serviceCode')
  if (serviceCode === undefined || serviceCode === '') return 'serviceCode is missing'
  if (!serviceCodePattern.test(serviceCode)) return 'serviceCode is not a USSD string like *123#'
  // AT always sends text (empty on the first hop); a form without it is read as the first hop.
  const text = form['text'] === undefined ? '' : field('text')
  if (text === undefined) return 'text must be a single string'
  if (text.length > limits.inputLengthMax)
    return `text is longer than ${limits.inputLengthMax} characters`
  return { sessionId, serviceCode, msisdn, text }
}

/** The dial string of a first hop: the service code, with a prefilled text as shortcut inputs. */
export function dialOf(serviceCode: string, text: string): string {
  return text === '' ? serviceCode : `${serviceCode.slice(0, -1)}*${text}#`
}

/** The new input in an accumulated text, given the session's last one (by length and HMAC). */
export function readAtText(
  text: string,
  record: SessionRecord | null,
  serviceCode: string,
  keyOf: (text: string) => string,
): HopRead {
  if (record === null) return { kind: 'dial', dial: dialOf(serviceCode, text) }
  const previous = record.textLength
  if (text.length <= previous) return { kind: 'lost' }
  if (previous > 0 && text[previous] !== '*') return { kind: 'lost' }
  if (`at:${keyOf(text.slice(0, previous))}` !== record.requestKey) return { kind: 'lost' }
  return { kind: 'input', text: text.slice(previous === 0 ? 0 : previous + 1) }
}

interface AtDeps {
  readonly ussd: UssdService
  readonly limits: UssdLimits
  readonly log: Logger
  readonly keyOf: (text: string) => string
  /** After each hop: a web handset's push settles its outbox row (handset-push.ts). */
  readonly afterHop?: (sessionId: string) => Promise<void>
}

/** The answer to one callback: status and text/plain body. */
async function answerAt(
  body: unknown,
  deps: AtDeps,
): Promise<{ readonly status: number; readonly body: string }> {
  const parsed = parseAtRequest(body, deps.limits)
  if (typeof parsed === 'string') return { status: 400, body: `Bad request: ${parsed}` }
  let screen: Awaited<ReturnType<typeof deps.ussd.hop>>
  try {
    screen = await deps.ussd.hop({
      provider: 'at',
      sessionId: parsed.sessionId,
      msisdn: parsed.msisdn,
      requestKey: `at:${deps.keyOf(parsed.text)}`,
      textLength: parsed.text.length,
      read: (record) => readAtText(parsed.text, record, parsed.serviceCode, deps.keyOf),
    })
  } catch (error) {
    deps.log.error('ussd hop failed', {
      provider: 'at',
      session: parsed.sessionId,
      msisdn: maskMsisdn(parsed.msisdn),
      error: error instanceof Error ? error.message : String(error),
    })
    screen = channelText('unavailable', 'en')
  }
  try {
    await deps.afterHop?.(parsed.sessionId)
  } catch (error) {
    // The answer stands; an unsettled row is due again at its time and dropped once paid.
    deps.log.error('ussd push not settled', {
      session: parsed.sessionId,
      error: error instanceof Error ? error.message : String(error),
    })
  }
  return { status: 200, body: `${screen.type} ${screen.text}` }
}

export function africasTalkingRoute(deps: AtDeps): RequestHandler[] {
  const parseForm = express.urlencoded({ extended: false, limit: deps.limits.requestBodyBytesMax })
  const answer = async (request: Request, response: Response): Promise<void> => {
    const answered = await answerAt(request.body, deps)
    response.setHeader(sessionIdleHeader, String(deps.limits.sessionIdleMs))
    response.status(answered.status).type('text/plain').send(answered.body)
  }
  return [
    parseForm,
    (request, response, next) => {
      answer(request, response).catch(next)
    },
  ]
}

/**
 * The same callback served before express sees the request: `POST /ussd` with a form body is
 * the gateway's hottest request (one per keypress of every USSD user), and express's routing,
 * body parser and response helpers cost more than the hop itself. Answers exactly as the route
 * does (status, `text/plain; charset=utf-8`, the session idle header, body); anything else (another
 * path or method, a
 * body that is not a form) returns false and goes to express, whose route then answers it.
 */
export function africasTalkingFastPath(
  deps: AtDeps,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== 'POST' || request.url !== '/ussd') return false
    if (
      !(request.headers['content-type'] ?? '')
        .toLowerCase()
        .startsWith('application/x-www-form-urlencoded')
    )
      return false
    const chunks: Buffer[] = []
    let length = 0
    let refused = false
    request.on('data', (chunk: Buffer) => {
      length += chunk.length
      if (length > deps.limits.requestBodyBytesMax) {
        if (!refused)
          respond(
            response,
            413,
            `Bad request: the body is longer than ${deps.limits.requestBodyBytesMax} bytes`,
          )
        refused = true
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => {
      if (refused) return
      const form: Record<string, string> = {}
      for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
        if (!(name in form)) form[name] = value
      }
      answerAt(form, deps).then(
        (answered) =>
          respond(response, answered.status, answered.body, {
            [sessionIdleHeader]: String(deps.limits.sessionIdleMs),
          }),
        (error: unknown) => {
          deps.log.error('ussd fast path failed', {
            error: error instanceof Error ? error.message : String(error),
          })
          respond(response, 500, 'Bad request: the gateway could not answer')
        },
      )
    })
    request.on('error', () => {
      refused = true
    })
    return true
  }
}

function respond(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) return
  const bytes = Buffer.from(body, 'utf8')
  response.writeHead(status, {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': bytes.length,
  })
  response.end(bytes)
}
