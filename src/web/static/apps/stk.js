/**
 * stk.js - the SIM menu (SIM Toolkit, the seeds' "STK way"): a text menu read from
 * stk-menu.json, not written in code. An item asks its fields one screen at a time (a choice
 * is a numbered list, as a SIM shows it; keys 1-9 pick), builds the payment SMS of the grammar
 * (docs/contract.md section 4) from the item's template, shows it, and sends it through
 * Messages, where the reply (asking YES <PIN>) arrives.
 */
import { clear, h } from '../lib/dom.js'
import { currentLanguage, onLanguage, t } from '../lib/i18n.js'

let menuPromise = null
function loadMenu() {
  menuPromise ??= fetch('/static/stk-menu.json').then((response) => response.json())
  return menuPromise
}

/** The SMS an item's template makes of the answers: an empty answer drops its word. */
export function buildSms(template, answers) {
  return template
    .replace(/\{(\w+)\}/g, (_whole, name) => answers[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim()
}

export function createStk(phone) {
  let menu = null
  let item = null
  let step = 0
  let answers = {}
  const body = h('div', { class: 'scroll', 'aria-live': 'polite' })
  const element = h('div', {}, body)
  const words = (text) => text[currentLanguage()] ?? text.en

  function screen(title, ...content) {
    clear(body)
    body.append(h('p', { class: 'stk-title' }, title), ...content)
    body.querySelector('input, button')?.focus()
  }

  function list(entries) {
    return h(
      'ol',
      { class: 'stk-list' },
      entries.map((entry, index) =>
        h(
          'li',
          {},
          h('button', { type: 'button', onclick: entry.pick }, `${index + 1} ${entry.label}`),
        ),
      ),
    )
  }

  function home() {
    item = null
    if (menu === null) return
    screen(
      words(menu.title),
      list(menu.items.map((entry) => ({ label: words(entry.label), pick: () => begin(entry) }))),
    )
  }

  function begin(entry) {
    item = entry
    step = 0
    answers = {}
    ask()
  }

  function backButton() {
    return h('button', { type: 'button', onclick: home }, t('stk_back'))
  }

  function ask() {
    const field = item.ask[step]
    if (field === undefined) return confirm()
    if (field.kind === 'choice') {
      const choices = menu.choices[field.choices]
      screen(
        words(field.prompt),
        list(
          choices.map((choice) => ({
            label: words(choice.label),
            pick: () => answer(choice.value),
          })),
        ),
        backButton(),
      )
      return
    }
    const input = h('input', {
      type: 'text',
      inputmode: field.kind === 'amount' ? 'decimal' : 'numeric',
      autocomplete: 'off',
      'aria-label': words(field.prompt),
    })
    const error = h('p', { class: 'hint', role: 'alert' })
    const form = h(
      'form',
      { class: 'dialer' },
      input,
      h('button', { type: 'submit', class: 'primary' }, t('stk_next')),
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const value = input.value.trim()
      if (!new RegExp(field.pattern).test(value)) {
        error.textContent = t('invalid')
        return
      }
      answer(value)
    })
    screen(words(field.prompt), form, error, backButton())
  }

  function answer(value) {
    answers[item.ask[step].name] = value
    step += 1
    ask()
  }

  function confirm() {
    const text = buildSms(item.sms, answers)
    const send = h('button', { type: 'button', class: 'primary' }, t('stk_send'))
    send.addEventListener('click', () => {
      phone.send(text)
      home()
    })
    screen(
      words(item.label),
      h('p', {}, t('stk_built')),
      h('p', { class: 'stk-sms' }, text),
      send,
      backButton(),
    )
  }

  loadMenu().then((loaded) => {
    menu = loaded
    home()
  })
  onLanguage(() => (item === null ? home() : ask()))
  return {
    element,
    key(key) {
      const input = body.querySelector('input')
      if (input) input.value += key
      else body.querySelectorAll('.stk-list button')[Number(key) - 1]?.click()
    },
    call() {
      const form = body.querySelector('form')
      if (form) form.requestSubmit()
      else body.querySelector('button.primary')?.click()
    },
    clear() {
      const input = body.querySelector('input')
      if (input && input.value !== '') input.value = input.value.slice(0, -1)
      else home()
    },
    end: home,
    reset: home,
    shown() {},
  }
}
