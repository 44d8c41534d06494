/**
 * page.ts - the web checkout's page a shopper sees: the shop's name, the amount and reference,
 * then the phone number form, or how far the payment on the phone has got, and the way back to
 * the shop. Its forms carry the checkout's own token; static/checkout/checkout.js follows the
 * status live and goes back to the shop by itself once the payment ends. Exports checkoutPage,
 * checkoutNotFoundPage, checkoutStatusWords.
 */
import { formatAmount } from '../../core/index.js'
import type { CheckoutStatus, CheckoutView } from '../../gateway/http/checkout.js'
import { checkoutFinalStatuses } from '../../gateway/http/checkout.js'
import type { Html } from '../html.js'
import { html } from '../html.js'
import { pageLayout } from '../layout.js'

/** What the shopper reads for each status, and its tone. */
export const checkoutStatusWords: Readonly<
  Record<CheckoutStatus, { readonly text: string; readonly tone: '' | 'ok' | 'bad' }>
> = {
  open: { text: 'Enter your mobile number to pay with your phone.', tone: '' },
  pending_authorization: {
    text:
      'Check your phone: reply YES and your PIN to our SMS, or confirm on the USSD screen if ' +
      'it is open.',
    tone: '',
  },
  processing: { text: 'Confirmed. Your bank is taking the payment…', tone: '' },
  completed: { text: 'Paid. Thank you!', tone: 'ok' },
  declined: { text: 'The payment was declined.', tone: 'bad' },
  cancelled: { text: 'The payment was cancelled.', tone: 'bad' },
  expired: { text: 'Time ran out before the payment was confirmed.', tone: 'bad' },
  failed: { text: 'The payment failed.', tone: 'bad' },
}

const steps = [
  { label: 'Phone number entered', doneFrom: 1 },
  { label: 'Request sent to your phone', doneFrom: 1 },
  { label: 'Confirmed with your PIN', doneFrom: 2 },
  { label: 'Paid', doneFrom: 3 },
] as const

function progressOf(status: CheckoutStatus): number {
  if (status === 'open') return 0
  if (status === 'processing') return 2
  if (status === 'completed') return 3
  return 1
}

function layout(title: string, body: Html): Html {
  return pageLayout({
    title: `${title} · telepay checkout`,
    language: 'en',
    path: '/checkout',
    body,
    styles: ['console.css', 'merchant.css'],
    scripts: ['checkout/checkout.js'],
    languageToggle: false,
    siteNav: false,
  })
}

export function checkoutPage(view: CheckoutView, error: string | null): Html {
  const { checkout, status } = view
  const words = checkoutStatusWords[status]
  const final = checkoutFinalStatuses.has(status)
  const progress = progressOf(status)
  const token = checkout.csrfToken
  const form =
    status === 'open'
      ? html`<form method="post" action="/checkout/${checkout.id}/phone" class="form"
  data-phone-form>
  <input type="hidden" name="_csrf" value="${token}">
  <label for="msisdn">Mobile number</label>
  <input id="msisdn" name="msisdn" required inputmode="tel" autocomplete="tel"
    placeholder="8613800138000" aria-describedby="msisdn-hint">
  <p id="msisdn-hint" class="note">With the country code. Your phone asks you to confirm; your PIN
    is typed on the phone only, never here.</p>
  <button type="submit" class="button primary">Pay ${formatAmount(
    checkout.amountMinor,
  )} CNY</button>
</form>`
      : html`<ol class="pay-steps" data-steps>${steps.map((step) => {
          const done = progress >= step.doneFrom
          return html`<li${done ? html` data-done` : ''}>${step.label}</li>`
        })}</ol>`
  const back =
    checkout.returnUrl === null || (!final && status !== 'open')
      ? ''
      : html`<form method="post" action="/checkout/${checkout.id}/return" data-return-form>
  <input type="hidden" name="_csrf" value="${token}">
  <button type="submit" class="button${final ? ' primary' : ''}">${
    final ? 'Return to the shop' : 'Cancel and return to the shop'
  }</button>
</form>`
  const body = html`<section class="pay-card" data-checkout="${checkout.id}" data-status="${status}"
  data-final="${final ? 'true' : 'false'}"
  data-returns="${checkout.returnUrl === null ? 'false' : 'true'}">
  <p class="note">Pay</p>
  <h1>${checkout.merchantName}</h1>
  <p class="pay-amount">${formatAmount(checkout.amountMinor)} <small>CNY</small></p>
  <p class="pay-ref">${checkout.reference}${
    checkout.description === '' ? '' : html` · ${checkout.description}`
  }</p>
  ${error === null ? '' : html`<p class="alert alert-danger" role="alert">${error}</p>`}
  <p class="pay-status ${words.tone}" role="status" aria-live="polite" data-status-text>${
    words.text
  }${view.phone === null ? '' : html` <span class="note">(${view.phone})</span>`}${
    view.reason === null || !final ? '' : html` <span class="note">${view.reason}</span>`
  }</p>
  ${form}
  ${back}
  <p class="secure-note">Secured by telepay. The shop never sees your PIN or your number in
    full.</p>
</section>`
  return layout(checkout.merchantName, body)
}

export function checkoutNotFoundPage(): Html {
  return layout(
    'Checkout not found',
    html`<section class="pay-card">
  <h1>Checkout not found</h1>
  <p>This checkout is unknown or has ended. Go back to the shop and start again.</p>
</section>`,
  )
}
