/**
 * messages.js - the Messages app: a thread per party (12588, or any code typed in To), an MO
 * sent with POST /sim/mo, and every message of the number arriving live on the phone's stream
 * (the MO as the network took it, the replies, merchants' requests, receipts), each with its
 * coding and parts under Details. The stream is the one truth: a sent MO shows once the network
 * has it. New MTs while recording become `expect_sms` steps.
 */

import { clear, h } from '../lib/dom.js'
import { currentLanguage, t } from '../lib/i18n.js'
import { maskSmsText } from '../lib/mask.js'
import { wireJson } from '../lib/wire.js'
import { patternOf } from '../recorder.js'

const shortCode = '12588'
const codings = { gsm7: 'GSM-7', ucs2: 'UCS-2', latin1: 'Latin-1', binary: '8-bit' }

/** Messages a thread keeps: the gateway's message log keeps 200 a number. */
const threadMessagesMax = 200

export function createMessages(phone) {
  const messages = new Map()
  let party = shortCode
  let unread = 0

  const to = h('input', {
    class: 'to',
    type: 'text',
    inputmode: 'numeric',
    value: shortCode,
    autocomplete: 'off',
    'aria-label': t('to'),
    'data-l-aria': 'to',
  })
  const thread = h('ol', { class: 'thread', 'aria-live': 'polite', 'aria-relevant': 'additions' })
  const empty = h('p', { class: 'empty', 'data-l': 'no_messages' }, t('no_messages'))
  const text = h('textarea', {
    class: 'compose',
    rows: 2,
    'aria-label': t('message'),
    'data-l-aria': 'message',
    placeholder: 'BAL',
  })
  const send = h('button', { type: 'submit', class: 'send', 'data-l': 'send' }, t('send'))
  const form = h('form', { class: 'composer' }, text, send)
  const element = h(
    'div',
    {},
    h('div', { class: 'app-bar' }, h('label', { 'data-l': 'to' }, t('to')), to),
    h('div', { class: 'scroll' }, empty, thread),
    form,
  )
  to.id = `phone-${phone.index}-to`
  element.querySelector('label').setAttribute('for', to.id)

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const typed = text.value.trim()
    if (typed === '') return
    text.value = ''
    sendText(typed, to.value.trim() || shortCode).catch(() => undefined)
  })
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault()
      form.requestSubmit()
    }
  })
  to.addEventListener('change', () => {
    party = to.value.trim() || shortCode
    draw()
  })

  async function sendText(typed, destination = shortCode) {
    if (phone.msisdn === '') return
    party = destination
    to.value = destination
    const body =
      destination === shortCode
        ? { from: phone.msisdn, text: typed }
        : {
            from: phone.msisdn,
            to: destination,
            text: typed,
          }
    phone.step('sms', body)
    // The drawer shows the text as the gateway logged it (its SMS MO entry, PINs masked by the
    // SMS grammar itself), not as typed: a PIN can stand where no pattern here would look for it.
    const answer = await wireJson(phone, 'sms', '/sim/mo', 'POST', body, {
      ...body,
      text: t('text_in_sms_entry'),
    })
    if (answer.status !== 202) {
      thread.append(h('li', { class: 'bubble error' }, answer.json?.message ?? t('error')))
      empty.hidden = true
    }
    draw()
  }

  function bubble(message) {
    const mo = message.direction === 'mo'
    const shown = mo ? maskSmsText(message.text) : message.text
    const when = new Date(message.createdAt).toLocaleTimeString(
      currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB',
      { hour: '2-digit', minute: '2-digit' },
    )
    return h(
      'li',
      { class: `bubble ${mo ? 'out' : 'in'}`, 'data-seq': message.seq },
      h('p', { class: 'bubble-text' }, shown),
      h(
        'details',
        { class: 'bubble-details' },
        h(
          'summary',
          {},
          h('span', {}, when),
          ' · ',
          h('span', { 'data-l': 'details' }, t('details')),
        ),
        h(
          'dl',
          {},
          h('dt', { 'data-l': 'coding' }, t('coding')),
          h('dd', {}, codings[message.coding] ?? message.coding),
          h('dt', { 'data-l': 'parts' }, t('parts')),
          h('dd', {}, String(message.parts)),
          h('dt', { 'data-l': 'state' }, t('state')),
          h('dd', {}, message.state),
          h('dt', {}, 'ID'),
          h('dd', {}, message.messageId),
        ),
      ),
    )
  }

  function draw() {
    clear(thread)
    const shown = [...messages.values()]
      .filter((message) => message.party === party)
      .sort((a, b) => a.seq - b.seq)
    for (const message of shown) thread.append(bubble(message))
    empty.hidden = shown.length > 0
    thread.parentElement.scrollTop = thread.parentElement.scrollHeight
  }

  phone.onSms((kind, message) => {
    if (kind === 'sms_state') {
      const known = messages.get(message.seq)
      if (known) messages.set(message.seq, message)
      return
    }
    if (messages.has(message.seq)) return
    messages.set(message.seq, message)
    // As many as the gateway keeps a number (its message log's cap): the oldest go first.
    while (messages.size > threadMessagesMax) messages.delete(messages.keys().next().value)
    if (message.direction === 'mt' && message.seq > phone.recordFromSeq)
      phone.step('expect_sms', { to: message.msisdn, matches: patternOf(message.text) })
    if (message.direction === 'mt' && element.hidden) {
      unread += 1
      const tab = phone.root.querySelector('.app-tab[data-app="messages"]')
      tab?.setAttribute('data-unread', String(unread))
    }
    if (message.party === party) draw()
  })

  return {
    element,
    send: sendText,
    key(key) {
      text.value += key
    },
    call() {
      form.requestSubmit()
    },
    clear() {
      text.value = text.value.slice(0, -1)
    },
    end() {
      text.value = ''
    },
    reset() {
      messages.clear()
      party = shortCode
      to.value = shortCode
      draw()
    },
    shown() {
      unread = 0
      phone.root.querySelector('.app-tab[data-app="messages"]')?.removeAttribute('data-unread')
      draw()
    },
  }
}
