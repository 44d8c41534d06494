/*
 * orders.js - the merchant's orders: create one (POST /orders with the page's CSRF token) and
 * watch the list (GET /orders, read again every few seconds) turn an order paid when a
 * subscriber pays it by its number.
 */
import { api, el, errorText, money, pill, table, when } from './api.js'

const form = document.querySelector('[data-order-form]')
const result = document.querySelector('[data-order-result]')
const place = document.querySelector('[data-orders]')
const state = document.querySelector('[data-state-line]')
/** Often enough to see an order paid while the subscriber pays it; cheap: one page read. */
const refreshMs = 3_000

async function load() {
  const answer = await api('GET', '/orders?limit=50')
  if (!answer.ok) {
    place.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(answer)))
    return
  }
  place.replaceChildren(
    table(
      [
        ['Order', (o) => el('code', {}, o.orderNo)],
        ['Created', (o) => when(o.createdAt)],
        ['Reference', (o) => o.reference],
        ['Description', (o) => o.description || '—'],
        ['Amount', (o) => money(o.amount), 'num'],
        ['Status', (o) => pill(o.status)],
        [
          'Payment',
          (o) =>
            o.paymentId ? el('a', { href: `/merchant/payments/${o.paymentId}` }, o.paymentId) : '—',
        ],
      ],
      answer.body.orders,
      'No order yet.',
    ),
  )
  state.textContent = `updated ${new Date().toLocaleTimeString('en-GB')}`
  state.dataset.state = 'live'
  document.body.dataset.ready = 'true'
}

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  const fields = form.elements
  const body = { amount: fields.amount.value, reference: fields.reference.value }
  if (fields.description.value !== '') body.description = fields.description.value
  const answer = await api('POST', '/orders', body)
  result.replaceChildren(
    answer.ok
      ? el(
          'p',
          { class: 'alert alert-ok' },
          `Order ${answer.body.orderNo} created for `,
          `${money(answer.body.amount)} CNY: the subscriber pays it by that number.`,
        )
      : el('p', { class: 'alert alert-danger' }, errorText(answer)),
  )
  if (answer.ok) form.reset()
  await load()
})

load()
setInterval(load, refreshMs)
