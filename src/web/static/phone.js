/**
 * phone.js - one web phone: a number (picked from the world's subscribers or typed), a screen
 * with six apps, a keypad, and the number's live stream of messages. Digits typed on the
 * keyboard press the keypad (and light its key); in a text field they type as usual. The apps
 * (apps/*.js) share one shape: { element, key(k), call(), clear(), end(), reset(), shown() }.
 */
import { createBrowser } from './apps/browser.js'
import { createCall } from './apps/call.js'
import { createMessages } from './apps/messages.js'
import { createStk } from './apps/stk.js'
import { createTap } from './apps/tap.js'
import { createUssd } from './apps/ussd.js'
import { emit, on } from './lib/bus.js'
import { applyLabels } from './lib/i18n.js'

const appFactories = {
  messages: createMessages,
  ussd: createUssd,
  call: createCall,
  browser: createBrowser,
  stk: createStk,
  tap: createTap,
}

/**
 * The stream's event kinds the phone forwards to the drawer and its apps: each MO and MT (and a
 * state change), each payment command with the core's answer and trail, the SMSC's PDUs for this
 * number, and a merchant's payment prompt pushed as a USSD dialogue. A new kind is one more name
 * here (and a renderer in drawer.js).
 */
const streamKinds = ['sms', 'sms_state', 'command', 'pdu', 'ussd_push']
const smsKinds = new Set(['sms', 'sms_state'])

let phonesMade = 0

export function createPhone({ template, container, subscribers, msisdn, app, removable }) {
  const index = ++phonesMade
  const root = template.content.firstElementChild.cloneNode(true)
  root.id = `phone-${index}`
  const pick = root.querySelector('.msisdn-pick')
  const other = root.querySelector('.msisdn-other')
  const who = root.querySelector('.who')
  const view = root.querySelector('.app-view')
  const tabs = [...root.querySelectorAll('.app-tab')]
  pick.id = `phone-${index}-pick`
  const listeners = { sms: new Set() }
  let stream = null

  const phone = {
    index,
    msisdn: '',
    name: '',
    /** The highest message seq this phone has seen: MTs above it at a recording's start are new. */
    seenSeq: 0,
    recordFromSeq: Number.POSITIVE_INFINITY,
    root,
    step(step, args) {
      emit('step', { step, args })
    },
    onSms(listener) {
      listeners.sms.add(listener)
    },
    show(id) {
      select(id)
    },
    send(text, to) {
      select('messages')
      return apps.messages.send(text, to)
    },
  }

  const apps = {}
  for (const [id, factory] of Object.entries(appFactories)) {
    apps[id] = factory(phone)
    apps[id].element.hidden = true
    apps[id].element.classList.add('app', `app-${id}`)
    view.append(apps[id].element)
  }
  let active = 'messages'

  function select(id) {
    active = id
    for (const tab of tabs) {
      const on = tab.dataset.app === id
      tab.setAttribute('aria-selected', String(on))
      tab.tabIndex = on ? 0 : -1
      if (on) view.setAttribute('aria-labelledby', tab.id)
    }
    for (const [key, item] of Object.entries(apps)) item.element.hidden = key !== id
    apps[id].shown?.()
  }

  for (const tab of tabs) {
    tab.id = `phone-${index}-tab-${tab.dataset.app}`
    tab.addEventListener('click', () => select(tab.dataset.app))
    tab.addEventListener('keydown', (event) => {
      const at = tabs.indexOf(tab)
      const next =
        event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : Number.NaN
      if (Number.isNaN(next)) return
      const target = tabs[(next + tabs.length) % tabs.length]
      target.focus()
      select(target.dataset.app)
      event.preventDefault()
    })
  }

  function openStream() {
    stream?.close()
    phone.seenSeq = 0
    if (phone.msisdn === '') return
    // ussd_push=1: this phone shows a merchant's prompt as a USSD dialogue (apps/ussd.js).
    stream = new EventSource(
      `/handset/api/events?msisdn=${encodeURIComponent(phone.msisdn)}&ussd_push=1`,
    )
    root.dataset.stream = 'opening'
    stream.addEventListener('open', () => {
      root.dataset.stream = 'open'
    })
    for (const kind of streamKinds)
      stream.addEventListener(kind, (event) => {
        const message = JSON.parse(event.data)
        if (kind === 'sms') phone.seenSeq = Math.max(phone.seenSeq, message.seq)
        emit('wire', { kind, phone: phone.msisdn, message })
        if (kind === 'ussd_push') {
          // The network opens the dialogue: the screen pops up whatever app was open.
          select('ussd')
          apps.ussd.pushed(message)
        }
        if (!smsKinds.has(kind)) return
        for (const listener of listeners.sms) listener(kind, message)
      })
  }

  function useNumber(msisdn, name) {
    phone.msisdn = msisdn
    phone.name = name
    who.textContent = msisdn === '' ? '' : `${name || msisdn}`
    root.setAttribute('aria-label', `${name || 'Phone'} ${msisdn}`)
    for (const item of Object.values(apps)) item.reset()
    openStream()
  }

  function pickChanged() {
    const option = pick.selectedOptions[0]
    if (option && option.value !== '') {
      other.hidden = true
      useNumber(option.value, option.textContent.split(' · ')[0])
    } else {
      other.hidden = false
      other.focus()
      useNumber(other.value.replace(/\D/g, ''), '')
    }
  }
  pick.addEventListener('change', pickChanged)
  other.addEventListener('change', () => useNumber(other.value.replace(/\D/g, ''), ''))

  // The keypad: clicks, and the keyboard's digits when no text field has the focus.
  const keyButtons = new Map([...root.querySelectorAll('.key')].map((k) => [k.dataset.key, k]))
  function press(key) {
    const button = keyButtons.get(key)
    button?.classList.add('pressed')
    setTimeout(() => button?.classList.remove('pressed'), 140)
    const app = apps[active]
    if (key === 'call') app.call()
    else if (key === 'end') app.end()
    else if (key === 'clear') app.clear()
    else app.key(key)
  }
  for (const [key, button] of keyButtons) button.addEventListener('click', () => press(key))
  root.addEventListener('keydown', (event) => {
    const typing =
      event.target instanceof HTMLInputElement ||
      event.target instanceof HTMLTextAreaElement ||
      event.target instanceof HTMLSelectElement
    if (event.ctrlKey || event.metaKey || event.altKey) return
    if (/^[0-9*#]$/.test(event.key)) {
      if (typing) {
        keyButtons.get(event.key)?.classList.add('pressed')
        setTimeout(() => keyButtons.get(event.key)?.classList.remove('pressed'), 140)
        return
      }
      press(event.key)
      event.preventDefault()
    } else if (!typing && event.key === 'Backspace') {
      press('clear')
      event.preventDefault()
    }
  })

  const remove = root.querySelector('.remove-phone')
  remove.hidden = !removable
  remove.addEventListener('click', () => {
    stream?.close()
    for (const item of Object.values(apps)) item.end()
    root.remove()
  })

  on('recording', (detail) => {
    if (detail.recording && detail.steps === 0) phone.recordFromSeq = phone.seenSeq
  })

  container.append(root)
  applyLabels(root)
  const known = subscribers.find((subscriber) => subscriber.msisdn === msisdn)
  if (known) pick.value = known.msisdn
  else if (msisdn) {
    pick.value = ''
    other.value = msisdn
  }
  pickChanged()
  if (!msisdn && !known) other.hidden = pick.value !== ''
  select(app in apps ? app : 'messages')
  return phone
}
