/**
 * trail-words.ts - the words and actor a trail step has when nothing unusual happened, worked out
 * from the payment's own fields and the steps before it. A decision records a usual step as null
 * actor and words, so a payment's eight usual steps cost the hot path no strings and the row a few
 * bytes (src/ledger/trail-codec.ts); the words are made here when the trail is shown. Exports
 * usualWords, usualActor, describeTrail and what the decisions compare against (askedBy,
 * authorizationWords).
 */
import type { Payment } from './entities.js'
import { formatAmount } from './money.js'
import { pinRequired } from './payment-intent.js'
import type { TrailCode, TrailStatus, TrailStep } from './trail.js'
import { trailSteps } from './trail.js'

/** A phone-bill payment skips 3 and 4: the network, not a bank, vouches for the payer. */
export const microPaymentWords =
  'micro-payment: the SIM identity the network delivered authenticates the payer'

/** A trail step with its actor and words made out, as the APIs show it. */
export interface DescribedStep {
  readonly code: TrailCode
  readonly status: TrailStatus
  readonly atMs: number
  readonly actor: string
  readonly detail: string
}

/** The payment's trail with every usual actor and words made out. */
export function describeTrail(payment: Payment): DescribedStep[] {
  return payment.trail.map((entry, index) => ({
    code: entry.code,
    status: entry.status,
    atMs: entry.atMs,
    actor: entry.actor ?? usualActor(entry.code, payment) ?? 'credit institution',
    detail:
      entry.detail ??
      usualWords(entry.code, entry.status, payment, payment.trail.slice(0, index)) ??
      '',
  }))
}

function told(payment: Payment): string {
  return payment.merchantCode === null ? 'the payer told' : 'payer and merchant told'
}

/** The words of step `code` for `payment`; null when they always need saying (a refund's sum). */
export function usualWords(
  code: TrailCode,
  status: TrailStatus,
  payment: Payment,
  earlier: readonly TrailStep[],
): string | null {
  const amount = formatAmount(payment.amountMinor)
  const reference = payment.transferRef ?? ''
  switch (code) {
    case 1:
      if (payment.initiator === 'merchant')
        return `at the merchant: ${payment.merchantReference ?? ''}`
      return `${payment.kind} ${amount} to ${payeeOf(payment)} by ${payment.channel}`
    case 2:
      return `serial ${payment.id}, ${amount} from the ${payment.funding} account`
    case 3:
      if (status === 'skipped') return microPaymentWords
      return payment.funding === 'bank'
        ? `authorize ${amount} on the card`
        : `debit ${amount} from the wallet`
    case 4:
      if (status === 'skipped') return microPaymentWords
      if (payment.funding !== 'bank') return 'approved: PIN verified, funds and limits checked'
      return payment.reason === 'bank_declined' ? 'declined' : 'approved: captured'
    case 5:
      if (status === 'skipped') return 'the request carried the authorization'
      return pinRequired(payment.funding)
        ? `asked by ${askedBy(payment)}: YES and PIN`
        : `asked by ${askedBy(payment)}: YES (the SIM identifies the payer)`
    case 6:
      return authorizationWords(
        earlier.some((entry) => entry.code === 5 && entry.status === 'done'),
        pinRequired(payment.funding),
        askedBy(payment),
      )
    case 7: {
      const net = formatAmount(payment.amountMinor - payment.feeMinor)
      if (payment.merchantCode === null)
        return `transfer ${reference}: ${net} credited to the payee`
      return `transfer ${reference}: ${net} to the merchant, fee ${formatAmount(payment.feeMinor)}`
    }
    case 8:
      return `receipt ${reference} to the payer`
    case 9:
      return status === 'skipped' ? `nothing to deliver: ${payment.kind}` : 'goods delivered'
    case 'declined':
    case 'expired':
      return `${payment.reason ?? code}; ${told(payment)}`
    case 'cancelled':
      return `the payer said no; ${told(payment)}`
    case 'failed':
      return `the bank did not answer; ${told(payment)}`
    case 'refund':
      return null
  }
}

/** How the user authorized, in words; never with what. */
export function authorizationWords(waited: boolean, pinGiven: boolean, channel: string): string {
  if (waited) return pinGiven ? `YES and PIN by ${channel}, PIN not kept` : `YES by ${channel}`
  return pinGiven
    ? 'PIN with the request, not kept'
    : 'the request itself: no PIN for a micro-payment'
}

/** A merchant's request reaches the phone by SMS; a payer's own asks on the channel it came by. */
export function askedBy(payment: Payment): string {
  return payment.initiator === 'merchant' ? 'sms' : payment.channel
}

function payeeOf(payment: Payment): string {
  return payment.merchantCode ?? payment.payeeMsisdn ?? payment.payerMsisdn
}

/**
 * Who usually takes a step: the party its `from` role stands for in this payment. A card's bank
 * has no usual name here (the card is not on the payment), so it is always said.
 */
export function usualActor(code: TrailCode, payment: Payment): string | null {
  switch (trailSteps[code].from) {
    case 'consumer':
      return payment.payerMsisdn
    case 'merchant':
      return payment.merchantCode ?? 'platform'
    case 'platform':
      return 'platform'
    case 'credit_institution':
      if (payment.funding === 'phone_bill') return 'operator'
      return payment.funding === 'wallet' ? 'platform' : null
  }
}
