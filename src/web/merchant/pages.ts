/**
 * pages.ts - the merchant portal's pages, in the order of its side menu: each a frame with the
 * places its script (src/web/static/merchant) fills from the merchant API. Forms that change
 * something are sent by the script with the page's CSRF token. Exports merchantPages.
 */
import { html } from '../html.js'
import type { MerchantPage } from './page.js'
import { merchantShell } from './page.js'

const overviewPage: MerchantPage = {
  path: '/merchant',
  render: (input) =>
    merchantShell(input, {
      title: 'Overview',
      scripts: ['overview.js'],
      body: html`<header class="page-head">
  <h1>Overview</h1>
  <p class="live" data-state-line>loading…</p>
</header>
<section class="tiles" aria-label="Today" data-tiles></section>
<section class="panel" aria-labelledby="sales-title">
  <h2 id="sales-title">Sales, last 14 days (CNY)</h2>
  <div class="chart bars" data-sales-chart></div>
  <ul class="legend" data-sales-legend></ul>
</section>
<div class="panel-grid">
  <section class="panel" aria-labelledby="channels-title">
    <h2 id="channels-title">By channel, last 14 days</h2>
    <div class="table-wrap" data-channels></div>
  </section>
  <section class="panel" aria-labelledby="parties-title">
    <h2 id="parties-title">Fees and the revenue share</h2>
    <form class="inline-form" data-day-form>
      <label>Day <input type="date" name="date" required></label>
      <button type="submit" class="button small">Show</button>
      <a class="button small" data-csv href="#">Settlement CSV</a>
    </form>
    <div data-parties></div>
  </section>
</div>`,
    }),
}

const paymentsPage: MerchantPage = {
  path: '/merchant/payments',
  render: (input) =>
    merchantShell(input, {
      title: 'Payments',
      scripts: ['payments.js'],
      body: html`<header class="page-head"><h1>Payments</h1></header>
<form class="inline-form" data-filter>
  <label>Status
    <select name="status">
      <option value="">All</option>
      <option value="completed">Completed</option>
      <option value="pending_authorization">Waiting for the phone</option>
      <option value="declined">Declined</option>
      <option value="expired">Expired</option>
      <option value="cancelled">Cancelled</option>
      <option value="failed">Failed</option>
    </select>
  </label>
</form>
<section class="panel" aria-label="Payments">
  <div class="table-wrap" data-payments></div>
  <p><button type="button" class="button small" data-more hidden>More</button></p>
</section>`,
    }),
}

const paymentPage: MerchantPage = {
  path: '/merchant/payments/:id',
  render: (input) =>
    merchantShell(input, {
      title: 'Payment',
      scripts: ['payment.js'],
      body: html`<header class="page-head">
  <h1>Payment <code data-payment-id="${String(input.request.params['id'] ?? '')}">${String(
    input.request.params['id'] ?? '',
  )}</code></h1>
  <p class="actions"><a class="button small" href="/merchant/payments">All payments</a></p>
</header>
<div class="panel-grid">
  <section class="panel" aria-labelledby="facts-title">
    <h2 id="facts-title">Details</h2>
    <div data-facts><p class="note">loading…</p></div>
  </section>
  <section class="panel" aria-labelledby="refund-title">
    <h2 id="refund-title">Refund</h2>
    <div data-refund-result role="status"></div>
    <form class="form" data-refund-form>
      <label for="refund-amount">Amount (CNY)</label>
      <input id="refund-amount" name="amount" inputmode="decimal" required
        pattern="[0-9]+(\\.[0-9]{1,2})?">
      <button type="submit" class="button danger">Issue refund</button>
    </form>
  </section>
</div>
<section class="panel" aria-labelledby="trail-title">
  <h2 id="trail-title">Trail</h2>
  <div class="table-wrap" data-trail></div>
</section>`,
    }),
}

const ordersPage: MerchantPage = {
  path: '/merchant/orders',
  render: (input) =>
    merchantShell(input, {
      title: 'Orders',
      scripts: ['orders.js'],
      body: html`<header class="page-head">
  <h1>Orders</h1>
  <p class="live" data-state-line></p>
</header>
<section class="panel" aria-labelledby="new-order-title">
  <h2 id="new-order-title">New order</h2>
  <p class="note">A subscriber pays it by its number on USSD, IVR or WAP.</p>
  <div data-order-result role="status"></div>
  <form class="inline-form" data-order-form>
    <label>Amount (CNY) <input name="amount" required inputmode="decimal"
      pattern="[0-9]+(\\.[0-9]{1,2})?"></label>
    <label>Reference <input name="reference" required maxlength="64"></label>
    <label>Description <input name="description" maxlength="140"></label>
    <button type="submit" class="button primary">Create order</button>
  </form>
</section>
<section class="panel" aria-label="Orders">
  <div class="table-wrap" data-orders></div>
</section>`,
    }),
}

const requestsPage: MerchantPage = {
  path: '/merchant/requests',
  render: (input) =>
    merchantShell(input, {
      title: 'Payment requests',
      scripts: ['requests.js'],
      body: html`<header class="page-head"><h1>Payment requests</h1></header>
<div class="panel-grid">
  <section class="panel" aria-labelledby="send-title">
    <h2 id="send-title">Send a request to a phone</h2>
    <p class="note">The subscriber gets it by SMS (or on the USSD screen when in a session) and
      confirms with the PIN on any channel.</p>
    <div data-request-error role="alert"></div>
    <form class="form" data-request-form>
      <label for="msisdn">Phone number</label>
      <input id="msisdn" name="msisdn" required inputmode="tel" autocomplete="off"
        placeholder="8613800138000">
      <label for="amount">Amount (CNY)</label>
      <input id="amount" name="amount" required inputmode="decimal"
        pattern="[0-9]+(\\.[0-9]{1,2})?">
      <label for="reference">Reference</label>
      <input id="reference" name="reference" required maxlength="64">
      <label for="description">Description</label>
      <input id="description" name="description" maxlength="140">
      <button type="submit" class="button primary">Send request</button>
    </form>
  </section>
  <section class="panel" aria-labelledby="watch-title">
    <h2 id="watch-title">Live status</h2>
    <div data-watch aria-live="polite"><p class="note">No request sent yet.</p></div>
  </section>
</div>`,
    }),
}

const webhooksPage: MerchantPage = {
  path: '/merchant/webhooks',
  render: (input) =>
    merchantShell(input, {
      title: 'Webhooks',
      scripts: ['webhooks.js'],
      body: html`<header class="page-head"><h1>Webhook deliveries</h1></header>
<p class="note">Each payment request with a <code>callbackUrl</code> is posted there when it ends,
  signed with <code>X-Telepay-Signature</code> (HMAC-SHA256 of the body under your webhook
  secret), and retried until your endpoint answers 2xx.</p>
<section class="panel" aria-label="Deliveries">
  <div data-deliveries></div>
</section>`,
    }),
}

const settingsPage: MerchantPage = {
  path: '/merchant/settings',
  render: (input) =>
    merchantShell(input, {
      title: 'Settings',
      scripts: ['settings.js'],
      body: html`<header class="page-head"><h1>Settings</h1></header>
<div class="panel-grid">
  <section class="panel" aria-labelledby="profile-title">
    <h2 id="profile-title">Merchant</h2>
    <div data-profile><p class="note">loading…</p></div>
  </section>
  <section class="panel" aria-labelledby="keys-title">
    <h2 id="keys-title">API key and webhook secret</h2>
    <dl class="facts">
      <dt>API key</dt><dd><code data-key-masked>…</code></dd>
      <dt>Webhook secret</dt>
      <dd><code data-secret>••••••••••••</code>
        <button type="button" class="button small" data-reveal>Reveal</button></dd>
    </dl>
    <p class="note">telepay keeps only the SHA-256 of your API key, so it cannot show it again:
      the last four characters are those of the key you logged in with. A new key is issued by
      the operator (operator console, or
      <code>PATCH /admin/api/merchants/${input.merchant.code}</code> with
      <code>{"rotateApiKey": true}</code>); the old one stops working at once.</p>
  </section>
  <section class="panel" aria-labelledby="csv-title">
    <h2 id="csv-title">Settlement CSV</h2>
    <form class="inline-form" data-csv-form>
      <label>Day <input type="date" name="date" required></label>
      <button type="submit" class="button primary">Download</button>
    </form>
    <p class="note">The day's gross, fees (and who took them), refunds and net, one line each.</p>
  </section>
</div>`,
    }),
}

export const merchantPages: readonly MerchantPage[] = [
  overviewPage,
  paymentsPage,
  paymentPage,
  ordersPage,
  requestsPage,
  webhooksPage,
  settingsPage,
]
