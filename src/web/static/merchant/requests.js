/*
 * requests.js - sends a payment request to a phone (POST /payment-requests with the page's CSRF
 * token), then follows it live: GET /payment-requests/:id/trail once a second until it ends, the
 * steps appearing as the phone is asked and confirms.
 */
import { api, el, errorText, money, pill, table, when } from './api.js'

const form = document.querySelector('[data-request-form]')
const errorPlace = document.querySelector('[data-request-error]')
const watch = document.querySelector('[data-watch]')
/** A phone confirms within seconds; the page shows each step as it lands. */
const pollMs = 1_000
const finals = new Set(['completed', 'declined', 'cancelled', 'expired', 'failed'])
let timer = null

async function follow(id) {
  const [payment, trail] = await Promise.all([
    api('GET', `/payment-requests/${id}`),
    api('GET', `/payment-requests/${id}/trail`),
  ])
  if (!payment.ok) {
    watch.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(payment)))
    return
  }
  const p = payment.body
  watch.replaceChildren(
    ...[
      el(
        'p',
        { class: 'watch-head' },
        el('strong', {}, `${money(p.amount)} CNY`),
        ` from ${p.msisdn} · `,
        el('a', { href: `/merchant/payments/${p.id}` }, p.id),
        ' ',
        el('span', { 'data-request-status': p.status }, pill(p.status)),
      ),
      p.expiresAt
        ? el('p', { class: 'note' }, `The phone has until ${when(p.expiresAt)} to confirm.`)
        : null,
      p.reason ? el('p', { class: 'note' }, `Reason: ${p.reason}`) : null,
      trail.ok
        ? table(
            [
              ['Step', (s) => String(s.step), 'num'],
              ['What', (s) => s.name],
              ['When', (s) => when(s.at)],
              ['', (s) => pill(s.status === 'done' ? 'completed' : s.status)],
            ],
            trail.body.steps,
          )
        : null,
    ].filter((part) => part !== null),
  )
  if (finals.has(p.status)) {
    clearInterval(timer)
    timer = null
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  const fields = form.elements
  const body = {
    msisdn: fields.msisdn.value.trim(),
    amount: fields.amount.value,
    reference: fields.reference.value,
  }
  if (fields.description.value !== '') body.description = fields.description.value
  const answer = await api('POST', '/payment-requests', body)
  if (!answer.ok) {
    errorPlace.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(answer)))
    return
  }
  errorPlace.replaceChildren()
  const id = answer.body.id
  if (timer !== null) clearInterval(timer)
  await follow(id)
  timer = setInterval(() => follow(id), pollMs)
})
document.body.dataset.ready = 'true'
