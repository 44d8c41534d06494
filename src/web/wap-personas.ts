/**
 * wap-personas.ts - the handsets a WAP page is fetched as: what each sends as Accept and
 * User-Agent (a Nokia 7110 for WML, a Nokia S40 for XHTML-MP, a DoCoMo i-mode phone for cHTML).
 * One list for the web handset's Browser app (its proxy, src/web/wap-proxy.ts) and the
 * conformance runner's `wap_get ... as:`, so a recorded session is replayed as the same phone.
 * Exports WapMarkup, wapMarkups, WapPersona and wapPersonas.
 */

export type WapMarkup = 'wml' | 'xhtml' | 'chtml'

export const wapMarkups: readonly WapMarkup[] = ['wml', 'xhtml', 'chtml']

export interface WapPersona {
  readonly accept: string
  readonly userAgent: string
  readonly acceptCharset?: string
}

export const wapPersonas: Readonly<Record<WapMarkup, WapPersona>> = {
  wml: {
    accept: 'text/vnd.wap.wml, application/vnd.wap.wmlc, image/vnd.wap.wbmp',
    userAgent: 'Nokia7110/1.0 (05.01)',
  },
  xhtml: {
    accept:
      'application/vnd.wap.xhtml+xml, application/xhtml+xml, text/vnd.wap.wml;q=0.6, */*;q=0.1',
    userAgent: 'Nokia6230i/2.0 (03.80) Profile/MIDP-2.0 Configuration/CLDC-1.1',
  },
  chtml: { accept: 'text/html, */*', userAgent: 'DoCoMo/2.0 N905i(c100;TB;W24H16)' },
}
