/**
 * payments-page.ts - the console's Payments page: the search of payments by MSISDN, id or
 * reference, status, channel and merchant, newest first a page at a time; the filters are the
 * page's query string, so a search is a link. static/console/payments.js runs it through the
 * admin API. Exports paymentsPage.
 */
import { paymentStates } from '../../core/index.js'
import { html } from '../html.js'
import type { ConsolePage } from './page.js'
import { consoleShell } from './page.js'

/** The channels a payment can come by, as the ledger names them. */
const channels = ['sms', 'ussd', 'wap', 'ivr', 'api', 'admin']

const stateOptions = paymentStates.map(
  (state) => html`<option value="${state}">${state.replace(/_/g, ' ')}</option>`,
)
const channelOptions = channels.map(
  (channel) => html`<option value="${channel}">${channel.toUpperCase()}</option>`,
)

export const paymentsPage: ConsolePage = {
  path: '/console/payments',
  render: (input) =>
    consoleShell(input, {
      title: 'Payments',
      scripts: ['payments.js'],
      styles: ['console-pages.css'],
      body: html`<header class="page-head">
  <h1>Payments</h1>
</header>
<section class="panel" aria-labelledby="filter-title">
  <h2 id="filter-title" class="visually-hidden">Search</h2>
  <form class="inline-form search-bar" data-filters action="/console/payments" method="get">
    <label>MSISDN
      <input name="msisdn" inputmode="tel" autocomplete="off" size="15"
        placeholder="8613800138000">
    </label>
    <label>Payment id or reference
      <input name="reference" autocomplete="off" size="14" placeholder="P0000001, T00000A">
    </label>
    <label>Status
      <select name="status">
        <option value="">Any</option>
        ${stateOptions}
      </select>
    </label>
    <label>Channel
      <select name="channel">
        <option value="">Any</option>
        ${channelOptions}
      </select>
    </label>
    <label>Merchant
      <select name="merchant" data-merchants>
        <option value="">Any</option>
      </select>
    </label>
    <button type="submit" class="button primary">Search</button>
    <a class="button" href="/console/payments">Clear</a>
  </form>
  <p class="alert" role="alert" data-notice hidden></p>
</section>
<section class="panel" aria-labelledby="results-title">
  <h2 id="results-title">Newest first</h2>
  <div class="table-wrap" data-results><p class="muted">Loading…</p></div>
  <p class="pager"><button type="button" class="button small" data-more hidden>Older</button>
    <span class="muted" data-more-note></span></p>
</section>`,
    }),
}
