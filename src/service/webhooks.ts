/**
 * webhooks.ts - delivers a merchant's payment result to its callbackUrl from the outbox: the
 * JSON body is signed with HMAC-SHA256 under the merchant's webhook secret (X-Telepay-Signature,
 * lowercase hex), carries an event id for de-duplication, and is retried with exponential
 * backoff until a 2xx answer or the attempt limit. A payment asked for by an HTTP call that the
 * gateway still remembers (correlation.ts) is delivered with that call's id as X-Request-Id, so
 * the merchant can match the webhook to its request as the gateway's log lines do. Every attempt
 * is recorded with its body, signature, status code and the first characters of the answer (the
 * merchant portal shows them). Exports signWebhook, webhookBody, backoffMs, deliverDueWebhooks,
 * webhookSnippetCharsMax.
 */
import { createHmac } from 'node:crypto'
import type { OperatingLimits, Payment } from '../core/index.js'
import { formatAmount, merchantStatusOf } from '../core/index.js'
import { decodeJson } from '../ledger/codec.js'
import type { LedgerStore, OutboxItem } from '../ledger/store.js'
import type { Clock } from './clock.js'
import type { CorrelationIds } from './correlation.js'
import type { Logger } from './log.js'
import { DestinationRefused } from './webhook-destination.js'
import { postWebhook } from './webhook-post.js'

export function signWebhook(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex')
}

export function webhookBody(payment: Payment, eventId: number): string {
  return JSON.stringify({
    eventId,
    id: payment.id,
    status: merchantStatusOf(payment.state),
    amount: formatAmount(payment.amountMinor),
    currency: 'CNY',
    reference: payment.merchantReference,
    msisdn: payment.payerMsisdn,
    account: payment.funding,
    transactionRef: payment.transferRef,
    reason: payment.reason,
  })
}

/**
 * The first characters of an endpoint's answer kept with each attempt: enough for an error page's
 * title or a JSON error, never a large page (a delivery has at most webhookAttemptsMax attempts).
 */
export const webhookSnippetCharsMax = 256

/** Delay before attempt number `attempts + 1`: base, 2x base, 4x base... */
export function backoffMs(attempts: number, limits: OperatingLimits): number {
  return limits.webhookBackoffBaseMs * 2 ** Math.min(attempts, 20)
}

export interface WebhookDelivery {
  readonly ledger: LedgerStore
  readonly clock: Clock
  readonly limits: OperatingLimits
  readonly log: Logger
  readonly correlations: CorrelationIds | null
  /** Refuse non-public destinations (config webhooks.privateDestinations off). */
  readonly publicOnly: boolean
}

export async function deliverDueWebhooks(delivery: WebhookDelivery): Promise<number> {
  const { ledger, clock, limits } = delivery
  const due = await ledger.dueOutbox('webhook', clock.nowMs(), limits.outboxBatchMax)
  let delivered = 0
  for (const item of due) {
    if (await deliverOne(delivery, item)) delivered += 1
  }
  return delivered
}

async function deliverOne(delivery: WebhookDelivery, item: OutboxItem): Promise<boolean> {
  const { ledger, clock, limits, log, correlations } = delivery
  const notification = decodeJson<{ paymentId: string; merchantCode: string; url: string }>(
    item.payload,
  )
  const payment = await ledger.payment(notification.paymentId)
  const merchant = await ledger.merchantAuth(notification.merchantCode)
  if (payment === null || merchant === null) {
    await ledger.outboxFailed(item.id, null, 'payment or merchant no longer exists', clock.nowMs())
    return false
  }
  const body = webhookBody(payment, item.id)
  const signature = signWebhook(body, merchant.webhookSecret)
  const requestId = correlations?.of(payment.id)
  let failure: string
  let statusCode: number | null = null
  let snippet = ''
  let refused = false
  try {
    // A redirect is the endpoint's answer (a failed attempt), never followed: following it
    // would let a callback URL lead the gateway to an address the merchant could not name.
    const answer = await postWebhook({
      url: notification.url,
      headers: {
        'content-type': 'application/json',
        'x-telepay-signature': signature,
        'x-telepay-event-id': String(item.id),
        ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
      },
      body,
      timeoutMs: limits.webhookTimeoutMs,
      snippetBytesMax: webhookSnippetCharsMax * 4,
      publicOnly: delivery.publicOnly,
    })
    statusCode = answer.statusCode
    snippet = answer.body.toString('utf8').slice(0, webhookSnippetCharsMax)
    failure = `HTTP ${answer.statusCode}`
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
    // The destination will not become public by waiting: no retries.
    refused = error instanceof DestinationRefused
    snippet = failure.slice(0, webhookSnippetCharsMax)
  }
  // Kept for the merchant portal's deliveries page: what was sent and what came back.
  await ledger.recordWebhookAttempt({
    outboxId: item.id,
    attempt: item.attempts + 1,
    merchantCode: notification.merchantCode,
    paymentId: payment.id,
    url: notification.url,
    atMs: clock.nowMs(),
    body,
    signature,
    statusCode,
    responseSnippet: snippet,
  })
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
    await ledger.outboxDelivered(item.id, clock.nowMs())
    log.info('webhook delivered', {
      payment: payment.id,
      status: statusCode,
      attempt: item.attempts + 1,
    })
    return true
  }
  const attempts = item.attempts + 1
  const next =
    refused || attempts >= limits.webhookAttemptsMax
      ? null
      : clock.nowMs() + backoffMs(item.attempts, limits)
  await ledger.outboxFailed(item.id, next, failure, clock.nowMs())
  log.warn(next === null ? 'webhook abandoned' : 'webhook failed, will retry', {
    payment: payment.id,
    attempt: attempts,
    error: failure,
  })
  return false
}
