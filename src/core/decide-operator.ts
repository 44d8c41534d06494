/**
 * decide-operator.ts - what the operator's back office does to its world through the admin API:
 * credits a subscriber's account with money received outside telepay, changes a subscriber
 * (name, language, PIN reset, phone-bill credit, a linked card), lifts a PIN lock, opens and
 * changes merchants and billers. Each refusal is checked in the order of reasons.ts, as for
 * payments.
 */
import type { Envelope, OperatorCommand } from './commands.js'
import type { Outcome } from './decide-payment.js'
import type { Account, Merchant, Subscriber } from './entities.js'
import type { Limits } from './limits.js'
import { formatAmount } from './money.js'
import { offersAccount } from './operating-models.js'
import { refused, succeeded } from './results.js'
import type { LedgerView, Write } from './view.js'
import { transferRef } from './view.js'

type Command<K extends OperatorCommand['kind']> = Extract<OperatorCommand, { kind: K }>

/**
 * A top-up: one transfer from the platform's funding account to the subscriber's wallet or phone
 * bill, and an SMS telling the subscriber. The funding account goes below zero by what came in
 * from outside, so the ledger still sums to zero.
 */
export function decideFundAccount(
  env: Envelope,
  command: Command<'fund_account'>,
  view: LedgerView,
  limits: Limits,
): Outcome {
  if (command.amountMinor <= 0n) return { result: refused('amount_not_positive', 'en'), writes: [] }
  const subscriber = view.subscriber(command.msisdn)
  if (subscriber === null) return { result: refused('payer_not_registered', 'en'), writes: [] }
  const language = subscriber.language
  const params = { account: command.funding }
  if (!offersAccount(limits.operatingModel, command.funding))
    return { result: refused({ reason: 'account_not_offered', params }, language), writes: [] }
  const account = view.accountOf(command.msisdn, command.funding)
  if (account === null) return { result: refused('account_not_available', language), writes: [] }
  if (command.amountMinor > limits.fundingMaxMinor) {
    const max = formatAmount(limits.fundingMaxMinor)
    return {
      result: refused({ reason: 'amount_above_funding_max', params: { max } }, language),
      writes: [],
    }
  }
  const balanceMinor = account.balanceMinor + command.amountMinor
  if (
    account.capMinor !== null &&
    balanceMinor + view.pendingWalletLoadsMinor(command.msisdn) > account.capMinor
  )
    return { result: refused('wallet_cap_exceeded', language), writes: [] }
  const source = view.partyAccount('funding')
  const transferId = view.nextTransferId()
  const reference = transferRef(transferId)
  const message = {
    key: 'account.funded' as const,
    params: {
      amount: formatAmount(command.amountMinor),
      account: command.funding,
      balance: formatAmount(balanceMinor - account.reservedMinor),
      ref: reference,
    },
  }
  // The transfer moves both balances (the store applies its legs); no account is written.
  const writes: Write[] = [
    {
      kind: 'transfer',
      transfer: {
        id: transferId,
        kind: 'funding',
        paymentId: null,
        createdMs: env.nowMs,
        legs: [
          { accountId: source.id, amountMinor: -command.amountMinor },
          { accountId: account.id, amountMinor: command.amountMinor },
        ],
      },
    },
  ]
  if (command.silent !== true)
    writes.push({
      kind: 'notify',
      notification: { kind: 'sms', msisdn: command.msisdn, language, message },
    })
  return {
    result: succeeded(message, language, {
      reference,
      data: {
        kind: 'funded',
        transferId,
        reference,
        balanceMinor: balanceMinor - account.reservedMinor,
      },
    }),
    writes,
  }
}

/**
 * Changes a subscriber. A PIN reset (the envelope's newPinHash) also clears the wrong-PIN count
 * and the lock: the operator has checked who is asking. A card is linked once the bank opened
 * it; it replaces a linked card only while nothing is reserved on it.
 */
export function decideChangeSubscriber(
  env: Envelope,
  command: Command<'change_subscriber'>,
  view: LedgerView,
): Outcome {
  const subscriber = view.subscriber(command.msisdn)
  if (subscriber === null) return { result: refused('payer_not_registered', 'en'), writes: [] }
  const writes: Write[] = []
  const changed: Subscriber = {
    ...subscriber,
    ...(command.name === undefined ? {} : { name: command.name }),
    ...(command.language === undefined ? {} : { language: command.language }),
    ...(env.newPinHash === null
      ? {}
      : { pinHash: env.newPinHash, pinFailures: 0, lockedUntilMs: 0 }),
  }
  const language = changed.language
  if (command.card !== undefined) {
    const linked = view.accountOf(command.msisdn, 'bank')
    if (linked !== null && linked.reservedMinor !== 0n)
      return { result: refused('account_not_available', language), writes: [] }
    const card = { ...command.card }
    const account: Account =
      linked === null
        ? emptyAccount(view.nextAccountId(), 'bank', command.msisdn, card)
        : { ...linked, card }
    writes.push({ kind: 'account', account })
  }
  if (command.creditLimitMinor !== undefined) {
    const phoneBill = view.accountOf(command.msisdn, 'phone_bill')
    if (phoneBill === null)
      return { result: refused('account_not_available', language), writes: [] }
    writes.push({
      kind: 'account',
      account: { ...phoneBill, floorMinor: -command.creditLimitMinor },
    })
  }
  writes.unshift({ kind: 'subscriber', subscriber: changed })
  const message = { key: 'subscriber.changed' as const, params: { msisdn: command.msisdn } }
  return { result: succeeded(message, language), writes }
}

/**
 * Lifts a subscriber's PIN lock without a new PIN. It answers the same whether or not a lock was
 * on (the operator's goal, an unlocked subscriber, holds either way), and writes only when there
 * is something to clear.
 */
export function decideUnlockSubscriber(
  _env: Envelope,
  command: Command<'unlock_subscriber'>,
  view: LedgerView,
): Outcome {
  const subscriber = view.subscriber(command.msisdn)
  if (subscriber === null) return { result: refused('payer_not_registered', 'en'), writes: [] }
  const message = { key: 'subscriber.unlocked' as const, params: { msisdn: command.msisdn } }
  const result = succeeded(message, subscriber.language)
  if (subscriber.pinFailures === 0 && subscriber.lockedUntilMs === 0) return { result, writes: [] }
  const unlocked: Subscriber = { ...subscriber, pinFailures: 0, lockedUntilMs: 0 }
  return { result, writes: [{ kind: 'subscriber', subscriber: unlocked }] }
}

/**
 * A new account with nothing on it and no bounds: a card's (its money is at the bank; the
 * account records what was drawn on it) or a merchant's (it may go below zero by refunds).
 */
function emptyAccount(
  id: number,
  kind: 'bank' | 'merchant',
  owner: string,
  card: Account['card'],
): Account {
  return {
    id,
    kind,
    owner,
    balanceMinor: 0n,
    reservedMinor: 0n,
    floorMinor: null,
    capMinor: null,
    card,
    outgoingDay: 0,
    outgoingMinor: 0n,
    recentPaymentIds: [],
  }
}

/** Opens a merchant or biller with its own account, empty. */
export function decideOpenMerchant(
  _env: Envelope,
  command: Command<'open_merchant'>,
  view: LedgerView,
): Outcome {
  if (view.merchant(command.code) !== null)
    return { result: refused('merchant_already_exists', 'en'), writes: [] }
  const account = emptyAccount(view.nextAccountId(), 'merchant', command.code, null)
  const merchant: Merchant = {
    code: command.code,
    name: command.name,
    category: command.category,
    accountId: account.id,
    settlementBank: command.settlementBank,
    feeBasisPoints: command.feeBasisPoints,
    feeFixedMinor: command.feeFixedMinor ?? 0n,
    feeMinMinor: command.feeMinMinor ?? 0n,
    feeMaxMinor: command.feeMaxMinor ?? null,
  }
  if (!feeRuleSound(merchant)) return { result: refused('fee_rule_invalid', 'en'), writes: [] }
  const message = {
    key: 'merchant.opened' as const,
    params: { code: merchant.code, name: merchant.name },
  }
  return {
    result: succeeded(message, 'en'),
    writes: [
      { kind: 'account', account },
      {
        kind: 'merchant',
        merchant,
        opened: true,
        apiKeySha256: command.apiKeySha256,
        webhookSecret: command.webhookSecret,
      },
    ],
  }
}

/** Changes a merchant's name, settlement bank or fee rate, or gives it a new key or secret. */
export function decideChangeMerchant(
  _env: Envelope,
  command: Command<'change_merchant'>,
  view: LedgerView,
): Outcome {
  const merchant = view.merchant(command.code)
  if (merchant === null) return { result: refused('merchant_not_found', 'en'), writes: [] }
  const changed: Merchant = {
    ...merchant,
    ...(command.name === undefined ? {} : { name: command.name }),
    ...(command.settlementBank === undefined ? {} : { settlementBank: command.settlementBank }),
    ...(command.feeBasisPoints === undefined ? {} : { feeBasisPoints: command.feeBasisPoints }),
    ...(command.feeFixedMinor === undefined ? {} : { feeFixedMinor: command.feeFixedMinor }),
    ...(command.feeMinMinor === undefined ? {} : { feeMinMinor: command.feeMinMinor }),
    ...(command.feeMaxMinor === undefined ? {} : { feeMaxMinor: command.feeMaxMinor }),
  }
  // Checked on the rule as it would be: a new floor is held to the cap already there.
  if (!feeRuleSound(changed)) return { result: refused('fee_rule_invalid', 'en'), writes: [] }
  const message = {
    key: 'merchant.changed' as const,
    params: { code: changed.code, name: changed.name },
  }
  return {
    result: succeeded(message, 'en'),
    writes: [
      {
        kind: 'merchant',
        merchant: changed,
        opened: false,
        ...(command.apiKeySha256 === undefined ? {} : { apiKeySha256: command.apiKeySha256 }),
        ...(command.webhookSecret === undefined ? {} : { webhookSecret: command.webhookSecret }),
      },
    ],
  }
}

/** Whether some fee satisfies the merchant's rule: its floor is not above its cap. */
function feeRuleSound(merchant: Merchant): boolean {
  return merchant.feeMaxMinor === null || merchant.feeMinMinor <= merchant.feeMaxMinor
}
