/**
 * stoppable-server.ts - the gateway's HTTP server with a graceful stop that cuts no request.
 *
 * Once `stopAccepting()` is called, a request that arrives is refused with 503 system_busy,
 * `Connection: close` and `Retry-After`: it runs nothing. The listener stays open meanwhile, on
 * purpose: closing it would reset the connections the kernel accepted that the (busy) event loop
 * has not taken yet, and their requests were sent before the stop. `answered()` resolves once
 * every request taken before the stop was answered and every connection opened before it has
 * brought its first request (closing it as idle would cut that request). `close()` then closes
 * the listener and the connections left. Exports startStoppableServer, StoppableServer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { InFlight, within } from '../gateway/in-flight.js'

export interface StoppableServer {
  readonly address: AddressInfo
  /** New requests are refused (503) from now on; the ones under way go on. */
  stopAccepting(): void
  /** Resolves once what was taken before stopAccepting() is answered. */
  answered(): Promise<void>
  /** Requests under way (for the stop's log). */
  readonly underWay: number
  /** Closes the listener and every connection still open. */
  close(): Promise<void>
}

/** How long a refused client should wait before it tries again (a restart takes a few seconds). */
const retryAfterS = 5

export async function startStoppableServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  port: number,
  host: string,
  closeGraceMs: number,
): Promise<StoppableServer> {
  const requests = new InFlight()
  const opening = new InFlight()
  const firstRequestOf = new WeakMap<Socket, () => void>()
  let stopping = false

  const server = createServer((request, response) => {
    firstRequestOf.get(request.socket)?.()
    if (stopping) {
      response.writeHead(503, {
        'content-type': 'application/json',
        connection: 'close',
        'retry-after': String(retryAfterS),
      })
      response.end(
        JSON.stringify({
          error: 'system_busy',
          message: 'telepay is stopping; try again in a few seconds',
        }),
      )
      return
    }
    requests.enter()
    response.once('close', () => requests.leave())
    handler(request, response)
  })
  server.on('connection', (socket: Socket) => {
    opening.enter()
    let waiting = true
    const first = (): void => {
      if (!waiting) return
      waiting = false
      opening.leave()
    }
    firstRequestOf.set(socket, first)
    socket.once('close', first)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    address: server.address() as AddressInfo,
    stopAccepting() {
      // Idle connections are not closed here: Node counts a connection whose first request is
      // still on its way as idle. Their next request is refused, and close() ends them.
      stopping = true
    },
    async answered() {
      await opening.idle()
      await requests.idle()
    },
    get underWay() {
      return requests.size
    },
    async close() {
      // Answers already written still have to reach their clients: idle connections close now,
      // the others end by themselves (a refusal says Connection: close) before any is cut.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      if (!(await within(closed, closeGraceMs))) server.closeAllConnections()
      await closed
    },
  }
}
