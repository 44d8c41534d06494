/**
 * handset-page.ts - `GET /handset`: the web phone's page. The server draws the shell (the top
 * bar's record, export, add-phone and drawer controls, the workspace, the developer drawer) and
 * one phone as a <template> the script clones for each phone, with the world's subscribers to
 * pick from; the apps are ES modules of src/web/static/apps. Exports handsetPage and
 * HandsetSubscriber.
 */
import { Html, html } from './html.js'
import type { WebLanguage } from './labels.js'
import { labelsOf } from './labels.js'
import { pageLayout } from './layout.js'

export interface HandsetSubscriber {
  readonly msisdn: string
  readonly name: string
  readonly language: 'en' | 'zh'
}

/** The apps in their tab order: each is src/web/static/apps/<id>.js. */
const apps = ['messages', 'ussd', 'call', 'browser', 'stk', 'tap'] as const

/** The keypad as a phone prints it: key, letters. */
const keys = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
] as const

function phoneTemplate(
  t: (key: string) => string,
  subscribers: readonly HandsetSubscriber[],
): Html {
  const options = subscribers.map(
    (subscriber) =>
      html`<option value="${subscriber.msisdn}" data-language="${subscriber.language}"
        >${subscriber.name} · ${subscriber.msisdn}</option>`,
  )
  const tabs = apps.map(
    (app) =>
      html`<button type="button" role="tab" class="app-tab" data-app="${app}" aria-selected="false"
        ><span class="app-icon app-icon-${app}" aria-hidden="true"></span
        ><span data-l="app_${app}">${t(`app_${app}`)}</span></button>`,
  )
  const keypad = keys.map(
    ([key, letters]) =>
      html`<button type="button" class="key" data-key="${key}"
        ><span class="key-digit">${key}</span
        ><span class="key-letters" aria-hidden="true">${letters}</span></button>`,
  )
  return html`<template id="phone-template">
<section class="phone" aria-label="${t('phone')}">
  <div class="phone-head">
    <label class="pick"><span data-l="pick_number">${t('pick_number')}</span>
      <select class="msisdn-pick">${options}
        <option value="" data-l="other_number">${t('other_number')}</option></select>
    </label>
    <input class="msisdn-other" type="tel" inputmode="tel" autocomplete="off" hidden
      aria-label="${t('type_number')}" data-l-aria="type_number" placeholder="8613700137000">
    <button type="button" class="icon-button remove-phone" hidden
      aria-label="${t('remove_phone')}" data-l-aria="remove_phone">✕</button>
  </div>
  <div class="device">
    <div class="earpiece" aria-hidden="true"></div>
    <div class="screen">
      <div class="status-bar"><span class="carrier">telepay</span><span class="who"></span
        ><span class="signal" aria-hidden="true">▂▄▆█</span></div>
      <div class="app-view" role="tabpanel"></div>
      <div class="app-tabs" role="tablist" aria-label="${t('apps')}" data-l-aria="apps"
        >${tabs}</div>
    </div>
    <div class="keypad" role="group" aria-label="${t('keypad')}" data-l-aria="keypad">
      <div class="softkeys">
        <button type="button" class="key key-call" data-key="call"
          aria-label="${t('key_call')}" data-l-aria="key_call"
          ><span aria-hidden="true">✆</span></button>
        <button type="button" class="key key-clear" data-key="clear"
          aria-label="${t('key_clear')}" data-l-aria="key_clear"
          ><span aria-hidden="true">⌫</span></button>
        <button type="button" class="key key-end" data-key="end"
          aria-label="${t('key_end')}" data-l-aria="key_end"
          ><span aria-hidden="true">✆</span></button>
      </div>
      <div class="digits">${keypad}</div>
    </div>
  </div>
</section>
</template>`
}

export function handsetPage(
  language: WebLanguage,
  subscribers: readonly HandsetSubscriber[],
  simulator: boolean,
): Html {
  const t = labelsOf(language)
  const path = '/handset'
  if (!simulator)
    return pageLayout({
      title: t('handset_title'),
      language,
      path,
      body: html`<p class="notice">${t('handset_off')}</p>`,
    })
  const actions = html`<button type="button" class="button" id="add-phone" data-l="add_phone"
  >${t('add_phone')}</button>
<button type="button" class="button record" id="record" aria-pressed="false"
  ><span class="dot" aria-hidden="true"></span><span data-l="record">${t('record')}</span></button>
<button type="button" class="button" id="export" disabled data-l="export">${t('export')}</button>
<button type="button" class="button" id="drawer-toggle" aria-controls="drawer" aria-expanded="true"
  data-l="drawer_hide">${t('drawer_hide')}</button>`
  // JSON inside a script element: `<` escaped so no value can close the element.
  const world = JSON.stringify(subscribers).replace(/</g, '\\u003c')
  const body = html`<h1 class="visually-hidden">${t('handset_title')}</h1>
<div class="workspace" data-language="${language}">
  <div class="phones" id="phones" aria-live="off"></div>
  <aside class="drawer" id="drawer" aria-labelledby="drawer-title">
    <div class="drawer-head">
      <h2 id="drawer-title" data-l="drawer">${t('drawer')}</h2>
      <span class="record-count" id="record-count" aria-live="polite"></span>
      <button type="button" class="button small" id="drawer-clear" data-l="drawer_clear"
        >${t('drawer_clear')}</button>
    </div>
    <p class="drawer-empty" data-l="drawer_empty">${t('drawer_empty')}</p>
    <ol class="wire" id="wire" aria-live="off" tabindex="0" aria-labelledby="drawer-title"></ol>
  </aside>
</div>
${phoneTemplate(t, subscribers)}
<script type="application/json" id="subscribers">${new Html(world)}</script>`
  return pageLayout({
    title: t('handset_title'),
    language,
    path,
    body,
    actions,
    scripts: ['handset.js'],
  })
}
