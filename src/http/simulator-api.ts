/**
 * simulator-api.ts - the HTTP ways in and out of the simulated network (simulator mode only), for
 * phones and services that are not SMPP ESMEs:
 *
 * - POST /sim/mo `{ from, to?, text }`: an MO typed on a web handset, `to` the platform's short
 *   code unless given. It takes exactly the way an ESME's MO takes (simulated-network.ts: the SMS
 *   channel's inbound handler for the short code, a service's bind for its code); 202 with the
 *   MO's message id. Its replies go to the number's web handset (the live stream, and the message
 *   log either way). Bad input is refused with 400 and a reason, before anything happens.
 * - GET or POST /cgi-bin/sendsms?username=&password=&from=&to=&text=[&coding=]: an MT from a
 *   service, answered as Kannel's smsbox answers: `0: Accepted for delivery` (202), or its error
 *   line with a 4xx. A POST may carry the fields as a form, or the text as a text/plain body.
 *
 * No line logs a text or a password: a reply quotes balances, an MO may hold a PIN, and the
 * access log drops the query. Exports simulatorApi, SimulatorApiDeps.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import type { HandsetMoResult } from '../bearer/simulated-network.js'
import { smsTextLimits, splitText } from '../bearer/text/index.js'
import type { SplitCoding } from '../bearer/text/segment.js'
import { maskMsisdn, normalizeMsisdn } from '../core/index.js'
import { sendBodyInvalid, sendError } from '../gateway/http/json.js'
import type { Logger } from '../service/log.js'

export interface SimulatorApiDeps {
  readonly network: {
    handsetMo(from: string, to: string, text: string): Promise<HandsetMoResult>
    sendFromService(source: string, destination: string, text: string, coding: SplitCoding): string
  }
  /** Where an MO goes when it names no `to`: the platform's short code. */
  readonly shortCode: string
  /** The credentials sendsms takes (config.ts `sendsms`). */
  readonly sendsms: { readonly username: string; readonly password: string }
  readonly log: Logger
}

/** A code or number an MO may be sent to: what config.ts takes for the short code. */
const destinationPattern = /^\d{3,15}$/
/**
 * The longest text a sendsms or an MO may carry: what fits in the concatenation bound
 * (smsTextLimits.segmentPartsMax parts); a longer one is refused rather than cut.
 */
const partsMax = smsTextLimits.segmentPartsMax

export function simulatorApi(deps: SimulatorApiDeps): Router {
  const router = express.Router()

  router.post('/sim/mo', async (request: Request, response: Response) => {
    const body = request.body as unknown
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return sendBodyInvalid(response)
    const fields = body as Record<string, unknown>
    const from = typeof fields['from'] === 'string' ? normalizeMsisdn(fields['from']) : null
    if (from === null)
      return sendError(response, 400, 'msisdn_invalid', 'from is a mobile number in E.164')
    const to = fields['to'] ?? deps.shortCode
    if (typeof to !== 'string' || !destinationPattern.test(to))
      return sendError(response, 400, 'to_invalid', 'to is a short code or number: 3 to 15 digits')
    const text = fields['text']
    if (typeof text !== 'string' || text.trim() === '')
      return sendError(response, 400, 'text_invalid', 'text is a string that is not empty')
    if (!fits(text))
      return sendError(response, 400, 'text_too_long', `text is at most ${partsMax} SMS parts`)
    const result = await deps.network.handsetMo(from, to, text)
    if (!result.ok) {
      if (result.reason === 'destination_unknown')
        return sendError(response, 404, 'destination_unknown', `no service is bound for ${to}`)
      if (result.reason === 'busy') {
        response.setHeader('retry-after', '1')
        return sendError(response, 503, 'system_busy', 'the SMS channel takes no MO now')
      }
      return sendError(response, 422, 'mo_refused', 'the MO was refused')
    }
    deps.log.info('handset mo', { msisdn: maskMsisdn(from), to, parts: result.parts })
    response.status(202).json({ messageId: result.messageId, from, to, parts: result.parts })
  })

  // Guard clauses in Kannel's order: credentials, receiver, sender, coding; then the MT goes.
  const sendsmsAnswer = (request: Request): { status: number; line: string } => {
    const field = (name: string): string | undefined => fieldOf(request, name)
    const refused = (line: string) => ({ status: 400, line })
    const { username, password } = deps.sendsms
    if (field('username') !== username || field('password') !== password)
      return { status: 403, line: 'Authorization failed for sendsms' }
    const to = field('to')
    if (to === undefined) return refused('Missing receiver number, rejected')
    if (to === '') return refused('Empty receiver number not allowed, rejected')
    const msisdn = normalizeMsisdn(to)
    // Kannel would pass any number on; the simulated network has phones only.
    if (msisdn === null) return refused('Receiver is not a mobile number, rejected')
    const from = field('from')
    if (from === undefined || from === '')
      return refused('Sender missing and no global set, rejected')
    const coding = codingOf(field('coding'))
    if (coding === null) return refused('Coding field misformed, rejected')
    const text = field('text') ?? textBodyOf(request) ?? ''
    if (!fits(text, coding)) return refused(`Text longer than ${partsMax} parts, rejected`)
    deps.network.sendFromService(from, msisdn, text, coding)
    deps.log.info('sendsms accepted', { msisdn: maskMsisdn(msisdn), from })
    return { status: 202, line: '0: Accepted for delivery' }
  }
  const sendsms = (request: Request, response: Response): void => {
    const { status, line } = sendsmsAnswer(request)
    response.status(status).type('text/plain').send(line)
  }
  const forms = [express.urlencoded({ extended: false }), express.text({ type: 'text/plain' })]
  router.get('/cgi-bin/sendsms', sendsms)
  router.post('/cgi-bin/sendsms', ...forms, sendsms)
  return router
}

/** Whether a text fits in the concatenation bound, uncut. */
function fits(text: string, coding: SplitCoding = 'auto'): boolean {
  return !splitText(text, 0, smsTextLimits, coding).truncated
}

/** A field from the query, else from a form body; the first when repeated. */
function fieldOf(request: Request, name: string): string | undefined {
  const fromQuery = request.query[name]
  const value =
    fromQuery ??
    (typeof request.body === 'object' && request.body !== null
      ? (request.body as Record<string, unknown>)[name]
      : undefined)
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}

/** A POST's text/plain body (Kannel's POST form of sendsms); undefined for any other. */
function textBodyOf(request: Request): string | undefined {
  return typeof request.body === 'string' && request.body !== '' ? request.body : undefined
}

/**
 * Kannel's `coding`: 0 (7-bit, here GSM-7 when the text fits it, as when absent) or 2 (UCS-2);
 * 1 (8-bit binary) is no text a phone shows, and is refused as any other value.
 */
function codingOf(value: string | undefined): SplitCoding | null {
  if (value === undefined || value === '' || value === '0') return 'auto'
  return value === '2' ? 'ucs2' : null
}
