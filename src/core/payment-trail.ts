/**
 * payment-trail.ts - what each decision adds to a payment's nine-step trail (src/core/trail.ts).
 * The decisions call these where they change a payment, so the steps are written with the change.
 * A step takes its usual words (src/core/trail-words.ts) unless something unusual happened (the
 * YES came by another channel, a newer payment replaced this one, a card's bank by name). Nothing
 * here reads a PIN: step 6 says how the user authorized, never with what.
 */
import type { Account, Payment } from './entities.js'
import { formatAmount } from './money.js'
import type { OperatingModelId } from './operating-models.js'
import { creditInstitutionOf } from './operating-models.js'
import type { TrailCode, TrailStep, TrailStepNumber } from './trail.js'
import { skipped, step } from './trail.js'
import { authorizationWords, usualActor, usualWords } from './trail-words.js'

/** The payment with `steps` appended to its trail. */
export function withSteps(payment: Payment, steps: readonly TrailStep[]): Payment {
  return { ...payment, trail: [...payment.trail, ...steps] }
}

/**
 * A step as usual for `payment` (the payment as it is once the step is taken), after `earlier`
 * steps of this decision that are not on the payment yet.
 */
function usual(
  code: TrailCode,
  payment: Payment,
  nowMs: number,
  earlier: readonly TrailStep[] = [],
): TrailStep {
  const words = usualWords(code, 'done', payment, [...payment.trail, ...earlier]) ?? ''
  return step(code, nowMs, usualActor(code, payment) ?? 'platform', words)
}

function usualSkip(code: TrailStepNumber, payment: Payment, nowMs: number): TrailStep {
  const words = usualWords(code, 'skipped', payment, payment.trail) ?? ''
  return skipped(code, nowMs, usualActor(code, payment) ?? 'platform', words)
}

/** Who answers step 3 under `model`: the operator, the wallet's holder, the card's bank. */
export function institutionOf(
  model: OperatingModelId,
  funding: Payment['funding'],
  account: Account | null,
): string {
  return creditInstitutionOf(model, funding, account?.card?.bank ?? null)
}

/** Steps 1 and 2: the purchase request and the platform's charge request with its serial. */
export function requestSteps(payment: Payment, nowMs: number): TrailStep[] {
  return [usual(1, payment, nowMs), usual(2, payment, nowMs)]
}

/** Step 5: the platform asks the user to authorize. */
export function authorizationRequestStep(payment: Payment, nowMs: number): TrailStep {
  return usual(5, payment, nowMs)
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
  if (!waited) steps.push(usualSkip(5, payment, nowMs))
  steps.push(step(6, nowMs, payment.payerMsisdn, authorizationWords(waited, pinGiven, channel)))
  const institution = institutionOf(model, payment.funding, account)
  if (payment.funding === 'phone_bill') {
    steps.push(usualSkip(3, payment, nowMs), {
      ...usualSkip(4, payment, nowMs),
      actor: institution,
    })
  } else if (payment.funding === 'wallet') {
    steps.push(usual(3, payment, nowMs), { ...usual(4, payment, nowMs), actor: institution })
  } else {
    steps.push(usual(3, payment, nowMs))
  }
  return steps
}

/** Step 4 from a card's bank; `payment` as it is with the bank's answer applied. */
export function bankResultStep(
  payment: Payment,
  account: Account,
  nowMs: number,
  model: OperatingModelId,
): TrailStep {
  return { ...usual(4, payment, nowMs), actor: institutionOf(model, payment.funding, account) }
}

/**
 * Steps 7 and 8: the charge complete, told to the merchant with the transfer, and the receipt to
 * the user; a payment to a person or for airtime has no goods to deliver, so 9 is skipped too.
 * `payment` is the completed payment, with its transfer's reference.
 */
export function postedSteps(payment: Payment, nowMs: number): TrailStep[] {
  const steps = [usual(7, payment, nowMs), usual(8, payment, nowMs)]
  if (payment.merchantCode === null) steps.push(usualSkip(9, payment, nowMs))
  return steps
}

/**
 * How a payment ended early (`ended`: the payment in its final state), told to both sides; `why`
 * and `actor` when they are not the usual ones.
 */
export function endedStep(
  ended: Payment,
  state: 'cancelled' | 'expired' | 'declined' | 'failed',
  nowMs: number,
  why: string | null,
  actor: string | null,
): TrailStep {
  const entry = usual(state, ended, nowMs)
  const told = ended.merchantCode === null ? 'the payer told' : 'payer and merchant told'
  return {
    ...entry,
    actor: actor ?? entry.actor,
    detail: why === null ? entry.detail : `${why}; ${told}`,
  }
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

/** Step 9: the merchant reports the goods delivered, in its own words if it gave any. */
export function deliveryStep(payment: Payment, nowMs: number, note: string): TrailStep {
  const entry = usual(9, payment, nowMs)
  return note === '' ? entry : { ...entry, detail: `${entry.detail}: ${note}` }
}
