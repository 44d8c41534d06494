/*
 * payments.js - the merchant's payments, newest first, a page at a time (GET /payments with its
 * `next` cursor), filtered by status; each row opens the payment's page.
 */
import { api, el, errorText, money, pill, table, when } from './api.js'

const place = document.querySelector('[data-payments]')
const more = document.querySelector('[data-more]')
const filter = document.querySelector('[data-filter]')
let rows = []
let next = null

function draw() {
  place.replaceChildren(
    table(
      [
        ['Payment', (p) => el('a', { href: `/merchant/payments/${p.id}` }, p.id)],
        ['Time', (p) => when(p.createdAt)],
        ['Channel', (p) => p.channel.toUpperCase()],
        ['Reference', (p) => p.reference ?? p.orderNo ?? '—'],
        ['Phone', (p) => p.msisdn],
        ['Amount', (p) => money(p.amount), 'num'],
        ['Fee', (p) => money(p.fee), 'num'],
        ['Refunded', (p) => (Number(p.refunded) === 0 ? '—' : money(p.refunded)), 'num'],
        ['Status', (p) => pill(p.status)],
      ],
      rows,
      'No payment yet.',
    ),
  )
  more.hidden = next === null
}

async function load(reset) {
  const status = filter.elements.status.value
  const query = new URLSearchParams({ limit: '20' })
  if (status !== '') query.set('status', status)
  if (!reset && next !== null) query.set('before', next)
  const answer = await api('GET', `/payments?${query}`)
  if (!answer.ok) {
    place.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(answer)))
    return
  }
  rows = reset ? answer.body.payments : [...rows, ...answer.body.payments]
  next = answer.body.next
  draw()
  document.body.dataset.ready = 'true'
}

filter.addEventListener('change', () => load(true))
more.addEventListener('click', () => load(false))
load(true)
