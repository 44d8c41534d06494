/**
 * operations.js - drives the console's Operations page through the admin API, with the
 * session's cookie and, for every change, the page's CSRF token: the bank's mode, the test
 * clock, a full ledger re-check with its progress, a day's settlement, webhooks to resend and
 * SMPP binds to end. A refusal is shown as the API words it.
 */
import { clear, h } from '../lib/dom.js'
import { formatTime, getJson, sendJson, showError, showOk } from './api.js'
import { cellTable } from './ui.js'

const $ = (selector) => document.querySelector(selector)
const notice = () => $('[data-flash]')

/** An admin API call with the session (and, for a change, the page's CSRF token). */
function api(method, path, body) {
  return method === 'GET'
    ? getJson(`/admin/api${path}`)
    : sendJson(method, `/admin/api${path}`, body)
}

/** Runs an action, showing what it did or why it was refused. */
async function act(work, done) {
  try {
    const answer = await work()
    if (done !== undefined) showOk(notice(), done(answer))
    return answer
  } catch (error) {
    showError(notice(), error)
    return null
  }
}

const time = (iso) => (iso === null ? '–' : formatTime(iso))

async function loadBank() {
  const bank = await api('GET', '/bank')
  const now = $('[data-bank-now]')
  now.textContent = bank.mode === 'slow' ? `slow (${bank.slowMs} ms)` : bank.mode
  now.className = `pill ${bank.mode === 'approve' ? 'ok' : bank.mode === 'slow' || bank.mode === 'decline' ? 'warn' : 'bad'}`
  const form = $('[data-bank-form]')
  form.mode.value = bank.mode
  form.slowMs.value = String(bank.slowMs)
}

async function loadClock() {
  const clock = await api('GET', '/clock')
  $('[data-clock-now]').textContent = formatTime(clock.now)
  const kind = $('[data-clock-kind]')
  kind.textContent = clock.clock === 'test' ? 'test clock' : 'system clock'
  $('[data-clock-form]').hidden = clock.clock !== 'test'
  $('[data-clock-note]').hidden = clock.clock === 'test'
  return clock
}

async function advance(seconds) {
  await act(
    () => api('POST', '/clock', { advanceSeconds: seconds }),
    () => `The clock moved ${seconds} s.`,
  )
  await loadClock()
}

function watchCheck(job) {
  const progress = $('[data-check-progress]')
  const state = $('[data-check-state]')
  progress.hidden = false
  const show = (current) => {
    progress.max = Math.max(current.transfersTotal ?? 1, 1)
    progress.value = current.transfersRead ?? 0
    if (current.state === 'running')
      state.textContent = `Checking: ${current.transfersRead} of ${current.transfersTotal ?? '?'} transfers read…`
    else if (current.state === 'done')
      state.textContent = current.result.balanced
        ? `Balanced: ${current.result.transfers} transfers, ${current.result.entries} entries, total ${current.result.total}.`
        : `UNBALANCED: ${current.result.unbalancedTransfers.length} transfers, ${current.result.driftedAccounts.length} accounts drifted.`
    else state.textContent = `The check failed: ${current.error}`
  }
  show(job)
  const poll = async () => {
    const current = await act(() => api('GET', `/ledger/checks/${job.id}`))
    if (current === null) return
    show(current)
    if (current.state === 'running') setTimeout(poll, 500)
    else progress.hidden = true
  }
  if (job.state === 'running') setTimeout(poll, 300)
}

async function loadSettlement(date) {
  const day = await act(() => api('GET', `/settlements?date=${encodeURIComponent(date)}`))
  $('[data-settlement-csv]').href = `/admin/api/settlements.csv?date=${encodeURIComponent(date)}`
  if (day === null) return
  const parties = cellTable(
    ['Party', 'Called', 'Fees'],
    day.parties.map((party) => [party.party, day.partyNames[party.party] ?? '', party.fees]),
    [2],
  )
  const merchants = cellTable(
    ['Merchant', 'Payments', 'Gross', 'Fees', 'Refunds', 'Net'],
    day.merchants.map((m) => [m.merchant, String(m.payments), m.gross, m.fees, m.refunds, m.net]),
    [1, 2, 3, 4, 5],
  )
  $('[data-settlement]').replaceChildren(
    h('h3', {}, `Fees by party (${day.operatingModel} model)`),
    parties,
    h('h3', {}, 'By merchant'),
    merchants,
  )
}

async function loadWebhooks() {
  const page = await act(() => api('GET', '/webhooks?limit=50'))
  if (page === null) return
  const pill = (state) =>
    h(
      'span',
      { class: `pill ${state === 'delivered' ? 'ok' : state === 'pending' ? 'warn' : 'bad'}` },
      state,
    )
  const rows = page.webhooks.map((hook) => [
    String(hook.id),
    hook.merchant ?? '',
    hook.paymentId === null
      ? ''
      : h('a', { href: `/console/payments/${hook.paymentId}` }, hook.paymentId),
    h('code', {}, hook.url ?? ''),
    pill(hook.state),
    String(hook.attempts),
    hook.lastError ?? '',
    time(hook.deliveredAt ?? hook.nextAttemptAt ?? hook.abandonedAt),
    h(
      'button',
      {
        type: 'button',
        class: 'button small',
        'data-resend': hook.id,
        'aria-label': `Resend webhook ${hook.id}`,
      },
      'Resend',
    ),
  ])
  $('[data-webhooks]').replaceChildren(
    cellTable(
      ['Id', 'Merchant', 'Payment', 'URL', 'State', 'Attempts', 'Last error', 'When', ''],
      rows,
      [5],
    ),
  )
}

async function loadBinds() {
  const binds = await act(() => api('GET', '/smpp/binds'))
  if (binds === null) return
  const rows = binds.binds.map((bind) => [
    bind.systemId,
    bind.bindType,
    bind.remote,
    time(new Date(bind.boundAtMs).toISOString()),
    `${bind.outstanding} / ${bind.windowMax}`,
    String(bind.requestsIn),
    String(bind.requestsOut),
    h(
      'button',
      {
        type: 'button',
        class: 'button small danger',
        'data-unbind': bind.id,
        'aria-label': `Unbind ${bind.systemId} ${bind.id}`,
      },
      'Unbind',
    ),
  ])
  const note =
    binds.mode === 'simulator'
      ? null
      : h(
          'p',
          { class: 'note' },
          `SMS mode: ${binds.mode}. Only the SMSC simulator's binds are listed here.`,
        )
  $('[data-binds]').replaceChildren(
    ...[
      note,
      cellTable(
        ['System id', 'Bind', 'From', 'Since', 'Window', 'Requests in', 'Requests out', ''],
        rows,
        [4, 5, 6],
      ),
    ].filter(Boolean),
  )
}

async function loadUssd() {
  const page = await act(() => api('GET', '/ussd/sessions'))
  if (page === null) return
  const rows = page.sessions.map((session) => [
    session.msisdn,
    session.provider,
    time(session.startedAt),
    time(session.activeAt),
    String(session.hops),
    session.screen,
    h(
      'button',
      {
        type: 'button',
        class: 'button small danger',
        'data-end-session': session.key,
        'aria-label': `End the session of ${session.msisdn}`,
      },
      'End',
    ),
  ])
  const shown =
    page.open > page.sessions.length
      ? h(
          'p',
          { class: 'note' },
          `${page.open} open; the ${page.sessions.length} most recently active shown.`,
        )
      : null
  $('[data-ussd]').replaceChildren(
    ...[
      shown,
      cellTable(['Phone', 'Provider', 'Started', 'Last key', 'Hops', 'Screen', ''], rows, [4]),
    ].filter(Boolean),
  )
}

async function loadCalls() {
  const page = await act(() => api('GET', '/calls/active'))
  if (page === null) return
  const rows = page.calls.map((call) => [
    call.caller,
    call.number,
    call.provider,
    time(call.startedAt),
    String(call.steps),
    h(
      'button',
      {
        type: 'button',
        class: 'button small danger',
        'data-end-call': call.callId,
        'aria-label': `End the call from ${call.caller}`,
      },
      'End',
    ),
  ])
  $('[data-calls]').replaceChildren(
    cellTable(['Caller', 'Number', 'Provider', 'Started', 'Steps', ''], rows, [4]),
  )
}

$('[data-ussd]').addEventListener('click', async (event) => {
  const key = event.target.closest('[data-end-session]')?.dataset.endSession
  if (key === undefined) return
  await act(
    () => api('DELETE', `/ussd/sessions/${encodeURIComponent(key)}`),
    () => 'The USSD session was ended.',
  )
  await loadUssd()
})
$('[data-calls]').addEventListener('click', async (event) => {
  const id = event.target.closest('[data-end-call]')?.dataset.endCall
  if (id === undefined) return
  await act(
    () => api('DELETE', `/calls/${encodeURIComponent(id)}`),
    () => 'The call was ended.',
  )
  await loadCalls()
})

$('[data-bank-form]').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = event.currentTarget
  await act(
    () => api('POST', '/bank', { mode: form.mode.value, slowMs: Number(form.slowMs.value) }),
    (bank) =>
      `The bank simulator now ${bank.mode === 'approve' ? 'approves' : `is set to ${bank.mode}`}.`,
  )
  await loadBank()
})
$('[data-clock-form]').addEventListener('submit', async (event) => {
  event.preventDefault()
  await advance(Number(event.currentTarget.advanceSeconds.value))
})
for (const button of document.querySelectorAll('[data-advance]'))
  button.addEventListener('click', () => advance(Number(button.dataset.advance)))
$('[data-check-start]').addEventListener('click', async () => {
  const job = await act(() => api('POST', '/ledger/checks'))
  if (job !== null) watchCheck(job)
})
$('[data-settlement-form]').addEventListener('submit', (event) => {
  event.preventDefault()
  loadSettlement(event.currentTarget.date.value)
})
$('[data-webhooks]').addEventListener('click', async (event) => {
  const id = event.target.closest('[data-resend]')?.dataset.resend
  if (id === undefined) return
  await act(
    () => api('POST', `/webhooks/${id}/resend`),
    () => `Webhook ${id} is due again now.`,
  )
  await loadWebhooks()
})
$('[data-binds]').addEventListener('click', async (event) => {
  const id = event.target.closest('[data-unbind]')?.dataset.unbind
  if (id === undefined) return
  await act(
    () => api('DELETE', `/smpp/binds/${id}`),
    () => `Bind ${id} was unbound.`,
  )
  setTimeout(loadBinds, 300)
})

clear($('[data-settlement]'))
const clock = await loadClock().catch(() => null)
// The settlement's day is the gateway's today in its local time (China, UTC+8).
const today = new Date((clock === null ? Date.now() : Date.parse(clock.now)) + 8 * 3_600_000)
  .toISOString()
  .slice(0, 10)
$('[data-settlement-form]').date.value = today
await Promise.all([
  loadBank(),
  loadSettlement(today),
  loadWebhooks(),
  loadBinds(),
  loadUssd(),
  loadCalls(),
])
