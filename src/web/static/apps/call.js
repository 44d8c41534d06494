/**
 * call.js - the Call app: dial 12588 through the IVR simulation API (docs/channels/ivr.md),
 * read each prompt and hear it (the IVR's own rendering, GET /ivr/prompts/<id>.wav), press keys
 * (each key goes as it is pressed, as DTMF does), and hang up. The phone network's part is kept
 * too: when the gather's timeout passes without a key (its first-digit timeout, or its
 * inter-digit timeout once a key came), the page sends /silence, so the digit engine re-prompts
 * or takes what was typed, as on a real line. Requests go one after another, in key order.
 */

import { clear, h } from '../lib/dom.js'
import { t } from '../lib/i18n.js'
import { maskDigits } from '../lib/mask.js'
import { wireJson } from '../lib/wire.js'
import { patternOf } from '../recorder.js'

const accessNumber = '12588'

export function createCall(phone) {
  let call = null
  let queue = Promise.resolve()

  const number = h('input', {
    type: 'text',
    inputmode: 'tel',
    value: accessNumber,
    autocomplete: 'off',
    'aria-label': t('call_number'),
    'data-l-aria': 'call_number',
  })
  const dialButton = h(
    'button',
    { type: 'submit', class: 'primary', 'data-l': 'call_start' },
    t('call_start'),
  )
  const dialForm = h('form', { class: 'dialer' }, number, dialButton)
  const idleNote = h('p', { class: 'hint', 'data-l': 'call_idle' }, t('call_idle'))
  const status = h('p', { class: 'call-status', role: 'status' })
  const prompts = h('ol', { class: 'prompts', 'aria-live': 'polite' })
  const typed = h('p', { class: 'keys-typed', 'aria-label': t('keys_sent') })
  const hangUp = h('button', { type: 'button', class: 'danger', 'data-l': 'hang_up' }, t('hang_up'))
  const replay = h('button', { type: 'button', 'data-l': 'play_prompt' }, t('play_prompt'))
  const actions = h('div', { class: 'call-actions' }, replay, hangUp)
  const audio = h('audio', { preload: 'none' })
  const element = h(
    'div',
    {},
    h('div', { class: 'scroll' }, dialForm, idleNote, status, prompts, typed, audio),
    actions,
  )

  function showIdle() {
    call = null
    dialForm.hidden = false
    idleNote.hidden = false
    actions.hidden = true
  }

  function stopTimer() {
    if (call?.timer) clearTimeout(call.timer)
    if (call?.ticker) clearInterval(call.ticker)
  }

  /** Waits for a key as the line does: after `ms` without one, the caller said nothing. */
  function startTimer(ms) {
    stopTimer()
    const current = call
    const deadline = Date.now() + ms
    const tick = () => {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
      status.textContent = `${t('waiting_keys')} · ${left} ${t('seconds')}`
    }
    tick()
    current.ticker = setInterval(tick, 500)
    current.timer = setTimeout(() => {
      if (call !== current) return
      phone.step('silence', {})
      send((it) => `/ivr/calls/${it.id}/silence`, 'POST', undefined, undefined)
    }, ms)
  }

  /** Plays the prompts one after the other; resolves when they are done (or cannot play). */
  function play(ids, language) {
    let index = 0
    return new Promise((resolve) => {
      const next = () => {
        if (index >= ids.length) return resolve()
        audio.src = `/ivr/prompts/${encodeURIComponent(ids[index++])}.wav?lang=${language}`
        audio.play().catch(() => resolve())
      }
      audio.onended = next
      audio.onerror = () => resolve()
      next()
    })
  }

  function answered(answer) {
    if (call === null) return
    if (answer.prompts.length > 0) {
      clear(prompts)
      for (const text of answer.prompts) prompts.append(h('li', {}, text))
      typed.textContent = ''
      phone.step('expect_prompt', { matches: patternOf(answer.prompts.join(' ')) })
    }
    call.gather = answer.gather
    call.lastIds = answer.promptIds
    call.language = answer.language
    if (answer.ended) {
      stopTimer()
      phone.step('expect_ended', {})
      status.textContent = `${t('call_ended')} · ${answer.outcome ?? ''}`
      const ids = answer.promptIds
      showIdle()
      play(ids, answer.language)
      return
    }
    if (answer.gather === null) return
    const partial = answer.prompts.length === 0 && call.keys > 0
    const wait = partial ? answer.gather.interDigitTimeoutMs : answer.gather.firstDigitTimeoutMs
    if (!partial) call.keys = 0
    // The timeout runs from the end of the prompt, as a caller hears it out first.
    const current = call
    startTimer(wait)
    if (answer.promptIds.length > 0)
      play(answer.promptIds, answer.language).then(() => {
        if (call === current && current.keys === 0) startTimer(wait)
      })
  }

  /** Queues a request of the current call; its path is read when its turn comes (the id). */
  function send(pathOf, method, body, shown) {
    const current = call
    queue = queue
      .then(async () => {
        if (call !== current || current.id === null) return
        const answer = await wireJson(phone, 'ivr', pathOf(current), method, body, shown)
        if (answer.status >= 400 || answer.json === null) {
          status.textContent = answer.json?.message ?? t('error')
          stopTimer()
          showIdle()
          return
        }
        if (call === current) answered(answer.json)
      })
      .catch(() => showIdle())
  }

  dialForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const to = number.value.trim() || accessNumber
    if (phone.msisdn === '' || call !== null) return
    call = { id: null, keys: 0, gather: null, timer: null, ticker: null }
    dialForm.hidden = true
    idleNote.hidden = true
    actions.hidden = false
    clear(prompts)
    typed.textContent = ''
    status.textContent = `${t('call_start')} ${to}…`
    phone.step('call', to === accessNumber ? { from: phone.msisdn } : { from: phone.msisdn, to })
    const current = call
    queue = queue.then(async () => {
      const answer = await wireJson(phone, 'ivr', '/ivr/calls', 'POST', { from: phone.msisdn, to })
      if (answer.status !== 201 || answer.json === null) {
        status.textContent = answer.json?.message ?? t('error')
        showIdle()
        return
      }
      current.id = answer.json.callId
      answered(answer.json)
    })
  })

  function press(key) {
    if (call === null) {
      number.value += key
      return
    }
    const current = call
    stopTimer()
    current.keys += 1
    const secret = current.gather?.secret === true
    typed.textContent += secret ? '*' : key
    phone.step('dtmf', { digits: key })
    send(
      (it) => `/ivr/calls/${it.id}/digits`,
      'POST',
      { digits: key },
      {
        digits: secret ? maskDigits(key) : key,
      },
    )
  }

  function hangup() {
    if (call === null) return
    const current = call
    stopTimer()
    audio.pause()
    phone.step('hangup', {})
    status.textContent = t('call_ended')
    queue = queue.then(async () => {
      if (current.id !== null) await wireJson(phone, 'ivr', `/ivr/calls/${current.id}`, 'DELETE')
    })
    showIdle()
  }

  hangUp.addEventListener('click', hangup)
  replay.addEventListener('click', () => {
    if (call?.lastIds) play(call.lastIds, call.language)
  })
  showIdle()
  return {
    element,
    key: press,
    call() {
      if (call === null) dialForm.requestSubmit()
    },
    clear() {
      if (call === null) number.value = number.value.slice(0, -1)
    },
    end: hangup,
    reset() {
      if (call !== null) hangup()
      clear(prompts)
      status.textContent = ''
      typed.textContent = ''
    },
    shown() {},
  }
}
