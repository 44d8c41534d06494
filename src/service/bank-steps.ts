/**
 * bank-steps.ts - the calls to the issuing bank that follow a committed card reservation:
 * authorize, reserve and capture, each bounded by a timeout; any failure releases what the bank
 * holds. No ledger transaction is open while these run.
 */

import type { IssuingBank } from '../bank/issuing-bank.js'
import { BankUnavailableError } from '../bank/issuing-bank.js'
import type { BankOutcome, BankStep } from '../core/index.js'
import type { Logger } from './log.js'

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new BankUnavailableError(`${what}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Runs a capture step and says what the bank finally did. Never throws. */
export async function captureAtBank(
  bank: IssuingBank,
  step: Extract<BankStep, { op: 'capture' }>,
  timeoutMs: number,
  log: Logger,
): Promise<BankOutcome> {
  let authorizationId: string | null = null
  try {
    const answer = await withTimeout(
      bank.authorize({
        reference: step.paymentId,
        cardToken: step.cardToken,
        amountMinor: step.amountMinor,
      }),
      timeoutMs,
      'authorize',
    )
    if (!answer.approved) {
      log.info('bank declined', { payment: step.paymentId, code: answer.code })
      return 'declined'
    }
    authorizationId = answer.authorizationId
    await withTimeout(bank.reserve(authorizationId), timeoutMs, 'reserve')
    await withTimeout(bank.capture(authorizationId), timeoutMs, 'capture')
    return 'captured'
  } catch (error) {
    log.warn('bank unavailable', { payment: step.paymentId, error: String(error) })
    if (authorizationId !== null) await releaseQuietly(bank, authorizationId, timeoutMs, log)
    return 'unavailable'
  }
}

async function releaseQuietly(
  bank: IssuingBank,
  authorizationId: string,
  timeoutMs: number,
  log: Logger,
): Promise<void> {
  try {
    await withTimeout(bank.release(authorizationId), timeoutMs, 'release')
  } catch (error) {
    // A hold the bank keeps expires on its side; the recovery at start-up asks again.
    // Not `authorization`: that name is an HTTP credential's, which the logger redacts.
    log.warn('bank release failed', { bankAuthorization: authorizationId, error: String(error) })
  }
}

/**
 * Puts a refund back on the card; false when the bank could not be reached (logged for follow-up).
 */
export async function refundAtBank(
  bank: IssuingBank,
  step: Extract<BankStep, { op: 'refund' }>,
  timeoutMs: number,
  log: Logger,
): Promise<boolean> {
  try {
    await withTimeout(
      bank.refund({
        reference: step.reference,
        cardToken: step.cardToken,
        amountMinor: step.amountMinor,
      }),
      timeoutMs,
      'refund',
    )
    return true
  } catch (error) {
    log.error('card refund not delivered to the bank', {
      payment: step.paymentId,
      refund: step.reference,
      error: String(error),
    })
    return false
  }
}

/**
 * After a crash, a card payment may be left authorized in the ledger with the bank in any
 * state. Money the bank captured is posted; anything else is released and the payment fails,
 * since its user was never told it succeeded.
 */
export async function recoverAtBank(
  bank: IssuingBank,
  paymentId: string,
  timeoutMs: number,
  log: Logger,
): Promise<BankOutcome | null> {
  try {
    const status = await withTimeout(bank.status(paymentId), timeoutMs, 'status')
    if (status.state === 'captured') return 'captured'
    if (status.authorizationId !== null)
      await releaseQuietly(bank, status.authorizationId, timeoutMs, log)
    return 'unavailable'
  } catch (error) {
    log.warn('bank status unknown; payment left for the next start', {
      payment: paymentId,
      error: String(error),
    })
    return null
  }
}
