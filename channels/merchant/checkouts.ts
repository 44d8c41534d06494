/**
 * checkouts.ts - the web checkout's desk (src/gateway/http/checkout.ts): checkouts a merchant
 * opened over the API, kept in memory within checkoutLimits, each asking the phone the shopper
 * typed through the same payment request as the API's (payment-request.ts), and the signed result
 * it sends the shopper back to the shop with. A payment request made over the API has a page of
 * its own too (/checkout/<payment id>), which only follows its status. Exports CheckoutBook,
 * CheckoutBookDeps.
 */
import { randomBytes } from 'node:crypto'
import type { Merchant, Payment } from '../../src/core/index.js'
import { formatAmount, maskMsisdn, merchantStatusOf } from '../../src/core/index.js'
import type {
  Checkout,
  CheckoutDesk,
  CheckoutPayAnswer,
  CheckoutStatus,
  CheckoutView,
} from '../../src/gateway/http/checkout.js'
import {
  checkoutFinalStatuses,
  checkoutLimits,
  checkoutReturnUrl,
  requestPageToken,
} from '../../src/gateway/http/checkout.js'
import { httpStatusOf } from '../../src/gateway/http/status.js'
import { sameSecret } from '../../src/gateway/http/web-session.js'
import type { CommandPort, LedgerReads } from '../../src/gateway/ports.js'
import { renderMessage } from '../../src/gateway/reply/index.js'
import { submitPaymentRequest } from './payment-request.js'

export interface CheckoutBookDeps {
  readonly service: CommandPort
  readonly ledger: LedgerReads<'payment' | 'merchantAuth'>
  readonly nowMs: () => number
  readonly limits?: typeof checkoutLimits
}

export class CheckoutBook implements CheckoutDesk {
  /** Oldest first (a Map keeps insertion order): the first to go when the book is full. */
  private readonly checkouts = new Map<string, Checkout>()
  /** Each merchant's checkout ids, oldest first. */
  private readonly byMerchant = new Map<string, Set<string>>()
  private readonly limits: typeof checkoutLimits

  constructor(private readonly deps: CheckoutBookDeps) {
    this.limits = deps.limits ?? checkoutLimits
  }

  get size(): number {
    return this.checkouts.size
  }

  open(
    merchant: Merchant,
    charge: { amountMinor: bigint; reference: string; description: string; returnUrl: string },
  ): Checkout {
    const nowMs = this.deps.nowMs()
    this.forgetExpired(nowMs)
    const checkout: Checkout = {
      id: `ck_${randomBytes(16).toString('base64url')}`,
      merchantCode: merchant.code,
      merchantName: merchant.name,
      amountMinor: charge.amountMinor,
      reference: charge.reference,
      description: charge.description,
      returnUrl: charge.returnUrl,
      createdMs: nowMs,
      expiresMs: nowMs + this.limits.checkoutTtlMs,
      csrfToken: randomBytes(24).toString('base64url'),
      paymentId: null,
      cancelled: false,
      attempts: 0,
      paying: false,
    }
    this.checkouts.set(checkout.id, checkout)
    const own = this.byMerchant.get(merchant.code) ?? new Set<string>()
    own.add(checkout.id)
    this.byMerchant.set(merchant.code, own)
    // This merchant's oldest first; then the book's oldest, whoever's it is.
    while (own.size > this.limits.checkoutsPerMerchantMax) {
      const oldest = own.values().next().value
      if (oldest === undefined) break
      this.drop(oldest)
    }
    while (this.checkouts.size > this.limits.checkoutsMax) {
      const oldest = this.checkouts.keys().next().value
      if (oldest === undefined) break
      this.drop(oldest)
    }
    return checkout
  }

  private drop(id: string): void {
    const checkout = this.checkouts.get(id)
    this.checkouts.delete(id)
    if (checkout === undefined) return
    const own = this.byMerchant.get(checkout.merchantCode)
    own?.delete(id)
    if (own?.size === 0) this.byMerchant.delete(checkout.merchantCode)
  }

  /**
   * A checkout past its TTL is kept while its payment may still end (the page shows the end);
   * one that never asked a phone goes. Checked in insertion order, so only the expired head is
   * read: a step costs what expired.
   */
  private forgetExpired(nowMs: number): void {
    for (const [id, checkout] of this.checkouts) {
      if (checkout.expiresMs + this.limits.checkoutTtlMs > nowMs) break
      this.drop(id)
    }
  }

  async view(id: string, pageToken: string | null = null): Promise<CheckoutView | null> {
    const checkout = this.checkouts.get(id)
    if (checkout !== undefined) return this.viewOf(checkout)
    return pageToken === null ? null : this.requestView(id, pageToken)
  }

  private async viewOf(checkout: Checkout): Promise<CheckoutView> {
    const payment =
      checkout.paymentId === null ? null : await this.deps.ledger.payment(checkout.paymentId)
    if (payment === null) {
      const status: CheckoutStatus = checkout.cancelled
        ? 'cancelled'
        : this.deps.nowMs() >= checkout.expiresMs
          ? 'expired'
          : 'open'
      return { checkout, status, phone: null, reason: null }
    }
    return {
      checkout,
      status: merchantStatusOf(payment.state) as CheckoutStatus,
      phone: maskMsisdn(payment.payerMsisdn),
      reason: payment.reason,
    }
  }

  /**
   * The page of a payment request made over the API: only a merchant's request (never a
   * subscriber's own payment), and only while it is recent, since payment ids are sequential and
   * this page needs no log-in: merchant, amount, reference and status, no phone number shown in
   * full.
   */
  private async requestView(id: string, pageToken: string): Promise<CheckoutView | null> {
    if (!/^P[0-9A-Z]{7,}$/.test(id)) return null
    const payment = await this.deps.ledger.payment(id)
    if (payment === null || !isMerchantRequest(payment)) return null
    if (this.deps.nowMs() - payment.createdMs > this.limits.checkoutTtlMs) return null
    const auth = await this.deps.ledger.merchantAuth(payment.merchantCode ?? '')
    if (auth === null) return null
    if (!sameSecret(pageToken, requestPageToken(payment.id, auth.webhookSecret))) return null
    const checkout: Checkout = {
      id: payment.id,
      merchantCode: auth.merchant.code,
      merchantName: auth.merchant.name,
      amountMinor: payment.amountMinor,
      reference: payment.merchantReference ?? '',
      description: payment.description ?? '',
      returnUrl: null,
      createdMs: payment.createdMs,
      expiresMs: payment.expiresMs,
      csrfToken: '',
      paymentId: payment.id,
      cancelled: false,
      attempts: 0,
      paying: false,
    }
    return {
      checkout,
      status: merchantStatusOf(payment.state) as CheckoutStatus,
      phone: maskMsisdn(payment.payerMsisdn),
      reason: payment.reason,
    }
  }

  async pay(id: string, msisdn: string): Promise<CheckoutPayAnswer> {
    const checkout = this.checkouts.get(id)
    if (checkout === undefined)
      return refused(404, 'checkout_not_found', 'This checkout is unknown or was forgotten.')
    if (checkout.paymentId !== null)
      return refused(409, 'checkout_already_sent', 'This checkout already asked a phone.')
    if (checkout.cancelled) return refused(409, 'checkout_cancelled', 'This checkout was left.')
    if (this.deps.nowMs() >= checkout.expiresMs)
      return refused(410, 'checkout_expired', 'This checkout has expired.')
    // Set before the first wait: a double submit finds it, and so does a return from a second tab.
    if (checkout.paying)
      return refused(409, 'checkout_busy', 'This checkout is asking a phone already.')
    checkout.paying = true
    try {
      return await this.ask(checkout, msisdn)
    } finally {
      checkout.paying = false
    }
  }

  private async ask(checkout: Checkout, msisdn: string): Promise<CheckoutPayAnswer> {
    const auth = await this.deps.ledger.merchantAuth(checkout.merchantCode)
    if (auth === null) return refused(404, 'merchant_not_found', 'The shop is no longer known.')
    // One command per try: a refused number (not registered, a payment pending) leaves the
    // checkout open for another try, which is a new command, not the first one's replay.
    const result = await submitPaymentRequest(
      this.deps.service,
      auth.merchant,
      {
        msisdn,
        amountMinor: checkout.amountMinor,
        reference: checkout.reference,
        description: checkout.description,
        funding: 'wallet',
        callbackUrl: null,
      },
      `${checkout.merchantCode}:checkout:${checkout.id}:${checkout.attempts}`,
    )
    if (!result.ok || result.payment === null) {
      checkout.attempts += 1
      const reason = result.reason ?? 'system_busy'
      return refused(httpStatusOf(reason), reason, renderMessage(result.message, 'en'))
    }
    checkout.paymentId = result.payment.id
    return { ok: true, paymentId: result.payment.id }
  }

  async returnTo(id: string): Promise<string | null> {
    const checkout = this.checkouts.get(id)
    if (checkout?.returnUrl == null || checkout.paying) return null
    let view = await this.viewOf(checkout)
    if (view.status === 'open') {
      checkout.cancelled = true
      view = await this.viewOf(checkout)
    }
    if (!checkoutFinalStatuses.has(view.status)) return null
    const auth = await this.deps.ledger.merchantAuth(checkout.merchantCode)
    if (auth === null) return null
    return checkoutReturnUrl(
      checkout.returnUrl,
      {
        checkout: checkout.id,
        status: view.status,
        payment: checkout.paymentId ?? '',
        amount: formatAmount(checkout.amountMinor),
        reference: checkout.reference,
      },
      auth.webhookSecret,
    )
  }
}

function isMerchantRequest(payment: Payment): boolean {
  return (
    payment.merchantCode !== null && payment.initiator === 'merchant' && payment.kind === 'merchant'
  )
}

function refused(status: number, error: string, message: string): CheckoutPayAnswer {
  return { ok: false, status, error, message }
}
