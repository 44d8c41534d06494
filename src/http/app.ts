/**
 * app.ts - the HTTP face of the gateway on one port: health and metrics, the admin API and the
 * OpenAPI document of the web APIs (src/http/openapi). Channels that speak HTTP (USSD, IVR, WAP,
 * the merchant API) mount their routers here too. Exports createApp.
 */
import type { NextFunction, Request, Response } from 'express'
import express from 'express'
import { sendBodyInvalid, sendError } from '../gateway/http/json.js'
import { requestErrorStatusOf } from '../gateway/http/status.js'
import { adminApi, adminAuth } from './admin-api.js'
import type { GatewayContext } from './context.js'
import { openApiDocument } from './openapi/document.js'

export function createApp(
  context: GatewayContext,
  mount: (app: express.Express) => void = () => undefined,
): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(express.json({ limit: context.operating.httpBodyBytesMax }))
  // Channel routes first: a USSD hop is the hottest request and should not walk past the others.
  mount(app)

  app.get('/healthz', async (_request: Request, response: Response) => {
    let store = 'ok'
    try {
      await context.ledger.isEmpty()
    } catch {
      store = 'unavailable'
    }
    const channels = Object.fromEntries(
      context.channels.map((channel) => [channel.name, channel.ready() ? 'ready' : 'not_ready']),
    )
    const ready = store === 'ok' && Object.values(channels).every((state) => state === 'ready')
    response.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      store,
      channels,
      commandQueueDepth: context.commits.depth,
    })
  })

  // Health stays open for load balancers and supervisors, which rarely send credentials; the
  // metrics reveal traffic, so they take the admin token like the rest of SPEC section 9.
  app.get('/metrics', adminAuth(context), (_request: Request, response: Response, next) => {
    context.metrics
      .render()
      .then((text) => response.type(context.metrics.contentType).send(text))
      .catch(next)
  })

  // Open like /healthz: it is documentation, and the same for every gateway.
  app.get('/api/openapi.json', (_request: Request, response: Response) => {
    response.set('cache-control', 'no-cache').json(openApiDocument)
  })

  app.use('/admin/api', adminApi(context))

  app.use((_request: Request, response: Response) =>
    sendError(response, 404, 'not_found', 'no such endpoint'),
  )
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const status = requestErrorStatusOf(error)
    if (status === 400 && (error as { type?: string }).type === 'entity.parse.failed') {
      // The parser takes only an object or an array ("strict"): valid JSON of another kind
      // ("text", 12, null) is refused as what it is, not as malformed.
      if (isJsonText((error as { body?: unknown }).body)) return sendBodyInvalid(response)
      return sendError(response, 400, 'invalid_json', 'the body is not valid JSON')
    }
    if (status === 413)
      return sendError(
        response,
        413,
        'body_too_large',
        `bodies are limited to ${context.operating.httpBodyBytesMax} bytes`,
      )
    if (status !== null)
      return sendError(
        response,
        status,
        'request_unreadable',
        error instanceof Error ? error.message : 'the request cannot be read',
      )
    context.log.error('request failed', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })
    sendError(
      response,
      500,
      'internal_error',
      'the gateway could not handle this request; nothing was charged twice, ' +
        'retry with the same Idempotency-Key',
    )
  })
  return app
}

function isJsonText(text: unknown): boolean {
  if (typeof text !== 'string') return false
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
