/**
 * landing-page.ts - `GET /`: what telepay is, a card per channel to try on the web handset, the
 * APIs on this port (with their reference, /docs) and where the documents are. Plain HTML, no
 * script. Exports landingPage.
 */
import type { Html } from './html.js'
import { html } from './html.js'
import type { WebLanguage } from './labels.js'
import { labelsOf } from './labels.js'
import { pageLayout } from './layout.js'

/** The channel cards: which app of the handset each opens, and what to try there. */
const channelCards = [
  { app: 'messages', title: 'SMS', code: '12588', tryKey: 'try_sms' },
  { app: 'ussd', title: 'USSD', code: '*123#', tryKey: 'try_ussd' },
  { app: 'call', title: 'IVR', code: '12588', tryKey: 'try_ivr' },
  { app: 'browser', title: 'WAP', code: '/wap/', tryKey: 'try_wap' },
  { app: 'stk', title: 'SIM Toolkit', code: 'STK', tryKey: 'try_stk' },
] as const

/** The web APIs on this port; `link`: a page a browser can open. */
const apis = [
  { path: '/docs', what: 'api_docs', link: true },
  { path: '/api/openapi.json', what: 'api_openapi', link: true },
  { path: '/api/v1', what: 'api_merchant' },
  { path: '/console', what: 'api_console' },
  { path: '/merchant', what: 'api_portal' },
  { path: '/shop', what: 'api_shop' },
  { path: '/admin/api', what: 'api_admin' },
  { path: '/ussd', what: 'api_ussd' },
  { path: '/ivr/calls', what: 'api_ivr' },
  { path: '/wap/', what: 'api_wap' },
  { path: '/sim/mo', what: 'api_sim' },
  { path: '/healthz', what: 'api_health' },
] as const

export function landingPage(language: WebLanguage, docs: readonly string[]): Html {
  const t = labelsOf(language)
  const suffix = language === 'zh' ? '&lang=zh' : ''
  const cards = channelCards.map(
    (card) => html`<li class="card">
  <h3>${card.title} <code>${card.code}</code></h3>
  <p>${t(card.tryKey)}</p>
  <a class="button" href="/handset?app=${card.app}${suffix}"
    >${t('open_app').replace('{app}', t(`app_${card.app}`))}</a>
</li>`,
  )
  const apiItem = (api: (typeof apis)[number]): Html => {
    const path = html`<code>${api.path}</code>`
    const named = 'link' in api ? html`<a href="${api.path}">${path}</a>` : path
    return html`<li>${named} ${t(api.what)}</li>`
  }
  const body = html`<section class="hero">
  <h1>telepay</h1>
  <p class="tagline">${t('site_tagline')}</p>
  <h2 class="visually-hidden">${t('home_what')}</h2>
  <p class="about">${t('home_about')}</p>
  <p><a class="button primary" href="/handset${language === 'zh' ? '?lang=zh' : ''}"
    >${t('home_open_handset')}</a></p>
  <p class="note">${t('home_handset_note')}</p>
</section>
<section aria-labelledby="try">
  <h2 id="try">${t('home_try')}</h2>
  <ul class="cards">${cards}</ul>
</section>
<section class="columns">
  <div>
    <h2>${t('home_apis')}</h2>
    <p class="note">${t('home_apis_note')}</p>
    <ul class="plain">${apis.map(apiItem)}</ul>
  </div>
  <div>
    <h2>${t('home_docs')}</h2>
    <p class="note">${t('home_docs_note')}</p>
    <ul class="plain">${docs.map(
      (doc) => html`<li><a href="/docs/${doc}">docs/${doc}</a></li>`,
    )}</ul>
  </div>
</section>`
  return pageLayout({ title: 'telepay', language, path: '/', body })
}
