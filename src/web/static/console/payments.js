/**
 * payments.js - the Payments page: the search form is the page's query string (a search is a
 * link); a payment id typed in opens that payment; the results come from
 * GET /admin/api/transactions a page at a time, and a page the search's bound cut short says so.
 */
import { clear, h } from '../lib/dom.js'
import { clearNotice, getJson, query, showError } from './api.js'
import { paymentsTable } from './ui.js'

const form = document.querySelector('[data-filters]')
const notice = document.querySelector('[data-notice]')
const results = document.querySelector('[data-results]')
const more = document.querySelector('[data-more]')
const moreNote = document.querySelector('[data-more-note]')
const given = new URLSearchParams(location.search)
const filterNames = ['msisdn', 'reference', 'status', 'channel', 'merchant']

async function fillMerchants() {
  const select = document.querySelector('[data-merchants]')
  try {
    const { merchants } = await getJson('/admin/api/merchants')
    for (const merchant of merchants) {
      select.append(h('option', { value: merchant.code }, `${merchant.code} ${merchant.name}`))
    }
  } catch {
    // The search works without the list: a merchant code in the address still filters.
  }
  const chosen = given.get('merchant')
  if (chosen !== null && ![...select.options].some((option) => option.value === chosen)) {
    select.append(h('option', { value: chosen }, chosen))
  }
}

function filters() {
  const values = {}
  for (const name of filterNames) {
    const value = (given.get(name) ?? '').trim()
    if (value !== '') values[name] = name === 'msisdn' ? value.replace(/[\s+]/g, '') : value
  }
  return values
}

let shown = []
let nextBefore = null

async function load(fromStart) {
  clearNotice(notice)
  more.disabled = true
  try {
    const page = await getJson(
      `/admin/api/transactions${query({ ...filters(), limit: 25, before: fromStart ? '' : nextBefore })}`,
    )
    shown = fromStart ? page.transactions : [...shown, ...page.transactions]
    nextBefore = page.nextBefore
    clear(results)
    const searched = Object.keys(filters()).length > 0
    results.append(
      paymentsTable(shown, {
        empty: searched ? 'No payment matches this search.' : 'No payment yet.',
      }),
    )
    more.hidden = nextBefore === null
    // A short page with more to read: the search stopped at its bound (docs/apis.md).
    moreNote.textContent =
      nextBefore !== null && page.transactions.length < 25
        ? 'The search read its share of history; Older reads on.'
        : ''
  } catch (error) {
    clear(results)
    showError(notice, error)
  } finally {
    more.disabled = false
  }
}

form.addEventListener('submit', (event) => {
  const reference = form.elements.reference.value.trim()
  // A payment's own id opens it: there is one.
  if (/^P[0-9A-Z]{7,}$/.test(reference) && form.elements.msisdn.value.trim() === '') {
    event.preventDefault()
    location.assign(`/console/payments/${reference}`)
  }
})
more.addEventListener('click', () => load(false))

await fillMerchants()
for (const name of filterNames) {
  const value = given.get(name)
  if (value !== null && form.elements[name] !== undefined) form.elements[name].value = value
}
await load(true)
