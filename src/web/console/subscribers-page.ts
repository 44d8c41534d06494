/**
 * subscribers-page.ts - the console's Subscribers page: find a subscriber by MSISDN, register a
 * new one, and the numbers that paid most recently; static/console/subscribers.js reads and
 * registers through the admin API. Exports subscribersPage.
 */
import { html } from '../html.js'
import type { ConsolePage } from './page.js'
import { consoleShell } from './page.js'

export const subscribersPage: ConsolePage = {
  path: '/console/subscribers',
  render: (input) =>
    consoleShell(input, {
      title: 'Subscribers',
      scripts: ['subscribers.js'],
      styles: ['console-pages.css'],
      body: html`<header class="page-head">
  <h1>Subscribers</h1>
</header>
<section class="panel" aria-labelledby="find-title">
  <h2 id="find-title">Find a subscriber</h2>
  <form class="inline-form search-bar" data-find action="/console/subscribers" method="get">
    <label>MSISDN
      <input name="msisdn" inputmode="tel" autocomplete="off" required
        placeholder="8613800138000" pattern="[+0-9 ]{5,20}" size="18">
    </label>
    <button type="submit" class="button primary">Open</button>
  </form>
  <p class="alert" role="alert" data-find-notice hidden></p>
</section>
<div class="panel-grid">
  <section class="panel" aria-labelledby="recent-title">
    <h2 id="recent-title">Recently active</h2>
    <p class="hint">Payers and payees of the newest payments, on every channel.</p>
    <div class="table-wrap" data-recent><p class="muted">Loading…</p></div>
  </section>
  <section class="panel" aria-labelledby="create-title">
    <h2 id="create-title">Register a subscriber</h2>
    <form class="form" data-create autocomplete="off">
      <label for="create-msisdn">MSISDN</label>
      <input id="create-msisdn" name="msisdn" inputmode="tel" required placeholder="8613500135000">
      <label for="create-name">Name</label>
      <input id="create-name" name="name" required maxlength="40">
      <label for="create-language">Language</label>
      <select id="create-language" name="language">
        <option value="en">English</option>
        <option value="zh">中文</option>
      </select>
      <label for="create-pin">PIN (4 to 6 digits)</label>
      <input id="create-pin" name="pin" type="password" inputmode="numeric" required
        pattern="[0-9]{4,6}" autocomplete="new-password">
      <p class="hint">The PIN is hashed at once and never shown again, here or anywhere.</p>
      <p class="alert" role="alert" data-create-notice hidden></p>
      <div><button type="submit" class="button primary">Register</button></div>
    </form>
  </section>
</div>`,
    }),
}
