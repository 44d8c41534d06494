/**
 * negotiate.test.ts - markup, media type and charset chosen from real handset and browser headers:
 * Accept order and q-values, i-mode user agents, Shift_JIS, and null (406) when nothing fits.
 */
import { describe, expect, it } from 'vitest'
import type { Negotiation, RequestHeaders } from '../../../../channels/wap/render/index.js'
import { negotiate } from '../../../../channels/wap/render/index.js'

const wml: Negotiation = { markup: 'wml', charset: 'utf-8', mediaType: 'text/vnd.wap.wml' }
const xhtmlWap: Negotiation = {
  markup: 'xhtml',
  charset: 'utf-8',
  mediaType: 'application/vnd.wap.xhtml+xml',
}
const xhtml: Negotiation = { markup: 'xhtml', charset: 'utf-8', mediaType: 'application/xhtml+xml' }
const xhtmlAsHtml: Negotiation = { markup: 'xhtml', charset: 'utf-8', mediaType: 'text/html' }
const chtmlSjis: Negotiation = { markup: 'chtml', charset: 'Shift_JIS', mediaType: 'text/html' }
const chtmlUtf8: Negotiation = { markup: 'chtml', charset: 'utf-8', mediaType: 'text/html' }

const table: readonly (readonly [string, RequestHeaders, Negotiation | null])[] = [
  [
    'Nokia 7110 (WML only)',
    {
      accept: 'text/vnd.wap.wml, application/vnd.wap.wmlc, image/vnd.wap.wbmp',
      userAgent: 'Nokia7110/1.0 (05.01)',
    },
    wml,
  ],
  ['Accept rewritten by Kannel', { accept: 'application/vnd.wap.wmlc, text/vnd.wap.wml' }, wml],
  [
    'WML named first among equals',
    { accept: 'text/vnd.wap.wml, application/vnd.wap.xhtml+xml' },
    wml,
  ],
  [
    'Openwave 6: XHTML first, WML last',
    {
      accept:
        'application/xhtml+xml, application/vnd.wap.xhtml+xml, ' +
        'application/vnd.wap.wmlc;type=4365, text/vnd.wap.wml, */*;q=0.1',
      userAgent: 'OPWV-SDK/62 UP.Browser/6.2.2.1.208 (GUI) MMP/2.0',
    },
    xhtmlWap,
  ],
  [
    'q-values beat order: WML preferred',
    { accept: 'application/vnd.wap.xhtml+xml;q=0.5, text/vnd.wap.wml;q=0.9' },
    wml,
  ],
  [
    'q-values beat order: XHTML preferred',
    { accept: 'text/vnd.wap.wml;q=0.4, application/vnd.wap.xhtml+xml' },
    xhtmlWap,
  ],
  ['WML refused with q=0 under a wildcard', { accept: '*/*, text/vnd.wap.wml;q=0' }, xhtml],
  ['wildcard only (curl)', { accept: '*/*' }, xhtml],
  ['no Accept at all', {}, xhtml],
  [
    'Chrome names application/xhtml+xml, not the WAP type',
    {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      userAgent: 'Mozilla/5.0 Chrome/126',
    },
    xhtml,
  ],
  [
    'Nokia S40 names the WAP type',
    {
      accept:
        'text/html, application/vnd.wap.xhtml+xml, application/xhtml+xml, text/vnd.wap.wml, */*',
      userAgent: 'Nokia6300/2.0 Profile/MIDP-2.0 Configuration/CLDC-1.1',
    },
    xhtmlWap,
  ],
  ['only text/html', { accept: 'text/html' }, xhtmlAsHtml],
  [
    'text/html preferred over WML by q',
    { accept: 'text/vnd.wap.wml;q=0.5, text/html' },
    xhtmlAsHtml,
  ],
  ['i-mode 501i, no Accept', { userAgent: 'DoCoMo/1.0/F501i' }, chtmlSjis],
  [
    'i-mode 502i with cache size',
    { userAgent: 'DoCoMo/1.0/D502i/c10', accept: 'text/html, image/gif' },
    chtmlSjis,
  ],
  ['i-mode FOMA', { userAgent: 'DoCoMo/2.0 N2001(c10)', accept: '*/*' }, chtmlSjis],
  [
    'i-mode Europe asking for UTF-8',
    { userAgent: 'portalmmm/2.0 N400i(c20;TB)', accept: 'text/html', acceptCharset: 'utf-8' },
    chtmlUtf8,
  ],
  [
    'i-mode Europe asking for Shift_JIS',
    {
      userAgent: 'portalmmm/2.0 N400i(c20;TB)',
      accept: 'text/html',
      acceptCharset: 'Shift_JIS, utf-8;q=0.5',
    },
    chtmlSjis,
  ],
  [
    'i-mode Europe preferring UTF-8 over Shift_JIS',
    { userAgent: 'portalmmm/2.0 N400i(c20;TB)', acceptCharset: 'shift_jis;q=0.3, utf-8' },
    chtmlUtf8,
  ],
  [
    'i-mode UA refusing text/html but taking WML',
    { userAgent: 'DoCoMo/2.0 P900i', accept: 'text/vnd.wap.wml' },
    wml,
  ],
  ['images only: 406', { accept: 'image/gif, image/vnd.wap.wbmp' }, null],
  ['WMLC only (no text WML): 406', { accept: 'application/vnd.wap.wmlc' }, null],
  ['everything refused: 406', { accept: 'text/html;q=0, */*;q=0' }, null],
  [
    'i-mode UA accepting nothing we render: 406',
    { userAgent: 'DoCoMo/1.0/F501i', accept: 'image/gif' },
    null,
  ],
]

describe('negotiate', () => {
  it.each(table)('%s', (_name, headers, expected) => {
    expect(negotiate(headers)).toEqual(expected)
  })

  it('reads media types and charsets case-insensitively, with spaces around parameters', () => {
    expect(negotiate({ accept: 'TEXT/VND.WAP.WML ; Q=1 , application/xhtml+xml ; q=0.2' })).toEqual(
      wml,
    )
    expect(negotiate({ userAgent: 'portalmmm/2.0 N400i', acceptCharset: 'SHIFT_JIS' })).toEqual(
      chtmlSjis,
    )
  })
})
