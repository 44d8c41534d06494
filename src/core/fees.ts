/**
 * fees.ts - the merchant fee and its revenue share between operator, bank and platform. The fee
 * is taken from what the merchant receives, and every share is a leg of the payment's own
 * transfer, so the split is atomic with the payment.
 */
import type { FundingKind, PartyKind } from './entities.js'
import { basisPointsOf } from './money.js'

type FeeParty = Exclude<PartyKind, 'opening'>

/**
 * Percent shares by funding account (SPEC section 3). The party listed last receives the fen
 * left over by rounding, so the shares always add up to the fee exactly.
 */
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

export function splitMerchantFee(
  funding: FundingKind,
  amountMinor: bigint,
  feeBasisPoints: bigint,
): FeeSplit {
  const feeMinor = basisPointsOf(amountMinor, feeBasisPoints)
  const parties = feeShares[funding]
  let left = feeMinor
  const shares = parties.map(([party, percent], index) => {
    const share = index === parties.length - 1 ? left : (feeMinor * percent) / 100n
    left -= share
    return { party, amountMinor: share }
  })
  return { feeMinor, shares: shares.filter((share) => share.amountMinor !== 0n) }
}
