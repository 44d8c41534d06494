/**
 * login-page.ts - the log-in form of the operator console (admin token) and of the merchant
 * portal (API key): one secret field, the place to go next, and a CSRF token that a cookie of
 * the same value must come back with (a page of another site cannot log you in as someone
 * else). Exports loginPage, LoginPageParts.
 */
import type { Html } from './html.js'
import { html } from './html.js'
import { pageLayout } from './layout.js'

export interface LoginPageParts {
  readonly title: string
  readonly path: string
  /** What the secret is ("Admin token", "API key"). */
  readonly secretLabel: string
  readonly hint: Html | string
  readonly csrfToken: string
  /** The page asked for before logging in, to go back to. */
  readonly next: string
  readonly error: string | null
}

export function loginPage(parts: LoginPageParts): Html {
  const body = html`<section class="login">
  <h1>${parts.title}</h1>
  ${parts.error === null ? '' : html`<p class="alert alert-danger" role="alert">${parts.error}</p>`}
  <form method="post" action="${parts.path}" class="form">
    <input type="hidden" name="_csrf" value="${parts.csrfToken}">
    <input type="hidden" name="next" value="${parts.next}">
    <label for="secret">${parts.secretLabel}</label>
    <input id="secret" name="secret" type="password" autocomplete="current-password" required
      autofocus spellcheck="false">
    <button type="submit" class="button primary">Log in</button>
  </form>
  <p class="note">${parts.hint}</p>
</section>`
  return pageLayout({
    title: `${parts.title} · telepay`,
    language: 'en',
    path: parts.path,
    body,
    styles: ['console.css'],
    languageToggle: false,
  })
}
