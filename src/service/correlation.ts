/**
 * correlation.ts - the correlation id that follows a merchant's call through what it causes: the
 * HTTP request's id (X-Request-Id) is in scope while the request is handled, the payment a
 * command of that request names is tied to it, and every log line that names that payment
 * later (its SMS prompt, the subscriber's confirmation by SMS, its webhook) carries it as
 * `correlationId`, as do the request's own lines.
 *
 * The tie is kept in memory, bounded (operating.correlationIdsMax, oldest forgotten first), not
 * in the ledger: it only labels log lines, a payment's life (prompt, confirmation, webhook
 * retries) lasts minutes, and a schema change for a label would cost every store a migration.
 * After a restart, lines of payments requested before it carry no id.
 * Exports inRequestScope, requestScopeId, CorrelationIds, correlatedLogger.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Fields, Logger } from './log.js'

const requestScope = new AsyncLocalStorage<string>()

/** Runs `handle` (an HTTP request's handling) with `id` in scope for what it starts. */
export function inRequestScope<T>(id: string, handle: () => T): T {
  return requestScope.run(id, handle)
}

/** The id of the HTTP request being handled, or undefined outside any request. */
export function requestScopeId(): string | undefined {
  return requestScope.getStore()
}

export class CorrelationIds {
  private readonly byPayment = new Map<string, string>()

  constructor(private readonly idsMax: number) {}

  /**
   * Ties a payment to the request in scope, once: a later call naming the same payment (a
   * merchant's refund, an operator's look) keeps the first call's id.
   */
  adopt(paymentId: string): void {
    const id = requestScope.getStore()
    if (id === undefined || this.byPayment.has(paymentId)) return
    this.byPayment.set(paymentId, id)
    // A Map iterates in insertion order: the first key is the oldest tie.
    if (this.byPayment.size > this.idsMax) {
      const oldest = this.byPayment.keys().next().value
      if (oldest !== undefined) this.byPayment.delete(oldest)
    }
  }

  /** The correlation id of a payment, or undefined when none is known. */
  of(paymentId: string): string | undefined {
    return this.byPayment.get(paymentId)
  }

  get size(): number {
    return this.byPayment.size
  }
}

/**
 * A logger that adds `correlationId` to each line: the id tied to the payment the line names
 * (its `payment` field), else the id of the request in scope. The payment's id comes first: a
 * sweep started by another request (an operator moving the test clock) delivers the webhook of
 * the merchant's payment, and the line belongs to the merchant's call.
 */
export function correlatedLogger(log: Logger, ids: CorrelationIds): Logger {
  const withId = (fields: Fields | undefined): Fields | undefined => {
    if (fields?.['correlationId'] !== undefined) return fields
    const payment = fields?.['payment']
    const id = (typeof payment === 'string' ? ids.of(payment) : undefined) ?? requestScopeId()
    return id === undefined ? fields : { ...fields, correlationId: id }
  }
  return {
    debug: (message, fields) => log.debug(message, withId(fields)),
    info: (message, fields) => log.info(message, withId(fields)),
    warn: (message, fields) => log.warn(message, withId(fields)),
    error: (message, fields) => log.error(message, withId(fields)),
  }
}
