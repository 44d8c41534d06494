/**
 * operating-models.test.ts - the four operating models as data: the table passes its start-up
 * check and a broken row is named; the names of the parties and credit institutions.
 */
import { describe, expect, it } from 'vitest'
import {
  checkOperatingModels,
  creditInstitutionOf,
  operatingModels,
  partyNameOf,
} from '../../src/core/index.js'

describe('the operating model table', () => {
  it('passes its start-up check', () => {
    expect(checkOperatingModels()).toEqual([])
  })

  it('names the model and what is wrong in a broken row', () => {
    const broken = {
      ...operatingModels,
      bank: {
        ...operatingModels.bank,
        accounts: ['wallet'] as const,
        feeShares: {
          wallet: [['platform_fees', 90n]] as const,
          bank: [['bank_fees', 100n]] as const,
        },
        partyNames: { ...operatingModels.bank.partyNames, platform_fees: ' ' },
      },
    }
    expect(checkOperatingModels(broken)).toEqual([
      'bank: must offer the bank account',
      'bank: wallet fee shares add up to 90, not 100',
      'bank: fee shares for bank, not offered',
      'bank: platform_fees has no name',
    ])
  })

  it('names the parties of each model', () => {
    expect(partyNameOf('cooperative', 'platform_fees')).toBe('platform')
    expect(partyNameOf('operator', 'platform_fees')).toBe('operator')
    expect(partyNameOf('third_party', 'platform_fees')).toBe('provider')
    expect(partyNameOf('bank', 'bank_fees')).toBe('bank')
  })

  it('names the credit institution of a payment: operator, wallet holder, card bank', () => {
    expect(creditInstitutionOf('cooperative', 'phone_bill', null)).toBe('operator')
    expect(creditInstitutionOf('cooperative', 'wallet', null)).toBe('platform')
    expect(creditInstitutionOf('operator', 'wallet', null)).toBe('operator')
    expect(creditInstitutionOf('third_party', 'wallet', null)).toBe('provider')
    expect(creditInstitutionOf('bank', 'bank', 'CCB')).toBe('CCB')
    expect(creditInstitutionOf('third_party', 'bank', 'ICBC')).toBe('ICBC')
  })
})
