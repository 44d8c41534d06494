/**
 * subscriber.js - one subscriber's page: their accounts and balances, the limits used today,
 * the PIN lock and its Unlock button, the top-up and card forms, the payments across channels a
 * page at a time and the SMS of the number, all through the admin API. A refusal is shown in the
 * words of the API, beside the form that caused it.
 */
import { clear, h } from '../lib/dom.js'
import { clearNotice, formatTime, getJson, sendJson, showError, showOk } from './api.js'
import { facts, messagesTable, money, newKey, paymentsTable, words } from './ui.js'

const msisdn = document.querySelector('[data-subscriber]').dataset.subscriber
const base = `/admin/api/subscribers/${encodeURIComponent(msisdn)}`
const notice = document.querySelector('[data-notice]')
const unlock = document.querySelector('[data-unlock]')

const accountNames = { wallet: 'Wallet', phone_bill: 'Phone bill', bank: 'Bank card' }

function tile(label, value, sub, kind = '') {
  return h(
    'div',
    { class: `tile ${kind}` },
    h('p', { class: 'label' }, label),
    h('p', { class: 'value' }, value),
    sub ? h('p', { class: 'sub' }, sub) : null,
  )
}

function accountTile(account) {
  if (account.account === 'bank') {
    return tile(
      `${accountNames.bank} · ${account.bank} ···· ${account.last4}`,
      money(account.balance),
      `at the bank · drawn ${account.drawn} · reserved ${account.reserved}`,
    )
  }
  const credit = account.creditLimit !== '0.00' ? `credit limit ${account.creditLimit}` : null
  const negative = account.balance?.startsWith('-')
  return tile(
    accountNames[account.account] ?? words(account.account),
    money(account.balance),
    credit,
    negative ? 'warn' : '',
  )
}

function limitsView(limits) {
  const used = Number(limits.usedToday)
  const max = Number(limits.dailyMax)
  const percent = max > 0 ? Math.min(100, Math.round((used / max) * 100)) : 0
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'meter-line' },
      h(
        'span',
        {},
        `${money(limits.usedToday)} of ${money(limits.dailyMax)} used on ${limits.date}`,
      ),
      h('span', { class: 'muted' }, `${percent} %`),
    ),
    h('meter', {
      class: 'meter',
      min: 0,
      max,
      value: used,
      high: max * 0.8,
      optimum: 0,
      'aria-label': 'Daily outgoing limit used',
    }),
    facts(
      [
        ['Left today', money(limits.leftToday)],
        ['Micro-payment line', money(limits.microPaymentMax)],
        ['One wallet payment', money(limits.walletPaymentMax)],
        ['Wallet may hold', money(limits.walletHeldMax)],
        ['One card payment', money(limits.bankPaymentMax)],
        ['Wrong PINs before a lock', String(limits.pinAttemptsMax)],
      ],
      'limits',
    ),
    h(
      'p',
      { class: 'hint' },
      'Below the micro-payment line the SIM authorizes a payment; above it, the PIN.',
    ),
  )
}

function showSubscriber(subscriber) {
  document.querySelector('[data-name]').textContent = subscriber.name
  const lock = document.querySelector('[data-lock]')
  clear(lock)
  lock.append(
    subscriber.locked
      ? h('span', { class: 'pill bad' }, `PIN locked until ${formatTime(subscriber.lockedUntil)}`)
      : h('span', { class: 'pill ok' }, 'PIN not locked'),
    ' ',
    h('span', { class: 'pill' }, subscriber.language === 'zh' ? '中文' : 'English'),
  )
  unlock.hidden = !subscriber.locked
  const accounts = document.querySelector('[data-accounts]')
  clear(accounts)
  accounts.append(...subscriber.accounts.map(accountTile))
  if (subscriber.pendingPaymentId !== null) {
    accounts.append(
      tile(
        'Waiting for the subscriber',
        h(
          'a',
          { href: `/console/payments/${subscriber.pendingPaymentId}` },
          subscriber.pendingPaymentId,
        ),
        'a payment asks for YES or the PIN',
        'warn',
      ),
    )
  }
  const limits = document.querySelector('[data-limits]')
  clear(limits)
  limits.append(limitsView(subscriber.limits))
  const card = subscriber.accounts.find((account) => account.account === 'bank')
  document.querySelector('[data-card] button[type="submit"]').textContent =
    card === undefined ? 'Bind card' : 'Replace card'
}

async function loadSubscriber() {
  try {
    showSubscriber(await getJson(base))
    return true
  } catch (error) {
    showError(notice, error)
    return false
  }
}

/** A form that sends its fields to the admin API and shows the answer beside it. */
function wireForm(form, send) {
  const formNotice = form.querySelector('[role="alert"]')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    clearNotice(formNotice)
    const button = form.querySelector('button[type="submit"]')
    button.disabled = true
    try {
      const done = await send(form.elements)
      showOk(formNotice, done)
      form.reset()
      await loadSubscriber()
      await loadHistory(true)
    } catch (error) {
      showError(formNotice, error)
    } finally {
      button.disabled = false
    }
  })
}

wireForm(document.querySelector('[data-topup]'), async (fields) => {
  const answer = await sendJson(
    'POST',
    `${base}/top-ups`,
    { account: fields.account.value, amount: fields.amount.value.trim() },
    { idempotencyKey: newKey('console-top-up') },
  )
  return `Credited ${money(answer.amount)} to the ${words(answer.account)}: balance ${money(answer.balance)}, ref ${answer.reference}.`
})

wireForm(document.querySelector('[data-card]'), async (fields) => {
  const bankBalance = fields.bankBalance.value.trim()
  await sendJson('PUT', `${base}/card`, {
    bank: fields.bank.value.trim(),
    last4: fields.last4.value.trim(),
    ...(bankBalance === '' ? {} : { bankBalance }),
  })
  return `Card ${fields.bank.value.trim()} ···· ${fields.last4.value.trim()} is bound.`
})

unlock.addEventListener('click', async () => {
  clearNotice(notice)
  unlock.disabled = true
  try {
    await sendJson('POST', `${base}/unlock`, undefined, {
      idempotencyKey: newKey('console-unlock'),
    })
    showOk(notice, 'The PIN lock was lifted; the PIN is unchanged.')
    await loadSubscriber()
  } catch (error) {
    showError(notice, error)
  } finally {
    unlock.disabled = false
  }
})

const history = document.querySelector('[data-history]')
const more = document.querySelector('[data-history-more]')
let nextBefore = null
let shown = []

async function loadHistory(fromStart) {
  try {
    const before = fromStart ? '' : `&before=${encodeURIComponent(nextBefore)}`
    const page = await getJson(
      `/admin/api/transactions?msisdn=${encodeURIComponent(msisdn)}&limit=20${before}`,
    )
    shown = fromStart ? page.transactions : [...shown, ...page.transactions]
    nextBefore = page.nextBefore
    clear(history)
    history.append(paymentsTable(shown, { msisdn, empty: 'No payment on any channel yet.' }))
    more.hidden = nextBefore === null
  } catch (error) {
    showError(notice, error)
  }
}
more.addEventListener('click', () => loadHistory(false))

async function loadMessages() {
  const box = document.querySelector('[data-messages]')
  try {
    const { messages } = await getJson(
      `/admin/api/messages?msisdn=${encodeURIComponent(msisdn)}&limit=20`,
    )
    clear(box)
    box.append(
      h('div', { class: 'table-wrap' }, messagesTable(messages, 'No SMS to or from this number.')),
    )
  } catch (error) {
    clear(box)
    const line = h('p', { class: 'alert', role: 'alert' })
    box.append(line)
    showError(line, error)
  }
}

if (await loadSubscriber()) await Promise.all([loadHistory(true), loadMessages()])
