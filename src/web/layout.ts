/**
 * layout.ts - the frame every web page of the gateway shares: the document head (system fonts
 * through the stylesheet, no request leaves the gateway), a skip link, the top bar with the
 * page's links and the language toggle. Exports pageLayout and PageParts.
 */
import type { Html } from './html.js'
import { html } from './html.js'
import type { WebLanguage } from './labels.js'
import { labelsOf } from './labels.js'

export interface PageParts {
  readonly title: string
  readonly language: WebLanguage
  /** The path of this page, for the language toggle's link and the current nav item. */
  readonly path: string
  readonly body: Html
  /** ES modules of src/web/static to load, by file name. */
  readonly scripts?: readonly string[]
  /** Extra controls at the right of the top bar. */
  readonly actions?: Html
  /** Stylesheets of src/web/static beside site.css, by file name. */
  readonly styles?: readonly string[]
  /** Extra elements of the head (a console's CSRF token as a meta element). */
  readonly head?: Html
  /** Pages in English only (the consoles) leave the language toggle out. */
  readonly languageToggle?: boolean
  /** Pages a shopper sees (the web checkout) leave the site's links out. */
  readonly siteNav?: boolean
}

export function pageLayout(parts: PageParts): Html {
  const t = labelsOf(parts.language)
  const other: WebLanguage = parts.language === 'en' ? 'zh' : 'en'
  const nav = [
    { href: '/', key: 'nav_home' },
    { href: '/handset', key: 'nav_handset' },
    { href: '/console', key: 'nav_console' },
    { href: '/merchant', key: 'nav_merchant' },
    { href: '/docs', key: 'nav_docs' },
  ]
  const htmlLang = parts.language === 'zh' ? 'zh-Hans' : 'en'
  const current = (href: string): Html =>
    href === parts.path ? html` aria-current="page"` : html``
  return html`<!doctype html>
<html lang="${htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/site.css">
${(parts.styles ?? []).map((name) => html`<link rel="stylesheet" href="/static/${name}">`)}
${parts.head ?? ''}
${(parts.scripts ?? []).map((name) => html`<script type="module" src="/static/${name}"></script>`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">◆</span> telepay</a>
  ${
    parts.siteNav === false
      ? ''
      : html`<nav aria-label="Site">
    ${nav.map(
      (item) =>
        html`<a href="${item.href}"${current(item.href)} data-l="${item.key}">${t(item.key)}</a>`,
    )}
  </nav>`
  }
  <div class="topbar-actions">
    ${parts.actions ?? ''}
    ${
      parts.languageToggle === false
        ? ''
        : html`<a class="lang-toggle" href="${parts.path}?lang=${other}"
       lang="${other === 'zh' ? 'zh-Hans' : 'en'}" title="${t('lang_switch_aria')}"
       data-lang-toggle data-l="lang_switch">${t('lang_switch')}</a>`
    }
  </div>
</header>
<main id="main">
${parts.body}
</main>
</body>
</html>
`
}
