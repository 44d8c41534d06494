/**
 * overview.js - keeps the console's overview live: one snapshot a second from the admin API's
 * overview stream (Server-Sent Events, with the session cookie), drawn as alarms, tiles, two
 * charts and two tables. A dropped stream reconnects by itself (EventSource) and the page says
 * so meanwhile.
 */
import { clear, h } from '../lib/dom.js'
import { getJson } from './api.js'
import { drawChart, legendOf } from './chart.js'
import { cellTable } from './ui.js'

const $ = (selector) => document.querySelector(selector)

/** Channels drawn on the rate chart: the busiest of the window, then "other". */
const chartChannelsMax = 5

function tile(label, value, sub = '', state = '') {
  return h(
    'div',
    { class: `tile ${state}` },
    h('p', { class: 'label' }, label),
    h('p', { class: 'value' }, value),
    sub === '' ? null : h('p', { class: 'sub' }, sub),
  )
}

function time(iso) {
  return new Date(iso).toLocaleTimeString()
}

function renderAlarms(alarms) {
  const list = $('[data-alarms]')
  clear(list)
  if (alarms.length === 0)
    list.append(
      h(
        'li',
        { class: 'alarm alarm-ok' },
        'No alarm: every channel is ready, the ledger balances.',
      ),
    )
  for (const alarm of alarms)
    list.append(
      h(
        'li',
        {
          class: `alarm alarm-${alarm.level}`,
          'data-alarm': alarm.id,
          role: alarm.level === 'bad' ? 'alert' : null,
        },
        alarm.text,
      ),
    )
}

function renderTiles(o) {
  const binds = o.smpp.binds.length
  const outbox = o.outbox.sms + o.outbox.webhook
  const ledger =
    o.ledger === null
      ? tile('Ledger', 'checking…')
      : tile(
          'Ledger',
          o.ledger.balanced ? 'balanced' : 'UNBALANCED',
          `checked ${time(o.ledger.checkedAt)}`,
          o.ledger.balanced ? '' : 'bad',
        )
  const bankState =
    o.bank.mode === 'approve'
      ? ''
      : o.bank.mode === 'down' || o.bank.mode === 'timeout'
        ? 'bad'
        : 'warn'
  $('[data-tiles]').replaceChildren(
    tile(
      'Commands / s',
      String(o.lastMinute.perSecond),
      `${o.lastMinute.commands} in the last minute`,
    ),
    tile('USSD sessions', String(o.sessions.ussd), 'open now'),
    tile('Calls', String(o.sessions.ivr), 'in progress'),
    tile('WAP sessions', String(o.sessions.wap), 'open now'),
    tile(
      'SMPP binds',
      String(binds),
      o.smpp.mode === 'simulator' ? 'on the SMSC simulator' : o.smpp.mode,
    ),
    tile(
      'Outbox',
      String(outbox),
      `${o.outbox.sms} SMS · ${o.outbox.webhook} webhooks`,
      outbox > 0 ? 'warn' : '',
    ),
    tile(
      'Bank',
      o.bank.mode,
      o.bank.mode === 'slow' ? `${o.bank.slowMs} ms` : 'simulator',
      bankState,
    ),
    ledger,
    tile('Queue', String(o.commandQueueDepth), 'commands for the ledger'),
  )
}

function renderCharts(o) {
  const sum = (values) => values.reduce((total, n) => total + n, 0)
  const channels = Object.entries(o.chart.byChannel)
    .sort((a, b) => sum(b[1]) - sum(a[1]))
    .slice(0, chartChannelsMax)
  const series = [
    { name: 'all', values: o.chart.commands },
    ...channels.map(([name, values]) => ({ name, values })),
  ]
  const rate = $('[data-chart="rate"]')
  drawChart(rate, series, { label: 'Commands a second over the last two minutes, by channel' })
  $('[data-legend="rate"]').replaceChildren(legendOf(series.map((line) => line.name)))
  const latency = $('[data-chart="latency"]')
  const lines = [
    { name: 'p50', values: o.chart.p50Ms },
    { name: 'p99', values: o.chart.p99Ms },
  ]
  drawChart(latency, lines, {
    label: 'Command latency over the last two minutes, p50 and p99',
    unit: ' ms',
  })
  $('[data-legend="latency"]').replaceChildren(legendOf(lines.map((line) => line.name)))
}

function renderResults(o) {
  const entries = Object.entries(o.lastMinute.byResult).sort((a, b) =>
    a[0] === 'ok' ? -1 : b[0] === 'ok' ? 1 : b[1] - a[1],
  )
  const rows = entries.map(([result, n]) => [
    h('span', { class: `pill ${result === 'ok' ? 'ok' : 'warn'}` }, result),
    String(n),
  ])
  $('[data-results]').replaceChildren(cellTable(['Result', 'Commands'], rows, [1]))
}

function renderBinds(o) {
  const rows = o.smpp.binds.map((bind) => [
    bind.systemId,
    bind.bindType,
    bind.remote,
    time(bind.boundAt),
    `${bind.outstanding} / ${bind.windowMax}`,
    String(bind.queued),
    bind.inPerSecond === null ? '–' : String(bind.inPerSecond),
    bind.outPerSecond === null ? '–' : String(bind.outPerSecond),
  ])
  $('[data-binds]').replaceChildren(
    cellTable(
      ['System id', 'Bind', 'From', 'Since', 'Window', 'Queued', 'In / s', 'Out / s'],
      rows,
      [4, 5, 6, 7],
    ),
  )
}

function render(o) {
  renderAlarms(o.alarms)
  renderTiles(o)
  renderCharts(o)
  renderResults(o)
  renderBinds(o)
  const live = $('[data-live-state]')
  live.dataset.state = 'live'
  live.textContent = `live · ${time(o.at)}`
}

const stream = new EventSource('/admin/api/overview/stream')
stream.addEventListener('overview', (event) => render(JSON.parse(event.data)))
stream.addEventListener('error', () => {
  // A refused reconnection (the session ended: logged out elsewhere, or idle) closes the stream
  // for good; one call of the API tells which, and a 401 sends the operator to log in again.
  if (stream.readyState === EventSource.CLOSED) getJson('/admin/api/overview').catch(() => {})
  const live = $('[data-live-state]')
  live.dataset.state = 'lost'
  live.textContent = 'reconnecting…'
})
