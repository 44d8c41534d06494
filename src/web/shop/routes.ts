/**
 * routes.ts - the demo shop (/shop), the seeds' "Web way" end to end: a small shop of the default
 * world's Cinema Tickets (merchant 1002) whose server opens a web checkout over the merchant API
 * with its API key, as any shop's server would (over HTTP, to the gateway's own address), sends
 * the shopper to /checkout/<id>, and on /shop/return checks the signed result with its webhook
 * secret before it calls the order paid. Simulator mode only: it uses the default world's key.
 * Exports shopRoutes, ShopDeps, shopGoods.
 */
import { randomBytes } from 'node:crypto'
import type { Request, Response, Router } from 'express'
import express from 'express'
import type { CheckoutStatus } from '../../gateway/http/checkout.js'
import { signCheckoutResult } from '../../gateway/http/checkout.js'
import { cookieHeader, cookieOf, csrfTokenOf, sameSecret } from '../../gateway/http/web-session.js'
import type { Html } from '../html.js'
import { html } from '../html.js'
import { pageLayout } from '../layout.js'

export interface ShopDeps {
  /** The gateway's own address (http://host:port) once it listens: the shop's server calls it. */
  gatewayUrl(): string
  /**
   * Where shoppers' browsers reach it (http.publicUrl, else the same): the return address. Never
   * the request's Host header, which the client writes.
   */
  publicUrl(): string
  readonly secureCookies: boolean
}

/** The default world's Cinema Tickets (fixtures/world/default.yaml), with its default key. */
const shopMerchant = { code: '1002', name: 'Cinema Tickets', apiKey: 'test_key_1002' } as const

export const shopGoods = [
  {
    id: 'matinee',
    name: 'Matinee ticket',
    blurb: 'Any film before 5 pm, seat of your choice.',
    price: '30.00',
  },
  {
    id: 'evening',
    name: 'Evening ticket',
    blurb: 'Any film after 5 pm, with a reserved seat.',
    price: '45.00',
  },
  {
    id: 'date-night',
    name: 'Date night',
    blurb: 'Two evening tickets, popcorn and drinks.',
    price: '98.00',
  },
] as const

const shopCsrfCookie = 'telepay_shop_csrf'

function shopLayout(title: string, body: Html): Html {
  return pageLayout({
    title: `${title} · Cinema Tickets demo shop`,
    language: 'en',
    path: '/shop',
    body,
    styles: ['console.css', 'merchant.css'],
    languageToggle: false,
  })
}

async function api(
  deps: ShopDeps,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const response = await fetch(`${deps.gatewayUrl()}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${shopMerchant.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  try {
    return { status: response.status, json: JSON.parse(text) as Record<string, unknown> }
  } catch {
    return { status: response.status, json: null }
  }
}

export function shopRoutes(deps: ShopDeps): Router {
  const router = express.Router()
  const form = express.urlencoded({ extended: false, limit: 1_024 })
  /** The shop's own secret, read once over the API as the shop's server keeps it. */
  let webhookSecret: string | null = null

  router.get('/shop', (_request: Request, response: Response) => {
    const token = randomBytes(18).toString('base64url')
    const goods = shopGoods.map(
      (item) => html`<li>
  <h2>${item.name}</h2>
  <p class="note">${item.blurb}</p>
  <p class="price">${item.price} CNY</p>
  <form method="post" action="/shop/buy">
    <input type="hidden" name="_csrf" value="${token}">
    <input type="hidden" name="item" value="${item.id}">
    <button type="submit" class="button primary">Buy ${item.name}</button>
  </form>
</li>`,
    )
    const body = html`<section class="shop">
  <p class="shop-banner">A demo shop of merchant ${shopMerchant.code}, ${shopMerchant.name}:
    choose a ticket, pay with your phone on telepay's checkout, come back here paid. Try it with
    the <a href="/handset">web handset</a> open on the number you pay with.</p>
  <h1>Cinema Tickets</h1>
  <ul class="goods">${goods}</ul>
</section>`
    response
      .set(
        'set-cookie',
        cookieHeader(shopCsrfCookie, token, { path: '/shop', secure: deps.secureCookies }),
      )
      .set('cache-control', 'no-store')
      .type('html')
      .send(shopLayout('Tickets', body).text)
  })

  router.post('/shop/buy', form, async (request: Request, response: Response) => {
    const cookie = cookieOf(request, shopCsrfCookie)
    const given = csrfTokenOf(request)
    if (cookie === null || given === null || !sameSecret(given, cookie)) {
      response.status(403).type('text/plain').send('csrf_invalid: buy from the shop page')
      return
    }
    const body = (request.body ?? {}) as Record<string, unknown>
    const item = shopGoods.find((candidate) => candidate.id === body['item'])
    if (item === undefined) {
      response.status(400).type('text/plain').send('item_invalid: no such item')
      return
    }
    const origin = deps.publicUrl()
    const answer = await api(deps, 'POST', '/checkouts', {
      amount: item.price,
      reference: `cinema-${randomBytes(4).toString('hex')}`,
      description: item.name,
      returnUrl: `${origin}/shop/return`,
    })
    const url = answer.json?.['url']
    if (answer.status !== 201 || typeof url !== 'string') {
      const body_ = html`<section class="shop"><h1>The shop cannot take payments</h1>
<p class="alert alert-danger">The checkout was refused (${String(answer.status)}): the demo shop
  needs the default world's merchant ${shopMerchant.code} and its key.</p></section>`
      response.status(502).type('html').send(shopLayout('Error', body_).text)
      return
    }
    response.redirect(303, url)
  })

  router.get('/shop/return', async (request: Request, response: Response) => {
    const field = (name: string): string => {
      const value = request.query[name]
      return typeof value === 'string' ? value : ''
    }
    if (webhookSecret === null) {
      const answer = await api(deps, 'GET', '/merchant/webhook-secret')
      const secret = answer.json?.['webhookSecret']
      webhookSecret = typeof secret === 'string' ? secret : null
    }
    const result = {
      checkout: field('checkout'),
      status: field('status') as CheckoutStatus,
      payment: field('payment'),
      amount: field('amount'),
      reference: field('reference'),
    }
    const expected = webhookSecret === null ? '' : signCheckoutResult(result, webhookSecret)
    const valid = expected !== '' && sameSecret(field('signature'), expected)
    const paid = valid && result.status === 'completed'
    const heading = !valid
      ? 'This result is not signed by telepay'
      : paid
        ? 'Order paid'
        : `Not paid: ${result.status}`
    const body = html`<section class="pay-card" data-shop-result="${
      valid ? result.status : 'invalid'
    }">
  <p class="note">Cinema Tickets</p>
  <h1>${heading}</h1>
  ${
    valid
      ? html`<p class="pay-amount">${result.amount} <small>CNY</small></p>
  <dl class="facts">
    <dt>Order</dt><dd>${result.reference}</dd>
    <dt>Payment</dt><dd>${result.payment === '' ? '—' : result.payment}</dd>
    <dt>Signature</dt><dd><span class="pill ok">verified</span></dd>
  </dl>
  <p class="note">${paid ? 'Your tickets are on their way by SMS.' : 'Nothing was charged.'}</p>`
      : html`<p class="alert alert-danger">The signature does not match: the order is not
    marked paid.</p>`
  }
  <p><a class="button" href="/shop">Back to the shop</a></p>
</section>`
    response
      .status(valid ? 200 : 400)
      .set('cache-control', 'no-store')
      .type('html')
      .send(shopLayout(heading, body).text)
  })

  return router
}
