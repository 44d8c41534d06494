/**
 * operating-models.ts - who runs the platform, as data: the four operating models of mobile
 * payment (operator, bank, third party, cooperative), each deciding which accounts a subscriber
 * may pay from, who may pay whom, how the merchant fee is shared and what the fee parties are
 * called. One table keyed by model id, checked at start-up by checkOperatingModels; the core
 * reads the running model from `Limits.operatingModel`, so its decisions stay pure. Who
 * authenticates a macro-payment follows from the table: the credit institution of the account it
 * comes from (creditInstitutionOf). Exports OperatingModelId, operatingModelIds,
 * OperatingModel, operatingModels, isOperatingModelId, AccountOffer, accountOfferOf,
 * defaultFundingOf, offersAccount, feeSplitOf, checkOperatingModels, creditInstitutionOf and
 * partyNameOf.
 */
import type { FundingKind, Merchant } from './entities.js'
import { fundingKinds } from './entities.js'
import type { FeeParty, FeeRule, FeeShareTable, FeeSplit } from './fees.js'
import { feeShares, rateOnly, splitMerchantFee } from './fees.js'
import type { Limits } from './limits.js'

export const operatingModelIds = ['operator', 'bank', 'third_party', 'cooperative'] as const
export type OperatingModelId = (typeof operatingModelIds)[number]

export interface OperatingModel {
  /** The accounts a subscriber may pay from; a payment from another is account_not_offered. */
  readonly accounts: readonly FundingKind[]
  /**
   * A bank serves only its own customers: a card pays only merchants that settle with the
   * card's bank (merchant_bank_mismatch otherwise).
   */
  readonly cardPaysOwnBankOnly: boolean
  /**
   * Whether a number may register itself (SMS `REG <name> <PIN>`): the provider's users register
   * and bind their phone; under the other models the operator or the bank registers its own
   * subscribers (registration_not_offered).
   */
  readonly selfRegistration: boolean
  readonly feeShares: FeeShareTable
  /**
   * What each fee party is under this model, as settlement reports name it. The platform's
   * party also holds the wallet (the intermediate account) where one is offered.
   */
  readonly partyNames: Readonly<Record<FeeParty, string>>
}

/**
 * The four models. A phone-bill payment is always a micro-payment the SIM authorizes
 * (limits.phoneBillPaymentMaxMinor), so only the models that offer the phone bill take payments
 * without a PIN; every other payment is authenticated by the PIN and its credit institution.
 */
export const operatingModels: Readonly<Record<OperatingModelId, OperatingModel>> = {
  // The operator runs the platform and carries the risk (NTT DoCoMo's i-mode FeliCa, Simpay): it
  // bills the phone and holds the wallet, so no bank is asked for either; the platform's share
  // is the operator's too, and banks take less of a card payment's fee.
  operator: {
    accounts: ['wallet', 'phone_bill', 'bank'],
    cardPaysOwnBankOnly: false,
    selfRegistration: false,
    feeShares: {
      phone_bill: [
        ['operator_fees', 80n],
        ['platform_fees', 20n],
      ],
      wallet: [
        ['operator_fees', 20n],
        ['platform_fees', 80n],
      ],
      bank: [
        ['bank_fees', 30n],
        ['operator_fees', 20n],
        ['platform_fees', 50n],
      ],
    },
    partyNames: { operator_fees: 'operator', bank_fees: 'bank', platform_fees: 'operator' },
  },
  // The bank runs mobile banking (ICBC): bank-linked accounts only, the bank authorizes every
  // payment, the operator is only the channel, and a bank serves only its own customers.
  bank: {
    accounts: ['bank'],
    cardPaysOwnBankOnly: true,
    selfRegistration: false,
    feeShares: {
      bank: [
        ['bank_fees', 60n],
        ['operator_fees', 20n],
        ['platform_fees', 20n],
      ],
    },
    partyNames: { operator_fees: 'operator', bank_fees: 'bank', platform_fees: 'platform' },
  },
  // An independent provider (Paybox) holds the wallet; users register and bind their phone,
  // merchants ask by phone number, and any bank's card works because the banks interconnect
  // through the provider, which shares the usage fees with the operator and the banks.
  third_party: {
    accounts: ['wallet', 'bank'],
    cardPaysOwnBankOnly: false,
    selfRegistration: true,
    feeShares: {
      wallet: [
        ['operator_fees', 25n],
        ['platform_fees', 75n],
      ],
      bank: [
        ['bank_fees', 40n],
        ['operator_fees', 20n],
        ['platform_fees', 40n],
      ],
    },
    partyNames: { operator_fees: 'operator', bank_fees: 'bank', platform_fees: 'provider' },
  },
  // Bank and operator together, with a platform between them: every account, shares by funding
  // account as SPEC section 3 has them.
  cooperative: {
    accounts: ['wallet', 'phone_bill', 'bank'],
    cardPaysOwnBankOnly: false,
    selfRegistration: false,
    feeShares,
    partyNames: { operator_fees: 'operator', bank_fees: 'bank', platform_fees: 'platform' },
  },
}

export function isOperatingModelId(value: unknown): value is OperatingModelId {
  return operatingModelIds.includes(value as OperatingModelId)
}

/**
 * The account a payment comes from when the subscriber names none: the wallet (SPEC section 4)
 * where the model offers one, else the model's first account (the card under `bank`).
 */
export function defaultFundingOf(model: OperatingModelId): FundingKind {
  const accounts = operatingModels[model].accounts
  return accounts.includes('wallet') ? 'wallet' : (accounts[0] ?? 'bank')
}

/**
 * What a channel offers a subscriber to pay from under a model: the accounts, in the order menus
 * and forms list them, and the one a payment that names none comes from.
 */
export interface AccountOffer {
  readonly accounts: readonly FundingKind[]
  readonly defaultFunding: FundingKind
}

export function accountOfferOf(model: OperatingModelId): AccountOffer {
  const offered = operatingModels[model].accounts
  return {
    accounts: fundingKinds.filter((funding) => offered.includes(funding)),
    defaultFunding: defaultFundingOf(model),
  }
}

export function offersAccount(model: OperatingModelId, funding: FundingKind): boolean {
  return operatingModels[model].accounts.includes(funding)
}

/**
 * The merchant fee of a payment and its shares, under the running model: by the merchant's fee
 * rule, at its own rate when its contract has one, else at the platform's.
 */
export function feeSplitOf(
  funding: FundingKind,
  amountMinor: bigint,
  limits: Limits,
  merchant: FeeTermsOf | null = null,
): FeeSplit {
  const shares = operatingModels[limits.operatingModel].feeShares
  const rule: FeeRule =
    merchant === null
      ? rateOnly(limits.merchantFeeBasisPoints)
      : {
          basisPoints: merchant.feeBasisPoints ?? limits.merchantFeeBasisPoints,
          fixedMinor: merchant.feeFixedMinor,
          minMinor: merchant.feeMinMinor,
          maxMinor: merchant.feeMaxMinor,
        }
  return splitMerchantFee(funding, amountMinor, rule, shares)
}

/** What of a merchant its fee depends on. */
type FeeTermsOf = Pick<Merchant, 'feeBasisPoints' | 'feeFixedMinor' | 'feeMinMinor' | 'feeMaxMinor'>

/** Returns the problems of the model table, each naming its model; empty when it is sound. */
export function checkOperatingModels(
  table: Readonly<Record<OperatingModelId, OperatingModel>> = operatingModels,
): string[] {
  const problems: string[] = []
  for (const id of operatingModelIds) {
    const model = table[id]
    // A card payment reserved under one model may be captured after a restart under another,
    // and its fee is then split by the running model: every model must have card shares.
    if (!model.accounts.includes('bank')) problems.push(`${id}: must offer the bank account`)
    for (const funding of fundingKinds) {
      const shares = model.feeShares[funding]
      if (!model.accounts.includes(funding)) {
        if (shares !== undefined) problems.push(`${id}: fee shares for ${funding}, not offered`)
        continue
      }
      if (shares === undefined || shares.length === 0) {
        problems.push(`${id}: no fee shares for ${funding}`)
        continue
      }
      const total = shares.reduce((sum, [, percent]) => sum + percent, 0n)
      if (total !== 100n) problems.push(`${id}: ${funding} fee shares add up to ${total}, not 100`)
      if (shares.some(([, percent]) => percent < 0n))
        problems.push(`${id}: ${funding} has a negative fee share`)
      if (new Set(shares.map(([party]) => party)).size !== shares.length)
        problems.push(`${id}: ${funding} names a fee party twice`)
    }
    for (const [party, name] of Object.entries(model.partyNames)) {
      if (name.trim() === '') problems.push(`${id}: ${party} has no name`)
    }
  }
  return problems
}

/** What a fee party is called under a model ("provider" for platform_fees under third_party). */
export function partyNameOf(model: OperatingModelId, party: FeeParty): string {
  return operatingModels[model].partyNames[party]
}

/**
 * The credit institution of a payment: who holds the account it comes from, and so who
 * authenticates it above the micro-payment line. The phone bill is the operator's, the wallet is
 * held by the platform's party of the model (the operator, the provider, the platform), and a
 * card is its bank's (`cardBank`, as the card names it).
 */
export function creditInstitutionOf(
  model: OperatingModelId,
  funding: FundingKind,
  cardBank: string | null,
): string {
  switch (funding) {
    case 'phone_bill':
      return partyNameOf(model, 'operator_fees')
    case 'wallet':
      return partyNameOf(model, 'platform_fees')
    case 'bank':
      return cardBank ?? partyNameOf(model, 'bank_fees')
  }
}
