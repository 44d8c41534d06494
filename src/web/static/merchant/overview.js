/*
 * overview.js - the merchant portal's overview: today's figures, the last 14 days' sales as
 * stacked bars by channel, the channels' shares, and a day's fees by party (the revenue share)
 * with its settlement CSV, all from the merchant API (GET /sales, GET /settlements).
 */
import { api, el, errorText, money, table } from './api.js'

const channelColours = {
  sms: '#0d6e66',
  ussd: '#3b5bdb',
  ivr: '#b7791f',
  wap: '#7b3fa0',
  api: '#2f855a',
  stk: '#c05621',
}
const colourOf = (channel) => channelColours[channel] ?? '#566070'

function tile(label, value, sub) {
  return el(
    'div',
    { class: 'tile' },
    el('p', { class: 'label' }, label),
    el('p', { class: 'value' }, value),
    sub ? el('p', { class: 'sub' }, sub) : null,
  )
}

function barChart(days, channels) {
  const ns = 'http://www.w3.org/2000/svg'
  const svgEl = (tag, attributes) => {
    const node = document.createElementNS(ns, tag)
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value))
    return node
  }
  const width = 700
  const height = 180
  const left = 48
  const bottom = 22
  const max = Math.max(1, ...days.map((day) => Number(day.gross)))
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Gross sales per day, highest ${money(max)} CNY`,
  })
  svg.setAttribute('preserveAspectRatio', 'none')
  const plot = height - bottom - 8
  for (const fraction of [0, 0.5, 1]) {
    const y = 8 + plot * (1 - fraction)
    svg.append(svgEl('line', { x1: left, x2: width, y1: y, y2: y, class: 'axis' }))
    const label = svgEl('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' })
    label.textContent = money(max * fraction).replace(/\.00$/, '')
    svg.append(label)
  }
  const slot = (width - left) / days.length
  days.forEach((day, index) => {
    let y = 8 + plot
    for (const channel of channels) {
      const gross = Number(day.byChannel[channel]?.gross ?? 0)
      if (gross === 0) continue
      const h = (gross / max) * plot
      y -= h
      const bar = svgEl('rect', {
        x: left + index * slot + slot * 0.18,
        y,
        width: slot * 0.64,
        height: h,
        fill: colourOf(channel),
        rx: 2,
      })
      const title = svgEl('title', {})
      title.textContent = `${day.date} ${channel}: ${money(gross)} CNY`
      bar.append(title)
      svg.append(bar)
    }
    if (index % 2 === days.length % 2 || days.length <= 7) {
      const label = svgEl('text', {
        x: left + (index + 0.5) * slot,
        y: height - 6,
        'text-anchor': 'middle',
        class: 'tick',
      })
      label.textContent = day.date.slice(5)
      svg.append(label)
    }
  })
  return svg
}

async function showDay(date) {
  const place = document.querySelector('[data-parties]')
  const answer = await api('GET', `/settlements?date=${date}`)
  document.querySelector('[data-csv]').setAttribute('href', `/api/v1/settlements.csv?date=${date}`)
  if (!answer.ok) {
    place.replaceChildren(el('p', { class: 'alert alert-danger' }, errorText(answer)))
    return
  }
  const s = answer.body
  const facts = el(
    'dl',
    { class: 'facts' },
    el('dt', {}, 'Payments'),
    el('dd', {}, String(s.payments)),
    el('dt', {}, 'Gross'),
    el('dd', {}, `${money(s.gross)} CNY`),
    el('dt', {}, 'Fees'),
    el('dd', {}, `${money(s.fees)} CNY`),
    el('dt', {}, 'Refunds'),
    el('dd', {}, `${money(s.refunds)} CNY`),
    el('dt', {}, 'Net to you'),
    el('dd', {}, el('strong', {}, `${money(s.net)} CNY`)),
  )
  const parties = table(
    [
      ['Party', (p) => s.partyNames?.[p.party] ?? p.party],
      ['Fees (CNY)', (p) => money(p.fees), 'num'],
    ],
    s.parties ?? [],
    'No fee taken this day.',
  )
  place.replaceChildren(
    facts,
    el('h3', { class: 'subhead' }, `Who took the fees (${s.operatingModel} model)`),
    parties,
  )
}

async function main() {
  const state = document.querySelector('[data-state-line]')
  const answer = await api('GET', '/sales')
  if (!answer.ok) {
    state.textContent = errorText(answer)
    return
  }
  const sales = answer.body
  const days = sales.days
  const todayRow = days[days.length - 1]
  const total = days.reduce((sum, day) => sum + Number(day.gross), 0)
  const count = days.reduce((sum, day) => sum + day.payments, 0)
  document
    .querySelector('[data-tiles]')
    .replaceChildren(
      tile('Sales today', `${money(todayRow.gross)}`, `CNY · ${todayRow.payments} payments`),
      tile('Fees today', money(todayRow.fees), 'CNY'),
      tile('Refunded today', money(todayRow.refunded), 'CNY'),
      tile('Net today', money(todayRow.net), 'CNY'),
      tile('Last 14 days', money(total), `CNY · ${count} payments`),
    )
  const chart = document.querySelector('[data-sales-chart]')
  chart.replaceChildren(barChart(days, sales.channels))
  document
    .querySelector('[data-sales-legend]')
    .replaceChildren(
      ...sales.channels.map((channel) =>
        el(
          'li',
          {},
          el('span', { class: 'swatch', style: `background:${colourOf(channel)}` }),
          channel.toUpperCase(),
        ),
      ),
    )
  const byChannel = sales.channels.map((channel) => {
    const rows = days.map((day) => day.byChannel[channel]).filter(Boolean)
    const gross = rows.reduce((sum, row) => sum + Number(row.gross), 0)
    return { channel, payments: rows.reduce((sum, row) => sum + row.payments, 0), gross }
  })
  document.querySelector('[data-channels]').replaceChildren(
    table(
      [
        [
          'Channel',
          (row) =>
            el(
              'span',
              {},
              el('span', { class: 'swatch', style: `background:${colourOf(row.channel)}` }),
              row.channel.toUpperCase(),
            ),
        ],
        ['Payments', (row) => String(row.payments), 'num'],
        ['Gross (CNY)', (row) => money(row.gross), 'num'],
        ['Share', (row) => `${total === 0 ? 0 : Math.round((row.gross / total) * 100)} %`, 'num'],
      ],
      byChannel,
      'No sale in these 14 days.',
    ),
  )
  state.textContent = `${sales.from} to ${sales.to}`
  const form = document.querySelector('[data-day-form]')
  form.elements.date.value = sales.to
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    showDay(form.elements.date.value)
  })
  await showDay(sales.to)
  document.body.dataset.ready = 'true'
}

main()
