/**
 * wap-proxy.ts - `/handset/wap/<as>/<msisdn>/<path>`: the web handset's WAP gateway. A phone's
 * browser does not talk to a WAP site directly: the operator's WAP gateway fetches the page for
 * it, saying which handset asks (Accept, User-Agent) and, by header enrichment, which subscriber
 * (X-WAP-Network-Client-MSISDN). This proxy does the same for the Browser app: it forwards a GET
 * or a form POST to `/wap/<path>` on this gateway with the persona's headers (wap-personas.ts)
 * and the MSISDN (`none`: no header, the login page asks), and rewrites the answer's links and
 * form actions so the next page comes through it too.
 *
 * Trust: the WAP channel believes the header only from `wap.trustedGateways` (default 127.0.0.1
 * and ::1). The proxy calls the gateway from the address the browser reached it on, back to
 * itself; on loopback (the default bind) that address is trusted as it stands, which is the
 * truth: this process is the gateway in front of the pages. A gateway bound to another address
 * adds that address to `wap.trustedGateways` to have its handsets named; otherwise they see the
 * login page, nothing is believed that should not be. Mounted only in simulator mode, as
 * /sim/mo is: anyone who reaches it may name any number, as on a simulated network.
 * Exports wapProxy and wapProxyLimits.
 */
import { request as httpRequest } from 'node:http'
import type { Request, Response, Router } from 'express'
import express from 'express'
import { normalizeMsisdn } from '../core/index.js'
import type { WapMarkup } from './wap-personas.js'
import { wapMarkups, wapPersonas } from './wap-personas.js'

export const wapProxyLimits = {
  /** A form post's bytes: the WAP channel refuses over 4,096 itself; room for its own answer. */
  requestBytesMax: 16 * 1024,
  /** A page's bytes: a WML deck is under 1.4 KB compiled, a cHTML page under 5 KB. */
  answerBytesMax: 64 * 1024,
  /** A page answers at once, a payment once the core committed (under 1 s): ten times that. */
  answerTimeoutMs: 10_000,
} as const

const prefix = '/handset/wap'
const xhtmlMobileType = /^application\/vnd\.wap\.xhtml\+xml/i

export function wapProxy(): Router {
  const router = express.Router()
  router.all(`${prefix}/:as/:msisdn/{*rest}`, (request: Request, response: Response) => {
    const as = String(request.params['as']) as WapMarkup
    const rawMsisdn = String(request.params['msisdn'])
    const msisdn = rawMsisdn === 'none' ? null : normalizeMsisdn(rawMsisdn)
    if (!wapMarkups.includes(as) || (rawMsisdn !== 'none' && msisdn === null)) {
      response.status(404).type('text/plain').send('No such handset: /handset/wap/<as>/<msisdn>/')
      return
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      response.status(405).set('allow', 'GET, POST').end()
      return
    }
    const base = `${prefix}/${as}/${rawMsisdn}/`
    const rest = request.originalUrl.slice(request.originalUrl.indexOf(base) + base.length)
    forward(request, response, { as, msisdn, base, path: `/wap/${rest}` })
  })
  return router
}

function forward(
  request: Request,
  response: Response,
  target: { as: WapMarkup; msisdn: string | null; base: string; path: string },
): void {
  const persona = wapPersonas[target.as]
  const headers: Record<string, string> = {
    accept: persona.accept,
    'user-agent': persona.userAgent,
  }
  if (persona.acceptCharset !== undefined) headers['accept-charset'] = persona.acceptCharset
  if (target.msisdn !== null) headers['x-wap-network-client-msisdn'] = target.msisdn
  const contentType = request.header('content-type')
  if (request.method === 'POST' && contentType !== undefined) headers['content-type'] = contentType
  const local = request.socket.localAddress ?? '127.0.0.1'
  const upstream = httpRequest(
    {
      host: local.startsWith('::ffff:') ? local.slice(7) : local,
      port: request.socket.localPort,
      // Leave from the address we were reached on: the address the WAP channel checks.
      localAddress: local.startsWith('::ffff:') ? local.slice(7) : local,
      method: request.method,
      path: target.path,
      headers,
      timeout: wapProxyLimits.answerTimeoutMs,
    },
    (answer) => {
      const chunks: Buffer[] = []
      let bytes = 0
      answer.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes > wapProxyLimits.answerBytesMax) upstream.destroy(new Error('page too large'))
        else chunks.push(chunk)
      })
      answer.on('end', () => {
        for (const name of ['cache-control', 'vary']) {
          const value = answer.headers[name]
          if (value !== undefined) response.setHeader(name, value)
        }
        const type = answer.headers['content-type']
        if (type !== undefined) {
          // A desktop browser downloads the WAP Forum's XHTML type instead of showing it: the
          // frame gets the same page as application/xhtml+xml, and the type the handset was
          // sent stays readable in its own header.
          response.setHeader('content-type', type.replace(xhtmlMobileType, 'application/xhtml+xml'))
          response.setHeader('telepay-wap-content-type', type)
        }
        const location = answer.headers.location
        if (location !== undefined) response.setHeader('location', rewrite(location, target.base))
        // Latin-1 keeps every byte as it came (a Shift_JIS page too); only ASCII is rewritten.
        const body = rewrite(Buffer.concat(chunks).toString('latin1'), target.base)
        response.status(answer.statusCode ?? 502).send(Buffer.from(body, 'latin1'))
      })
      answer.on('error', () => failed(response))
    },
  )
  upstream.on('timeout', () => upstream.destroy(new Error('timeout')))
  upstream.on('error', () => failed(response))
  // A GET has no body; nor has a POST whose body the app's JSON parser already read (a WAP
  // form is never JSON, so the page answers what the channel makes of an empty post).
  if (request.method !== 'POST' || request.readableEnded) {
    upstream.end()
    return
  }
  let sent = 0
  request.on('data', (chunk: Buffer) => {
    sent += chunk.length
    if (sent > wapProxyLimits.requestBytesMax) {
      upstream.destroy(new Error('form too large'))
      request.destroy()
    } else upstream.write(chunk)
  })
  request.on('end', () => upstream.end())
}

/** Points the WAP channel's own links (`/wap/…`) at the proxy. */
function rewrite(text: string, base: string): string {
  return text.replace(/(["'])\/wap\//g, `$1${base}`).replace(/^\/wap\//, base)
}

function failed(response: Response): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  response.status(502).type('text/plain').send('The WAP pages did not answer.')
}
