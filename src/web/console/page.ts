/**
 * page.ts - what every page of the operator console shares: its side menu, what a page is given
 * and the frame it is drawn in. Exports ConsolePage, ConsolePageInput, consoleNav, consoleShell.
 */
import type { Request } from 'express'
import type { WebSession } from '../../gateway/http/web-session.js'
import type { GatewayContext } from '../../http/context.js'
import type { ShellNavItem } from '../app-shell.js'
import { appShell } from '../app-shell.js'
import type { Html } from '../html.js'

export const consoleNav: readonly ShellNavItem[] = [
  { href: '/console', label: 'Overview' },
  { href: '/console/subscribers', label: 'Subscribers' },
  { href: '/console/payments', label: 'Payments' },
  { href: '/console/operations', label: 'Operations' },
]

export interface ConsolePageInput {
  readonly request: Request
  readonly session: WebSession
  readonly context: GatewayContext
}

export interface ConsolePage {
  /** The express path (under /console). */
  readonly path: string
  render(input: ConsolePageInput): Html | Promise<Html>
}

/**
 * A console page's frame: the title, the body, its scripts under src/web/static/console and its
 * stylesheets beside console.css.
 */
export function consoleShell(
  input: ConsolePageInput,
  parts: {
    readonly title: string
    readonly body: Html
    readonly scripts?: readonly string[]
    readonly styles?: readonly string[]
  },
): Html {
  return appShell({
    title: parts.title,
    path: input.request.path === '/console/' ? '/console' : input.request.path,
    product: 'Operator console',
    nav: consoleNav,
    who: `operator · ${input.context.operatingModel} model`,
    csrfToken: input.session.csrfToken,
    logoutAction: '/console/logout',
    body: parts.body,
    scripts: (parts.scripts ?? []).map((name) => `console/${name}`),
    styles: parts.styles ?? [],
  })
}
