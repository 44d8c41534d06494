/**
 * portal-routes.ts - the merchant API's reads that the merchant portal draws its pages from, each
 * scoped to the authenticated merchant: its profile and webhook secret, its payments (a page at a
 * time, one with its trail), its sales by day and channel, its orders, its webhook deliveries
 * with every attempt, the day's settlement as CSV; and the web checkouts it opens. Mounted by
 * merchantRouter after the key or session is checked. Exports addPortalRoutes, PortalRouteDeps
 * and portalLimits.
 */
import type { Response, Router } from 'express'
import type { Limits, Merchant, Order } from '../../src/core/index.js'
import { formatAmount } from '../../src/core/index.js'
import { checkoutLimits, isReturnUrl } from '../../src/gateway/http/checkout.js'
import { csvField } from '../../src/gateway/http/csv.js'
import { dayOfQuery } from '../../src/gateway/http/day.js'
import type { Json } from '../../src/gateway/http/json.js'
import { paymentJson, sendError } from '../../src/gateway/http/json.js'
import { partyFeesJson } from '../../src/gateway/http/parties.js'
import { trailJson } from '../../src/gateway/http/trail-json.js'
import type { LedgerReads } from '../../src/gateway/ports.js'
import type { CheckoutBook } from './checkouts.js'
import type { MerchantRequest } from './routes.js'
import { chargeOf, jsonObjectOf, merchantOf } from './routes.js'

export const portalLimits = {
  /** Rows of a page: a screen's worth; a script pages with `before`. */
  pageRowsDefault: 20,
  pageRowsMax: 100,
  /**
   * Days a sales query spans: a month's chart. Its cost is the merchant's payments of those
   * days (the payments_merchant index), so a longer range is asked for in parts.
   */
  salesDaysMax: 31,
  /** Days the sales chart shows when no range is asked for. */
  salesDaysDefault: 14,
} as const

const msPerDay = 86_400_000

export interface PortalRouteDeps {
  readonly ledger: LedgerReads<
    | 'payment'
    | 'settlement'
    | 'merchantPartyFees'
    | 'merchantPayments'
    | 'merchantOrders'
    | 'merchantSales'
    | 'webhookDeliveries'
  >
  readonly limits: Limits
  readonly operatingModel: string
  readonly nowMs: () => number
  readonly checkouts: CheckoutBook
}

/** ?limit=: a whole number within the page bound, or null once a 400 is sent. */
function limitOf(value: unknown, response: Response): number | null {
  if (value === undefined) return portalLimits.pageRowsDefault
  const limit = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : 0
  if (limit >= 1 && limit <= portalLimits.pageRowsMax) return limit
  sendError(
    response,
    400,
    'limit_invalid',
    `limit is a whole number from 1 to ${portalLimits.pageRowsMax}`,
  )
  return null
}

function cursorOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value.length <= 64 ? value : null
}

const statuses = [
  'pending_authorization',
  'processing',
  'completed',
  'declined',
  'cancelled',
  'expired',
  'failed',
]

function orderJson(order: Order): Json {
  return {
    orderNo: order.orderNo,
    amount: formatAmount(order.amountMinor),
    reference: order.reference,
    description: order.description,
    status: order.paidPaymentId === null ? 'open' : 'paid',
    paymentId: order.paidPaymentId,
    createdAt: new Date(order.createdMs).toISOString(),
  }
}

function profileJson(merchant: Merchant, apiKey: string, defaultBasisPoints: bigint): Json {
  return {
    code: merchant.code,
    name: merchant.name,
    category: merchant.category,
    settlementBank: merchant.settlementBank,
    fee: {
      basisPoints: Number(merchant.feeBasisPoints ?? defaultBasisPoints),
      fixed: formatAmount(merchant.feeFixedMinor),
      min: formatAmount(merchant.feeMinMinor),
      max: merchant.feeMaxMinor === null ? null : formatAmount(merchant.feeMaxMinor),
    },
    // telepay keeps the key's SHA-256 only; the last four come from the key this request used.
    apiKeyLast4: apiKey.slice(-4),
    apiKeyStored: 'sha256',
  }
}

export function addPortalRoutes(router: Router, deps: PortalRouteDeps): void {
  const { ledger } = deps

  router.get('/merchant', (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    response.json(profileJson(merchant, request.apiKey ?? '', deps.limits.merchantFeeBasisPoints))
  })

  router.get('/merchant/webhook-secret', (request: MerchantRequest, response: Response) => {
    merchantOf(request)
    response.set('cache-control', 'no-store').json({ webhookSecret: request.webhookSecret })
  })

  router.get('/payments', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const limit = limitOf(request.query['limit'], response)
    if (limit === null) return
    const status = request.query['status']
    if (status !== undefined && (typeof status !== 'string' || !statuses.includes(status)))
      return sendError(response, 400, 'status_invalid', `status is one of ${statuses.join(', ')}`)
    const page = await ledger.merchantPayments({
      code: merchant.code,
      limit,
      before: cursorOf(request.query['before']),
      status: status ?? null,
    })
    response.json({ payments: page.items.map(paymentJson), next: page.next })
  })

  router.get('/payments/:id', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const payment = await ledger.payment(String(request.params['id']))
    if (payment === null || payment.merchantCode !== merchant.code)
      return sendError(response, 404, 'payment_not_found', 'no such payment for this merchant')
    response.json({
      payment: paymentJson(payment),
      trail: trailJson(payment, deps.operatingModel),
    })
  })

  router.get('/sales', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const today = new Date(deps.nowMs() + deps.limits.dayOffsetMs).toISOString().slice(0, 10)
    const defaultFrom = new Date(
      Date.parse(`${today}T00:00:00Z`) - (portalLimits.salesDaysDefault - 1) * msPerDay,
    )
      .toISOString()
      .slice(0, 10)
    const from = dayOfQuery(request.query['from'] ?? defaultFrom, deps.limits)
    const to = dayOfQuery(request.query['to'] ?? today, deps.limits)
    if (from === null || to === null)
      return sendError(response, 400, 'date_invalid', 'from and to are dates as YYYY-MM-DD')
    const days = Math.round((to.startMs - from.startMs) / msPerDay) + 1
    if (days < 1 || days > portalLimits.salesDaysMax)
      return sendError(
        response,
        400,
        'range_invalid',
        `from is on or before to, at most ${portalLimits.salesDaysMax} days apart`,
      )
    const rows = await ledger.merchantSales(merchant.code, from.startMs, to.endMs)
    const channels = [...new Set(rows.map((row) => row.channel))].sort()
    const dates = Array.from({ length: days }, (_, index) =>
      new Date(Date.parse(`${from.date}T00:00:00Z`) + index * msPerDay).toISOString().slice(0, 10),
    )
    response.json({
      from: from.date,
      to: to.date,
      currency: 'CNY',
      channels,
      days: dates.map((date) => {
        const ofDay = rows.filter((row) => row.date === date)
        const sum = (pick: (row: (typeof rows)[number]) => bigint): bigint =>
          ofDay.reduce((total, row) => total + pick(row), 0n)
        const gross = sum((row) => row.grossMinor)
        const fees = sum((row) => row.feesMinor)
        const refunded = sum((row) => row.refundedMinor)
        return {
          date,
          payments: ofDay.reduce((total, row) => total + row.payments, 0),
          gross: formatAmount(gross),
          fees: formatAmount(fees),
          refunded: formatAmount(refunded),
          net: formatAmount(gross - fees - refunded),
          byChannel: Object.fromEntries(
            ofDay.map((row) => [
              row.channel,
              { payments: row.payments, gross: formatAmount(row.grossMinor) },
            ]),
          ),
        }
      }),
    })
  })

  router.get('/orders', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const limit = limitOf(request.query['limit'], response)
    if (limit === null) return
    const page = await ledger.merchantOrders(
      merchant.code,
      limit,
      cursorOf(request.query['before']),
    )
    response.json({ orders: page.items.map(orderJson), next: page.next })
  })

  router.get('/webhooks/deliveries', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const limit = limitOf(request.query['limit'], response)
    if (limit === null) return
    const before = cursorOf(request.query['before'])
    if (before !== null && !/^\d{1,15}$/.test(before))
      return sendError(response, 400, 'before_invalid', 'before is an event id')
    const page = await ledger.webhookDeliveries(
      merchant.code,
      limit,
      before === null ? null : Number(before),
    )
    const iso = (ms: number | null): string | null =>
      ms === null ? null : new Date(ms).toISOString()
    response.json({
      deliveries: page.items.map((delivery) => ({
        eventId: delivery.id,
        paymentId: delivery.paymentId,
        url: delivery.url,
        state: delivery.state,
        attempts: delivery.attemptCount,
        createdAt: iso(delivery.createdMs),
        deliveredAt: iso(delivery.deliveredMs),
        nextAttemptAt: iso(delivery.nextAttemptMs),
        tries: delivery.attempts.map((attempt) => ({
          attempt: attempt.attempt,
          at: iso(attempt.atMs),
          statusCode: attempt.statusCode,
          response: attempt.responseSnippet,
          signature: attempt.signature,
          body: attempt.body,
        })),
      })),
      next: page.next,
    })
  })

  router.get('/settlements.csv', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const day = dayOfQuery(request.query['date'], deps.limits)
    if (day === null)
      return sendError(response, 400, 'date_invalid', 'date is required as YYYY-MM-DD')
    const [settlement, parties] = await Promise.all([
      ledger.settlement(merchant.code, day.startMs, day.endMs, day.date),
      ledger.merchantPartyFees(merchant.code, day.startMs, day.endMs),
    ])
    const line = (name: string, payments: string, amountMinor: bigint): string =>
      [day.date, merchant.code, name, payments, formatAmount(amountMinor), 'CNY']
        .map(csvField)
        .join(',')
    const partyLines = (partyFeesJson(parties) as { party: string; fees: string }[]).map((party) =>
      [day.date, merchant.code, `fee:${party.party}`, '', party.fees, 'CNY'].join(','),
    )
    const lines = [
      'date,merchant,line,payments,amount,currency',
      line('gross', String(settlement.payments), settlement.grossMinor),
      line('fees', '', -settlement.feesMinor),
      ...partyLines,
      line('refunds', '', -settlement.refundsMinor),
      line('net', '', settlement.netMinor),
    ]
    response
      .type('text/csv; charset=utf-8')
      .set(
        'content-disposition',
        `attachment; filename="telepay-settlement-${merchant.code}-${day.date}.csv"`,
      )
      .send(`${lines.join('\r\n')}\r\n`)
  })

  router.post('/checkouts', (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const body = jsonObjectOf(request, response)
    if (body === null) return
    const charge = chargeOf(body, response)
    if (charge === null) return
    const returnUrl = body['returnUrl']
    if (typeof returnUrl !== 'string' || !isReturnUrl(returnUrl))
      return sendError(
        response,
        400,
        'return_url_invalid',
        `returnUrl is an absolute http or https URL, at most ${checkoutLimits.returnUrlLengthMax}` +
          ' characters',
      )
    const checkout = deps.checkouts.open(merchant, { ...charge, returnUrl })
    response.status(201).json({
      id: checkout.id,
      url: `/checkout/${checkout.id}`,
      amount: formatAmount(checkout.amountMinor),
      reference: checkout.reference,
      returnUrl: checkout.returnUrl,
      expiresAt: new Date(checkout.expiresMs).toISOString(),
    })
  })

  router.get('/checkouts/:id', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const view = await deps.checkouts.view(String(request.params['id']))
    if (view === null || view.checkout.merchantCode !== merchant.code)
      return sendError(response, 404, 'checkout_not_found', 'no such checkout for this merchant')
    response.json({
      id: view.checkout.id,
      status: view.status,
      paymentId: view.checkout.paymentId,
      amount: formatAmount(view.checkout.amountMinor),
      reference: view.checkout.reference,
      expiresAt: new Date(view.checkout.expiresMs).toISOString(),
      reason: view.reason,
    })
  })
}
