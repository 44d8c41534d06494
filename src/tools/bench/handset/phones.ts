/**
 * phones.ts - the two kinds of phone the handset benchmark drives, each a loop of a person: send
 * BAL, wait for the reply, think, again. A web handset sends its MO as the page does (POST
 * /sim/mo) and reads the reply from its live stream (Server-Sent Events, as the browser's
 * EventSource would); an SMPP phone is what `telepay sms` is, an ESME bind of its own sending
 * submit_sm and reading deliver_sm. Each measures from the send to the reply in its hands.
 * Exports BenchPhone, openWebHandset, openSmppPhone.
 */
import { performance } from 'node:perf_hooks'
import { PhoneEsme } from '../../phones/phone-esme.js'

/** How long a phone waits for a reply before it counts the MO as lost. */
const replyTimeoutMs = 10_000

export interface BenchPhone {
  /** One MO and its reply: the milliseconds between, or null when no reply came in time. */
  roundTrip(): Promise<number | null>
  close(): Promise<void>
}

/** A web handset on `url`: its stream opened (and the backlog read) before it resolves. */
export async function openWebHandset(url: string, msisdn: string): Promise<BenchPhone> {
  const controller = new AbortController()
  const response = await fetch(`${url}/handset/api/events?msisdn=${msisdn}`, {
    signal: controller.signal,
  })
  if (response.status !== 200 || response.body === null)
    throw new Error(`the handset stream of ${msisdn} answered ${response.status}`)
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let waiting: ((atMs: number) => void) | null = null
  let buffer = ''
  const pump = async (): Promise<void> => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }))
      if (chunk.done) return
      buffer += decoder.decode(chunk.value, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
        // The reply: an MT recorded for this number (not its own MO, a state change or a command).
        if (frame.includes('event: sms\n') && frame.includes('"direction":"mt"')) {
          const wake = waiting
          waiting = null
          wake?.(performance.now())
        }
      }
    }
  }
  void pump()
  return {
    async roundTrip() {
      const reply = new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          waiting = null
          resolve(null)
        }, replyTimeoutMs)
        waiting = (atMs) => {
          clearTimeout(timer)
          resolve(atMs)
        }
      })
      const sentMs = performance.now()
      const sent = await fetch(`${url}/sim/mo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: msisdn, text: 'BAL' }),
      })
      await sent.arrayBuffer()
      if (sent.status !== 202) return null
      const repliedMs = await reply
      return repliedMs === null ? null : repliedMs - sentMs
    },
    async close() {
      controller.abort()
      await reader.cancel().catch(() => undefined)
    },
  }
}

/** An SMPP phone bound to the gateway's SMSC simulator, as `telepay sms` binds. */
export async function openSmppPhone(
  smpp: { readonly host: string; readonly port: number },
  account: { readonly systemId: string; readonly password: string },
  msisdn: string,
): Promise<BenchPhone> {
  const esme = new PhoneEsme({ host: smpp.host, port: smpp.port, ...account })
  const refused = await esme.bind()
  if (refused !== null) throw new Error(`an SMPP phone could not bind: ${refused}`)
  return {
    async roundTrip() {
      const sentMs = performance.now()
      const sent = await esme.send(msisdn, 'BAL')
      if (!sent.ok) return null
      const mt = await esme.next(msisdn, replyTimeoutMs)
      return mt === null ? null : performance.now() - sentMs
    },
    close: () => esme.close(),
  }
}
