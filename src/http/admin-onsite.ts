/**
 * admin-onsite.ts - the operator's view of on-site payment, inside the admin API: a day's
 * clearing by merchant and terminal (GET /clearing?date=, and as CSV), the reconciliation of the
 * e-purse float with the purses (GET /purses/reconciliation), a card's purse with its cleared
 * purchases (GET /cards/:card), the blacklist (GET /blacklist, PUT /cards/:card/blacklist
 * {"listed": true|false}), and the top-ups on their way over the air (GET /card-loads) with the
 * operator's close of one the card no longer answers for (POST /card-loads/:payment/close). A
 * card is named by its 20-digit number or its subscriber's MSISDN. Exports onsiteAdminRoutes,
 * clearingCsv.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { cardNumberOf, formatAmount, normalizeMsisdn } from '../core/index.js'
import { csvText } from '../gateway/http/csv.js'
import { dayOfQuery } from '../gateway/http/day.js'
import { sendError } from '../gateway/http/json.js'
import { httpStatusOf } from '../gateway/http/status.js'
import type { OtaLoad } from '../gateway/onsite/ota-load-store.js'
import { renderMessage } from '../gateway/reply/index.js'
import type { ClearingReportRow } from '../ledger/purse-reads.js'
import type { GatewayContext } from './context.js'

/** Cleared purchases shown with a card. */
const cardPurchasesShown = 20
/** Top-ups on their way listed at once: a handful normally; a backlog is its first page. */
const cardLoadsShown = 200
/** What the card showed, in the operator's words: logged, and in step 9 when loaded. */
const closeReasonCharsMax = 200

function cardLoadJson(load: OtaLoad) {
  return {
    paymentId: load.paymentId,
    msisdn: load.msisdn,
    cardNumber: load.cardNumber,
    amount: formatAmount(BigInt(load.amountFen)),
    stage: load.stage,
    attempts: load.attempts,
    creditSent: load.creditSerial !== null,
    nextAttemptAt: new Date(load.nextAttemptMs).toISOString(),
    outcome: load.outcome === 'undeliverable' ? 'refunded' : load.outcome,
    detail: load.detail,
  }
}

function cardOf(request: Request): string | null {
  const given = String(request.params['card'])
  if (/^\d{20}$/.test(given)) return given
  const msisdn = normalizeMsisdn(given)
  return msisdn === null ? null : cardNumberOf(msisdn)
}

function reportRowJson(row: ClearingReportRow) {
  return {
    merchant: row.merchantCode,
    terminalId: row.terminalId,
    purchases: row.purchases,
    amount: formatAmount(row.amountMinor),
    fee: formatAmount(row.feeMinor),
    net: formatAmount(row.amountMinor - row.feeMinor),
    serials: [row.lowestSerial, row.highestSerial],
  }
}

/** A day's clearing as CSV, one row per merchant and terminal. */
export function clearingCsv(date: string, rows: readonly ClearingReportRow[]): string {
  return csvText([
    ['date', 'merchant', 'terminal_id', 'purchases', 'amount', 'fee', 'net'],
    ...rows.map((row) => [
      date,
      row.merchantCode,
      row.terminalId,
      row.purchases,
      formatAmount(row.amountMinor),
      formatAmount(row.feeMinor),
      formatAmount(row.amountMinor - row.feeMinor),
    ]),
  ])
}

export function onsiteAdminRoutes(context: GatewayContext): Router {
  const router = express.Router()
  const ledger = context.ledger

  const dayOf = (request: Request, response: Response) => {
    const day = dayOfQuery(request.query['date'], context.limits)
    if (day === null) sendError(response, 400, 'date_invalid', 'date is required as YYYY-MM-DD')
    return day
  }

  router.get('/clearing', async (request: Request, response: Response) => {
    const day = dayOf(request, response)
    if (day === null) return
    const rows = await ledger.clearingReport(day.startMs, day.endMs)
    let amountMinor = 0n
    let feeMinor = 0n
    for (const row of rows) {
      amountMinor += row.amountMinor
      feeMinor += row.feeMinor
    }
    response.json({
      date: day.date,
      terminals: rows.map(reportRowJson),
      total: {
        purchases: rows.reduce((sum, row) => sum + row.purchases, 0),
        amount: formatAmount(amountMinor),
        fee: formatAmount(feeMinor),
        net: formatAmount(amountMinor - feeMinor),
      },
    })
  })

  router.get('/clearing.csv', async (request: Request, response: Response) => {
    const day = dayOf(request, response)
    if (day === null) return
    const rows = await ledger.clearingReport(day.startMs, day.endMs)
    response
      .type('text/csv; charset=utf-8')
      .attachment(`telepay-clearing-${day.date}.csv`)
      .send(clearingCsv(day.date, rows))
  })

  router.get('/purses/reconciliation', async (_request: Request, response: Response) => {
    const totals = await ledger.purseReconciliation()
    const differenceMinor = totals.floatMinor - totals.knownMinor - totals.loadingMinor
    response.json({
      float: formatAmount(totals.floatMinor),
      cardsKnown: formatAmount(totals.knownMinor),
      inFlight: formatAmount(totals.loadingMinor),
      difference: formatAmount(differenceMinor),
      balanced: differenceMinor === 0n,
      cards: totals.cards,
    })
  })

  router.get('/cards/:card', async (request: Request, response: Response) => {
    const cardNumber = cardOf(request)
    if (cardNumber === null)
      return sendError(response, 400, 'card_invalid', 'a card is its 20 digits or an MSISDN')
    const purse = await ledger.purseOfCard(cardNumber)
    const purchases = await ledger.clearedOfCard(cardNumber, cardPurchasesShown)
    response.json({
      cardNumber,
      msisdn: purse?.msisdn ?? null,
      balanceKnown: formatAmount(purse?.balanceMinor ?? 0n),
      inFlight: formatAmount(purse?.loadingMinor ?? 0n),
      blacklisted: purse?.blacklisted ?? false,
      cleared: purchases.map((purchase) => ({
        terminalId: purchase.terminalId,
        terminalSerial: purchase.terminalSerial,
        merchant: purchase.merchantCode,
        cardSerial: purchase.cardSerial,
        amount: formatAmount(purchase.amountMinor),
        balanceAfter: formatAmount(purchase.balanceAfterMinor),
        at: new Date(purchase.atMs).toISOString(),
        clearedAt: new Date(purchase.clearedMs).toISOString(),
      })),
    })
  })

  router.get('/card-loads', (_request: Request, response: Response) => {
    response.json({ loads: context.cardLoads.openLoads(cardLoadsShown).map(cardLoadJson) })
  })

  router.post('/card-loads/:payment/close', async (request: Request, response: Response) => {
    const body = (request.body as Record<string, unknown> | undefined) ?? {}
    const outcome = body['outcome']
    const reason = typeof body['reason'] === 'string' ? body['reason'].trim() : ''
    if (outcome !== 'loaded' && outcome !== 'refunded')
      return sendError(
        response,
        400,
        'outcome_invalid',
        'outcome is "loaded" (the card shows the load) or "refunded" (it shows none)',
      )
    if (reason === '' || reason.length > closeReasonCharsMax)
      return sendError(
        response,
        400,
        'reason_invalid',
        `reason says what the card showed, in 1 to ${closeReasonCharsMax} characters`,
      )
    const closed = await context.cardLoads.closeByOperator(
      String(request.params['payment']),
      outcome === 'loaded' ? 'loaded' : 'undeliverable',
      reason,
    )
    if (!closed.ok)
      return closed.code === 'load_not_found'
        ? sendError(response, 404, closed.code, 'no top-up over the air has this payment id')
        : sendError(response, 409, closed.code, 'this top-up has already ended')
    response.json(cardLoadJson(closed.load))
  })

  router.get('/blacklist', async (_request: Request, response: Response) => {
    response.json({ cards: await ledger.blacklistedCards() })
  })

  router.put('/cards/:card/blacklist', async (request: Request, response: Response) => {
    const cardNumber = cardOf(request)
    if (cardNumber === null)
      return sendError(response, 400, 'card_invalid', 'a card is its 20 digits or an MSISDN')
    const listed = (request.body as Record<string, unknown> | undefined)?.['listed']
    if (typeof listed !== 'boolean')
      return sendError(response, 400, 'listed_invalid', 'listed is true or false')
    const key = request.header('idempotency-key')
    const result = await context.service.execute({
      key: key === undefined ? null : `admin:${key}`,
      channel: 'admin',
      command: { kind: 'blacklist_card', cardNumber, listed },
    })
    if (!result.ok) {
      const reason = result.reason ?? 'system_busy'
      return sendError(response, httpStatusOf(reason), reason, renderMessage(result.message, 'en'))
    }
    response.json({ cardNumber, blacklisted: listed })
  })

  return router
}
