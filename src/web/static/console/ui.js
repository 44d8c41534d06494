/**
 * ui.js - what the subscriber and payment pages draw alike: a payment's status as a coloured
 * pill, amounts in CNY, words from the API's snake_case, data tables and a payments table whose
 * rows link to each payment. Everything is built as elements with text (lib/dom.js), never as
 * markup from data. Exports statusPill, money, words, dataTable, cellTable, paymentsTable, messagesTable, facts, newKey.
 */
import { h } from '../lib/dom.js'
import { maskSmsText } from '../lib/mask.js'
import { formatTime } from './api.js'

const statusKinds = {
  completed: 'ok',
  awaiting_authorization: 'warn',
  requested: 'warn',
  authorized: 'warn',
  declined: 'bad',
  failed: 'bad',
  cancelled: '',
  expired: '',
}

/** "awaiting_authorization" as "awaiting authorization". */
export function words(value) {
  return String(value ?? '').replace(/_/g, ' ')
}

export function statusPill(state) {
  return h('span', { class: `pill ${statusKinds[state] ?? ''}` }, words(state))
}

/** "25.00" as "CNY 25.00"; null as a dash. */
export function money(amount) {
  return amount === null || amount === undefined ? '—' : `CNY ${amount}`
}

/**
 * A table: `columns` of { label, num?, cell(row) -> text or element }; `empty` is what an empty
 * table says.
 */
export function dataTable(columns, rows, { caption, empty = 'Nothing yet.' } = {}) {
  const head = h(
    'tr',
    {},
    columns.map((column) =>
      h('th', { scope: 'col', class: column.num ? 'num' : null }, column.label),
    ),
  )
  const body =
    rows.length === 0
      ? [h('tr', { class: 'empty-row' }, h('td', { colspan: columns.length }, empty))]
      : rows.map((row) =>
          h(
            'tr',
            {},
            columns.map((column) =>
              h(
                'td',
                { class: column.num ? 'num' : column.time ? 'time' : null },
                column.cell(row),
              ),
            ),
          ),
        )
  return h(
    'table',
    { class: 'data' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, head),
    h('tbody', {}, body),
  )
}

/**
 * A table of rows given as arrays of cells (text or elements) under `headings`, in a box that
 * scrolls sideways on a narrow screen; the columns at the indexes in `numeric` align right.
 */
export function cellTable(headings, rows, numeric = []) {
  const columns = headings.map((label, index) => ({
    label,
    num: numeric.includes(index),
    cell: (row) => row[index],
  }))
  // Focusable, so that a keyboard can scroll a table wider than the screen (axe:
  // scrollable-region-focusable).
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0 },
    dataTable(columns, rows, { empty: 'None.' }),
  )
}

/** Who was paid: a merchant's code, another subscriber, or the payer's own account. */
function payeeOf(payment) {
  if (payment.merchant !== null) return `merchant ${payment.merchant}`
  if (payment.payee !== null) return payment.payee
  return words(payment.kind)
}

/** Payments as the console lists them, each linking to its page; `msisdn` marks in and out. */
export function paymentsTable(payments, { msisdn, empty } = {}) {
  const columns = [
    {
      label: 'Payment',
      cell: (p) => h('a', { href: `/console/payments/${encodeURIComponent(p.id)}` }, p.id),
    },
    { label: 'Time', time: true, cell: (p) => formatTime(p.createdAt) },
    { label: 'Channel', cell: (p) => h('span', { class: 'tag' }, p.channel.toUpperCase()) },
    { label: 'Payer', cell: (p) => p.msisdn },
    { label: 'To', cell: (p) => payeeOf(p) },
    { label: 'Account', cell: (p) => words(p.account) },
    {
      label: 'Amount',
      num: true,
      cell: (p) => (msisdn !== undefined && p.msisdn !== msisdn ? `+${p.amount}` : `${p.amount}`),
    },
    { label: 'Status', cell: (p) => statusPill(p.state) },
  ]
  return dataTable(columns, payments, { empty: empty ?? 'No payment.' })
}

/**
 * SMS from the message log, newest first. What a phone sent is shown with its PINs as stars
 * (YES ****): the log keeps texts as they were, and no page shows a PIN.
 */
export function messagesTable(messages, empty) {
  return dataTable(
    [
      { label: 'Time', time: true, cell: (m) => formatTime(m.createdAt) },
      {
        label: 'Way',
        cell: (m) =>
          h(
            'span',
            { class: `tag ${m.direction}` },
            m.direction === 'mo' ? 'from phone' : 'to phone',
          ),
      },
      { label: 'Party', cell: (m) => m.party },
      {
        label: 'Text',
        cell: (m) =>
          h('span', { class: 'sms-text' }, m.direction === 'mo' ? maskSmsText(m.text) : m.text),
      },
      { label: 'State', cell: (m) => words(m.state) },
    ],
    messages,
    { empty },
  )
}

/** A definition list of [term, value] pairs; a null value is left out. */
export function facts(pairs, className = '') {
  return h(
    'dl',
    { class: `facts ${className}`.trim() },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  )
}

/** An Idempotency-Key for one submit of a form: a retried request changes things once. */
export function newKey(prefix) {
  // getRandomValues, not randomUUID: the console may be served over plain HTTP on a LAN, which
  // is not a secure context.
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return `${prefix}-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`
}
