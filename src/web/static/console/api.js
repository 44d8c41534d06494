/**
 * api.js - how the console's pages speak to the admin API: with the session cookie (same origin,
 * so fetch sends it) and, on every call that changes something, the page's CSRF token from its
 * `<meta name="csrf-token">` (the API answers 403 csrf_invalid without it). A refusal comes back
 * as an ApiError carrying the API's code and words, which showError puts on the page as text.
 * Also the small formatting helpers every page shares. Exports ApiError, getJson, sendJson,
 * showError, showOk, clearNotice, formatTime, query.
 */

/** The API's refusal: `code` is its stable reason ("payer_not_registered"), `message` its words. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''
}

async function answerOf(response) {
  const type = response.headers.get('content-type') ?? ''
  const body = type.includes('application/json') ? await response.json() : null
  if (response.ok) return body
  // A session that ran out sends the operator back to the log-in form, then here.
  if (response.status === 401) {
    location.assign(`/console/login?next=${encodeURIComponent(location.pathname)}`)
  }
  throw new ApiError(
    response.status,
    body?.error ?? `http_${response.status}`,
    body?.message ?? `The gateway answered ${response.status} ${response.statusText}.`,
  )
}

/** GET a path of the admin API (or any same-origin JSON path); the parsed answer. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } })
  return answerOf(response)
}

/**
 * POST, PUT, PATCH or DELETE a JSON body with the CSRF token. `idempotencyKey` makes a retried
 * click (a double submit, a lost answer) change things once.
 */
export async function sendJson(method, path, body, { idempotencyKey } = {}) {
  const headers = { accept: 'application/json', 'x-csrf-token': csrfToken() }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey
  const response = await fetch(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return answerOf(response)
}

function notice(element, kind, text) {
  element.textContent = text
  element.className = `alert ${kind}`
  element.hidden = false
}

/**
 * Shows an error in a notice element (a `role="alert"` paragraph the page has): the API's words
 * and its code, so an operator can quote the code to whoever runs the gateway.
 */
export function showError(element, error) {
  const text =
    error instanceof ApiError
      ? `${error.message} (${error.code})`
      : `Could not reach the gateway: ${error?.message ?? error}`
  notice(element, 'alert-danger', text)
}

export function showOk(element, text) {
  notice(element, 'alert-ok', text)
}

export function clearNotice(element) {
  element.hidden = true
  element.textContent = ''
}

/** An ISO time as the operator reads it: the browser's local date and time, "2026-12-07 13:39:47". */
export function formatTime(iso) {
  if (iso === null || iso === undefined) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return String(iso)
  const two = (value) => String(value).padStart(2, '0')
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  )
}

/** A query string of the values that are set: query({ a: 1, b: '' }) is "?a=1". */
export function query(values) {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}
