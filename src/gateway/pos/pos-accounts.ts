/**
 * pos-accounts.ts - what a terminal may put in a purchase's fields 3 and 4: the "from account"
 * digits of field 3 by account (10 the wallet, 20 the bank-linked card, 30 the phone bill; 00 the
 * operating model's default) and the largest amount field 4's twelve digits hold; the one table
 * the host reads and the terminals write. Exports posAccountDigits, digitsOfAccount,
 * accountOfDigits, posAmountMaxMinor.
 */
import type { FundingKind } from '../../core/index.js'

export const posAccountDigits = {
  wallet: '10',
  bank: '20',
  phone_bill: '30',
} as const satisfies Record<FundingKind, string>

/** The digits of an account's name; null for any other word (an object's own keys only). */
export function digitsOfAccount(name: string): string | null {
  return Object.hasOwn(posAccountDigits, name)
    ? posAccountDigits[name as keyof typeof posAccountDigits]
    : null
}

/** The account of field 3's digits 3-4; null for 00 (the default) and any other. */
export function accountOfDigits(digits: string): FundingKind | null {
  const found = Object.entries(posAccountDigits).find(([, own]) => own === digits)
  return found === undefined ? null : (found[0] as FundingKind)
}

/** Field 4 is twelve digits of fen: 9,999,999,999.99 yuan. */
export const posAmountMaxMinor = 999_999_999_999n
