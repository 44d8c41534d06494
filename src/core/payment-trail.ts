/**
 * payment-trail.ts - what each decision adds to a payment's nine-step trail (src/core/trail.ts).
 * The decisions call these where they change a payment, so the steps are written with the change.
 * A usual step is recorded with null actor and words (src/core/trail-words.ts makes them out when
 * the trail is shown): this runs for every payment, and building eight sentences a payment cost
 * the ledger a fifth of its rate. Only what is unusual is said here: the YES came by another
 * channel, a newer payment replaced this one, a card's bank by name, a refund's sum. Nothing here
 * reads a PIN: step 6 says how the user authorized, never with what.
 */
import type { Account, Payment } from './entities.js'
import { formatAmount } from './money.js'
import type { OperatingModelId } from './operating-models.js'
import { creditInstitutionOf } from './operating-models.js'
import { pinRequired } from './payment-intent.js'
import type { TrailStep } from './trail.js'
import { skipped, step } from './trail.js'
import { askedBy, authorizationWords, usualActor } from './trail-words.js'

/** The payment with `steps` appended to its trail. */
export function withSteps(payment: Payment, steps: readonly TrailStep[]): Payment {
  return { ...payment, trail: [...payment.trail, ...steps] }
}

/** Who answers step 3 under `model`: the operator, the wallet's holder, the card's bank. */
export function institutionOf(
  model: OperatingModelId,
  funding: Payment['funding'],
  account: Account | null,
): string {
  return creditInstitutionOf(model, funding, account?.card?.bank ?? null)
}

/** The institution as step 4's actor: null when it is the usual one for the account. */
function institutionActor(
  model: OperatingModelId,
  payment: Payment,
  account: Account | null,
): string | null {
  const institution = institutionOf(model, payment.funding, account)
  return institution === usualActor(4, payment) ? null : institution
}

/** Steps 1 and 2: the purchase request and the platform's charge request with its serial. */
export function requestSteps(nowMs: number): TrailStep[] {
  return [step(1, nowMs), step(2, nowMs)]
}

/** Step 5: the platform asks the user to authorize. */
export function authorizationRequestStep(nowMs: number): TrailStep {
  return step(5, nowMs)
}

/**
 * Step 6, the user's authorization (step 5 skipped when it came with the request), then the
 * credit institution's steps as far as they go at once: for a wallet or a phone bill the answer
 * is at hand; a card's bank is asked (3) and answers later (4, decideBankOutcome).
 */
export function authorizedSteps(
  payment: Payment,
  account: Account,
  nowMs: number,
  channel: string,
  pinGiven: boolean,
  model: OperatingModelId,
): TrailStep[] {
  const steps: TrailStep[] = []
  const waited = payment.trail.some((entry) => entry.code === 5)
  if (!waited) steps.push(skipped(5, nowMs))
  const usualAuthorization =
    pinGiven === pinRequired(payment.funding) && channel === askedBy(payment)
  steps.push(
    step(6, nowMs, null, usualAuthorization ? null : authorizationWords(waited, pinGiven, channel)),
  )
  const actor = institutionActor(model, payment, account)
  if (payment.funding === 'phone_bill') steps.push(skipped(3, nowMs), skipped(4, nowMs, actor))
  else if (payment.funding === 'wallet') steps.push(step(3, nowMs), step(4, nowMs, actor))
  else steps.push(step(3, nowMs))
  return steps
}

/** Step 4 from a card's bank, named (a card's bank has no usual name): `institutionOf`. */
export function bankResultStep(nowMs: number, institution: string): TrailStep {
  return step(4, nowMs, institution)
}

/**
 * Steps 7 and 8: the charge complete, told to the merchant with the transfer, and the receipt to
 * the user; a payment to a person or for airtime has no goods to deliver, so 9 is skipped too.
 */
export function postedSteps(payment: Payment, nowMs: number): TrailStep[] {
  // A card top-up's delivery is the card's own proof of receipt, which comes later.
  return payment.merchantCode === null && payment.kind !== 'card'
    ? [step(7, nowMs), step(8, nowMs), skipped(9, nowMs)]
    : [step(7, nowMs), step(8, nowMs)]
}

/**
 * How a payment ended early, told to both sides; `why` and `actor` when they are not the usual
 * ones (the reason or state; the platform, or the payer for a cancellation).
 */
export function endedStep(
  payment: Payment,
  state: 'cancelled' | 'expired' | 'declined' | 'failed',
  nowMs: number,
  why: string | null,
  actor: string | null,
): TrailStep {
  if (why === null) return step(state, nowMs, actor)
  const told = payment.merchantCode === null ? 'the payer told' : 'payer and merchant told'
  return step(state, nowMs, actor, `${why}; ${told}`)
}

/** A refund, on the payment it gives money back from. */
export function refundStep(nowMs: number, amountMinor: bigint, reference: string): TrailStep {
  return step('refund', nowMs, null, `${formatAmount(amountMinor)} back, transfer ${reference}`)
}

/** Step 9: the merchant reports the goods delivered, in its own words if it gave any. */
export function deliveryStep(nowMs: number, note: string): TrailStep {
  return step(9, nowMs, null, note === '' ? null : `goods delivered: ${note}`)
}
