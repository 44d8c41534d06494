/**
 * subscriber-page.ts - one subscriber in the console: accounts and balances, the limits used
 * today, the PIN lock with its unlock, top-up and card forms, the payments across channels and
 * the SMS of the number; static/console/subscriber.js fills and runs it through the admin API.
 * A card shows its bank and last four digits only; no PIN is ever on the page. Exports
 * subscriberPage.
 */
import { normalizeMsisdn } from '../../core/index.js'
import { html } from '../html.js'
import type { ConsolePage } from './page.js'
import { consoleShell } from './page.js'

export const subscriberPage: ConsolePage = {
  path: '/console/subscribers/:msisdn',
  render: (input) => {
    const given = String(input.request.params['msisdn'])
    const msisdn = normalizeMsisdn(given)
    if (msisdn === null)
      return consoleShell(input, {
        title: 'Subscriber',
        styles: ['console-pages.css'],
        body: html`<header class="page-head"><h1>Subscriber</h1></header>
<p class="alert alert-danger" role="alert"><code>${given}</code> is not an MSISDN.</p>
<p><a href="/console/subscribers">Find a subscriber</a></p>`,
      })
    return consoleShell(input, {
      title: `Subscriber ${msisdn}`,
      scripts: ['subscriber.js'],
      styles: ['console-pages.css'],
      body: html`<nav class="crumbs" aria-label="Breadcrumb">
  <a href="/console/subscribers">Subscribers</a> <span aria-hidden="true">›</span>
  <span aria-current="page">${msisdn}</span>
</nav>
<header class="page-head" data-subscriber="${msisdn}">
  <h1><span data-name>Subscriber</span> <span class="muted mono">${msisdn}</span></h1>
  <span data-lock></span>
  <div class="actions">
    <button type="button" class="button primary" data-unlock hidden>Unlock PIN</button>
    <a class="button" href="/console/payments?msisdn=${msisdn}">Payments</a>
  </div>
</header>
<p class="alert" role="alert" data-notice hidden></p>
<section class="tiles accounts" aria-label="Accounts" data-accounts></section>
<div class="panel-grid">
  <section class="panel" aria-labelledby="limits-title">
    <h2 id="limits-title">Limits today</h2>
    <div data-limits><p class="muted">Loading…</p></div>
  </section>
  <section class="panel" aria-labelledby="topup-title">
    <h2 id="topup-title">Top up</h2>
    <form class="form" data-topup autocomplete="off">
      <label for="topup-account">Account</label>
      <select id="topup-account" name="account">
        <option value="wallet">Wallet</option>
        <option value="phone_bill">Phone bill</option>
      </select>
      <label for="topup-amount">Amount (CNY)</label>
      <input id="topup-amount" name="amount" inputmode="decimal" required placeholder="25.00"
        pattern="[0-9]+([.][0-9]{1,2})?">
      <p class="hint">Money received outside telepay (cash at an agent, a bank deposit).</p>
      <p class="alert" role="alert" data-topup-notice hidden></p>
      <div><button type="submit" class="button primary">Credit</button></div>
    </form>
  </section>
  <section class="panel" aria-labelledby="card-title">
    <h2 id="card-title">Bank card</h2>
    <form class="form" data-card autocomplete="off">
      <label for="card-bank">Bank</label>
      <input id="card-bank" name="bank" required placeholder="ICBC" maxlength="10"
        pattern="[A-Z][A-Z0-9]{1,9}">
      <label for="card-last4">Last 4 digits</label>
      <input id="card-last4" name="last4" required inputmode="numeric" pattern="[0-9]{4}"
        maxlength="4" placeholder="1234">
      <label for="card-balance">Balance at the bank (CNY)</label>
      <input id="card-balance" name="bankBalance" inputmode="decimal" placeholder="0.00"
        pattern="[0-9]+([.][0-9]{1,2})?">
      <p class="hint">Only the bank and the last four digits are kept; never a card number.</p>
      <p class="alert" role="alert" data-card-notice hidden></p>
      <div><button type="submit" class="button primary">Bind card</button></div>
    </form>
  </section>
</div>
<section class="panel" aria-labelledby="history-title">
  <h2 id="history-title">Payments on every channel</h2>
  <div class="table-wrap" data-history><p class="muted">Loading…</p></div>
  <p><button type="button" class="button small" data-history-more hidden>Older</button></p>
</section>
<section class="panel" aria-labelledby="sms-title">
  <h2 id="sms-title">SMS to and from the number</h2>
  <div data-messages><p class="muted">Loading…</p></div>
</section>`,
    })
  },
}
