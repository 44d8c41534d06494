/**
 * admin-operations.ts - the admin API calls behind the console's Operations page: the clock
 * (GET /clock: test or system, and its time), a day's settlement as CSV (GET /settlements.csv),
 * the merchants' webhooks with their attempts (GET /webhooks) and a resend (POST
 * /webhooks/:id/resend). Mounted inside the admin API, behind its token or a console session.
 * Exports operationsRoutes, settlementCsv.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { formatAmount } from '../core/index.js'
import { csvText } from '../gateway/http/csv.js'
import { dayOfQuery } from '../gateway/http/day.js'
import { sendError } from '../gateway/http/json.js'
import { partyFeesJson, partyNamesJson } from '../gateway/http/parties.js'
import { decodeJson } from '../ledger/codec.js'
import type { OutboxRow, PartySettlement } from '../ledger/store.js'
import type { GatewayContext } from './context.js'

/** A webhook page's default length: a screen of rows. The bound is transactionsQueryRowsMax. */
const webhookPageDefault = 20

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/**
 * A day's settlement as CSV: one row per party's fees, then one per merchant. What an operator
 * opens in a spreadsheet or hands to a bank's reconciliation; amounts in yuan as in the API.
 */
export function settlementCsv(settlement: PartySettlement, partyNames: Record<string, string>) {
  const lines = [['date', 'kind', 'code', 'name', 'payments', 'gross', 'fees', 'refunds', 'net']]
  for (const party of partyFeesJson(settlement.parties))
    lines.push([
      settlement.day,
      'party',
      party.party,
      partyNames[party.party] ?? party.party,
      '',
      '',
      party.fees,
      '',
      '',
    ])
  for (const merchant of settlement.merchants)
    lines.push([
      settlement.day,
      'merchant',
      merchant.merchantCode,
      '',
      String(merchant.payments),
      formatAmount(merchant.grossMinor),
      formatAmount(merchant.feesMinor),
      formatAmount(merchant.refundsMinor),
      formatAmount(merchant.netMinor),
    ])
  return csvText(lines)
}

function webhookJson(row: OutboxRow) {
  const payload = decodeJson<{ paymentId?: string; merchantCode?: string; url?: string }>(
    row.payload,
  )
  const state =
    row.deliveredMs !== null ? 'delivered' : row.abandonedMs !== null ? 'abandoned' : 'pending'
  return {
    id: row.id,
    merchant: payload.merchantCode ?? null,
    paymentId: payload.paymentId ?? null,
    url: payload.url ?? null,
    state,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: iso(row.createdMs),
    nextAttemptAt: state === 'pending' ? iso(row.nextAttemptMs) : null,
    deliveredAt: iso(row.deliveredMs),
    abandonedAt: iso(row.abandonedMs),
  }
}

export function operationsRoutes(context: GatewayContext): Router {
  const router = express.Router()
  const { ledger } = context

  router.get('/clock', (_request: Request, response: Response) => {
    response.json({
      clock: context.advanceClock === null ? 'system' : 'test',
      now: new Date(context.clock.nowMs()).toISOString(),
    })
  })

  router.get('/settlements.csv', async (request: Request, response: Response) => {
    const day = dayOfQuery(request.query['date'], context.limits)
    if (day === null)
      return sendError(response, 400, 'date_invalid', 'date is required as YYYY-MM-DD')
    const settlement = await ledger.partySettlement(day.startMs, day.endMs, day.date)
    response
      .type('text/csv; charset=utf-8')
      .attachment(`telepay-settlement-${settlement.day}.csv`)
      .send(settlementCsv(settlement, partyNamesJson(context.limits.operatingModel)))
  })

  router.get('/webhooks', async (request: Request, response: Response) => {
    const rowsMax = context.operating.transactionsQueryRowsMax
    const limitText = request.query['limit']
    const limit = limitText === undefined ? webhookPageDefault : Number(limitText)
    if (!Number.isInteger(limit) || limit < 1 || limit > rowsMax)
      return sendError(response, 400, 'limit_invalid', `limit is a whole number, 1 to ${rowsMax}`)
    const beforeText = request.query['before']
    const before = beforeText === undefined ? null : Number(beforeText)
    if (before !== null && (!Number.isSafeInteger(before) || before < 1))
      return sendError(response, 400, 'before_invalid', 'before is a webhook id')
    const rows = await ledger.outboxPage('webhook', limit, before)
    response.json({
      webhooks: rows.map(webhookJson),
      nextBefore: rows.length === limit ? (rows.at(-1)?.id ?? null) : null,
    })
  })

  router.post('/webhooks/:id/resend', async (request: Request, response: Response) => {
    const id = Number(request.params['id'])
    if (!Number.isSafeInteger(id) || id < 1)
      return sendError(response, 400, 'webhook_id_invalid', 'a webhook id is a whole number')
    if (!(await ledger.outboxResend(id, 'webhook', context.clock.nowMs())))
      return sendError(response, 404, 'webhook_not_found', `no webhook ${id}`)
    context.log.info('webhook resend asked by the operator', { webhook: id })
    const [row] = await ledger.outboxPage('webhook', 1, id + 1)
    response.json(row === undefined ? { id } : webhookJson(row))
  })

  return router
}
