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

/** The first bytes of an answer's body as text, reading no further than the bound needs. */
async function snippetOf(response: Response): Promise<string> {
  const reader = response.body?.getReader()
  if (reader === undefined) return ''
  const chunks: Uint8Array[] = []
  let bytes = 0
  try {
    while (bytes < webhookSnippetCharsMax * 4) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      bytes += value.length
    }
  } catch {
    // An answer cut off half-way keeps what came.
  } finally {
    reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, webhookSnippetCharsMax)
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
  const signature = signWebhook(body, merchant.webhookSecret)
  const requestId = correlations?.of(payment.id)
  let failure: string
  let statusCode: number | null = null
  let snippet = ''
  try {
    const response = await fetch(notification.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telepay-signature': signature,
        'x-telepay-event-id': String(item.id),
        ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
      },
      body,
      signal: AbortSignal.timeout(limits.webhookTimeoutMs),
      // A redirect is the endpoint's answer (a failed attempt), never followed: following it
      // would let a callback URL lead the gateway to an address the merchant could not name.
      redirect: 'manual',
    })
    statusCode = response.status
    snippet = await snippetOf(response)
    failure = `HTTP ${response.status}`
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
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
    attempts >= limits.webhookAttemptsMax ? null : clock.nowMs() + backoffMs(item.attempts, limits)
  await ledger.outboxFailed(item.id, next, failure, clock.nowMs())
  log.warn(next === null ? 'webhook abandoned' : 'webhook failed, will retry', {
    payment: payment.id,
    attempt: attempts,
    error: failure,
  })
  return false
}
