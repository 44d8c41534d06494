/**
 * admin-overview.ts - the admin API's live view for the operator console: GET /overview (one
 * snapshot: overview/monitor.ts), GET /overview/stream (the same as Server-Sent Events, one a
 * second, one snapshot shared by every open stream), and the SMSC simulator's binds (GET
 * /smpp/binds, DELETE /smpp/binds/:id unbinds one). Mounted behind the admin token or a console
 * session. Exports overviewRoutes, OverviewRoutes, overviewStreamLimits.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { sendError } from '../gateway/http/json.js'
import { adminAuth, consoleSessionLocal } from './admin-api.js'
import type { GatewayContext } from './context.js'
import type { Overview } from './overview/monitor.js'

export const overviewStreamLimits = {
  /** Snapshots a second: the "updates at least once a second". */
  intervalMs: 1_000,
  /**
   * Streams open at once. A console tab holds one; an operator's team has a few; past this a
   * script opening streams in a loop is refused (503) instead of growing the snapshot's fan-out.
   */
  streamsMax: 20,
  /** Snapshots queued for a stream that stopped reading before it is cut (it reconnects). */
  queuedMax: 5,
} as const

export interface OverviewRoutes {
  readonly router: Router
  closeAll(): void
}

export function overviewRoutes(context: GatewayContext): OverviewRoutes {
  const router = express.Router()
  // Only these paths: the router is mounted at /admin/api beside the rest of the admin API.
  router.use(['/overview', '/smpp'], adminAuth(context))
  const monitor = context.overview
  /** Each open stream's sender, by its ender; with the console session it lives on, if any. */
  const streams = new Map<() => void, { send: (frame: string) => void; session: string | null }>()
  let timer: NodeJS.Timeout | null = null
  let ticking = false

  // One snapshot a second for every stream: ten open consoles cost what one does.
  const tick = (): void => {
    // Streams whose console session ended go first, whether or not a snapshot can be taken.
    for (const [end, { session }] of streams)
      if (session !== null && !context.consoleSessions.isLive(session)) end()
    if (ticking || streams.size === 0) return
    ticking = true
    monitor
      .snapshot()
      .then((overview: Overview) => {
        const frame = `event: overview\ndata: ${JSON.stringify(overview)}\n\n`
        // A logged-out or idle session's stream has ended above; the page's reconnection is
        // refused (401), which sends the operator to the log-in form.
        for (const { send } of streams.values()) send(frame)
      })
      .catch((error: unknown) =>
        context.log.warn('overview snapshot failed', { error: String(error) }),
      )
      .finally(() => {
        ticking = false
      })
  }

  router.get('/overview', async (_request: Request, response: Response) => {
    response.json(await monitor.snapshot())
  })

  router.get('/overview/stream', (request: Request, response: Response) => {
    if (streams.size >= overviewStreamLimits.streamsMax) {
      response.setHeader('retry-after', '5')
      return sendError(response, 503, 'streams_full', 'too many overview streams are open')
    }
    let queued = 0
    const send = (frame: string): void => {
      if (response.writableNeedDrain) {
        queued += 1
        if (queued > overviewStreamLimits.queuedMax) end()
        return
      }
      queued = 0
      response.write(frame)
    }
    const end = (): void => {
      if (!streams.delete(end)) return
      response.end()
      if (streams.size === 0 && timer !== null) {
        clearInterval(timer)
        timer = null
      }
    }
    const session = response.locals[consoleSessionLocal]
    streams.set(end, { send, session: typeof session === 'string' ? session : null })
    request.on('close', end)
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    response.write('retry: 2000\n\n')
    if (timer === null) {
      timer = setInterval(tick, overviewStreamLimits.intervalMs)
      timer.unref()
    }
    tick()
  })

  router.get('/smpp/binds', (_request: Request, response: Response) => {
    response.json({ mode: context.smpp?.mode ?? 'none', binds: context.smpp?.binds() ?? [] })
  })

  router.delete('/smpp/binds/:id', async (request: Request, response: Response) => {
    const id = Number(request.params['id'])
    if (!Number.isSafeInteger(id) || id < 0)
      return sendError(response, 400, 'bind_id_invalid', 'a bind id is a whole number')
    const unbound = (await context.smpp?.unbind(id)) ?? false
    if (!unbound) return sendError(response, 404, 'bind_not_found', `no bind ${id}`)
    context.log.info('smpp bind ended by the operator', { bind: id })
    response.json({ id, unbound: true })
  })

  return {
    router,
    closeAll() {
      for (const end of [...streams.keys()]) end()
    },
  }
}
