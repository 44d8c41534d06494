/**
 * overview-page.ts - the console's first page: how the gateway is doing now (commands a second
 * by channel and result, latency, sessions and calls, SMPP binds, the outbox, the bank, the
 * ledger check) and the alarms, kept live by static/console/overview.js from the admin API's
 * overview stream. Exports overviewPage.
 */
import { html } from '../html.js'
import type { ConsolePage } from './page.js'
import { consoleShell } from './page.js'

export const overviewPage: ConsolePage = {
  path: '/console',
  render: (input) =>
    consoleShell(input, {
      title: 'Overview',
      scripts: ['overview.js'],
      body: html`<header class="page-head">
  <h1>Overview</h1>
  <p class="live" data-live-state>connecting…</p>
</header>
<section aria-labelledby="alarms-title" class="alarms">
  <h2 id="alarms-title" class="visually-hidden">Alarms</h2>
  <ul data-alarms class="alarm-list"><li class="alarm alarm-ok">No alarm.</li></ul>
</section>
<section class="tiles" aria-label="Now" data-tiles></section>
<div class="panel-grid">
<section class="panel" aria-labelledby="rate-title">
  <h2 id="rate-title">Commands a second, by channel</h2>
  <div data-chart="rate" class="chart"></div>
  <div data-legend="rate"></div>
</section>
<section class="panel" aria-labelledby="latency-title">
  <h2 id="latency-title">Command latency (ms)</h2>
  <div data-chart="latency" class="chart"></div>
  <div data-legend="latency"></div>
</section>
</div>
<div class="panel-grid">
<section class="panel" aria-labelledby="results-title">
  <h2 id="results-title">Results in the last minute</h2>
  <div data-results></div>
</section>
<section class="panel" aria-labelledby="binds-title">
  <h2 id="binds-title">SMPP binds</h2>
  <div data-binds></div>
</section>
</div>`,
    }),
}
