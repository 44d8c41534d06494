/**
 * fees.ts - the merchant fee and its revenue share between operator, bank and platform. The fee
 * is taken from what the merchant receives, and every share is a leg of the payment's own
 * transfer, so the split is atomic with the payment. The shares here are the cooperative
 * model's (SPEC section 3); each operating model has its own (operating-models.ts). Exports
 * FeeParty, FeeShareTable, feeShares, FeeSplit and splitMerchantFee.
 */
import { assert } from './assert.js'
import type { FundingKind, PartyKind } from './entities.js'
import { basisPointsOf } from './money.js'

export type FeeParty = Exclude<PartyKind, 'opening' | 'funding'>

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

export interface FeeSplit {
  readonly feeMinor: bigint
  readonly shares: readonly { readonly party: FeeParty; readonly amountMinor: bigint }[]
}

/** Splits the fee of a payment by `table`: the cooperative model's unless another is given. */
export function splitMerchantFee(
  funding: FundingKind,
  amountMinor: bigint,
  feeBasisPoints: bigint,
  table: FeeShareTable = feeShares,
): FeeSplit {
  const feeMinor = basisPointsOf(amountMinor, feeBasisPoints)
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
