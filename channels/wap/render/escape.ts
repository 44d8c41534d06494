/**
 * escape.ts - text escaping per markup: XML entities for WML and XHTML-MP, WML's `$` doubled so
 * user text never becomes a variable reference, HTML entities for cHTML plus numeric references
 * for characters the page's charset cannot carry (Chinese in Shift_JIS).
 */
import iconv from 'iconv-lite'
import type { Markup } from '../contract.js'
import type { Charset } from './negotiate.js'

// XML 1.0 forbids C0 controls other than tab and newlines; a stray one makes a deck uncompilable.
const forbiddenControls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g

const xmlEntities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function escapeXml(text: string): string {
  return text.replace(forbiddenControls, '').replace(/[&<>"']/g, (c) => xmlEntities[c] ?? c)
}

function representableInShiftJis(char: string): boolean {
  return iconv.decode(iconv.encode(char, 'Shift_JIS'), 'Shift_JIS') === char
}

/** Decimal references: cHTML is HTML 3.2-era, hexadecimal `&#x..;` is HTML 4. */
function escapeChtml(text: string, charset: Charset): string {
  const escaped = escapeXml(text)
  if (charset !== 'Shift_JIS') return escaped
  // Only characters outside ASCII can be missing from Shift_JIS; test those one code point at a
  // time.
  return escaped.replace(/[^\u0000-\u007F]/gu, (char) =>
    representableInShiftJis(char) ? char : `&#${char.codePointAt(0) ?? 0};`,
  )
}

/** Escapes text or an attribute value (always double-quoted in our templates) for the markup. */
export function escapeText(text: string, markup: Markup, charset: Charset): string {
  switch (markup) {
    case 'wml':
      return escapeXml(text).replace(/\$/g, '$$$$')
    case 'xhtml':
      return escapeXml(text)
    case 'chtml':
      return escapeChtml(text, charset)
  }
}
