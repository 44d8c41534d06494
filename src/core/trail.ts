/**
 * trail.ts - the nine-step record of the remote payment flow that every payment keeps (the seeds'
 * account of a remote payment): each step with its time, its actor and what passed, and the
 * branches that end a payment early. The steps travel on the Payment itself, so the store writes
 * them in the same row and the same transaction as the state change they record: a trail can
 * never disagree with the ledger. Exports the step table and the functions that append to it.
 *
 *   consumer        merchant        platform        credit institution
 *      │ 1 purchase ───>│               │                   │
 *      │                │ 2 charge ────>│                   │
 *      │                │               │ 3 authenticate ──>│
 *      │                │               │<── 4 result ──────│
 *      │<───────────────┼── 5 authorize?│                   │
 *      │ 6 authorized ──┼──────────────>│                   │
 *      │                │<─ 7 charged ──│                   │
 *      │<───────────────┼── 8 receipt ──│                   │
 *      │<── 9 goods ────│               │                   │
 *
 * Steps are recorded in the order they happen, which is not always their number: telepay asks the
 * credit institution (3, 4) once the user has authorized (6), because the PIN it checks comes with
 * that authorization. A step a flow does not take is recorded as skipped, with why.
 */

/** The four columns of the flow. */
export type TrailRole = 'consumer' | 'merchant' | 'platform' | 'credit_institution'
export const trailRoles: readonly TrailRole[] = [
  'consumer',
  'merchant',
  'platform',
  'credit_institution',
]

/** The nine steps, by number. */
export type TrailStepNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

/** The ways a payment ends before step 8, and the refund after it. */
export type TrailBranch = 'declined' | 'cancelled' | 'expired' | 'failed' | 'refund'

export type TrailCode = TrailStepNumber | TrailBranch

export type TrailStatus = 'done' | 'skipped'

export interface TrailStep {
  readonly code: TrailCode
  readonly status: TrailStatus
  readonly atMs: number
  /**
   * Who acted, by name where the role has several (the bank of a card, the holder of the
   * wallet, the operator for the phone bill): "ICBC", "operator", "platform", a merchant code.
   * null: the usual party of the step in this payment (src/core/trail-words.ts), which it is for
   * most steps: the hot path then builds no name and the row stores none.
   */
  readonly actor: string | null
  /**
   * What passed, in a few words (never a PIN): a serial, an amount, a reason, a reference. null:
   * the usual words, worked out from the payment when the trail is shown.
   */
  readonly detail: string | null
}

export interface TrailStepInfo {
  readonly name: string
  readonly from: TrailRole
  readonly to: TrailRole
}

/** What each step and branch is, and between which columns it passes. */
export const trailSteps: Readonly<Record<TrailCode, TrailStepInfo>> = {
  1: { name: 'purchase request', from: 'consumer', to: 'merchant' },
  2: { name: 'charge request', from: 'merchant', to: 'platform' },
  3: { name: 'authentication request', from: 'platform', to: 'credit_institution' },
  4: { name: 'authentication result', from: 'credit_institution', to: 'platform' },
  5: { name: 'authorization request', from: 'platform', to: 'consumer' },
  6: { name: 'user authorization', from: 'consumer', to: 'platform' },
  7: { name: 'charge complete', from: 'platform', to: 'merchant' },
  8: { name: 'payment complete', from: 'platform', to: 'consumer' },
  9: { name: 'delivery', from: 'merchant', to: 'consumer' },
  declined: { name: 'declined', from: 'platform', to: 'consumer' },
  cancelled: { name: 'cancelled', from: 'consumer', to: 'platform' },
  expired: { name: 'expired', from: 'platform', to: 'consumer' },
  failed: { name: 'failed', from: 'credit_institution', to: 'platform' },
  refund: { name: 'refund', from: 'merchant', to: 'consumer' },
}

export const trailCodes: readonly TrailCode[] = [
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  'declined',
  'cancelled',
  'expired',
  'failed',
  'refund',
]

export function isTrailCode(value: unknown): value is TrailCode {
  return trailCodes.includes(value as TrailCode)
}

/** A done step; null actor or words: the usual ones. */
export function step(
  code: TrailCode,
  atMs: number,
  actor: string | null = null,
  detail: string | null = null,
): TrailStep {
  return { code, status: 'done', atMs, actor, detail }
}

/** A step the flow did not take; null actor or why: the usual ones. */
export function skipped(
  code: TrailStepNumber,
  atMs: number,
  actor: string | null = null,
  why: string | null = null,
): TrailStep {
  return { code, status: 'skipped', atMs, actor, detail: why }
}

/**
 * Whether a trail records every step up to the receipt (1-8, done or skipped): what a completed
 * payment must have. Step 9 follows when the merchant reports the delivery.
 */
export function isCompleteTrail(trail: readonly TrailStep[]): boolean {
  for (let code = 1; code <= 8; code += 1) {
    if (!trail.some((entry) => entry.code === code)) return false
  }
  return true
}

/** Whether the steps' times never go backwards. */
export function isInTimeOrder(trail: readonly TrailStep[]): boolean {
  for (let index = 1; index < trail.length; index += 1) {
    if ((trail[index] as TrailStep).atMs < (trail[index - 1] as TrailStep).atMs) return false
  }
  return true
}
