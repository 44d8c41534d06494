/**
 * routes.ts - the web checkout's public pages, no log-in: GET /checkout/:id (a checkout the shop
 * opened over the merchant API, or a payment request's own page by its id), POST
 * /checkout/:id/phone (the shopper's number: the phone is asked through the core, as the API's
 * payment request), GET /checkout/:id/status (what the page polls) and POST /checkout/:id/return
 * (back to the shop with the signed result). Each POST carries the checkout's own token, which
 * only its page holds. Exports checkoutRoutes.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import { normalizeMsisdn } from '../../core/index.js'
import type { CheckoutDesk } from '../../gateway/http/checkout.js'
import { checkoutFinalStatuses } from '../../gateway/http/checkout.js'
import { csrfTokenOf, sameSecret } from '../../gateway/http/web-session.js'
import { checkoutNotFoundPage, checkoutPage, checkoutStatusWords } from './page.js'

/** A checkout's form is a phone number and its token. */
const formBytesMax = 2_048

export function checkoutRoutes(desk: CheckoutDesk): Router {
  const router = express.Router()
  const form = express.urlencoded({ extended: false, limit: formBytesMax })
  // The page holds the checkout's token: not cached, not framed by another site, and its address
  // (the checkout's id) is not sent on to the shop's pages as a Referer.
  const pageHeaders = (response: Response): Response =>
    response
      .set('cache-control', 'no-store')
      .set('x-frame-options', 'DENY')
      .set('referrer-policy', 'no-referrer')
      .type('html')

  /** The page's checkout: its id in the path, and a payment request's page token as ?t=. */
  const viewOf = (request: Request) => {
    const token = request.query['t']
    return desk.view(String(request.params['id']), typeof token === 'string' ? token : null)
  }

  const show = async (
    request: Request,
    response: Response,
    error: string | null = null,
    status = 200,
  ): Promise<void> => {
    const view = await viewOf(request)
    if (view === null) {
      pageHeaders(response).status(404).send(checkoutNotFoundPage().text)
      return
    }
    pageHeaders(response).status(status).send(checkoutPage(view, error).text)
  }

  /** Whether the form carries the checkout's token; answers 403 when not. */
  const tokenChecked = async (request: Request, response: Response): Promise<boolean> => {
    const view = await viewOf(request)
    const given = csrfTokenOf(request)
    if (view !== null && view.checkout.csrfToken !== '' && given !== null) {
      if (sameSecret(given, view.checkout.csrfToken)) return true
    }
    await show(request, response, 'The form had expired; please try again.', 403)
    return false
  }

  router.get('/checkout/:id', (request: Request, response: Response) => show(request, response))

  router.get('/checkout/:id/status', async (request: Request, response: Response) => {
    const view = await viewOf(request)
    response.set('cache-control', 'no-store')
    if (view === null) {
      response.status(404).json({ error: 'checkout_not_found' })
      return
    }
    response.json({
      status: view.status,
      final: checkoutFinalStatuses.has(view.status),
      text: checkoutStatusWords[view.status].text,
      phone: view.phone,
      reason: view.reason,
    })
  })

  router.post('/checkout/:id/phone', form, async (request: Request, response: Response) => {
    if (!(await tokenChecked(request, response))) return
    const body = (request.body ?? {}) as Record<string, unknown>
    const msisdn = typeof body['msisdn'] === 'string' ? normalizeMsisdn(body['msisdn']) : null
    if (msisdn === null) {
      await show(
        request,
        response,
        'Type the number with its country code, such as 8613800138000.',
        400,
      )
      return
    }
    const answer = await desk.pay(String(request.params['id']), msisdn)
    if (!answer.ok) {
      await show(request, response, answer.message, answer.status)
      return
    }
    response.redirect(303, `/checkout/${encodeURIComponent(String(request.params['id']))}`)
  })

  router.post('/checkout/:id/return', form, async (request: Request, response: Response) => {
    if (!(await tokenChecked(request, response))) return
    const url = await desk.returnTo(String(request.params['id']))
    if (url === null) {
      await show(request, response, 'The payment is still under way: wait for it to end.', 409)
      return
    }
    response.set('referrer-policy', 'no-referrer').redirect(303, url)
  })

  return router
}
