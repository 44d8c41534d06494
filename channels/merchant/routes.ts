/**
 * routes.ts - the merchant web API of SPEC section 8, under /api/v1: payment requests to a
 * subscriber (the Paybox model), orders, refunds and the day's settlement, and the merchant
 * portal's reads and web checkouts (portal-routes.ts). It only translates between HTTP and core
 * commands; every rule is the core's. Exports merchantRouter, MerchantRouteDeps, MerchantRequest,
 * merchantOf, jsonObjectOf, chargeOf and refusal.
 */
import type { NextFunction, Request, Response, Router } from 'express'
import express from 'express'
import type { CommandResult, Limits, Merchant } from '../../src/core/index.js'
import { formatAmount, fundingKinds, normalizeMsisdn, parseAmount } from '../../src/core/index.js'
import { requestPageToken } from '../../src/gateway/http/checkout.js'
import { merchantCookieName } from '../../src/gateway/http/cookie-names.js'
import { dayOfQuery } from '../../src/gateway/http/day.js'
import { paymentJson, sendBodyInvalid, sendError } from '../../src/gateway/http/json.js'
import { partyFeesJson, partyNamesJson } from '../../src/gateway/http/parties.js'
import { bearerToken, httpStatusOf } from '../../src/gateway/http/status.js'
import { trailJson } from '../../src/gateway/http/trail-json.js'
import type { WebSessions } from '../../src/gateway/http/web-session.js'
import {
  cookieOf,
  csrfTokenOf,
  isSafeMethod,
  sameSecret,
} from '../../src/gateway/http/web-session.js'
import type { CommandPort, LedgerReads } from '../../src/gateway/ports.js'
import { renderMessage } from '../../src/gateway/reply/index.js'
import type { CheckoutBook } from './checkouts.js'
import { submitPaymentRequest } from './payment-request.js'
import { addPortalRoutes } from './portal-routes.js'

/**
 * What the routes use: the command port, four ledger reads, the limits' day boundary and
 * operating model.
 */
export interface MerchantRouteDeps {
  readonly service: CommandPort
  readonly ledger: LedgerReads<
    | 'merchantByApiKey'
    | 'merchantAuth'
    | 'payment'
    | 'settlement'
    | 'merchantPartyFees'
    | 'merchantPayments'
    | 'merchantOrders'
    | 'merchantSales'
    | 'webhookDeliveries'
  >
  readonly limits: Limits
  readonly nowMs: () => number
  /** The web checkouts the merchants open (checkouts.ts). */
  readonly checkouts: CheckoutBook
  /** Named in the trails the routes answer. */
  readonly operatingModel: string
  /** The merchant portal's sessions: its pages call this API with their cookie, not the key. */
  readonly sessions: WebSessions
}

/** Longest merchant reference and description kept: they are shown on a handset's prompt. */
const referenceLengthMax = 64
const descriptionLengthMax = 140
/**
 * Longest Idempotency-Key taken, as Stripe's. A longer one is refused, not cut: two keys that
 * share their first 255 characters would otherwise be one key, and the second request would get
 * the first one's answer or a 409 for a request it never sent.
 */
const idempotencyKeyLengthMax = 255

export type MerchantRequest = Request & {
  merchant?: Merchant
  /** The key the request authenticated with (the bearer's, or the portal session's). */
  apiKey?: string
  webhookSecret?: string
}

export function merchantOf(request: MerchantRequest): Merchant {
  const merchant = request.merchant
  if (merchant === undefined) throw new Error('merchant route reached without authentication')
  return merchant
}

export function refusal(response: Response, result: CommandResult): void {
  const reason = result.reason ?? 'system_busy'
  sendError(response, httpStatusOf(reason), reason, renderMessage(result.message, 'en'))
}

/**
 * The request's body as a JSON object, or null once a 400 body_invalid has been sent: a body in
 * another format (a form, plain text, none) or JSON that is not an object (an array) would
 * otherwise read as an object without fields, and be refused for its first missing field.
 */
export function jsonObjectOf(request: Request, response: Response): Record<string, unknown> | null {
  const body: unknown = request.body
  const isJson = typeof request.is('application/json') === 'string'
  if (isJson && typeof body === 'object' && body !== null && !Array.isArray(body))
    return body as Record<string, unknown>
  sendBodyInvalid(response)
  return null
}

function text(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max
    ? value.trim()
    : null
}

/** The amount, reference and description every charge carries; null once a 400 has been sent. */
export function chargeOf(
  body: Record<string, unknown>,
  response: Response,
): { amountMinor: bigint; reference: string; description: string } | null {
  const amountMinor = amountOf(body, response)
  if (amountMinor === null) return null
  const reference = text(body['reference'], referenceLengthMax)
  if (reference === null) {
    sendError(
      response,
      400,
      'reference_invalid',
      `reference is required, at most ${referenceLengthMax} characters`,
    )
    return null
  }
  const description =
    body['description'] === undefined ? '' : text(body['description'], descriptionLengthMax)
  if (description === null) {
    sendError(
      response,
      400,
      'description_invalid',
      `description is at most ${descriptionLengthMax} characters`,
    )
    return null
  }
  return { amountMinor, reference, description }
}

function amountOf(body: Record<string, unknown>, response: Response): bigint | null {
  const raw = body['amount']
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    sendError(response, 400, 'amount_invalid', 'amount is required, as a string such as "25.00"')
    return null
  }
  const parsed = parseAmount(String(raw))
  if (!parsed.ok) {
    sendError(
      response,
      400,
      parsed.reason,
      renderMessage({ key: `refusal.${parsed.reason}`, params: {} }, 'en'),
    )
    return null
  }
  return parsed.minor
}

export function merchantRouter(deps: MerchantRouteDeps): Router {
  const router = express.Router()
  const { service, ledger } = deps

  /**
   * The API key of the portal session the request's cookie names: null without one, undefined
   * once a 403 is sent for a change without the session's CSRF token.
   */
  const portalKeyOf = (request: Request, response: Response): string | null | undefined => {
    const session = deps.sessions.find(cookieOf(request, merchantCookieName))
    if (session === null) return null
    if (
      !isSafeMethod(request.method) &&
      !sameSecret(csrfTokenOf(request) ?? '', session.csrfToken)
    ) {
      sendError(response, 403, 'csrf_invalid', "send the page's CSRF token as X-CSRF-Token")
      return undefined
    }
    return session.secret
  }

  router.use((request: MerchantRequest, response: Response, next: NextFunction) => {
    const apiKey = bearerToken(request.header('authorization')) ?? portalKeyOf(request, response)
    if (apiKey === undefined) return
    if (apiKey === null) {
      sendError(
        response,
        401,
        'unauthorized',
        'send the API key as Authorization: Bearer <api key>',
      )
      return
    }
    ledger.merchantByApiKey(apiKey).then((auth) => {
      if (auth === null) {
        sendError(response, 401, 'unauthorized', 'unknown API key')
        return
      }
      request.merchant = auth.merchant
      request.apiKey = apiKey
      request.webhookSecret = auth.webhookSecret
      const key = request.header('idempotency-key')
      if (key !== undefined && key.length > idempotencyKeyLengthMax) {
        sendError(
          response,
          400,
          'idempotency_key_invalid',
          `Idempotency-Key is at most ${idempotencyKeyLengthMax} characters`,
        )
        return
      }
      next()
    }, next)
  })

  router.post('/payment-requests', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const body = jsonObjectOf(request, response)
    if (body === null) return
    const msisdn = typeof body['msisdn'] === 'string' ? normalizeMsisdn(body['msisdn']) : null
    if (msisdn === null)
      return sendError(
        response,
        400,
        'msisdn_invalid',
        'msisdn must be an international number such as 8613800138000',
      )
    const charge = chargeOf(body, response)
    if (charge === null) return
    const { amountMinor, reference, description } = charge
    const account = body['account'] ?? 'wallet'
    const funding = fundingKinds.find((kind) => kind === account)
    if (funding === undefined)
      return sendError(
        response,
        400,
        'account_invalid',
        'account is one of wallet, phone_bill, bank',
      )
    const callbackUrl = body['callbackUrl'] === undefined ? null : text(body['callbackUrl'], 2_048)
    if (
      body['callbackUrl'] !== undefined &&
      (callbackUrl === null || !/^https?:\/\//i.test(callbackUrl))
    ) {
      return sendError(
        response,
        400,
        'callback_url_invalid',
        'callbackUrl must be an http or https URL',
      )
    }
    const result = await submitPaymentRequest(
      service,
      merchant,
      { msisdn, amountMinor, reference, description, funding, callbackUrl },
      idempotencyKey(request, merchant),
    )
    if (!result.ok || result.payment === null) return refusal(response, result)
    // The secret came with the authentication: no second read of the merchant.
    const token = requestPageToken(result.payment.id, request.webhookSecret ?? '')
    response.status(202).json({
      id: result.payment.id,
      status: 'pending_authorization',
      // The shopper's page of this request, for a shop that sends its shopper there.
      checkoutUrl: `/checkout/${result.payment.id}?t=${token}`,
    })
  })

  router.get('/payment-requests/:id', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const payment = await ledger.payment(String(request.params['id']))
    if (payment === null || payment.merchantCode !== merchant.code)
      return sendError(response, 404, 'payment_not_found', 'no such payment for this merchant')
    response.json(paymentJson(payment))
  })

  router.get(
    '/payment-requests/:id/trail',
    async (request: MerchantRequest, response: Response) => {
      const merchant = merchantOf(request)
      const payment = await ledger.payment(String(request.params['id']))
      if (payment === null || payment.merchantCode !== merchant.code)
        return sendError(response, 404, 'payment_not_found', 'no such payment for this merchant')
      response.json(trailJson(payment, deps.operatingModel))
    },
  )

  router.post('/orders', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const body = jsonObjectOf(request, response)
    if (body === null) return
    const charge = chargeOf(body, response)
    if (charge === null) return
    const { amountMinor, reference, description } = charge
    const result = await service.execute({
      key: idempotencyKey(request, merchant),
      channel: 'api',
      command: {
        kind: 'create_order',
        merchantCode: merchant.code,
        amountMinor,
        reference,
        description,
      },
    })
    if (!result.ok || result.data?.kind !== 'order') return refusal(response, result)
    const order = result.data.order
    response.status(201).json({
      orderNo: order.orderNo,
      amount: formatAmount(order.amountMinor),
      reference: order.reference,
      description: order.description,
    })
  })

  router.post('/payments/:id/refunds', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const body = jsonObjectOf(request, response)
    if (body === null) return
    const amountMinor = amountOf(body, response)
    if (amountMinor === null) return
    const result = await service.execute({
      key: idempotencyKey(request, merchant),
      channel: 'api',
      command: {
        kind: 'refund',
        merchantCode: merchant.code,
        paymentId: String(request.params['id']),
        amountMinor,
      },
    })
    if (!result.ok || result.data?.kind !== 'refund') return refusal(response, result)
    response.status(201).json({
      paymentId: String(request.params['id']),
      refundRef: result.data.reference,
      amount: formatAmount(amountMinor),
      refunded: formatAmount(result.data.refundedMinor),
      remaining: formatAmount(result.data.remainingMinor),
    })
  })

  // Step 9 of the flow. A body is optional: { note } with the merchant's words, at most 140
  // characters. Reporting twice records once and answers alike.
  router.post('/payments/:id/delivery', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    // No body at all is a delivery without a note; a body must be a JSON object.
    const fields = request.body === undefined ? {} : jsonObjectOf(request, response)
    if (fields === null) return
    const note = fields['note'] === undefined ? '' : text(fields['note'], descriptionLengthMax)
    if (note === null)
      return sendError(
        response,
        400,
        'note_invalid',
        `note is text of at most ${descriptionLengthMax} characters`,
      )
    const paymentId = String(request.params['id'])
    const result = await service.execute({
      key: idempotencyKey(request, merchant),
      channel: 'api',
      command: { kind: 'report_delivery', merchantCode: merchant.code, paymentId, note },
    })
    if (!result.ok || result.payment === null) return refusal(response, result)
    response.json(trailJson(result.payment, deps.operatingModel))
  })

  router.get('/settlements', async (request: MerchantRequest, response: Response) => {
    const merchant = merchantOf(request)
    const day = dayOfQuery(request.query['date'], deps.limits)
    if (day === null)
      return sendError(response, 400, 'date_invalid', 'date is required as YYYY-MM-DD')
    const [settlement, parties] = await Promise.all([
      ledger.settlement(merchant.code, day.startMs, day.endMs, day.date),
      ledger.merchantPartyFees(merchant.code, day.startMs, day.endMs),
    ])
    response.json({
      date: settlement.day,
      merchant: merchant.code,
      currency: 'CNY',
      payments: settlement.payments,
      gross: formatAmount(settlement.grossMinor),
      fees: formatAmount(settlement.feesMinor),
      refunds: formatAmount(settlement.refundsMinor),
      net: formatAmount(settlement.netMinor),
      // Who took the fees, named as the running operating model names them.
      operatingModel: deps.limits.operatingModel,
      partyNames: partyNamesJson(deps.limits.operatingModel),
      parties: partyFeesJson(parties),
    })
  })

  addPortalRoutes(router, deps)

  return router
}

/**
 * The merchant's Idempotency-Key, scoped to the merchant so that two merchants never collide.
 * Without one the request is not de-duplicated, as with most payment APIs.
 */
function idempotencyKey(request: Request, merchant: Merchant): string | null {
  const key = request.header('idempotency-key')
  return key === undefined || key === '' ? null : `${merchant.code}:${key}`
}
