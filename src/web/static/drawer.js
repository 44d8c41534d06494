/**
 * drawer.js - the developer drawer: what went over the wire for the phones on the page, live.
 * Each wire event is drawn by the renderer of its kind: `http` (a USSD, IVR or WAP request and
 * its answer, as the page sent and read them), `sms` and `sms_state` (the gateway's stream: each
 * MO and MT with its coding and parts), `pdu` (the SMSC's SMPP requests for this number,
 * decoded), `command` (what the channel made of the input, the core's answer, and the payment's
 * trail whose step 7 is the ledger transfer) and `ussd_push` (a prompt the network pushed). A
 * kind the gateway adds later is one more entry in `renderers`; until it has one it is shown as
 * its JSON. PINs are masked before anything reaches here.
 */
import { on } from './lib/bus.js'
import { clear, h } from './lib/dom.js'
import { t } from './lib/i18n.js'
import { maskSmsText } from './lib/mask.js'

/** Entries kept: enough for a long session, bounded so a page left open stays light. */
const entriesMax = 300

const codings = { gsm7: 'GSM-7', ucs2: 'UCS-2', latin1: 'Latin-1', binary: '8-bit' }

/** JSON indented, so an IVR answer reads as its fields; any other text as it came. */
function readable(text) {
  if (!/^\s*[{[]/.test(text)) return text
  try {
    return JSON.stringify(JSON.parse(text), null, 1)
  } catch {
    return text
  }
}

function time() {
  return new Date().toLocaleTimeString([], { hour12: false })
}

function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}` }, text)
}

function smsSummary(message) {
  return h(
    'span',
    { class: 'sms-meta' },
    `${codings[message.coding] ?? message.coding} · ${t('parts')}: ${message.parts}`,
  )
}

const renderers = {
  http(event) {
    // A WAP page is shown by the path the handset asked for, without the proxy's prefix.
    const path = event.url
      .replace(/^https?:\/\/[^/]+/, '')
      .replace(/^\/handset\/wap\/(\w+)\/[^/]+\//, '/wap/')
    return {
      badge: badge(event.channel.toUpperCase(), event.channel),
      title: `${event.method} ${path} → ${event.status}`,
      body: [
        event.request ? h('pre', { class: 'wire-out' }, readable(event.request)) : null,
        h('pre', { class: 'wire-in' }, readable(event.answer)),
      ],
      note: `${event.ms} ms`,
    }
  },
  command(event) {
    const data = event.message
    const command = data.command ?? {}
    const fields = Object.entries(command)
      .filter(([name]) => name !== 'kind')
      .map(
        ([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : value}`,
      )
    const steps = data.trail?.steps ?? []
    // Step 7 moves the money: the transfer, what the payee got and the fee legs.
    const transfer = steps.find((step) => step.step === 7)
    return {
      badge: badge('CORE', 'core'),
      title: `${command.kind} → ${data.result}`,
      body: [
        h('pre', { class: 'wire-out' }, [`channel: ${data.channel}`, ...fields].join('\n')),
        h('pre', { class: 'wire-in' }, data.reply),
        transfer
          ? h('pre', { class: 'wire-in ledger' }, `${t('ledger')}: ${transfer.detail}`)
          : null,
        data.trail
          ? h(
              'p',
              { class: 'sms-meta' },
              `${data.trail.payment.id} · ${data.trail.payment.state} · ` +
                `${t('trail_steps')}: ${steps.map((step) => step.step).join(' ')}`,
            )
          : null,
      ],
      note: data.reference ?? '',
    }
  },
  pdu(event) {
    const data = event.message
    const fields = Object.entries(data.fields ?? {}).map(([name, value]) => `${name}: ${value}`)
    return {
      badge: badge('SMPP', 'smpp'),
      title: `${data.command} #${data.sequence ?? '?'} ${data.direction}`,
      body: [
        h(
          'pre',
          { class: data.direction.endsWith('SMSC') ? 'wire-out' : 'wire-in' },
          fields.join('\n'),
        ),
      ],
      note: data.status + (data.messageId ? ` · ${data.messageId}` : ''),
    }
  },
  ussd_push(event) {
    const data = event.message
    return {
      badge: badge('USSD', 'ussd'),
      title: `${t('ussd_pushed')} · ${data.serviceCode}`,
      body: [h('pre', { class: 'wire-in' }, `${data.type} ${data.text}`)],
      note: data.sessionId,
    }
  },
  sms(event) {
    const message = event.message
    const mo = message.direction === 'mo'
    const text = mo ? maskSmsText(message.text) : message.text
    return {
      key: `sms-${message.seq}`,
      badge: badge(mo ? 'SMS MO' : 'SMS MT', 'sms'),
      title: mo ? `${message.msisdn} → ${message.party}` : `${message.party} → ${message.msisdn}`,
      body: [h('pre', { class: mo ? 'wire-out' : 'wire-in' }, text), smsSummary(message)],
      note: message.state,
    }
  },
}

export function mountDrawer(list, emptyNote) {
  const rows = new Map()
  const add = (event) => {
    if (event.kind === 'sms_state') {
      const row = rows.get(`sms-${event.message.seq}`)
      const note = row?.querySelector('.wire-note')
      if (note) note.textContent = event.message.state
      return
    }
    const render =
      renderers[event.kind] ??
      ((other) => ({
        badge: badge(other.kind, 'other'),
        title: other.kind,
        body: [h('pre', {}, JSON.stringify(other, null, 2))],
        note: '',
      }))
    const drawn = render(event)
    if (drawn.key && rows.has(drawn.key)) return
    const row = h(
      'li',
      { class: 'wire-row' },
      h(
        'div',
        { class: 'wire-head' },
        drawn.badge,
        h('span', { class: 'wire-title' }, drawn.title),
      ),
      h(
        'div',
        { class: 'wire-sub' },
        h('span', { class: 'wire-phone' }, event.phone ?? ''),
        h('time', {}, time()),
        h('span', { class: 'wire-note' }, drawn.note),
      ),
      ...drawn.body,
    )
    if (drawn.key) {
      rows.set(drawn.key, row)
      row.dataset.key = drawn.key
    }
    list.prepend(row)
    emptyNote.hidden = true
    while (list.children.length > entriesMax) {
      const oldest = list.lastElementChild
      if (oldest.dataset.key) rows.delete(oldest.dataset.key)
      oldest.remove()
    }
  }
  on('wire', add)
  return {
    clear() {
      clear(list)
      rows.clear()
      emptyNote.hidden = false
    },
  }
}
