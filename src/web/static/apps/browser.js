/**
 * browser.js - the Browser app: the WAP pages as a chosen handset gets them, through the
 * handset's WAP gateway (/handset/wap/<as>/<msisdn>/..., src/web/wap-proxy.ts), which sends the
 * persona's Accept and User-Agent and names the number as an operator's gateway does.
 * XHTML-MP and cHTML pages are real pages in a frame (same origin, so the page sees what was
 * followed and submitted); WML decks are drawn by wml.js, since no browser renders WML.
 */

import { emit } from '../lib/bus.js'
import { clear, h } from '../lib/dom.js'
import { t } from '../lib/i18n.js'
import { wireFetch } from '../lib/wire.js'
import { patternOf } from '../recorder.js'
import { renderWml } from './wml.js'

const personas = ['xhtml', 'wml', 'chtml']

/** The longest line of a page's first sentence-like text: what `expect_page` looks for. */
function pageLine(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  let best = ''
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement?.closest('a, option, button, title, style, script, label')
    if (parent) continue
    for (const line of node.textContent.split('\n')) {
      const text = line.replace(/[ \t\r]+/g, ' ').trim()
      if (text.length > best.length) best = text
    }
    if (best.length >= 12) break
  }
  return best
}

function expectPage(phone, line) {
  if (line === '') return
  const opened = patternOf(line, false)
  const plain = opened === line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  phone.step('expect_page', plain ? { contains: line } : { matches: opened })
}

export function createBrowser(phone) {
  let as = 'xhtml'
  let history = []

  const persona = h(
    'select',
    { class: 'persona', 'aria-label': t('handset_model'), 'data-l-aria': 'handset_model' },
    personas.map((id) => h('option', { value: id, 'data-l': `markup_${id}` }, t(`markup_${id}`))),
  )
  const go = h('button', { type: 'button', class: 'primary', 'data-l': 'go' }, t('go'))
  const back = h(
    'button',
    { type: 'button', 'aria-label': t('stk_back'), 'data-l-aria': 'stk_back' },
    '‹',
  )
  const frame = h('iframe', { class: 'wap-frame', title: 'WAP', hidden: true })
  const deck = h('div', { class: 'scroll', hidden: true })
  const note = h('p', { class: 'wml-note', 'data-l': 'wap_header_note' }, t('wap_header_note'))
  const element = h('div', {}, h('div', { class: 'app-bar' }, back, persona, go), note, frame, deck)

  const base = () => `/handset/wap/${as}/${phone.msisdn || 'none'}/`

  function open() {
    as = persona.value
    history = []
    const args = { path: '/wap/', as }
    if (phone.msisdn) args.msisdn = phone.msisdn
    phone.step('wap_get', args)
    if (as === 'wml') {
      frame.hidden = true
      deck.hidden = false
      loadWml(base(), 'GET')
    } else {
      deck.hidden = true
      frame.hidden = false
      frame.src = base()
    }
  }

  // XHTML-MP and cHTML: the frame's own navigation; the page watches it as the user does.
  let pending = null
  frame.addEventListener('load', () => {
    let doc
    try {
      doc = frame.contentDocument
    } catch {
      return
    }
    if (!doc || frame.hidden || doc.location.href === 'about:blank') return
    const navigation = frame.contentWindow.performance.getEntriesByType('navigation')[0]
    emit('wire', {
      kind: 'http',
      channel: 'wap',
      phone: phone.msisdn,
      method: pending?.method ?? 'GET',
      url: doc.location.pathname,
      request: pending?.shown ?? '',
      status: navigation?.responseStatus ?? 200,
      contentType: doc.contentType,
      answer: (doc.body?.textContent ?? '').replace(/\s+\n/g, '\n').trim().slice(0, 4000),
      ms: Math.round(navigation?.duration ?? 0),
    })
    pending = null
    expectPage(phone, pageLine(doc.body ?? doc.documentElement))
    doc.addEventListener('click', (event) => {
      const link = event.target.closest?.('a[href]')
      if (!link) return
      const key = link.getAttribute('accesskey')
      phone.step('wap_follow', { link: key || link.textContent.trim() })
    })
    doc.addEventListener('submit', (event) => {
      const form = event.target
      const fields = {}
      const shown = new URLSearchParams()
      for (const field of form.querySelectorAll('input, select, textarea')) {
        if (!field.name || ['hidden', 'submit', 'button'].includes(field.type)) continue
        fields[field.name] = field.value
        shown.append(
          field.name,
          field.type === 'password' || field.name === 'pin' ? '****' : field.value,
        )
      }
      phone.step('wap_submit', { fields })
      pending = { method: 'POST', shown: shown.toString() }
    })
  })

  // WML: fetched and drawn by the page.
  async function loadWml(url, method, body) {
    const answer = await wireFetch(phone, 'wap', url, {
      method,
      headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      body: body?.raw,
      shown: body?.shown,
    })
    history.push(answer.url)
    clear(deck)
    const fragment = new URL(answer.url).hash.slice(1)
    renderWml(answer.text, fragment, deck, {
      follow(href, label) {
        phone.step('wap_follow', { link: /^\d+ /.test(label) ? label.split(' ')[0] : label })
        loadWml(new URL(href, answer.url).pathname, 'GET')
      },
      submit(href, postMethod, params, typed) {
        phone.step('wap_submit', { fields: typed })
        const shown = new URLSearchParams(params)
        if (shown.has('pin')) shown.set('pin', '****')
        loadWml(new URL(href, answer.url).pathname, postMethod, {
          raw: params.toString(),
          shown: shown.toString(),
        })
      },
      back() {
        goBack()
      },
    })
    expectPage(phone, pageLine(deck))
  }

  function goBack() {
    if (as === 'wml') {
      history.pop()
      const previous = history.pop()
      if (previous) loadWml(new URL(previous).pathname, 'GET')
    } else frame.contentWindow?.history.back()
  }

  go.addEventListener('click', open)
  back.addEventListener('click', goBack)
  return {
    element,
    key(key) {
      // A number key follows the link it is the access key of, as on a WAP phone.
      const root = as === 'wml' ? deck : frame.contentDocument
      const link = root?.querySelector(`a[accesskey="${key}"]`)
      link?.click()
    },
    call() {
      open()
    },
    clear() {
      goBack()
    },
    end() {},
    reset() {
      frame.hidden = true
      frame.removeAttribute('src')
      deck.hidden = true
      clear(deck)
    },
    shown() {},
  }
}
