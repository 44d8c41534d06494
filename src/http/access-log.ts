/**
 * access-log.ts - one log line per HTTP request, when its answer has gone (or the client gave up):
 * method, path, status, duration and the request's id. It wraps the server's whole handler, not
 * an express middleware, because the USSD callback is answered before express sees it. The id is
 * the caller's X-Request-Id when it is a sane token, else a new UUID; it is sent back in the
 * answer's X-Request-Id and is in scope (correlation.ts) while the request is handled.
 *
 * The path is logged without its query (a WAP token, an IVR caller's number could be in it) and
 * with MSISDNs in it masked (/admin/api/subscribers/86*******8000). Health checks and metric
 * scrapes, polled every few seconds, are logged at debug.
 * Exports requestIdLengthMax, RequestHandler, requestIdOf, pathForLog, withAccessLog.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { maskMsisdn } from '../core/index.js'
import { inRequestScope } from '../service/correlation.js'
import type { Logger } from '../service/log.js'

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void

/**
 * Longest X-Request-Id taken from a caller: a UUID, a ULID or a tracing id fits; a longer one is
 * replaced by a new id rather than cut, as a cut id would match no line of the caller's.
 */
export const requestIdLengthMax = 128
const requestIdPattern = new RegExp(`^[A-Za-z0-9._:/+=@-]{1,${requestIdLengthMax}}$`)

/** Paths polled by supervisors and scrapers: logged at debug, so they do not bury the rest. */
const quietPaths: ReadonlySet<string> = new Set(['/healthz', '/metrics'])

/** The caller's id when it is one token of safe characters, else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header
  return given !== undefined && requestIdPattern.test(given) ? given : randomUUID()
}

/** The path of a request target as logged: no query, MSISDN-like digit runs masked. */
export function pathForLog(target: string): string {
  const queryAt = target.search(/[?#]/)
  const path = queryAt === -1 ? target : target.slice(0, queryAt)
  return path.replace(/\d{8,15}/g, (digits) => maskMsisdn(digits))
}

export function withAccessLog(log: Logger, handle: RequestHandler): RequestHandler {
  return (request, response) => {
    const startedMs = performance.now()
    // Read now: express rewrites request.url while a mounted router handles the request.
    const target = request.url ?? '/'
    const requestId = requestIdOf(request.headers['x-request-id'])
    response.setHeader('x-request-id', requestId)
    let logged = false
    const logOnce = (): void => {
      if (logged) return
      logged = true
      const path = pathForLog(target)
      const fields = {
        method: request.method,
        path,
        status: response.statusCode,
        // Closed before the whole answer was written: the client went away, or the stop cut it.
        aborted: response.writableFinished ? undefined : true,
        durationMs: Math.round((performance.now() - startedMs) * 10) / 10,
        remote: request.socket.remoteAddress,
        correlationId: requestId,
      }
      if (quietPaths.has(path)) log.debug('http request', fields)
      else log.info('http request', fields)
    }
    response.once('finish', logOnce)
    response.once('close', logOnce)
    inRequestScope(requestId, () => handle(request, response))
  }
}
