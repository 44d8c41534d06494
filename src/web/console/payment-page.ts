/**
 * payment-page.ts - one payment in the console: what it is, its nine-step trail as a sequence
 * diagram between consumer, merchant, platform and credit institution (and the same steps as an
 * ordered list), the ledger transfers and legs that moved its money, the SMS of its payer around
 * it and the channel exchange that made it; static/console/payment.js draws it from the admin
 * API. Exports paymentPage.
 */
import { html } from '../html.js'
import type { ConsolePage } from './page.js'
import { consoleShell } from './page.js'

export const paymentPage: ConsolePage = {
  path: '/console/payments/:id',
  render: (input) => {
    const id = String(input.request.params['id'])
    return consoleShell(input, {
      title: `Payment ${id}`,
      scripts: ['payment.js'],
      styles: ['console-pages.css'],
      body: html`<nav class="crumbs" aria-label="Breadcrumb">
  <a href="/console/payments">Payments</a> <span aria-hidden="true">›</span>
  <span aria-current="page">${id}</span>
</nav>
<header class="page-head" data-payment="${id}">
  <h1>Payment <span class="mono">${id}</span></h1>
  <span data-status></span>
</header>
<p class="alert" role="alert" data-notice hidden></p>
<div class="panel-grid">
  <section class="panel" aria-labelledby="facts-title">
    <h2 id="facts-title">Payment</h2>
    <div data-facts><p class="muted">Loading…</p></div>
  </section>
  <section class="panel" aria-labelledby="exchange-title">
    <h2 id="exchange-title">Channel exchange</h2>
    <div data-exchange><p class="muted">Loading…</p></div>
  </section>
</div>
<section class="panel" aria-labelledby="trail-title">
  <h2 id="trail-title">Nine-step trail</h2>
  <div class="sequence" data-sequence></div>
  <ol class="steps" data-steps aria-label="Trail steps in the order they happened"></ol>
</section>
<section class="panel" aria-labelledby="ledger-title">
  <h2 id="ledger-title">Ledger transfers</h2>
  <div data-transfers><p class="muted">Loading…</p></div>
</section>
<section class="panel" aria-labelledby="messages-title">
  <h2 id="messages-title">Messages</h2>
  <div data-messages><p class="muted">Loading…</p></div>
</section>`,
    })
  },
}
