/**
 * payment.js - one payment's page: the payment in brief, its nine-step trail drawn as a sequence
 * diagram (four lifelines: consumer, merchant, platform, credit institution; an arrow per step
 * in the order it happened, skipped and unreached steps greyed) and listed as an ordered list,
 * the ledger transfers with their legs and sums, the SMS of the payer and payee around it, and
 * what is recorded of the channel exchange (an IVR call's record; the trail's own steps else).
 */
import { clear, h } from '../lib/dom.js'
import { formatTime, getJson, showError } from './api.js'
import { dataTable, facts, messagesTable, money, statusPill, words } from './ui.js'

const id = document.querySelector('[data-payment]').dataset.payment
const notice = document.querySelector('[data-notice]')
const svgNs = 'http://www.w3.org/2000/svg'

const roles = ['consumer', 'merchant', 'platform', 'credit_institution']
const roleNames = {
  consumer: 'Consumer',
  merchant: 'Merchant',
  platform: 'Platform',
  credit_institution: 'Credit institution',
}
/** Steps 1-9 as the seeds name them, for the steps a payment did not reach. */
const stepInfo = {
  1: ['purchase request', 'consumer', 'merchant'],
  2: ['charge request', 'merchant', 'platform'],
  3: ['authentication request', 'platform', 'credit_institution'],
  4: ['authentication result', 'credit_institution', 'platform'],
  5: ['authorization request', 'platform', 'consumer'],
  6: ['user authorization', 'consumer', 'platform'],
  7: ['charge complete', 'platform', 'merchant'],
  8: ['payment complete', 'platform', 'consumer'],
  9: ['delivery', 'merchant', 'consumer'],
}

/** An SVG element; text is set as text. */
function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  for (const child of children) {
    element.append(typeof child === 'string' ? document.createTextNode(child) : child)
  }
  return element
}

function timeOf(iso) {
  return new Date(iso).toLocaleTimeString('en-GB')
}

/** The rows to draw: the recorded steps in the order they happened, then those not reached. */
function rowsOf(trail) {
  const rows = trail.steps.map((step) => ({
    label: typeof step.step === 'number' ? `${step.step} ${step.name}` : step.name,
    from: step.from,
    to: step.to,
    kind: typeof step.step !== 'number' ? 'branch' : step.status === 'done' ? 'done' : 'skipped',
    when: `${timeOf(step.at)}${step.status === 'skipped' ? ' · skipped' : ''}`,
    step,
  }))
  const reached = new Set(trail.steps.map((step) => step.step))
  for (let number = 1; number <= 9; number += 1) {
    if (reached.has(number)) continue
    const [name, from, to] = stepInfo[number]
    rows.push({ label: `${number} ${name}`, from, to, kind: 'unreached', when: 'not reached' })
  }
  return rows
}

function sequenceDiagram(trail) {
  const rows = rowsOf(trail)
  const width = 760
  const columnX = (role) => 95 + roles.indexOf(role) * 190
  const top = 58
  const rowHeight = 50
  const height = top + rows.length * rowHeight + 16
  const drawn = rows.filter((row) => row.kind !== 'unreached').length
  const title = svg('title', { id: 'sequence-title' }, `Sequence diagram of payment ${id}`)
  const desc = svg(
    'desc',
    { id: 'sequence-desc' },
    `${drawn} steps recorded between consumer, merchant, platform and credit institution, ` +
      `${rows.length - drawn} not reached; the list below gives each step.`,
  )
  const markers = svg(
    'defs',
    {},
    ...['done', 'skipped', 'branch', 'unreached'].map((kind) =>
      svg(
        'marker',
        {
          id: `arrow-${kind}`,
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 8,
          markerHeight: 8,
          orient: 'auto-start-reverse',
        },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `head ${kind}` }),
      ),
    ),
  )
  const heads = roles.map((role) =>
    svg(
      'g',
      { class: 'actor' },
      svg('rect', { x: columnX(role) - 80, y: 4, width: 160, height: 34, rx: 8 }),
      svg('text', { x: columnX(role), y: 26, 'text-anchor': 'middle' }, roleNames[role]),
      svg('line', {
        class: 'lifeline',
        x1: columnX(role),
        x2: columnX(role),
        y1: 38,
        y2: height - 4,
      }),
    ),
  )
  const arrows = rows.map((row, index) => {
    const y = top + index * rowHeight + 26
    const x1 = columnX(row.from)
    const x2 = columnX(row.to)
    const middle = (x1 + x2) / 2
    return svg(
      'g',
      { class: `arrow ${row.kind}` },
      svg('line', {
        x1,
        x2: x2 + (x2 > x1 ? -2 : 2),
        y1: y,
        y2: y,
        'marker-end': `url(#arrow-${row.kind})`,
      }),
      svg('text', { x: middle, y: y - 7, 'text-anchor': 'middle', class: 'label' }, row.label),
      svg('text', { x: middle, y: y + 15, 'text-anchor': 'middle', class: 'when' }, row.when),
    )
  })
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': 'sequence-title sequence-desc',
      width,
      height,
    },
    title,
    desc,
    markers,
    ...heads,
    ...arrows,
  )
}

function stepsList(trail) {
  return rowsOf(trail).map((row) => {
    const step = row.step
    const who = step ? ` — ${roleNames[row.from]} to ${roleNames[row.to]}` : ''
    return h(
      'li',
      { class: row.kind },
      h('strong', {}, row.label),
      h('span', { class: 'muted' }, step ? ` ${formatTime(step.at)}${who}` : ` ${row.when}`),
      step?.status === 'skipped' ? h('span', { class: 'pill' }, 'skipped') : null,
      step?.actor ? h('span', { class: 'muted' }, ` · by ${step.actor}`) : null,
      step?.detail ? h('div', { class: 'detail' }, step.detail) : null,
    )
  })
}

const accountNames = {
  wallet: 'wallet',
  phone_bill: 'phone bill',
  bank: 'bank card',
  merchant: 'merchant',
  operator_fees: 'operator fees',
  bank_fees: 'bank fees',
  platform_fees: 'platform fees',
  funding: 'funding',
  opening: 'opening',
}

function ownerCell(leg) {
  if (/^\d{8,15}$/.test(leg.owner) && ['wallet', 'phone_bill', 'bank'].includes(leg.account)) {
    return h('a', { href: `/console/subscribers/${leg.owner}` }, leg.owner)
  }
  return leg.owner
}

function transfersView(transfers) {
  if (transfers.length === 0) {
    return [h('p', { class: 'muted' }, 'No money moved: the payment has no ledger transfer.')]
  }
  return transfers.map((transfer) => {
    const debits = transfer.legs.filter((leg) => leg.side === 'debit')
    const credits = transfer.legs.filter((leg) => leg.side === 'credit')
    // In whole fen as BigInt: amounts are summed exactly, never in floating point.
    const sum = (legs) => {
      const fen = legs.reduce((total, leg) => total + BigInt(leg.amount.replace('.', '')), 0n)
      const sign = fen < 0n ? '-' : ''
      const whole = fen < 0n ? -fen : fen
      return `${sign}${whole / 100n}.${String(whole % 100n).padStart(2, '0')}`
    }
    const balanced = transfer.total === '0.00'
    const table = dataTable(
      [
        { label: 'Leg', num: true, cell: (leg) => String(leg.leg) },
        { label: 'Account', cell: (leg) => accountNames[leg.account] ?? words(leg.account) },
        { label: 'Owner', cell: ownerCell },
        { label: 'Debit', num: true, cell: (leg) => (leg.side === 'debit' ? leg.amount : '') },
        { label: 'Credit', num: true, cell: (leg) => (leg.side === 'credit' ? leg.amount : '') },
      ],
      transfer.legs,
      {
        caption: `${words(transfer.kind)} transfer ${transfer.reference} · ${formatTime(transfer.createdAt)}`,
      },
    )
    table.append(
      h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'row', colspan: 3 }, 'Sum of the legs'),
          h('td', { class: 'num' }, sum(debits)),
          h('td', { class: 'num' }, sum(credits)),
        ),
      ),
    )
    return h(
      'div',
      { class: 'transfer', 'data-transfer': transfer.reference, 'data-total': transfer.total },
      h('div', { class: 'table-wrap' }, table),
      h(
        'p',
        { class: 'balance-line' },
        h(
          'span',
          { class: `pill ${balanced ? 'ok' : 'bad'}` },
          balanced ? 'balanced' : 'unbalanced',
        ),
        ` debits and credits sum to ${transfer.total}`,
      ),
    )
  })
}

/** The payment's command as the core took it. */
const commandOf = {
  merchant: 'pay_merchant',
  order: 'pay_order',
  bill: 'pay_bill',
  airtime: 'top_up_airtime',
  send: 'send_money',
  load: 'load_wallet',
}

/** A USSD session's or WAP visit's steps: what was given, what came back, one row each. */
function transcriptView(exchange) {
  const given = exchange.channel === 'ussd' ? 'Typed' : 'Asked for'
  const shown = exchange.channel === 'ussd' ? 'Screen' : 'Page'
  const rows = exchange.steps.map((step) =>
    h(
      'tr',
      {},
      h('td', { class: 'num' }, formatTime(step.at)),
      h('td', {}, h('code', {}, step.input ?? '')),
      h('td', {}, h('pre', {}, step.screen)),
    ),
  )
  return h(
    'div',
    {},
    h(
      'h3',
      {},
      exchange.channel === 'ussd' ? `The USSD session ${exchange.dialog}` : 'The WAP visit',
    ),
    exchange.earlierSteps > 0
      ? h('p', { class: 'hint' }, `${exchange.earlierSteps} earlier steps are no longer kept.`)
      : null,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data transcript' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { class: 'num' }, 'At'), h('th', {}, given), h('th', {}, shown)),
        ),
        h('tbody', {}, ...rows),
      ),
    ),
  )
}

async function exchangeView(payment, trail, exchange) {
  const authorization = trail.steps.find((step) => step.step === 6 && step.status === 'done')
  const parts = [
    facts([
      ['Channel', payment.channel.toUpperCase()],
      [
        'Command',
        payment.initiator === 'merchant'
          ? 'request_payment (merchant API), answered by the subscriber'
          : commandOf[payment.kind],
      ],
      ['Authorized', authorization ? (authorization.detail ?? 'as the channel asks') : 'not yet'],
      [
        'Result',
        payment.reason ? `${words(payment.state)}: ${words(payment.reason)}` : words(payment.state),
      ],
    ]),
  ]
  if (payment.channel === 'ivr') {
    // A gateway without the IVR channel has no call records to read.
    const { calls } = await getJson(`/admin/api/calls?msisdn=${payment.msisdn}&limit=50`).catch(
      () => ({ calls: [] }),
    )
    const call =
      calls.find(
        (record) => record.reference !== null && record.reference === payment.transactionRef,
      ) ??
      calls.find(
        (record) =>
          Date.parse(record.startedAt) <= Date.parse(payment.createdAt) &&
          (record.endedAt === null || Date.parse(record.endedAt) >= Date.parse(payment.createdAt)),
      )
    parts.push(
      call
        ? h(
            'div',
            {},
            h('h3', {}, 'The call'),
            facts([
              ['Call', call.callId],
              ['Number dialled', call.number],
              ['Started', formatTime(call.startedAt)],
              [
                'Duration',
                call.durationSeconds === null ? 'in progress' : `${call.durationSeconds} s`,
              ],
              ['Outcome', words(call.outcome)],
              ['Keys pressed', (call.inputs ?? []).join(' · ')],
            ]),
          )
        : h('p', { class: 'muted' }, 'No call record of this payment is kept any more.'),
    )
  } else if (payment.channel === 'sms') {
    parts.push(h('p', { class: 'hint' }, 'The SMS exchanged are under Messages below.'))
  } else if (exchange) {
    parts.push(transcriptView(exchange))
  } else if (payment.channel === 'ussd' || payment.channel === 'wap') {
    parts.push(
      h(
        'p',
        { class: 'muted' },
        `The ${payment.channel.toUpperCase()} screens of this payment are no longer kept (the ` +
          'gateway keeps those of its 10,000 most recent such payments, until it restarts); the ' +
          'trail above is what the exchange did.',
      ),
    )
  } else {
    parts.push(
      h('p', { class: 'hint' }, 'The trail above is what the exchange with the merchant did.'),
    )
  }
  return parts
}

/** The SMS of the payer (and payee) from a minute before the payment to two after its end. */
async function messagesAround(payment) {
  const from = Date.parse(payment.createdAt) - 60_000
  const to = Date.parse(payment.updatedAt) + 120_000
  const numbers = [payment.msisdn, payment.payee].filter((number) => number !== null)
  const pages = await Promise.all(
    numbers.map((number) => getJson(`/admin/api/messages?msisdn=${number}&limit=100`)),
  )
  const mentions = (text) =>
    text.includes(payment.id) ||
    (payment.transactionRef !== null && text.includes(payment.transactionRef))
  return pages
    .flatMap((page) => page.messages)
    .filter((message) => {
      const at = Date.parse(message.createdAt)
      return (at >= from && at <= to) || mentions(message.text)
    })
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
}

function factsView(payment, trail) {
  const payee =
    payment.merchant !== null
      ? h(
          'a',
          { href: `/console/payments?merchant=${payment.merchant}` },
          `merchant ${payment.merchant}`,
        )
      : payment.payee
  return facts([
    ['Amount', money(payment.amount)],
    ['Fee', money(payment.fee)],
    ['Refunded', payment.refunded === '0.00' ? null : money(payment.refunded)],
    ['Payer', h('a', { href: `/console/subscribers/${payment.msisdn}` }, payment.msisdn)],
    ['Paid to', payee],
    ['Account', words(payment.account)],
    ['Kind', words(payment.kind)],
    ['Started by', payment.initiator === 'merchant' ? 'the merchant (API)' : 'the payer'],
    ['Merchant reference', payment.reference],
    ['Description', payment.description],
    ['Transfer', payment.transactionRef],
    ['Operating model', trail.model],
    ['Created', formatTime(payment.createdAt)],
    ['Updated', formatTime(payment.updatedAt)],
    ['Expires', payment.expiresAt ? formatTime(payment.expiresAt) : null],
  ])
}

async function show() {
  let detail
  let trail
  try {
    ;[detail, trail] = await Promise.all([
      getJson(`/admin/api/payments/${encodeURIComponent(id)}`),
      getJson(`/admin/api/payments/${encodeURIComponent(id)}/trail`),
    ])
  } catch (error) {
    showError(notice, error)
    // Nothing to show: the notice alone says why.
    for (const panel of document.querySelectorAll('.shell-main .panel, .shell-main .panel-grid')) {
      panel.hidden = true
    }
    return
  }
  const { payment, transfers, exchange: kept } = detail
  const status = document.querySelector('[data-status]')
  status.append(
    statusPill(payment.state),
    ' ',
    h('span', { class: 'muted' }, `${money(payment.amount)} · ${payment.channel.toUpperCase()}`),
  )
  const factsBox = document.querySelector('[data-facts]')
  clear(factsBox)
  factsBox.append(factsView(payment, trail))
  document.querySelector('[data-sequence]').append(sequenceDiagram(trail))
  document.querySelector('[data-steps]').append(...stepsList(trail))
  const transfersBox = document.querySelector('[data-transfers]')
  clear(transfersBox)
  transfersBox.append(...transfersView(transfers))
  const exchange = document.querySelector('[data-exchange]')
  const messagesBox = document.querySelector('[data-messages]')
  await Promise.all([
    exchangeView(payment, trail, kept).then(
      (parts) => {
        clear(exchange)
        exchange.append(...parts)
      },
      (error) => showError(notice, error),
    ),
    messagesAround(payment).then(
      (messages) => {
        clear(messagesBox)
        messagesBox.append(
          h(
            'p',
            { class: 'hint' },
            'SMS of the payer and payee from a minute before the payment to two minutes after its last change, and any that name it.',
          ),
          h('div', { class: 'table-wrap' }, messagesTable(messages, 'No SMS around this payment.')),
        )
      },
      (error) => showError(notice, error),
    ),
  ])
}

await show()
