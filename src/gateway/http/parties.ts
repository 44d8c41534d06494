/**
 * parties.ts - the operating model and its fee parties as the web APIs show them: in settlement
 * answers each party by its short id (operator, bank, platform) with the fees it took, and what
 * the running model calls each one (the platform is the provider under third_party, the operator
 * under operator), so a report reads in the model's own terms while its ids stay the same; and
 * the whole running model for the admin API. Exports partyFeesJson, partyNamesJson and
 * operatingModelJson.
 */
import type { FeeParty, Limits, OperatingModelId } from '../../core/index.js'
import { formatAmount, operatingModels, partyNameOf } from '../../core/index.js'
import type { PartyFees } from '../../ledger/store.js'

const partyIds: Readonly<Record<FeeParty, string>> = {
  operator_fees: 'operator',
  bank_fees: 'bank',
  platform_fees: 'platform',
}

export function partyFeesJson(parties: readonly PartyFees[]): { party: string; fees: string }[] {
  return parties.map((party) => ({
    party: partyIds[party.party],
    fees: formatAmount(party.feesMinor),
  }))
}

/** `{ operator, bank, platform }`: each party's name under the model. */
export function partyNamesJson(model: OperatingModelId): Record<string, string> {
  const names: Record<string, string> = {}
  for (const [party, id] of Object.entries(partyIds) as [FeeParty, string][])
    names[id] = partyNameOf(model, party)
  return names
}

/** The running model as data: what it offers, its rules, its shares in percent, its names. */
export function operatingModelJson(limits: Limits): Record<string, unknown> {
  const model = operatingModels[limits.operatingModel]
  const feeShares: Record<string, { party: string; percent: number }[]> = {}
  for (const [funding, shares] of Object.entries(model.feeShares))
    feeShares[funding] = shares.map(([party, percent]) => ({
      party: partyIds[party],
      percent: Number(percent),
    }))
  return {
    operatingModel: limits.operatingModel,
    accounts: model.accounts,
    cardPaysOwnBankOnly: model.cardPaysOwnBankOnly,
    selfRegistration: model.selfRegistration,
    microPaymentMax: formatAmount(limits.phoneBillPaymentMaxMinor),
    feeShares,
    partyNames: partyNamesJson(limits.operatingModel),
  }
}
