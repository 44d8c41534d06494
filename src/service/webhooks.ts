/**
 * webhooks.ts - delivers a merchant's payment result to its callbackUrl from the outbox: the
 * JSON body is signed with HMAC-SHA256 under the merchant's webhook secret (X-Telepay-Signature,
 * lowercase hex), carries an event id for de-duplication, and is retried with exponential
 * backoff until a 2xx answer or the attempt limit. A payment asked for by an HTTP call that the
 * gateway still remembers (correlation.ts) is delivered with that call's id as X-Request-Id, so
 * the merchant can match the webhook to its request as the gateway's log lines do.
 */
import { createHmac } from 'node:crypto'
import type { OperatingLimits, Payment } from '../core/index.js'
import { formatAmount, merchantStatusOf } from '../core/index.js'
import { decodeJson } from '../ledger/codec.js'
import type { LedgerStore, OutboxItem } from '../ledger/store.js'
import type { Clock } from './clock.js'
import type { CorrelationIds } from './correlation.js'
import type { Logger } from './log.js'

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

/** Delay before attempt number `attempts + 1`: base, 2x base, 4x base... */
export function backoffMs(attempts: number, limits: OperatingLimits): number {
  return limits.webhookBackoffBaseMs * 2 ** Math.min(attempts, 20)
}

export async function deliverDueWebhooks(
  ledger: LedgerStore,
  clock: Clock,
  limits: OperatingLimits,
  log: Logger,
  correlations: CorrelationIds | null = null,
): Promise<number> {
  const due = await ledger.dueOutbox('webhook', clock.nowMs(), limits.outboxBatchMax)
  let delivered = 0
  for (const item of due) {
    if (await deliverOne(ledger, item, clock, limits, log, correlations)) delivered += 1
  }
  return delivered
}

async function deliverOne(
  ledger: LedgerStore,
  item: OutboxItem,
  clock: Clock,
  limits: OperatingLimits,
  log: Logger,
  correlations: CorrelationIds | null,
): Promise<boolean> {
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
  const requestId = correlations?.of(payment.id)
  let failure: string
  try {
    const response = await fetch(notification.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telepay-signature': signWebhook(body, merchant.webhookSecret),
        'x-telepay-event-id': String(item.id),
        ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
      },
      body,
      signal: AbortSignal.timeout(limits.webhookTimeoutMs),
    })
    if (response.ok) {
      await ledger.outboxDelivered(item.id, clock.nowMs())
      log.info('webhook delivered', {
        payment: payment.id,
        status: response.status,
        attempt: item.attempts + 1,
      })
      return true
    }
    failure = `HTTP ${response.status}`
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  }
  const attempts = item.attempts + 1
  const next =
    attempts >= limits.webhookAttemptsMax ? null : clock.nowMs() + backoffMs(item.attempts, limits)
  await ledger.outboxFailed(item.id, next, failure, clock.nowMs())
  log.warn(next === null ? 'webhook abandoned' : 'webhook failed, will retry', {
    payment: payment.id,
    attempt: attempts,
    error: failure,
  })
  return false
}
