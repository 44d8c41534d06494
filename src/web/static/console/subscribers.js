/**
 * subscribers.js - the Subscribers page: opens a subscriber by MSISDN (saying so when the number
 * is not registered, with the register form filled in), registers one through
 * POST /admin/api/subscribers, and lists the numbers of the newest payments.
 */
import { clear, h } from '../lib/dom.js'
import { clearNotice, formatTime, getJson, sendJson, showError } from './api.js'
import { dataTable, newKey } from './ui.js'

const find = document.querySelector('[data-find]')
const findNotice = document.querySelector('[data-find-notice]')
const create = document.querySelector('[data-create]')
const createNotice = document.querySelector('[data-create-notice]')
const recent = document.querySelector('[data-recent]')

function pageOf(msisdn) {
  return `/console/subscribers/${encodeURIComponent(msisdn)}`
}

find.addEventListener('submit', async (event) => {
  event.preventDefault()
  clearNotice(findNotice)
  const msisdn = find.elements.msisdn.value.replace(/[\s+]/g, '')
  try {
    const subscriber = await getJson(`/admin/api/subscribers/${encodeURIComponent(msisdn)}`)
    location.assign(pageOf(subscriber.msisdn))
  } catch (error) {
    showError(findNotice, error)
    if (error.code === 'payer_not_registered') {
      create.elements.msisdn.value = msisdn
      create.elements.name.focus()
    }
  }
})

create.addEventListener('submit', async (event) => {
  event.preventDefault()
  clearNotice(createNotice)
  const button = create.querySelector('button[type="submit"]')
  button.disabled = true
  const fields = create.elements
  try {
    const subscriber = await sendJson(
      'POST',
      '/admin/api/subscribers',
      {
        msisdn: fields.msisdn.value.trim(),
        name: fields.name.value.trim(),
        language: fields.language.value,
        pin: fields.pin.value,
      },
      { idempotencyKey: newKey('console-register') },
    )
    fields.pin.value = ''
    location.assign(pageOf(subscriber.msisdn))
  } catch (error) {
    fields.pin.value = ''
    showError(createNotice, error)
  } finally {
    button.disabled = false
  }
})

/** The numbers of the newest payments, payers and payees, each once, newest first. */
async function showRecent() {
  try {
    const { transactions } = await getJson('/admin/api/transactions?limit=50')
    const seen = new Map()
    for (const payment of transactions) {
      for (const msisdn of [payment.msisdn, payment.payee]) {
        if (msisdn !== null && !seen.has(msisdn)) seen.set(msisdn, payment)
      }
    }
    const rows = [...seen.entries()].slice(0, 10)
    clear(recent)
    recent.append(
      dataTable(
        [
          {
            label: 'MSISDN',
            cell: ([msisdn]) => h('a', { href: pageOf(msisdn) }, msisdn),
          },
          { label: 'Last payment', cell: ([, payment]) => formatTime(payment.createdAt) },
          { label: 'Channel', cell: ([, payment]) => payment.channel.toUpperCase() },
        ],
        rows,
        { empty: 'No payment yet.' },
      ),
    )
  } catch (error) {
    clear(recent)
    const notice = h('p', { class: 'alert', role: 'alert' })
    recent.append(notice)
    showError(notice, error)
  }
}

await showRecent()
