/**
 * admin-routes.ts - the open USSD sessions for the operator console, for the gateway to mount at
 * /admin/api/ussd/sessions behind the admin token: GET lists them (most recently active first),
 * DELETE /:key ends one. Exports ussdAdminRouter, ussdAdminLimits.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { maskMsisdn } from '../../src/core/index.js'
import { sendError } from '../../src/gateway/http/json.js'
import type { SessionStore } from './session-store.js'
import type { UssdService } from './ussd-service.js'

export const ussdAdminLimits = {
  /**
   * Sessions one list shows at most: a screen or two for a person; a gateway may hold 100,000
   * open, and the list reads an index range of this length, not all of them.
   */
  listMax: 200,
  /** Characters of a session's last screen shown: its first line or two. */
  screenCharsMax: 80,
} as const

export function ussdAdminRouter(deps: {
  readonly store: Pick<SessionStore, 'recentOpen' | 'openCount'>
  readonly service: Pick<UssdService, 'endByOperator'>
}): Router {
  const router = express.Router()
  router.get('/', async (_request: Request, response: Response) => {
    const sessions = await deps.store.recentOpen(ussdAdminLimits.listMax)
    response.json({
      open: await deps.store.openCount(),
      sessions: sessions.map((record) => ({
        key: record.key,
        provider: record.provider,
        // Masked as in the log: the console lists sessions, it does not look people up.
        msisdn: maskMsisdn(record.msisdn),
        startedAt: new Date(record.startedMs).toISOString(),
        activeAt: new Date(record.activeMs).toISOString(),
        hops: record.step,
        screen: (record.lastScreen.text ?? '').slice(0, ussdAdminLimits.screenCharsMax),
      })),
    })
  })
  router.delete('/:key', async (request: Request, response: Response) => {
    const key = String(request.params['key'])
    if (!(await deps.service.endByOperator(key)))
      return sendError(response, 404, 'session_not_found', `no USSD session ${key} is open`)
    response.json({ key, ended: true, outcome: 'ended_by_operator' })
  })
  return router
}
