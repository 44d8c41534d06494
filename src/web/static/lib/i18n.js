/**
 * i18n.js - the page's own labels in English and Chinese (labels.json, the file the server
 * draws the first paint from). Elements carry `data-l` (their text) or `data-l-aria` (their
 * aria-label) with a key, so switching the language relabels the page in place without losing
 * a phone's state. The gateway's texts are not here: they come in the subscriber's language.
 */

let labels = { en: {}, zh: {} }
let language = 'en'
const listeners = new Set()

export async function loadLabels(initial) {
  const response = await fetch('/static/labels.json')
  labels = await response.json()
  language = initial === 'zh' ? 'zh' : 'en'
}

export function currentLanguage() {
  return language
}

/** The label of a key in the page's language (English when Chinese lacks it). */
export function t(key) {
  return labels[language]?.[key] ?? labels.en?.[key] ?? key
}

/** Relabels every element under root that names a label key. */
export function applyLabels(root) {
  for (const element of root.querySelectorAll('[data-l]'))
    element.textContent = t(element.dataset.l)
  for (const element of root.querySelectorAll('[data-l-aria]'))
    element.setAttribute('aria-label', t(element.dataset.lAria))
  for (const element of root.querySelectorAll('[data-l-placeholder]'))
    element.setAttribute('placeholder', t(element.dataset.lPlaceholder))
}

export function setLanguage(next) {
  language = next === 'zh' ? 'zh' : 'en'
  document.documentElement.lang = language === 'zh' ? 'zh-Hans' : 'en'
  applyLabels(document)
  for (const listener of listeners) listener(language)
}

export function onLanguage(listener) {
  listeners.add(listener)
}
