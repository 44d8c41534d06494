/*
 * webhooks.js - the merchant's webhook deliveries, newest first (GET /webhooks/deliveries): each
 * with its state and, opened, every attempt with the body and signature sent and the status code
 * and the first characters of what the endpoint answered.
 */
import { api, el, errorText, pill, when } from './api.js'

const place = document.querySelector('[data-deliveries]')

function attemptOf(attempt) {
  const code = attempt.statusCode === null ? 'no answer' : `HTTP ${attempt.statusCode}`
  return el(
    'li',
    { class: 'attempt' },
    el(
      'p',
      {},
      el('strong', {}, `Attempt ${attempt.attempt}`),
      ` · ${when(attempt.at)} · `,
      el(
        'span',
        { class: `pill ${attempt.statusCode >= 200 && attempt.statusCode < 300 ? 'ok' : 'bad'}` },
        code,
      ),
    ),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Signature'),
      el('dd', {}, el('code', { class: 'wrap' }, attempt.signature)),
      el('dt', {}, 'Body'),
      el('dd', {}, el('code', { class: 'wrap' }, attempt.body)),
      el('dt', {}, 'Response'),
      el('dd', {}, el('code', { class: 'wrap' }, attempt.response || '(empty)')),
    ),
  )
}

async function load() {
  const answer = await api('GET', '/webhooks/deliveries?limit=50')
  if (!answer.ok) {
    place.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(answer)))
    return
  }
  const deliveries = answer.body.deliveries
  if (deliveries.length === 0) {
    place.replaceChildren(
      el('p', { class: 'note' }, 'No webhook sent yet: send a payment request with a callbackUrl.'),
    )
  } else {
    place.replaceChildren(
      ...deliveries.map((d) =>
        el(
          'details',
          { class: 'delivery' },
          el(
            'summary',
            {},
            pill(d.state),
            ' ',
            el('code', {}, `event ${d.eventId}`),
            ` · payment ${d.paymentId} · ${d.url} · `,
            `${d.attempts} attempt${d.attempts === 1 ? '' : 's'} · ${when(d.createdAt)}`,
          ),
          el('p', {}, el('a', { href: `/merchant/payments/${d.paymentId}` }, 'Open the payment')),
          d.nextAttemptAt
            ? el('p', { class: 'note' }, `Next attempt ${when(d.nextAttemptAt)}.`)
            : null,
          el('ol', { class: 'attempts', reversed: true }, ...d.tries.map(attemptOf)),
        ),
      ),
    )
  }
  document.body.dataset.ready = 'true'
}

load()
