/*
 * payment.js - one payment of the merchant: its details, its trail (the nine steps), and the
 * refund form (POST /payments/:id/refunds with the page's CSRF token).
 */
import {
  amountOfCents,
  api,
  centsOf,
  el,
  errorText,
  money,
  newIdempotencyKey,
  pill,
  table,
  when,
} from './api.js'

const id = document.querySelector('[data-payment-id]').dataset.paymentId
const refundForm = document.querySelector('[data-refund-form]')
const refundResult = document.querySelector('[data-refund-result]')

async function load() {
  const answer = await api('GET', `/payments/${encodeURIComponent(id)}`)
  const facts = document.querySelector('[data-facts]')
  if (!answer.ok) {
    facts.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(answer)))
    refundForm.hidden = true
    return
  }
  const { payment, trail } = answer.body
  const rows = [
    ['Status', pill(payment.status)],
    ['Amount', `${money(payment.amount)} CNY`],
    ['Fee', `${money(payment.fee)} CNY`],
    ['Refunded', `${money(payment.refunded)} CNY`],
    ['Channel', payment.channel.toUpperCase()],
    ['Phone', payment.msisdn],
    ['Account', payment.account],
    ['Reference', payment.reference ?? payment.orderNo ?? '—'],
    ['Description', payment.description || '—'],
    ['Transaction', payment.transactionRef ?? '—'],
    ['Created', when(payment.createdAt)],
    ['Updated', when(payment.updatedAt)],
  ]
  if (payment.reason) rows.push(['Reason', payment.reason])
  facts.replaceChildren(
    el(
      'dl',
      { class: 'facts' },
      ...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
    ),
  )
  const remaining = centsOf(payment.amount) - centsOf(payment.refunded)
  refundForm.hidden = payment.status !== 'completed' || remaining <= 0
  if (refundForm.hidden && refundResult.childElementCount === 0)
    refundResult.replaceChildren(
      el(
        'p',
        { class: 'note' },
        payment.status === 'completed'
          ? 'Refunded in full.'
          : 'Only a completed payment can be refunded.',
      ),
    )
  refundForm.elements.amount.value = remaining > 0 ? amountOfCents(remaining) : ''
  document.querySelector('[data-trail]').replaceChildren(
    table(
      [
        ['Step', (s) => String(s.step), 'num'],
        ['What', (s) => s.name],
        ['From → to', (s) => `${s.from} → ${s.to}`],
        ['When', (s) => when(s.at)],
        ['By', (s) => s.actor ?? '—'],
        ['Detail', (s) => s.detail ?? ''],
        ['', (s) => pill(s.status === 'done' ? 'completed' : s.status)],
      ],
      trail.steps,
      'No step recorded.',
    ),
  )
  document.body.dataset.ready = 'true'
}

/** The Idempotency-Key of the refund being asked for; null once it was answered. */
let refundKey = null

refundForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const button = refundForm.querySelector('button')
  button.disabled = true
  // One key per refund asked for: a retry after a lost answer refunds once; a new key only
  // after a refund went through.
  refundKey ??= newIdempotencyKey('portal-refund')
  const answer = await api(
    'POST',
    `/payments/${encodeURIComponent(id)}/refunds`,
    { amount: refundForm.elements.amount.value },
    { idempotencyKey: refundKey },
  )
  if (answer.ok || (answer.status >= 400 && answer.status < 500)) refundKey = null
  button.disabled = false
  refundResult.replaceChildren(
    answer.ok
      ? el(
          'p',
          { class: 'alert alert-ok', 'data-refunded': answer.body.refundRef },
          `Refunded ${money(answer.body.amount)} CNY (${answer.body.refundRef}); `,
          `${money(answer.body.remaining)} CNY left to refund.`,
        )
      : el('p', { class: 'alert alert-danger' }, errorText(answer)),
  )
  await load()
})

load()
