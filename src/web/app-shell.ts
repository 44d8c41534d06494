/**
 * app-shell.ts - the frame of the pages people log in to (the operator console, the merchant
 * portal): the site's top bar with who is logged in and a log-out button, a side menu of the
 * sections, the page's CSRF token as a meta element for its scripts, and the content. English
 * only, as the APIs they sit on. Exports appShell, AppShellParts, ShellNavItem.
 */
import type { Html } from './html.js'
import { html } from './html.js'
import { pageLayout } from './layout.js'

export interface ShellNavItem {
  readonly href: string
  readonly label: string
}

export interface AppShellParts {
  readonly title: string
  /** The path of this page: the side menu marks the item it starts with. */
  readonly path: string
  /** The console's name in the side menu ("Operator console", "Merchant portal"). */
  readonly product: string
  readonly nav: readonly ShellNavItem[]
  /** Who is logged in, shown beside the log-out button. */
  readonly who: string
  readonly csrfToken: string
  /** Where the log-out form posts. */
  readonly logoutAction: string
  readonly body: Html
  /** ES modules of src/web/static, by path under it. */
  readonly scripts?: readonly string[]
  /** Stylesheets of src/web/static beside console.css, by path under it. */
  readonly styles?: readonly string[]
}

export function appShell(parts: AppShellParts): Html {
  const current = (href: string): boolean =>
    parts.path === href || (href !== parts.nav[0]?.href && parts.path.startsWith(`${href}/`))
  const nav = parts.nav.map(
    (item) =>
      html`<li><a href="${item.href}"${current(item.href) ? html` aria-current="page"` : ''}>${
        item.label
      }</a></li>`,
  )
  const actions = html`<span class="who">${parts.who}</span>
<form method="post" action="${parts.logoutAction}" class="logout">
  <input type="hidden" name="_csrf" value="${parts.csrfToken}">
  <button type="submit" class="button small">Log out</button>
</form>`
  const body = html`<div class="shell">
  <nav class="side" aria-label="${parts.product}">
    <p class="side-title">${parts.product}</p>
    <ul>${nav}</ul>
  </nav>
  <div class="shell-main">${parts.body}</div>
</div>`
  return pageLayout({
    title: `${parts.title} · telepay`,
    language: 'en',
    path: parts.path,
    body,
    actions,
    styles: ['console.css', ...(parts.styles ?? [])],
    head: html`<meta name="csrf-token" content="${parts.csrfToken}">`,
    scripts: parts.scripts ?? [],
    languageToggle: false,
  })
}
