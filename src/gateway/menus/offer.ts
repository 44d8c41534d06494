/**
 * offer.ts - menus under the running operating model. A choice that sets `account` names the
 * account a payment will come from: where the model does not offer it, the choice is not shown
 * (a USSD screen numbers what is left), so a subscriber is never offered what the core would
 * refuse. A menu that cannot know the account in advance (an IVR call, which asks no account)
 * sets `{default_account}`, the model's default, filled like any placeholder. Exports
 * defaultAccountName, isOffered and accountValueProblem.
 */
import type { FundingKind } from '../../core/index.js'
import { fundingKinds } from '../../core/index.js'
import type { MenuChoice } from './model.js'

/** The built-in placeholder a choice's `set` uses for the model's default account. */
export const defaultAccountName = 'default_account'

/** Whether `choice` may be shown: it sets no account, or one of `accounts`. */
export function isOffered(choice: MenuChoice, accounts: readonly FundingKind[]): boolean {
  const account = choice.set['account']
  if (account === undefined || !isFundingKind(account)) return true
  return accounts.includes(account)
}

/** What is wrong with a choice's `set: { account: value }`, or null: an account, or the default. */
export function accountValueProblem(value: string): string | null {
  if (isFundingKind(value) || value === `{${defaultAccountName}}`) return null
  return (
    `sets account to "${value}", which is no account ` +
    `(${fundingKinds.join(', ')} or {${defaultAccountName}})`
  )
}

function isFundingKind(value: string): value is FundingKind {
  return (fundingKinds as readonly string[]).includes(value)
}
