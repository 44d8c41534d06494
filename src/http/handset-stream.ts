/**
 * handset-stream.ts - GET /handset/api/events?msisdn=: a web handset's live stream, as
 * Server-Sent Events. On opening it sends the number's newest messages from the message log
 * (after the `Last-Event-ID` the browser sends on a reconnect, so nothing is missed across a
 * drop; at most backlogMessagesMax), then every message of that number as the hub publishes it:
 * `event: sms` with the message as JSON and its seq as the event id, and `event: sms_state`
 * (no id) when a message moved on. A comment line every heartbeatMs keeps proxies from closing a
 * quiet stream. Bounded: streamsMax streams (streamsPerMsisdnMax per number) are open at once, a
 * further one is answered 503; a client that stops reading gets at most streamBufferEventsMax
 * events queued, then its stream is closed and its reconnect resumes from the log. The gateway's
 * stop closes every stream first (`closeAll`), as a stream never ends by itself.
 * Exports handsetStream, HandsetStream, HandsetStreamDeps.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { normalizeMsisdn } from '../core/index.js'
import type {
  HandsetEvent,
  HandsetHub,
  HandsetLimits,
  LoggedSms,
} from '../gateway/handset/index.js'
import { smsJson } from '../gateway/handset/index.js'
import { sendError } from '../gateway/http/json.js'

export interface HandsetStreamDeps {
  readonly hub: HandsetHub
  /** The log's read of a number's newest messages after a seq, oldest first. */
  readonly messages: { since(msisdn: string, afterSeq: number, limit: number): LoggedSms[] }
  readonly limits: HandsetLimits
}

export interface HandsetStream {
  readonly router: Router
  /** Ends every open stream (the gateway's stop: new requests are refused by then). */
  closeAll(): void
}

/** How long a browser waits before it reconnects a dropped stream (the SSE `retry` field). */
const reconnectMs = 2_000

export function handsetStream(deps: HandsetStreamDeps): HandsetStream {
  const router = express.Router()
  const open = new Set<() => void>()

  router.get('/handset/api/events', (request: Request, response: Response) => {
    const raw = request.query['msisdn']
    const msisdn = typeof raw === 'string' ? normalizeMsisdn(raw) : null
    if (msisdn === null)
      return sendError(response, 400, 'msisdn_invalid', 'msisdn is a mobile number in E.164')
    const lastId = request.header('last-event-id')
    const afterSeq = lastId !== undefined && /^\d{1,15}$/.test(lastId) ? Number(lastId) : 0
    let end: () => void = () => undefined
    const queue: string[] = []
    const send = (chunk: string): void => {
      if (response.writableNeedDrain || queue.length > 0) {
        queue.push(chunk)
        // A client that stopped reading: it resumes from the log when it comes back.
        if (queue.length > deps.limits.streamBufferEventsMax) end()
        return
      }
      response.write(chunk)
    }
    // A page that can show a network-initiated USSD dialogue says so; others get the prompt by SMS.
    const ussdPush = request.query['ussd_push'] === '1'
    const unsubscribe = deps.hub.subscribe(msisdn, (event) => send(frameOf(event)), { ussdPush })
    if (unsubscribe === null) {
      response.setHeader('retry-after', String(reconnectMs / 1_000))
      return sendError(response, 503, 'streams_full', 'too many handset streams are open')
    }
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), deps.limits.heartbeatMs)
    heartbeat.unref()
    end = () => {
      if (!open.delete(end)) return
      clearInterval(heartbeat)
      unsubscribe()
      response.end()
    }
    open.add(end)
    response.on('close', end)
    response.on('drain', () => {
      while (queue.length > 0 && !response.writableNeedDrain) response.write(queue.shift() ?? '')
    })
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Proxies that buffer (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    })
    send(`retry: ${reconnectMs}\n\n`)
    // Subscribed and read in one turn of the event loop: no message falls between the two.
    for (const message of deps.messages.since(msisdn, afterSeq, deps.limits.backlogMessagesMax))
      send(frameOf({ kind: 'sms', message }))
  })

  return {
    router,
    closeAll() {
      for (const end of [...open]) end()
    },
  }
}

/**
 * One event on the wire: a message with its seq as id, a state change and a command without one
 * (a command is not in the log: a stream that reconnects does not get it again).
 */
function frameOf(event: HandsetEvent): string {
  if (event.kind !== 'sms' && event.kind !== 'sms_state')
    return `event: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`
  const data = JSON.stringify(smsJson(event.message))
  if (event.kind === 'sms_state') return `event: sms_state\ndata: ${data}\n\n`
  return `id: ${event.message.seq}\nevent: sms\ndata: ${data}\n\n`
}
