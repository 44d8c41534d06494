/**
 * decide-account.ts - a subscriber's own affairs: balances, the mini statement, registration
 * and the change of PIN.
 */

import { assert } from './assert.js'
import type { Envelope } from './commands.js'
import type { Outcome } from './decide-payment.js'
import { checkPin } from './decide-payment.js'
import type { Account, Language, Subscriber } from './entities.js'
import { fundingKinds } from './entities.js'
import type { Limits } from './limits.js'
import { formatAmount } from './money.js'
import { operatingModels } from './operating-models.js'
import type { BalanceLine, StatementRow } from './results.js'
import { refused, succeeded } from './results.js'
import type { LedgerView, Write } from './view.js'

/**
 * The subscriber a read (balances, the statement, the card's purse) is for, or its refusal: an
 * unknown number, or a locked one. Three wrong PINs lock the subscriber on every channel (SPEC
 * section 3), reads included: a phone in the wrong hands must not show balances while the owner
 * is locked out.
 */
export function readerOf(
  env: Envelope,
  msisdn: string,
  view: LedgerView,
): { readonly subscriber: Subscriber } | { readonly refusal: Outcome } {
  const subscriber = view.subscriber(msisdn)
  if (subscriber === null)
    return { refusal: { result: refused('payer_not_registered', 'en'), writes: [] } }
  if (subscriber.lockedUntilMs > env.nowMs)
    return { refusal: { result: refused('subscriber_locked', subscriber.language), writes: [] } }
  return { subscriber }
}

export function decideBalance(env: Envelope, msisdn: string, view: LedgerView): Outcome {
  const reader = readerOf(env, msisdn, view)
  if ('refusal' in reader) return reader.refusal
  const { subscriber } = reader
  const lines: BalanceLine[] = []
  for (const funding of fundingKinds) {
    const account = view.accountOf(msisdn, funding)
    if (account === null) continue
    lines.push({
      funding,
      balanceMinor: account.balanceMinor - account.reservedMinor,
      creditLimitMinor:
        account.floorMinor === null || account.floorMinor >= 0n ? 0n : -account.floorMinor,
      card: account.card,
    })
  }
  const wallet = lines.find((line) => line.funding === 'wallet')
  const phoneBill = lines.find((line) => line.funding === 'phone_bill')
  const params = {
    wallet: formatAmount(wallet?.balanceMinor ?? 0n),
    phoneBill: formatAmount(phoneBill?.balanceMinor ?? 0n),
  }
  const message = { key: 'balance.summary' as const, params }
  return {
    result: succeeded(message, subscriber.language, { data: { kind: 'balances', lines } }),
    writes: [],
  }
}

export function decideStatement(
  env: Envelope,
  msisdn: string,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const reader = readerOf(env, msisdn, view)
  if ('refusal' in reader) return reader.refusal
  const { subscriber } = reader
  const rows: StatementRow[] = view
    .recentPayments(msisdn, limits.statementRowsMax)
    .map((payment) => {
      const direction = payment.payerMsisdn === msisdn ? 'out' : 'in'
      const merchantName =
        payment.merchantCode === null
          ? null
          : (view.merchant(payment.merchantCode)?.name ?? payment.merchantCode)
      const counterparty =
        direction === 'in' ? payment.payerMsisdn : (merchantName ?? payment.payeeMsisdn ?? '')
      return {
        paymentId: payment.id,
        reference: payment.transferRef,
        kind: payment.kind,
        state: payment.state,
        direction,
        amountMinor: payment.amountMinor,
        counterparty,
        createdMs: payment.createdMs,
      }
    })
  // The recent lists hold only payments that moved money (postPayment puts them there), so every
  // channel shows the same last five, each with its reference.
  const text = rows
    .map(
      (row) =>
        `${row.reference ?? row.paymentId} ` +
        `${row.direction === 'out' ? '-' : '+'}${formatAmount(row.amountMinor)} ` +
        `${row.counterparty}`,
    )
    .join('; ')
  const message =
    text === ''
      ? { key: 'statement.empty' as const, params: {} }
      : { key: 'statement.list' as const, params: { rows: text } }
  return {
    result: succeeded(message, subscriber.language, { data: { kind: 'statement', rows } }),
    writes: [],
  }
}

/**
 * Opens a subscriber with an empty wallet and a phone-bill account without credit, where the
 * operating model lets a number register itself (third party); a card is linked by the bank,
 * not by the subscriber. The phone-bill account is the operator's billing of the line, there
 * under every model; whether it pays is the model's (account_not_offered).
 */
export function decideRegister(
  env: Envelope,
  command: { msisdn: string; name: string; language: Language; by?: 'self' | 'operator' },
  view: LedgerView,
  limits: Limits,
): Outcome {
  if (env.newPinHash === null)
    return { result: refused('pin_format_invalid', command.language), writes: [] }
  if (command.by !== 'operator' && !operatingModels[limits.operatingModel].selfRegistration)
    return { result: refused('registration_not_offered', command.language), writes: [] }
  if (view.subscriber(command.msisdn) !== null)
    return { result: refused('already_registered', command.language), writes: [] }
  const subscriber: Subscriber = {
    msisdn: command.msisdn,
    name: command.name,
    language: command.language,
    pinHash: env.newPinHash,
    pinFailures: 0,
    lockedUntilMs: 0,
    pendingPaymentId: null,
  }
  const base = {
    owner: command.msisdn,
    balanceMinor: 0n,
    reservedMinor: 0n,
    card: null,
    outgoingDay: 0,
    outgoingMinor: 0n,
    recentPaymentIds: [],
  }
  const wallet: Account = {
    ...base,
    id: view.nextAccountId(),
    kind: 'wallet',
    floorMinor: 0n,
    capMinor: limits.walletHeldMaxMinor,
  }
  const phoneBill: Account = {
    ...base,
    id: view.nextAccountId(),
    kind: 'phone_bill',
    floorMinor: 0n,
    capMinor: null,
  }
  const writes: Write[] = [
    { kind: 'subscriber', subscriber },
    { kind: 'account', account: wallet },
    { kind: 'account', account: phoneBill },
  ]
  const message = { key: 'registered' as const, params: { name: command.name } }
  return { result: succeeded(message, command.language), writes }
}

export function decideChangePin(
  env: Envelope,
  msisdn: string,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const subscriber = view.subscriber(msisdn)
  // Malformed input is refused before anything is looked up (as for register), so the answer to
  // a badly typed new PIN does not depend on who sent it.
  if (env.newPinHash === null)
    return { result: refused('pin_format_invalid', subscriber?.language ?? 'en'), writes: [] }
  if (subscriber === null) return { result: refused('payer_not_registered', 'en'), writes: [] }
  if (subscriber.lockedUntilMs > env.nowMs)
    return { result: refused('subscriber_locked', subscriber.language), writes: [] }
  // Changing the PIN always needs the old one, whatever account would be concerned.
  const pin = checkPin(env, subscriber, 'wallet', limits)
  if (pin.reason !== null)
    return {
      result: refused(pin.reason, subscriber.language, { params: pin.params }),
      writes: pin.writes,
    }
  assert(env.pin === 'match', 'a PIN change passed the check without the old PIN')
  const changed = { ...pin.subscriber, pinHash: env.newPinHash }
  return {
    result: succeeded({ key: 'pin.changed', params: {} }, subscriber.language),
    writes: [{ kind: 'subscriber', subscriber: changed }],
  }
}

/**
 * Sets the language every channel answers the subscriber in. Needs no PIN: it moves no money and
 * is undone the same way. A locked subscriber may still change it (the lock is about PINs).
 */
export function decideSetLanguage(
  _env: Envelope,
  msisdn: string,
  language: Language,
  view: LedgerView,
): Outcome {
  const subscriber = view.subscriber(msisdn)
  if (subscriber === null) return { result: refused('payer_not_registered', language), writes: [] }
  const message = { key: 'language.changed' as const, params: {} }
  if (subscriber.language === language) return { result: succeeded(message, language), writes: [] }
  return {
    result: succeeded(message, language),
    writes: [{ kind: 'subscriber', subscriber: { ...subscriber, language } }],
  }
}

/**
 * Checks the PIN the command came with, as a login does. A wrong PIN counts toward the lock on
 * every channel, a locked subscriber is refused, a right one clears earlier failures.
 */
export function decideVerifyPin(
  env: Envelope,
  msisdn: string,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const subscriber = view.subscriber(msisdn)
  if (subscriber === null) return { result: refused('payer_not_registered', 'en'), writes: [] }
  if (subscriber.lockedUntilMs > env.nowMs)
    return { result: refused('subscriber_locked', subscriber.language), writes: [] }
  const pin = checkPin(env, subscriber, 'wallet', limits)
  if (pin.reason !== null)
    return {
      result: refused(pin.reason, subscriber.language, { params: pin.params }),
      writes: pin.writes,
    }
  return {
    result: succeeded({ key: 'pin.verified', params: {} }, subscriber.language),
    writes: pin.writes,
  }
}
