/**
 * contract.ts - the contract between the WAP channel's pages (channels/wap/: routes, identity,
 * sessions in the URL, one-time form tokens, payment commands) and its renderer
 * (channels/wap/render/: one set of handlebars templates rendered as WML 1.3, XHTML Mobile
 * Profile or i-mode cHTML, with content negotiation and size budgets).
 *
 * The pages build a PageModel: what the page says and offers, in the subscriber's language,
 * with every URL already complete (session and token in it). The renderer:
 *  1. MUST render any PageModel in each of the three markups, valid for its validator (XHTML
 *     Basic 1.1 DTD for XHTML-MP, Kannel's WML compiler for WML, cHTML 1.0 rules), escaping text
 *     for its markup (WML doubles `$`).
 *  2. MUST keep a WML deck within 1,400 bytes of WBXML and a cHTML page within 5 KB; a page whose
 *     model does not fit is a programmer error of the page (lists are paged by the page, not cut).
 *  3. MUST give every link of a cHTML page an `accesskey` (the link's `key`), and mark a secret
 *     field as a password (`*N` input format in WML, type=password elsewhere).
 *  4. MUST NOT read request state: markup choice is `negotiate()`'s, from the request headers.
 */
import type { Language } from '../../src/core/index.js'

export type Markup = 'wml' | 'xhtml' | 'chtml'

export interface PageLink {
  readonly label: string
  /** Complete URL (session in it). */
  readonly href: string
  /**
   * The keypad key that follows the link (cHTML accesskey, WML/XHTML accesskey): '1'..'9', '0',
   * '*', '#'.
   */
  readonly key: string | null
}

export interface PageField {
  readonly name: string
  readonly label: string
  readonly kind: 'text' | 'digits' | 'amount' | 'msisdn' | 'pin'
  /** Characters at most (a PIN 6, an MSISDN 15, an amount 10). */
  readonly lengthMax: number
  readonly value: string
}

export interface PageChoice {
  readonly name: string
  readonly label: string
  readonly options: readonly { readonly value: string; readonly label: string }[]
  readonly selected: string | null
}

export interface PageForm {
  /** Complete URL the form posts to (session in it); the token rides as a hidden field. */
  readonly action: string
  readonly token: string
  readonly fields: readonly PageField[]
  readonly choices: readonly PageChoice[]
  readonly submitLabel: string
}

export interface PageModel {
  /**
   * Which page (home, balance, pay_merchant, pay_bill, airtime, send_money, pay_order, statement,
   * confirm, result, login, error).
   */
  readonly page: string
  readonly language: Language
  readonly title: string
  /** Lines of text shown before the form and links (a balance line, a receipt, an error). */
  readonly paragraphs: readonly string[]
  readonly form: PageForm | null
  readonly links: readonly PageLink[]
  /** A page that must not be cached (balances, results, forms with tokens). */
  readonly noStore: boolean
}

export interface RenderedPage {
  readonly contentType: string
  readonly body: Buffer
}
