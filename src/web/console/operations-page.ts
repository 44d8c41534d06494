/**
 * operations-page.ts - the console's Operations page: the bank simulator's mode, the test
 * clock, a full ledger re-check with its progress, a day's settlement per party and per
 * merchant (and its CSV), the merchants' webhooks with a resend button, the SMSC simulator's
 * binds with an unbind button, and the open USSD sessions and calls with an end button;
 * static/console/operations.js fills and drives each through the admin API. Exports
 * operationsPage.
 */
import { html } from '../html.js'
import type { ConsolePage } from './page.js'
import { consoleShell } from './page.js'

export const operationsPage: ConsolePage = {
  path: '/console/operations',
  render: (input) =>
    consoleShell(input, {
      title: 'Operations',
      scripts: ['operations.js'],
      body: html`<header class="page-head"><h1>Operations</h1></header>
<p class="alert alert-ok" data-flash hidden role="status"></p>
<div class="panel-grid">
<section class="panel" aria-labelledby="bank-title">
  <h2 id="bank-title">Bank simulator</h2>
  <p>Now: <span data-bank-now class="pill">…</span></p>
  <form class="inline-form" data-bank-form>
    <label>Mode
      <select name="mode">
        <option value="approve">approve</option>
        <option value="decline">decline</option>
        <option value="slow">slow</option>
        <option value="timeout">timeout</option>
        <option value="down">down</option>
      </select>
    </label>
    <label>Delay when slow (ms) <input name="slowMs" type="number" min="0" step="100"></label>
    <button type="submit" class="button primary">Set</button>
  </form>
</section>
<section class="panel" aria-labelledby="clock-title">
  <h2 id="clock-title">Clock</h2>
  <p>Gateway time: <strong data-clock-now>…</strong>
    <span data-clock-kind class="pill"></span></p>
  <form class="inline-form" data-clock-form hidden>
    <label>Advance by (seconds) <input name="advanceSeconds" type="number" min="1" step="1"
      value="60" required></label>
    <button type="submit" class="button primary">Advance</button>
    <button type="button" class="button" data-advance="3600">+1 hour</button>
    <button type="button" class="button" data-advance="86400">+1 day</button>
  </form>
  <p class="note" data-clock-note hidden>The gateway runs on the system clock; start it with
    <code>--test-clock</code> to move time from here.</p>
</section>
</div>
<section class="panel" aria-labelledby="check-title">
  <h2 id="check-title">Ledger check</h2>
  <p data-check-state>The overview checks new transfers every 30 s. A full re-check reads all
    history again, in the background.</p>
  <progress data-check-progress max="1" value="0" hidden></progress>
  <button type="button" class="button" data-check-start>Run a full re-check</button>
</section>
<section class="panel" aria-labelledby="settlement-title">
  <h2 id="settlement-title">Settlement</h2>
  <form class="inline-form" data-settlement-form>
    <label>Day <input name="date" type="date" required></label>
    <button type="submit" class="button primary">Show</button>
    <a class="button" data-settlement-csv href="#">Download CSV</a>
  </form>
  <div data-settlement></div>
</section>
<section class="panel" aria-labelledby="webhooks-title">
  <h2 id="webhooks-title">Webhooks</h2>
  <div data-webhooks></div>
</section>
<section class="panel" aria-labelledby="binds-title">
  <h2 id="binds-title">SMPP binds</h2>
  <div data-binds></div>
</section>
<div class="panel-grid">
<section class="panel" aria-labelledby="ussd-title">
  <h2 id="ussd-title">USSD sessions</h2>
  <div data-ussd></div>
</section>
<section class="panel" aria-labelledby="calls-title">
  <h2 id="calls-title">Calls in progress</h2>
  <div data-calls></div>
</section>
</div>`,
    }),
}
