/**
 * ussd.js - the USSD app: dial *123# (or a shortcut such as *123*2*1001*25#) and answer screens,
 * with the page driving the gateway's USSD endpoint exactly as Africa's Talking would
 * (docs/channels/ussd.md): each hop a form POST to /ussd with the session id, the dialled code
 * as serviceCode, the number and every input so far joined by `*`. CON screens wait for a reply,
 * END closes; the gateway's idle timeout (its `telepay-session-idle-ms` header) is counted down
 * and, as on a network, no reply in time ends the session. A merchant's payment prompt pushed by
 * the network (`ussd_push` on the stream) opens a session of its own, answered the same way; it is
 * not recorded: a script cannot make the network push (its `merchant` step asks for the payment).
 */

import { clear, h } from '../lib/dom.js'
import { ussdMeter } from '../lib/gsm7.js'
import { onLanguage, t } from '../lib/i18n.js'
import { asksForPin, maskDigits } from '../lib/mask.js'
import { wireFetch } from '../lib/wire.js'
import { patternOf } from '../recorder.js'

/** Africa's Talking passes the caller's network (MCC+MNC); 46000 is China Mobile. */
const networkCode = '46000'
/** When the gateway names no idle timeout: its documented default. */
const idleDefaultMs = 30_000

export function createUssd(phone) {
  let session = null
  let countdown = null

  const dial = h('input', {
    class: 'dial',
    type: 'text',
    inputmode: 'tel',
    value: '*123#',
    autocomplete: 'off',
    'aria-label': t('dial_code'),
    'data-l-aria': 'dial_code',
  })
  const dialButton = h('button', { type: 'submit', class: 'primary', 'data-l': 'dial' }, t('dial'))
  const hint = h('p', { class: 'hint', 'data-l': 'ussd_hint' }, t('ussd_hint'))
  const dialForm = h('form', { class: 'dialer' }, dial, dialButton)
  const screen = h('div', { class: 'ussd-screen', role: 'status', 'aria-live': 'polite' })
  const meter = h('p', { class: 'meter' })
  const timer = h('p', { class: 'timer' })
  const reply = h('input', {
    class: 'reply',
    type: 'text',
    autocomplete: 'off',
    'aria-label': t('reply'),
    'data-l-aria': 'reply',
  })
  const replyButton = h('button', { type: 'submit', class: 'primary', 'data-l': 'send' }, t('send'))
  const replyForm = h('form', { class: 'reply-row' }, reply, replyButton)
  const element = h(
    'div',
    {},
    h('div', { class: 'scroll' }, dialForm, hint, screen, meter, timer),
    replyForm,
  )

  function showIdle() {
    session = null
    stopTimer()
    dialForm.hidden = false
    hint.hidden = false
    replyForm.hidden = true
  }

  function stopTimer() {
    clearInterval(countdown)
    countdown = null
    timer.textContent = ''
  }

  function startTimer(idleMs) {
    stopTimer()
    const deadline = Date.now() + idleMs
    const tick = () => {
      const left = Math.ceil((deadline - Date.now()) / 1000)
      if (left > 0) {
        timer.textContent = `${t('time_left')} ${left} ${t('seconds')}`
        return
      }
      clear(screen)
      screen.append(
        h('p', { class: 'ended', 'data-l': 'session_timed_out' }, t('session_timed_out')),
      )
      meter.textContent = ''
      shownText = null
      showIdle()
    }
    tick()
    countdown = setInterval(tick, 1000)
  }

  let shownText = null
  function drawMeter() {
    if (shownText === null) return
    const used = ussdMeter(shownText)
    meter.textContent = `${used.used} ${t('chars_of')} ${used.max} · ${used.coding}`
  }
  onLanguage(drawMeter)

  function show(type, text) {
    clear(screen)
    screen.append(h('p', { class: 'ussd-text' }, text))
    shownText = text
    drawMeter()
    if (type === 'END')
      screen.append(h('p', { class: 'ended', 'data-l': 'session_ended' }, t('session_ended')))
  }

  async function hop(input) {
    const current = session
    // Every input that answered a PIN screen stays masked on every later hop too: the form's
    // text carries all the inputs so far (Change PIN asks for two).
    if (input !== null && asksForPin(current.lastText)) current.secret.add(current.inputs.length)
    if (input !== null) current.inputs.push(input)
    const record = !current.pushed
    const fields = {
      sessionId: current.id,
      serviceCode: current.code,
      phoneNumber: phone.msisdn,
      networkCode,
      text: current.inputs.join('*'),
    }
    const shown = {
      ...fields,
      text: current.inputs.map((v, i) => (current.secret.has(i) ? maskDigits(v) : v)).join('*'),
    }
    const answer = await wireFetch(phone, 'ussd', '/ussd', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      // Shown decoded, a field a line: what the form said, not its percent-escapes.
      shown: Object.entries(shown)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n'),
    })
    if (session !== current) return
    const match = /^(CON|END) ?([\s\S]*)$/.exec(answer.text)
    if (answer.status !== 200 || match === null) {
      show('END', answer.text || t('error'))
      showIdle()
      return
    }
    const [, type, text] = match
    current.lastText = text
    if (record) phone.step('expect_ussd', { from: phone.msisdn, type, matches: patternOf(text) })
    show(type, text)
    if (type === 'END') {
      showIdle()
      return
    }
    dialForm.hidden = true
    hint.hidden = true
    replyForm.hidden = false
    reply.value = ''
    reply.type = asksForPin(text) ? 'password' : 'text'
    reply.inputMode = 'numeric'
    reply.focus()
    startTimer(Number(answer.headers.get('telepay-session-idle-ms')) || idleDefaultMs)
  }

  dialForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const code = dial.value.trim()
    if (!/^[*#0-9]+#$/.test(code) || phone.msisdn === '') return
    session = {
      id: `web${Date.now()}${Math.random().toString(36).slice(2, 8)}`,
      code,
      inputs: [],
      secret: new Set(),
      lastText: '',
    }
    phone.step('ussd', { from: phone.msisdn, dial: code })
    hop(null).catch(() => showIdle())
  })
  replyForm.addEventListener('submit', (event) => {
    event.preventDefault()
    if (session === null) return
    const input = reply.value.trim()
    reply.value = ''
    stopTimer()
    if (!session.pushed) phone.step('ussd', { from: phone.msisdn, input })
    hop(input).catch(() => showIdle())
  })

  /** A dialogue the network opened: its first screen came on the stream, not from a dial. */
  function pushed(push) {
    session = {
      id: push.sessionId,
      code: push.serviceCode,
      inputs: [],
      secret: new Set(),
      lastText: push.text,
      pushed: true,
    }
    show(push.type, push.text)
    screen.prepend(h('p', { class: 'hint pushed', 'data-l': 'ussd_pushed' }, t('ussd_pushed')))
    dialForm.hidden = true
    hint.hidden = true
    replyForm.hidden = false
    reply.value = ''
    reply.type = asksForPin(push.text) ? 'password' : 'text'
    reply.inputMode = 'numeric'
    reply.focus()
    startTimer(idleDefaultMs)
  }

  showIdle()
  const field = () => (session === null ? dial : reply)
  return {
    element,
    pushed,
    key(key) {
      field().value += key
    },
    call() {
      ;(session === null ? dialForm : replyForm).requestSubmit()
    },
    clear() {
      field().value = field().value.slice(0, -1)
    },
    end() {
      if (session === null) return
      clear(screen)
      screen.append(h('p', { class: 'ended', 'data-l': 'session_ended' }, t('session_ended')))
      meter.textContent = ''
      shownText = null
      showIdle()
    },
    reset() {
      shownText = null
      clear(screen)
      meter.textContent = ''
      showIdle()
    },
    shown() {},
  }
}
