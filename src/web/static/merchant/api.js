/*
 * api.js - what the merchant portal's page scripts share: calls to the merchant API with the
 * session cookie (sent by the browser) and the page's CSRF token on every change, a small
 * element builder, money and time as the pages show them, and status pills.
 */
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''

/**
 * Calls /api/v1<path>; resolves to { ok, status, body } and never throws for an HTTP error.
 * `idempotencyKey` makes a retried change (an answer lost, a second click) happen once.
 */
export async function api(method, path, body, { idempotencyKey } = {}) {
  const headers = { accept: 'application/json' }
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (response.status === 401) {
    // The session ended (idle, or the key was rotated): log in again and come back.
    location.href = `/merchant/login?next=${encodeURIComponent(location.pathname)}`
  }
  const text = await response.text()
  let parsed = null
  try {
    parsed = text === '' ? null : JSON.parse(text)
  } catch {
    parsed = { error: 'not_json', message: text.slice(0, 200) }
  }
  return { ok: response.ok, status: response.status, body: parsed }
}

/** An element with attributes and children (strings become text, never HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue
    if (name === 'class') node.className = value
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value)
    else node.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

export function money(amount) {
  // Grouped as text ("12,345.67"): an amount is never turned into a floating-point number.
  const [whole = '0', fraction = '00'] = String(amount ?? '0').split('.')
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0')}`
}

export function when(iso) {
  if (iso === null || iso === undefined) return '—'
  const date = new Date(iso)
  return date.toLocaleString('en-GB', {
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

const statusWords = {
  pending_authorization: ['Waiting for the phone', 'warn'],
  processing: ['Processing', 'warn'],
  completed: ['Completed', 'ok'],
  declined: ['Declined', 'bad'],
  cancelled: ['Cancelled', 'bad'],
  expired: ['Expired', 'bad'],
  failed: ['Failed', 'bad'],
  open: ['Open', 'warn'],
  paid: ['Paid', 'ok'],
  delivered: ['Delivered', 'ok'],
  retrying: ['Retrying', 'warn'],
  abandoned: ['Abandoned', 'bad'],
}

export function pill(status) {
  const [words, tone] = statusWords[status] ?? [status, '']
  return el('span', { class: `pill ${tone}` }, words)
}

/** A table.data of rows; `columns` are [heading, cell(row), 'num'?]. */
export function table(columns, rows, empty = 'Nothing yet.') {
  const head = el(
    'tr',
    {},
    ...columns.map(([h, , kind]) => el('th', { class: kind, scope: 'col' }, h)),
  )
  const body =
    rows.length === 0
      ? [el('tr', { class: 'empty-row' }, el('td', { colspan: columns.length }, empty))]
      : rows.map((row) =>
          el('tr', {}, ...columns.map(([, cell, kind]) => el('td', { class: kind }, cell(row)))),
        )
  return el('table', { class: 'data' }, el('thead', {}, head), el('tbody', {}, ...body))
}

/** Today's date in the browser's zone, YYYY-MM-DD (the default of the day fields). */
export function today() {
  const now = new Date()
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000)
  return local.toISOString().slice(0, 10)
}

export function errorText(answer) {
  return answer.body?.message ?? answer.body?.error ?? `HTTP ${answer.status}`
}

/** "12.50" as 1250 cents: amounts are worked out in whole cents, never in floating point. */
export function centsOf(amount) {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount ?? ''))
  if (match === null) return 0
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'))
  return match[1] === '-' ? -cents : cents
}

/** 1250 cents as "12.50". */
export function amountOfCents(cents) {
  const sign = cents < 0 ? '-' : ''
  const whole = Math.abs(cents)
  return `${sign}${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, '0')}`
}

/** A fresh Idempotency-Key for one change a person asks for. */
export function newIdempotencyKey(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}
