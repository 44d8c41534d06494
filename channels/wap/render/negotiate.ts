/**
 * negotiate.ts - choose the markup, media type and charset of a WAP page from the request headers
 * (Accept with q-values, Accept-Charset, User-Agent); null when nothing we render is acceptable
 * (answer 406). Pure: no request object, no I/O.
 *
 * Rules (SPEC section 7, notes ivr-wap.md 4.5):
 *  - i-mode user agents (`DoCoMo/...`, `portalmmm/...`) that accept text/html get cHTML.
 *  - Otherwise WML when the Accept header prefers text/vnd.wap.wml over every XHTML-MP media type:
 *    higher q, or the same q and named more specifically, or the same q and specificity and named
 *    earlier (WAP browsers rarely send q-values; their order is their preference). On a full tie
 *    (e.g. `* / *` alone) XHTML-MP wins: any modern handset reads it.
 *  - XHTML-MP is served as application/vnd.wap.xhtml+xml when the client names it, else as
 *    application/xhtml+xml when that is acceptable, else as text/html.
 *  - cHTML charset: Shift_JIS for DoCoMo handsets (the older ones read nothing else) and for any
 *    i-mode client whose Accept-Charset rates Shift_JIS at least as high as UTF-8; UTF-8 otherwise.
 *    WML and XHTML-MP are always UTF-8 (WAP gateways convert for the handset).
 */
import type { Markup } from '../contract.js'

export type Charset = 'utf-8' | 'Shift_JIS'

export interface RequestHeaders {
  readonly accept?: string | undefined
  readonly acceptCharset?: string | undefined
  readonly userAgent?: string | undefined
}

export interface Negotiation {
  readonly markup: Markup
  readonly charset: Charset
  /** The media type to send, without charset (renderPage adds it). */
  readonly mediaType: string
}

/** Headers a negotiated response depends on: send as `Vary` with every page. */
export const negotiationVary = 'Accept, Accept-Charset, User-Agent'

export const mediaTypes = {
  wml: 'text/vnd.wap.wml',
  xhtmlWap: 'application/vnd.wap.xhtml+xml',
  xhtml: 'application/xhtml+xml',
  html: 'text/html',
} as const

interface Range {
  readonly type: string
  readonly subtype: string
  readonly q: number
  readonly position: number
}

/**
 * How well a media type is accepted: by q, then specificity of the range that matched, then order.
 */
interface Acceptance {
  readonly q: number
  /** 3 = named exactly, 2 = `type/*`, 1 = `* / *`, 0 = not matched. */
  readonly specificity: number
  readonly position: number
}

const notAccepted: Acceptance = { q: 0, specificity: 0, position: Number.MAX_SAFE_INTEGER }

function parseQ(params: readonly string[]): number {
  for (const param of params) {
    const [key, value] = param.split('=').map((part) => part.trim())
    if (key?.toLowerCase() !== 'q' || value === undefined) continue
    const q = Number(value)
    return Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0
  }
  return 1
}

function parseAccept(header: string | undefined): Range[] {
  const text = header?.trim() ?? ''
  if (text === '') return [{ type: '*', subtype: '*', q: 1, position: 0 }]
  const ranges: Range[] = []
  for (const [position, item] of text.split(',').entries()) {
    const [mediaRange = '', ...params] = item.split(';')
    const [type, subtype] = mediaRange.trim().toLowerCase().split('/')
    if (type === undefined || type === '' || subtype === undefined || subtype === '') continue
    ranges.push({ type, subtype, q: parseQ(params), position })
  }
  return ranges
}

/** RFC 9110 12.5.1: the most specific matching range decides the q of a media type. */
function acceptanceOf(ranges: readonly Range[], mediaType: string): Acceptance {
  const [type, subtype] = mediaType.split('/')
  let best: Acceptance = notAccepted
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 3
        : range.type === type && range.subtype === '*'
          ? 2
          : range.type === '*' && range.subtype === '*'
            ? 1
            : 0
    if (specificity > best.specificity) best = { q: range.q, specificity, position: range.position }
  }
  return best.q > 0 ? best : notAccepted
}

function better(a: Acceptance, b: Acceptance): boolean {
  if (a.q !== b.q) return a.q > b.q
  if (a.specificity !== b.specificity) return a.specificity > b.specificity
  return a.position < b.position
}

function bestOf(candidates: readonly Acceptance[]): Acceptance {
  return candidates.reduce(
    (best, candidate) => (better(candidate, best) ? candidate : best),
    notAccepted,
  )
}

/** q of a charset in Accept-Charset; an absent header accepts every charset (RFC 9110 12.5.2). */
function charsetQ(header: string | undefined, charset: string): number {
  const text = header?.trim() ?? ''
  if (text === '') return 1
  let wildcard = 0
  for (const item of text.split(',')) {
    const [name = '', ...params] = item.split(';')
    const key = name.trim().toLowerCase()
    const q = parseQ(params)
    if (
      key === charset.toLowerCase() ||
      (charset === 'shift_jis' && (key === 'sjis' || key === 'x-sjis'))
    )
      return q
    if (key === '*') wildcard = q
  }
  return wildcard
}

const imodeAgent = /^(DoCoMo|portalmmm)\//i

function chtmlCharset(headers: RequestHeaders): Charset {
  if (/^DoCoMo\//i.test(headers.userAgent ?? '')) return 'Shift_JIS'
  const named = (headers.acceptCharset ?? '').toLowerCase()
  if (!/shift_jis|sjis/.test(named)) return 'utf-8'
  return charsetQ(headers.acceptCharset, 'shift_jis') >= charsetQ(headers.acceptCharset, 'utf-8')
    ? 'Shift_JIS'
    : 'utf-8'
}

export function negotiate(headers: RequestHeaders): Negotiation | null {
  const ranges = parseAccept(headers.accept)
  const html = acceptanceOf(ranges, mediaTypes.html)
  if (imodeAgent.test(headers.userAgent ?? '') && html.q > 0) {
    return { markup: 'chtml', charset: chtmlCharset(headers), mediaType: mediaTypes.html }
  }
  const wml = acceptanceOf(ranges, mediaTypes.wml)
  const xhtmlWap = acceptanceOf(ranges, mediaTypes.xhtmlWap)
  const xhtml = acceptanceOf(ranges, mediaTypes.xhtml)
  const xhtmlFamily = bestOf([xhtmlWap, xhtml, html])
  if (wml.q > 0 && better(wml, xhtmlFamily))
    return { markup: 'wml', charset: 'utf-8', mediaType: mediaTypes.wml }
  if (xhtmlFamily.q === 0) return null
  const mediaType =
    xhtmlWap.specificity === 3
      ? mediaTypes.xhtmlWap
      : xhtml.q > 0
        ? mediaTypes.xhtml
        : xhtmlWap.q > 0
          ? mediaTypes.xhtmlWap
          : mediaTypes.html
  return { markup: 'xhtml', charset: 'utf-8', mediaType }
}
