/**
 * page.ts - what every page of the merchant portal shares: its side menu, what a page is given
 * (the session and the merchant it logged in as) and the frame it is drawn in. Exports
 * MerchantPage, MerchantPageInput, merchantNav, merchantShell.
 */
import type { Request } from 'express'
import type { Merchant } from '../../core/index.js'
import type { WebSession } from '../../gateway/http/web-session.js'
import type { ShellNavItem } from '../app-shell.js'
import { appShell } from '../app-shell.js'
import type { Html } from '../html.js'

export const merchantNav: readonly ShellNavItem[] = [
  { href: '/merchant', label: 'Overview' },
  { href: '/merchant/payments', label: 'Payments' },
  { href: '/merchant/orders', label: 'Orders' },
  { href: '/merchant/requests', label: 'Payment requests' },
  { href: '/merchant/webhooks', label: 'Webhooks' },
  { href: '/merchant/settings', label: 'Settings' },
]

export interface MerchantPageInput {
  readonly request: Request
  readonly session: WebSession
  readonly merchant: Merchant
}

export interface MerchantPage {
  /** The express path (under /merchant). */
  readonly path: string
  render(input: MerchantPageInput): Html
}

/** A portal page's frame: the title, the body and its scripts under src/web/static/merchant. */
export function merchantShell(
  input: MerchantPageInput,
  parts: { readonly title: string; readonly body: Html; readonly scripts?: readonly string[] },
): Html {
  return appShell({
    title: parts.title,
    path: input.request.path === '/merchant/' ? '/merchant' : input.request.path,
    product: 'Merchant portal',
    nav: merchantNav,
    who: `${input.merchant.name} · ${input.merchant.code}`,
    csrfToken: input.session.csrfToken,
    logoutAction: '/merchant/logout',
    body: parts.body,
    scripts: (parts.scripts ?? []).map((name) => `merchant/${name}`),
    styles: ['merchant.css'],
  })
}
