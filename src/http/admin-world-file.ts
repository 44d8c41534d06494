/**
 * admin-world-file.ts - the world as a whole: GET /admin/api/world exports what the ledger holds
 * as a world file (YAML; `telepay world export`), POST /admin/api/world loads one beside it
 * (`telepay world load`): what is new is added, what exists is kept, and the answer counts both
 * and lists what the core refused. Exports worldFileRoutes and worldLoadPorts.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { sendError } from '../gateway/http/json.js'
import { worldFileOf } from '../world/export-world.js'
import type { WorldLoadPorts } from '../world/load-world.js'
import { loadWorld } from '../world/load-world.js'
import { parseWorldText, worldFileBytesMax } from '../world/world-file.js'
import type { GatewayContext } from './context.js'

/** What a world load needs of a running gateway: its service as the operator, its ledger, bank. */
export function worldLoadPorts(context: GatewayContext): WorldLoadPorts {
  return {
    execute: ({ key, command, newPinHash }) =>
      context.service.execute({
        key,
        channel: 'admin',
        command,
        ...(newPinHash === undefined ? {} : { newPinHash }),
      }),
    hashPin: (pin) => context.hashPin(pin),
    ranBefore: (key) => context.ledger.commandLogged(`admin:${key}`),
    subscriberExists: async (msisdn) => (await context.ledger.subscriber(msisdn)) !== null,
    merchantExists: async (code) => (await context.ledger.merchantAuth(code)) !== null,
    orderExists: (orderNo) => context.ledger.orderExists(orderNo),
    openCard: (card) => context.bank.openCard(card),
  }
}

export function worldFileRoutes(context: GatewayContext): Router {
  const router = express.Router()

  router.get('/world', async (_request: Request, response: Response) => {
    const rows = await context.ledger.worldRows()
    const text = await worldFileOf(
      rows,
      (token) => context.bank.balance(token),
      new Date(context.clock.nowMs()).toISOString(),
    )
    response.type('application/yaml').send(text)
  })

  // A world file is larger than the API's JSON bodies: it comes as YAML (JSON is YAML too).
  router.post(
    '/world',
    express.text({
      type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
      limit: worldFileBytesMax,
    }),
    async (request: Request, response: Response) => {
      const text =
        typeof request.body === 'string'
          ? request.body
          : typeof request.body === 'object' && request.body !== null
            ? JSON.stringify(request.body)
            : ''
      if (text === '')
        return sendError(
          response,
          400,
          'body_invalid',
          'send the world file as the body, with Content-Type: application/yaml',
        )
      const read = parseWorldText(text)
      if (!read.ok)
        return response.status(400).json({
          error: 'world_invalid',
          message: read.problems.join('\n'),
          problems: read.problems,
        })
      const report = await loadWorld(read.world, worldLoadPorts(context))
      context.log.info('world loaded', {
        added: `${report.added.subscribers}/${report.added.merchants}/${report.added.orders}`,
        kept: `${report.kept.subscribers}/${report.kept.merchants}/${report.kept.orders}`,
        refused: report.refused.length,
      })
      response.json(report)
    },
  )

  return router
}
