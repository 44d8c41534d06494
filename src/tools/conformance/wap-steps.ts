/**
 * wap-steps.ts - the WAP steps of SPEC section 10, browsing the gateway over real HTTP as a
 * handset behind a WAP gateway would:
 *  - `wap_get: { path, as: wml | xhtml | chtml, msisdn?, from? }` opens a page with a handset
 *    persona's Accept and User-Agent (Nokia 7110 for WML, Nokia S40 for XHTML-MP, DoCoMo for
 *    cHTML). `msisdn` adds the enrichment header `X-WAP-Network-Client-MSISDN` as an operator
 *    gateway does. `from` is the local address the request leaves from: the gateway trusts the
 *    header only from allow-listed addresses (default 127.0.0.1 and ::1), so `from: 127.0.0.2`
 *    (still loopback on Linux) plays a stranger forging the header. Persona, msisdn and from
 *    stay for the following steps.
 *  - `wap_follow: { link }` follows a link of the last page by its key ("1") or label ("Balance").
 *  - `wap_submit: { fields?, token?, again? }` submits the last page's form with the typed
 *    fields; `token` overrides the form's one-time token (an expired one); `again: true` sends
 *    the previous submit once more, byte for byte (Back and resubmit, a double tap).
 *  - `expect_page: { contains? | matches?, content_type?, status? }` checks the last page: the
 *    text is matched against what a user reads (tags dropped) and against the raw markup.
 * A PIN typed into a field is never repeated in a failure message; pages are (they show none).
 */
import type { IncomingHttpHeaders } from 'node:http'
import { request as httpRequest } from 'node:http'
import { wapPersonas } from '../../web/wap-personas.js'
import type { ScriptContext } from './context.js'
import { interpolate, StepFailure } from './context.js'
import type { StepHandler } from './http-steps.js'
import { record, requireString, textExpectation } from './step-args.js'
import type { ParsedPage, WapMarkup } from './wap-page.js'
import { decodeBody, findLink, formBody, markupOf, parsePage } from './wap-page.js'

export const wapStepLimits = {
  /** How long one page may take: pages answer at once, a payment after the core commits (< 1 s). */
  requestTimeoutMs: 10_000,
  /** Characters of a page quoted in a failure message: enough to see what it said. */
  quotedPageCharsMax: 400,
  /** Bytes of a page read: a WML deck is under 1.4 KB compiled, a cHTML page under 5 KB. */
  pageBytesMax: 64 * 1024,
  /** Redirects followed for one request: the entry redirects once to the session's home. */
  redirectsMax: 3,
} as const

/** Handset personas (notes ivr-wap.md 7.2): the web handset's list, so both are one phone. */
export { wapPersonas }

export interface WapAnswer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly contentType: string
  readonly raw: string
  readonly page: ParsedPage | null
  readonly url: string
}

interface WapState {
  as: WapMarkup
  msisdn: string | null
  from: string | null
  last: WapAnswer | null
  lastSubmit: { readonly url: string; readonly body: string } | null
}

const stateKey = 'wap'

function stateOf(context: ScriptContext, step: string): WapState {
  const state = context.channelState.get(stateKey) as WapState | undefined
  if (state === undefined) throw new StepFailure(`${step}: no page yet (start with wap_get)`)
  return state
}

function lastPage(
  context: ScriptContext,
  step: string,
): { state: WapState; answer: WapAnswer; page: ParsedPage } {
  const state = stateOf(context, step)
  const answer = state.last
  if (answer === null || answer.page === null)
    throw new StepFailure(
      `${step}: the last answer was not a WAP page (${answer?.status ?? 'none'} ` +
        `${answer?.contentType ?? ''})`,
    )
  return { state, answer, page: answer.page }
}

/** One request as the persona; `from` binds the client socket to that local address. */
export function wapRequest(
  target: string,
  path: string,
  options: {
    as: WapMarkup
    msisdn: string | null
    from: string | null
    method?: 'GET' | 'POST'
    body?: string | undefined
    redirects?: number
  },
): Promise<WapAnswer> {
  const url = new URL(path, target)
  const persona = wapPersonas[options.as]
  const headers: Record<string, string> = {
    accept: persona.accept,
    'user-agent': persona.userAgent,
  }
  if (persona.acceptCharset !== undefined) headers['accept-charset'] = persona.acceptCharset
  if (options.msisdn !== null) headers['x-wap-network-client-msisdn'] = options.msisdn
  if (options.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: wapStepLimits.requestTimeoutMs,
        ...(options.from === null ? {} : { localAddress: options.from }),
      },
      (response) => {
        const chunks: Buffer[] = []
        let bytes = 0
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          if (bytes > wapStepLimits.pageBytesMax)
            request.destroy(new Error(`page over ${wapStepLimits.pageBytesMax} bytes`))
          else chunks.push(chunk)
        })
        const location = response.headers.location
        if (
          response.statusCode !== undefined &&
          response.statusCode >= 300 &&
          response.statusCode < 400 &&
          location !== undefined
        ) {
          // A browser follows a redirect with a GET (the entry page sends a phone to its session).
          response.resume()
          const redirects = options.redirects ?? 0
          if (redirects >= wapStepLimits.redirectsMax)
            return reject(new Error(`more than ${wapStepLimits.redirectsMax} redirects`))
          wapRequest(target, new URL(location, url).toString(), {
            ...options,
            method: 'GET',
            redirects: redirects + 1,
            body: undefined,
          }).then(resolve, reject)
          return
        }
        response.on('end', () => {
          const contentType = response.headers['content-type'] ?? ''
          const body = Buffer.concat(chunks)
          const raw = decodeBody(body, contentType)
          const markup = markupOf(contentType)
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            contentType,
            raw,
            page: markup === null ? null : parsePage(raw, markup),
            url: url.pathname + url.search,
          })
        })
        response.on('error', reject)
      },
    )
    request.on('timeout', () =>
      request.destroy(new Error(`no answer within ${wapStepLimits.requestTimeoutMs} ms`)),
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

async function fetchPage(
  context: ScriptContext,
  state: WapState,
  step: string,
  path: string,
  method: 'GET' | 'POST' = 'GET',
  body?: string,
): Promise<void> {
  try {
    state.last = await wapRequest(context.target, path, {
      as: state.as,
      msisdn: state.msisdn,
      from: state.from,
      method,
      ...(body === undefined ? {} : { body }),
    })
  } catch (error) {
    throw new StepFailure(
      `${step}: ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}

const wapGet: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'wap_get')
  const as = args['as'] ?? 'xhtml'
  if (as !== 'wml' && as !== 'xhtml' && as !== 'chtml')
    throw new StepFailure('wap_get: as is wml, xhtml or chtml')
  const msisdn = args['msisdn'] === undefined ? null : requireString(args, 'msisdn', 'wap_get')
  const from = args['from'] === undefined ? null : requireString(args, 'from', 'wap_get')
  const state: WapState = { as, msisdn, from, last: null, lastSubmit: null }
  context.channelState.set(stateKey, state)
  await fetchPage(context, state, 'wap_get', requireString(args, 'path', 'wap_get'))
}

const wapFollow: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'wap_follow')
  const wanted = requireString(args, 'link', 'wap_follow')
  const { state, page } = lastPage(context, 'wap_follow')
  const link = findLink(page, wanted)
  if (link === null)
    throw new StepFailure(
      `wap_follow: no link ${JSON.stringify(wanted)}; the page has ` +
        `${page.links.map((item) => JSON.stringify(item.label)).join(', ') || 'none'}`,
    )
  await fetchPage(context, state, 'wap_follow', link.href)
}

const wapSubmit: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs ?? {}, context.vars), 'wap_submit')
  const state = stateOf(context, 'wap_submit')
  if (args['again'] === true) {
    if (state.lastSubmit === null)
      throw new StepFailure('wap_submit: again, but nothing was submitted yet')
    await fetchPage(
      context,
      state,
      'wap_submit',
      state.lastSubmit.url,
      'POST',
      state.lastSubmit.body,
    )
    return
  }
  const { page } = lastPage(context, 'wap_submit')
  if (page.form === null)
    throw new StepFailure(
      `wap_submit: the page has no form: ${page.text.slice(0, wapStepLimits.quotedPageCharsMax)}`,
    )
  const fields = record(args['fields'] ?? {}, 'wap_submit')
  const typed: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields)) {
    // YAML reads 0042 as a number; a PIN or code must keep its digits as written.
    if (typeof value !== 'string')
      throw new StepFailure(`wap_submit: field ${name} must be a quoted string`)
    typed[name] = value
  }
  if (args['token'] !== undefined) typed['token'] = requireString(args, 'token', 'wap_submit')
  const built = formBody(page.form, typed)
  if ('unknown' in built)
    throw new StepFailure(
      `wap_submit: the form has no field ${built.unknown}; ` +
        `it has ${[...page.form.editable].join(', ') || 'none'}`,
    )
  const body = built.body.toString()
  state.lastSubmit = { url: page.form.action, body }
  await fetchPage(context, state, 'wap_submit', page.form.action, 'POST', body)
}

const expectPage: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs ?? {}, context.vars), 'expect_page')
  const state = stateOf(context, 'expect_page')
  const answer = state.last
  if (answer === null) throw new StepFailure('expect_page: no page yet')
  const quoted = JSON.stringify(
    (answer.page?.text ?? answer.raw).slice(0, wapStepLimits.quotedPageCharsMax),
  )
  if (args['status'] !== undefined && Number(args['status']) !== answer.status) {
    throw new StepFailure(
      `expect_page: status ${answer.status}, expected ${String(args['status'])}: ${quoted}`,
    )
  }
  if (args['status'] === undefined && answer.status !== 200)
    throw new StepFailure(`expect_page: status ${answer.status}: ${quoted}`)
  const contentType = args['content_type']
  if (
    contentType !== undefined &&
    !answer.contentType.toLowerCase().startsWith(String(contentType).toLowerCase())
  ) {
    throw new StepFailure(
      `expect_page: content type ${answer.contentType}, expected ${String(contentType)}`,
    )
  }
  const expectation = textExpectation(args, 'expect_page')
  if (!expectation.test(answer.page?.text ?? '') && !expectation.test(answer.raw)) {
    throw new StepFailure(`expect_page: expected a page ${expectation.describe}, got ${quoted}`)
  }
  return Promise.resolve()
}

export const wapSteps: Readonly<Record<string, StepHandler>> = {
  wap_get: wapGet,
  wap_follow: wapFollow,
  wap_submit: wapSubmit,
  expect_page: expectPage,
}
