/*
 * settings.js - the merchant's profile and fee terms, its API key masked but for the last four
 * characters, the webhook secret revealed on a click (GET /merchant/webhook-secret), and the
 * settlement CSV of a day.
 */
import { api, el, errorText, money, today } from './api.js'

async function load() {
  const answer = await api('GET', '/merchant')
  const place = document.querySelector('[data-profile]')
  if (!answer.ok) {
    place.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(answer)))
    return
  }
  const m = answer.body
  const fee = [`${(m.fee.basisPoints / 100).toFixed(2)} %`]
  if (Number(m.fee.fixed) > 0) fee.push(`+ ${money(m.fee.fixed)} CNY`)
  if (Number(m.fee.min) > 0) fee.push(`at least ${money(m.fee.min)}`)
  if (m.fee.max !== null) fee.push(`at most ${money(m.fee.max)}`)
  place.replaceChildren(
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Code'),
      el('dd', {}, m.code),
      el('dt', {}, 'Name'),
      el('dd', {}, m.name),
      el('dt', {}, 'Category'),
      el('dd', {}, m.category),
      el('dt', {}, 'Settles with'),
      el('dd', {}, m.settlementBank ?? '—'),
      el('dt', {}, 'Fee per payment'),
      el('dd', {}, fee.join(' ')),
    ),
  )
  document.querySelector('[data-key-masked]').textContent = `••••••••••••${m.apiKeyLast4}`
  document.body.dataset.ready = 'true'
}

const reveal = document.querySelector('[data-reveal]')
reveal.addEventListener('click', async () => {
  const secret = document.querySelector('[data-secret]')
  if (reveal.getAttribute('aria-pressed') === 'true') {
    secret.textContent = '••••••••••••'
    reveal.setAttribute('aria-pressed', 'false')
    reveal.textContent = 'Reveal'
    return
  }
  const answer = await api('GET', '/merchant/webhook-secret')
  secret.textContent = answer.ok ? answer.body.webhookSecret : errorText(answer)
  reveal.setAttribute('aria-pressed', 'true')
  reveal.textContent = 'Hide'
})

const csv = document.querySelector('[data-csv-form]')
csv.elements.date.value = today()
csv.addEventListener('submit', (event) => {
  event.preventDefault()
  location.href = `/api/v1/settlements.csv?date=${encodeURIComponent(csv.elements.date.value)}`
})

load()
