/**
 * fees.ts - the merchant fee and its revenue share between operator, bank and platform. The fee
 * is taken from what the merchant receives, and every share is a leg of the payment's own
 * transfer, so the split is atomic with the payment. The shares here are the cooperative
 * model's (SPEC section 3); each operating model has its own (operating-models.ts). The fee
 * itself follows a rule: a rate, a fixed part per payment, a floor and a cap, as merchant
 * acquiring contracts are written ("0.6 %, at least 0.10, at most 20.00"). Exports FeeParty,
 * FeeShareTable, feeShares, FeeRule, rateOnly, merchantFeeOf, FeeSplit and splitMerchantFee.
 */
import { assert } from './assert.js'
import type { FundingKind, PartyKind } from './entities.js'
import { basisPointsOf } from './money.js'

export type FeeParty = Exclude<PartyKind, 'opening' | 'funding' | 'card_float'>

/**
 * Percent shares of the merchant fee by the funding account a payment comes from. The party
 * listed last receives the fen left over by rounding, so the shares always add up to the fee
 * exactly. An operating model lists only the accounts it offers.
 */
export type FeeShareTable = Readonly<
  Partial<Record<FundingKind, readonly (readonly [FeeParty, bigint])[]>>
>

/** The cooperative model's shares: SPEC section 3. */
export const feeShares: Readonly<Record<FundingKind, readonly (readonly [FeeParty, bigint])[]>> = {
  phone_bill: [
    ['operator_fees', 70n],
    ['platform_fees', 30n],
  ],
  wallet: [
    ['operator_fees', 30n],
    ['platform_fees', 70n],
  ],
  bank: [
    ['bank_fees', 50n],
    ['operator_fees', 20n],
    ['platform_fees', 30n],
  ],
}

/** How a merchant's fee is worked out from a payment's amount. */
export interface FeeRule {
  /** The rate, in basis points of the amount (100 = 1.00 %). */
  readonly basisPoints: bigint
  /** Added to every payment's fee, whatever its amount. */
  readonly fixedMinor: bigint
  /** The least fee a payment pays. */
  readonly minMinor: bigint
  /** The most fee a payment pays; null: no cap. */
  readonly maxMinor: bigint | null
}

/** A rule that is a rate alone (the platform's default, and a merchant without other terms). */
export function rateOnly(basisPoints: bigint): FeeRule {
  return { basisPoints, fixedMinor: 0n, minMinor: 0n, maxMinor: null }
}

/**
 * The fee of a payment of `amountMinor`: the rate (rounded half up) plus the fixed part, raised
 * to the floor and lowered to the cap, and never more than the payment itself, so that the
 * merchant's leg is never negative (a 0.50 payment under a 1.00 floor pays all of it as fee).
 */
export function merchantFeeOf(amountMinor: bigint, rule: FeeRule): bigint {
  let feeMinor = basisPointsOf(amountMinor, rule.basisPoints) + rule.fixedMinor
  if (feeMinor < rule.minMinor) feeMinor = rule.minMinor
  if (rule.maxMinor !== null && feeMinor > rule.maxMinor) feeMinor = rule.maxMinor
  return feeMinor > amountMinor ? amountMinor : feeMinor
}

export interface FeeSplit {
  readonly feeMinor: bigint
  readonly shares: readonly { readonly party: FeeParty; readonly amountMinor: bigint }[]
}

/**
 * The fee of a payment by `rule` (a rate alone when given basis points), split by `table`: the
 * cooperative model's unless another is given.
 */
export function splitMerchantFee(
  funding: FundingKind,
  amountMinor: bigint,
  rule: FeeRule | bigint,
  table: FeeShareTable = feeShares,
): FeeSplit {
  const feeMinor = merchantFeeOf(amountMinor, typeof rule === 'bigint' ? rateOnly(rule) : rule)
  const parties = table[funding]
  // The model was checked at start-up to have shares for every account it offers, and a payment
  // from an account it does not offer is refused before it can post.
  assert(parties !== undefined, `no fee shares for ${funding}`)
  let left = feeMinor
  const shares = parties.map(([party, percent], index) => {
    const share = index === parties.length - 1 ? left : (feeMinor * percent) / 100n
    left -= share
    return { party, amountMinor: share }
  })
  return { feeMinor, shares: shares.filter((share) => share.amountMinor !== 0n) }
}
