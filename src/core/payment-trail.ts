/**
 * payment-trail.ts - what each decision adds to a payment's nine-step trail (src/core/trail.ts).
 * The decisions call these where they change a payment, so the steps are written with the change;
 * the words of each step are here, in one place. Nothing here reads a PIN: step 6 says how the
 * user authorized, never with what.
 */
import type { Account, Payment } from './entities.js'
import { formatAmount } from './money.js'
import type { Intent } from './payment-intent.js'
import type { TrailStep } from './trail.js'
import { skipped, step } from './trail.js'

/** The payment with `steps` appended to its trail. */
export function withSteps(payment: Payment, steps: readonly TrailStep[]): Payment {
  return { ...payment, trail: [...payment.trail, ...steps] }
}

/** Who answers step 3 for a funding account: the operator, the wallet's holder, the card's bank. */
export function creditInstitutionOf(funding: Payment['funding'], account: Account | null): string {
  if (funding === 'phone_bill') return 'operator'
  if (funding === 'wallet') return 'platform'
  return account?.card?.bank ?? 'bank'
}

function payeeOf(intent: Intent): string {
  if (intent.merchant !== null) return `${intent.merchant.code} ${intent.merchant.name}`
  return intent.payeeMsisdn ?? intent.payer.msisdn
}

/** Steps 1 and 2: the purchase request and the platform's charge request with its serial. */
export function requestSteps(
  payment: Payment,
  intent: Intent,
  nowMs: number,
  reference: string | null,
): TrailStep[] {
  const amount = formatAmount(intent.amountMinor)
  const what = `${payment.kind} ${amount} to ${payeeOf(intent)}`
  const purchase =
    payment.initiator === 'merchant'
      ? step(1, nowMs, payment.payerMsisdn, `at the merchant${reference ? `: ${reference}` : ''}`)
      : step(1, nowMs, payment.payerMsisdn, `${what} by ${payment.channel}`)
  // A payment to a person or for airtime has no merchant: the platform charges on its own behalf.
  const charger = intent.merchant?.code ?? 'platform'
  return [
    purchase,
    step(2, nowMs, charger, `serial ${payment.id}, ${amount} from the ${payment.funding} account`),
  ]
}

/** Step 5: the platform asks the user to authorize. */
export function authorizationRequestStep(
  payment: Payment,
  nowMs: number,
  pinAsked: boolean,
): TrailStep {
  const how = pinAsked ? 'YES and PIN' : 'YES (the SIM identifies the payer)'
  return step(5, nowMs, 'platform', `asked by ${payment.channel}: ${how}`)
}

/**
 * Step 6, the user's authorization (step 5 skipped when it came with the request), then the
 * credit institution's steps as far as they go at once: for a wallet or a phone bill the platform
 * holds the answer now; a card's bank is asked (3) and answers later (4, decideBankOutcome).
 */
export function authorizedSteps(
  payment: Payment,
  intent: Intent,
  nowMs: number,
  channel: string,
  pinGiven: boolean,
): TrailStep[] {
  const steps: TrailStep[] = []
  const waited = payment.trail.some((entry) => entry.code === 5)
  if (!waited) steps.push(skipped(5, nowMs, 'platform', 'the request carried the authorization'))
  steps.push(step(6, nowMs, payment.payerMsisdn, authorizationOf(waited, pinGiven, channel)))
  const institution = creditInstitutionOf(payment.funding, intent.payerAccount)
  const amount = formatAmount(payment.amountMinor)
  if (payment.funding === 'phone_bill') {
    const why = 'micro-payment: the SIM identity the network delivered authenticates the payer'
    steps.push(skipped(3, nowMs, 'platform', why), skipped(4, nowMs, institution, why))
  } else if (payment.funding === 'wallet') {
    steps.push(
      step(3, nowMs, 'platform', `ask ${institution}: debit ${amount} from the wallet`),
      step(4, nowMs, institution, 'approved: PIN verified, funds and limits checked'),
    )
  } else {
    const card = intent.payerAccount.card
    const last4 = card === null ? '' : ` ending ${card.last4}`
    steps.push(step(3, nowMs, 'platform', `ask ${institution}: ${amount} on the card${last4}`))
  }
  return steps
}

/** How the user authorized, in words; never with what. */
function authorizationOf(waited: boolean, pinGiven: boolean, channel: string): string {
  if (waited) return pinGiven ? `YES and PIN by ${channel}, PIN not kept` : `YES by ${channel}`
  return pinGiven
    ? 'PIN with the request, not kept'
    : 'the request itself: no PIN for a micro-payment'
}

/** Step 4 from a card's bank. */
export function bankResultStep(
  payment: Payment,
  account: Account | null,
  nowMs: number,
  approved: boolean,
): TrailStep {
  const institution = creditInstitutionOf(payment.funding, account)
  return step(4, nowMs, institution, approved ? 'approved: captured' : 'declined')
}

/**
 * Steps 7 and 8: the charge complete, told to the merchant with the transfer, and the receipt to
 * the user; a payment to a person or for airtime has no goods to deliver, so 9 is skipped too.
 */
export function postedSteps(payment: Payment, nowMs: number): TrailStep[] {
  const reference = payment.transferRef ?? ''
  const net = formatAmount(payment.amountMinor - payment.feeMinor)
  const fee = formatAmount(payment.feeMinor)
  const charged =
    payment.merchantCode === null
      ? step(7, nowMs, 'platform', `transfer ${reference}: ${net} credited to the payee`)
      : step(7, nowMs, 'platform', `transfer ${reference}: ${net} to the merchant, fee ${fee}`)
  const steps = [charged, step(8, nowMs, 'platform', `receipt ${reference} to the payer`)]
  if (payment.merchantCode === null)
    steps.push(skipped(9, nowMs, 'platform', `nothing to deliver: ${payment.kind}`))
  return steps
}

/** How a payment ended early, told to both sides. */
export function endedStep(
  payment: Payment,
  state: 'cancelled' | 'expired' | 'declined' | 'failed',
  nowMs: number,
  why: string,
  actor: string,
): TrailStep {
  const told = payment.merchantCode === null ? 'the payer told' : 'payer and merchant told'
  return step(state, nowMs, actor, `${why}; ${told}`)
}

/** A refund, on the payment it gives money back from. */
export function refundStep(
  payment: Payment,
  nowMs: number,
  amountMinor: bigint,
  reference: string,
): TrailStep {
  const actor = payment.merchantCode ?? 'platform'
  return step('refund', nowMs, actor, `${formatAmount(amountMinor)} back, transfer ${reference}`)
}

/** Step 9: the merchant reports the goods delivered. */
export function deliveryStep(payment: Payment, nowMs: number, note: string): TrailStep {
  const actor = payment.merchantCode ?? 'platform'
  return step(9, nowMs, actor, note === '' ? 'goods delivered' : `goods delivered: ${note}`)
}
