/**
 * tap.js - the Tap app: the phone's RFID-SIM at a gate or a shop's till (the seeds' on-site
 * payment). It shows the card's e-purse, lets the person pick one of the simulator's terminals
 * (a till asks for the amount), and taps: the terminal pays offline from the purse over the real
 * APDU sequence (POST /sim/terminals/:name/taps) and the screen shows its receipt, or why it
 * refused. A recording gets the `tap` step, then `expect_http` with what the terminal answered
 * and `expect_card` with the purse after it. The last choice is the shop counter, online: the
 * phone presented at terminal POS10012, the amount, the account and the PIN on its PIN pad, paid
 * over ISO 8583 (POST /sim/pos/purchases); a recording gets `pos` and `expect_pos`.
 */
import { clear, h } from '../lib/dom.js'
import { onLanguage, t } from '../lib/i18n.js'
import { wireJson } from '../lib/wire.js'

let terminalsPromise = null
function loadTerminals() {
  terminalsPromise ??= fetch('/sim/terminals')
    .then((response) => response.json())
    .then((answer) => answer.terminals ?? [])
    .catch(() => {
      terminalsPromise = null
      return []
    })
  return terminalsPromise
}

let counterPromise = null
function loadCounter() {
  counterPromise ??= fetch('/sim/pos/counter')
    .then((response) => (response.ok ? response.json() : null))
    .catch(() => {
      counterPromise = null
      return null
    })
  return counterPromise
}

/** The counter's entry in the terminal list: a name no offline terminal has. */
const counterValue = 'counter'

function fareWords(fare) {
  if (fare.kind === 'flat') return `${t('tap_flat')} CNY ${(fare.fareFen / 100).toFixed(2)}`
  if (fare.kind === 'entry') return t('tap_entry')
  if (fare.kind === 'exit') return t('tap_exit')
  return t('tap_till')
}

export function createTap(phone) {
  let terminals = []
  const purse = h('p', { class: 'tap-purse', 'aria-live': 'polite' })
  const pick = h('select', {
    class: 'tap-terminal',
    'aria-label': t('tap_terminal'),
    'data-l-aria': 'tap_terminal',
  })
  const amount = h('input', {
    class: 'tap-amount',
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    placeholder: '12.50',
    'aria-label': t('tap_amount'),
    'data-l-aria': 'tap_amount',
  })
  const amountRow = h(
    'label',
    { class: 'tap-amount-row' },
    h('span', { 'data-l': 'tap_amount' }, t('tap_amount')),
    amount,
  )
  const button = h(
    'button',
    { type: 'submit', class: 'primary tap-button', 'data-l': 'tap_button' },
    t('tap_button'),
  )
  const account = h('select', { class: 'tap-account' })
  const accountRow = h(
    'label',
    { class: 'tap-row tap-account-row' },
    h('span', { 'data-l': 'tap_account' }, t('tap_account')),
    account,
  )
  const pin = h('input', {
    class: 'tap-pin',
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'off',
    maxlength: '6',
  })
  const pinRow = h(
    'label',
    { class: 'tap-row tap-pin-row' },
    h('span', { 'data-l': 'tap_pin' }, t('tap_pin')),
    pin,
  )
  const form = h('form', { class: 'tap-form' }, pick, amountRow, accountRow, pinRow, button)
  let counter = null
  const result = h('div', { class: 'tap-result', role: 'status', 'aria-live': 'polite' })
  /** Lines of the result; a line left out (null) is not shown (append would print "null"). */
  const show = (...lines) => result.append(...lines.filter((line) => line !== null))
  const element = h(
    'div',
    {},
    h(
      'div',
      { class: 'scroll' },
      h('p', { class: 'hint', 'data-l': 'tap_hint' }, t('tap_hint')),
      purse,
      form,
      result,
    ),
  )

  function chosen() {
    return terminals.find((terminal) => terminal.name === pick.value) ?? null
  }

  function showAmount() {
    const atCounter = pick.value === counterValue
    amountRow.hidden = !atCounter && chosen()?.fare.kind !== 'till'
    accountRow.hidden = !atCounter
    pinRow.hidden = !atCounter
    const label = atCounter ? 'tap_counter_button' : 'tap_button'
    button.dataset.l = label
    button.textContent = t(label)
  }

  function fillAccounts() {
    const current = account.value
    clear(account)
    account.append(h('option', { value: '' }, t('tap_account_default')))
    for (const kind of counter?.accounts ?? [])
      account.append(h('option', { value: kind }, t(`tap_account_${kind}`)))
    account.value = current
  }

  async function refreshPurse() {
    if (phone.msisdn === '') {
      purse.textContent = ''
      return null
    }
    const answer = await fetch(`/sim/cards/${encodeURIComponent(phone.msisdn)}`)
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null)
    purse.textContent =
      answer === null
        ? t('tap_no_card')
        : `${t('tap_purse')} CNY ${answer.balance} · ${t('tap_card')} ${answer.cardNumber}`
    return answer
  }

  async function fillTerminals() {
    terminals = await loadTerminals()
    const current = pick.value
    clear(pick)
    for (const terminal of terminals)
      pick.append(
        h('option', { value: terminal.name }, `${terminal.name} · ${fareWords(terminal.fare)}`),
      )
    counter = await loadCounter()
    if (counter !== null)
      pick.append(h('option', { value: counterValue }, `${counter.terminal} · ${t('tap_counter')}`))
    fillAccounts()
    if (current !== '') pick.value = current
    showAmount()
  }

  /** The phone presented at the shop counter: an online purchase over ISO 8583 with the PIN. */
  async function payAtCounter() {
    const body = { msisdn: phone.msisdn, amount: amount.value.trim(), pin: pin.value }
    if (account.value !== '') body.account = account.value
    const answer = await wireJson(phone, 'pos', '/sim/pos/purchases', 'POST', body, {
      ...body,
      pin: '****',
    })
    pin.value = ''
    if (answer.status !== 200) {
      show(
        h('p', { class: 'tap-refused' }, t('tap_refused')),
        h('p', {}, answer.status === 503 ? t('tap_counter_down') : (answer.json?.message ?? '')),
      )
      return
    }
    const paid = answer.json
    phone.step('pos', {
      terminal: paid.terminal,
      mti: '0200',
      msisdn: body.msisdn,
      pin: body.pin,
      fields: paid.sent,
    })
    phone.step('expect_pos', { field39: paid.code })
    show(
      paid.approved
        ? h('p', { class: 'tap-paid' }, `${t('tap_approved')} CNY ${body.amount}`)
        : h('p', { class: 'tap-refused' }, t('tap_declined')),
      h('p', {}, `${paid.terminal} · ${paid.code} ${paid.meaning}`),
      paid.reference === null
        ? null
        : h(
            'p',
            { class: 'muted' },
            `${t('tap_counter_receipt')} ${paid.reference} · STAN ${paid.stan}`,
          ),
    )
    result.scrollIntoView({ block: 'nearest' })
  }

  pick.addEventListener('change', showAmount)
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (pick.value === counterValue) {
      if (phone.msisdn === '') return
      button.disabled = true
      clear(result)
      try {
        await payAtCounter()
      } catch (error) {
        show(h('p', { class: 'tap-refused' }, String(error)))
      } finally {
        button.disabled = false
      }
      return
    }
    const terminal = chosen()
    if (terminal === null || phone.msisdn === '') return
    const args = { msisdn: phone.msisdn, terminal: terminal.name }
    if (terminal.fare.kind === 'till') args.amount = amount.value.trim()
    button.disabled = true
    clear(result)
    try {
      phone.step('tap', args)
      const body = { msisdn: args.msisdn, ...(args.amount ? { amount: args.amount } : {}) }
      const answer = await wireJson(
        phone,
        'onsite',
        `/sim/terminals/${encodeURIComponent(terminal.name)}/taps`,
        'POST',
        body,
      )
      if (answer.status === 200) {
        const receipt = answer.json.receipt
        phone.step('expect_http', { status: 200 })
        show(
          h('p', { class: 'tap-paid' }, `${t('tap_paid')} CNY ${receipt.amount}`),
          h('p', {}, `${terminal.name} · ${t('tap_balance_after')} CNY ${receipt.balanceAfter}`),
          h('p', { class: 'muted' }, `TAC ${receipt.tac} · #${receipt.terminalSerial}`),
          answer.json.recovered ? h('p', { class: 'muted' }, t('tap_recovered')) : null,
        )
      } else {
        const error = answer.json?.error ?? `http_${answer.status}`
        phone.step('expect_http', { status: answer.status, json: { error } })
        show(
          h('p', { class: 'tap-refused' }, t('tap_refused')),
          // The terminal's reason in the phone's language; the gateway's words for another.
          h(
            'p',
            {},
            t(`tap_why_${error}`) === `tap_why_${error}`
              ? (answer.json?.message ?? error)
              : t(`tap_why_${error}`),
          ),
        )
      }
      const after = await refreshPurse()
      if (after !== null)
        phone.step('expect_card', { msisdn: phone.msisdn, balance: after.balance })
    } catch (error) {
      show(h('p', { class: 'tap-refused' }, String(error)))
    } finally {
      button.disabled = false
    }
  })

  onLanguage(() => {
    void fillTerminals()
    void refreshPurse()
  })

  return {
    element,
    key() {},
    call() {
      form.requestSubmit()
    },
    clear() {
      amount.value = ''
      pin.value = ''
    },
    end() {
      clear(result)
    },
    reset() {
      clear(result)
      void refreshPurse()
    },
    shown() {
      void fillTerminals()
      void refreshPurse()
    },
  }
}
