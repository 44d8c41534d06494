/**
 * payment-intent.ts - the checks every payment passes, whatever channel or initiator: who pays,
 * whom, from which account (and whether the operating model offers it), whether the user
 * authorized it, and the money rules. Each check is a guard clause returning a Reason, called in
 * the order of `reasons`; a refusal whose text shows a value carries it as params.
 */
import type { PaymentCommand } from './commands.js'
import type {
  Account,
  FundingKind,
  Merchant,
  Payment,
  PaymentKind,
  Subscriber,
} from './entities.js'
import { fundingKinds } from './entities.js'
import type { Limits } from './limits.js'
import { dayOf } from './limits.js'
import { formatAmount } from './money.js'
import type { OperatingModelId } from './operating-models.js'
import { offersAccount, operatingModels } from './operating-models.js'
import type { Purse } from './purse.js'
import { cardNumberOf, emptyPurse, purseRefusal } from './purse.js'
import type { Refusal } from './results.js'
import type { LedgerView } from './view.js'

/** A payment with every party resolved and loaded. */
export interface Intent {
  readonly kind: PaymentKind
  readonly payer: Subscriber
  readonly funding: FundingKind
  readonly payerAccount: Account
  readonly amountMinor: bigint
  readonly merchant: Merchant | null
  /** The subscriber account credited when the payee is a subscriber (send, airtime, load). */
  readonly payeeAccount: Account | null
  /** Credits already on their way into a capped payee account (loads awaiting capture). */
  readonly payeePendingMinor: bigint
  /** The RFID-SIM purse a card top-up goes to (its payee account is the float). */
  readonly purse: Purse | null
  readonly payeeMsisdn: string | null
  readonly orderNo: string | null
  readonly customerRef: string | null
}

export type Resolved =
  | { readonly ok: true; readonly intent: Intent }
  | ({ readonly ok: false } & Refusal)

/** What a payment asks for, whether it comes as a fresh command or from a stored payment. */
export interface IntentRequest {
  readonly kind: PaymentKind
  readonly payerMsisdn: string
  readonly funding: FundingKind
  /** null for an order: its amount comes from the order. */
  readonly amountMinor: bigint | null
  readonly merchantCode: string | null
  readonly payeeMsisdn: string | null
  readonly orderNo: string | null
  readonly customerRef: string | null
  /** The payment that is being confirmed, so its own order does not count as paid by another. */
  readonly paymentId: string | null
}

export function requestOfCommand(command: PaymentCommand): IntentRequest {
  // Whole literals rather than a spread of shared fields: this runs for every payment, and one
  // object shape per call site keeps it cheap.
  const payerMsisdn = command.msisdn
  switch (command.kind) {
    case 'pay_merchant':
      return {
        kind: 'merchant',
        payerMsisdn,
        funding: command.funding,
        amountMinor: command.amountMinor,
        merchantCode: command.merchantCode,
        payeeMsisdn: null,
        orderNo: null,
        customerRef: null,
        paymentId: null,
      }
    case 'pay_order':
      return {
        kind: 'order',
        payerMsisdn,
        funding: command.funding,
        amountMinor: null,
        merchantCode: null,
        payeeMsisdn: null,
        orderNo: command.orderNo,
        customerRef: null,
        paymentId: null,
      }
    case 'pay_bill':
      return {
        kind: 'bill',
        payerMsisdn,
        funding: command.funding,
        amountMinor: command.amountMinor,
        merchantCode: command.billerCode,
        payeeMsisdn: null,
        orderNo: null,
        customerRef: command.customerRef,
        paymentId: null,
      }
    case 'top_up_airtime':
      return {
        kind: 'airtime',
        payerMsisdn,
        funding: command.funding,
        amountMinor: command.amountMinor,
        merchantCode: null,
        payeeMsisdn: command.beneficiaryMsisdn,
        orderNo: null,
        customerRef: null,
        paymentId: null,
      }
    case 'load_wallet':
      return {
        kind: 'load',
        payerMsisdn,
        funding: 'bank',
        amountMinor: command.amountMinor,
        merchantCode: null,
        payeeMsisdn: command.msisdn,
        orderNo: null,
        customerRef: null,
        paymentId: null,
      }
    case 'load_card':
      return {
        kind: 'card',
        payerMsisdn,
        funding: command.funding,
        amountMinor: command.amountMinor,
        merchantCode: null,
        payeeMsisdn: command.msisdn,
        orderNo: null,
        customerRef: null,
        paymentId: null,
      }
    case 'send_money':
      return {
        kind: 'send',
        payerMsisdn,
        funding: 'wallet',
        amountMinor: command.amountMinor,
        merchantCode: null,
        payeeMsisdn: command.payeeMsisdn,
        orderNo: null,
        customerRef: null,
        paymentId: null,
      }
  }
}

export function requestOfPayment(payment: Payment): IntentRequest {
  return {
    kind: payment.kind,
    payerMsisdn: payment.payerMsisdn,
    funding: payment.funding,
    amountMinor: payment.amountMinor,
    merchantCode: payment.merchantCode,
    payeeMsisdn: payment.payeeMsisdn,
    orderNo: payment.orderNo,
    customerRef: payment.customerRef,
    paymentId: payment.id,
  }
}

/** Resolves the parties of a payment, refusing in precedence order. */
export function resolveIntent(
  request: IntentRequest,
  view: LedgerView,
  nowMs: number,
  limits: Limits,
): Resolved {
  if (request.amountMinor !== null && request.amountMinor <= 0n)
    return { ok: false, reason: 'amount_not_positive' }
  const payer = view.subscriber(request.payerMsisdn)
  if (payer === null) return { ok: false, reason: 'payer_not_registered' }
  if (payer.lockedUntilMs > nowMs) return { ok: false, reason: 'subscriber_locked' }

  let merchant: Merchant | null = null
  let amountMinor = request.amountMinor
  if (request.kind === 'merchant' || request.kind === 'bill') {
    merchant = request.merchantCode === null ? null : view.merchant(request.merchantCode)
    if (merchant === null) return { ok: false, reason: 'merchant_not_found' }
    if (request.kind === 'bill' && merchant.category !== 'biller')
      return { ok: false, reason: 'merchant_not_found' }
    if (request.kind === 'bill' && (request.customerRef ?? '').trim() === '')
      return { ok: false, reason: 'customer_reference_required' }
  }
  if (request.kind === 'order') {
    const order = request.orderNo === null ? null : view.order(request.orderNo)
    if (order === null) return { ok: false, reason: 'order_not_found' }
    if (order.paidPaymentId !== null && order.paidPaymentId !== request.paymentId)
      return { ok: false, reason: 'order_already_paid' }
    merchant = view.merchant(order.merchantCode)
    if (merchant === null) return { ok: false, reason: 'merchant_not_found' }
    amountMinor = order.amountMinor
  }
  if (amountMinor === null || amountMinor <= 0n) return { ok: false, reason: 'amount_not_positive' }

  let payeeAccount: Account | null = null
  let payeePendingMinor = 0n
  if (request.kind === 'send' || request.kind === 'airtime' || request.kind === 'load') {
    const payeeMsisdn = request.payeeMsisdn ?? request.payerMsisdn
    if (view.subscriber(payeeMsisdn) === null) return { ok: false, reason: 'payee_not_registered' }
    if (request.kind === 'send' && payeeMsisdn === payer.msisdn)
      return { ok: false, reason: 'payee_is_payer' }
    if (
      request.kind === 'airtime' &&
      payeeMsisdn === payer.msisdn &&
      request.funding === 'phone_bill'
    ) {
      return { ok: false, reason: 'payee_is_payer' }
    }
    payeeAccount = view.accountOf(payeeMsisdn, request.kind === 'airtime' ? 'phone_bill' : 'wallet')
    if (payeeAccount === null) return { ok: false, reason: 'payee_not_registered' }
    if (payeeAccount.capMinor !== null && payeeAccount.kind === 'wallet')
      payeePendingMinor = view.pendingWalletLoadsMinor(payeeMsisdn)
  }

  let purse: Purse | null = null
  if (request.kind === 'card') {
    purse = view.purse(cardNumberOf(payer.msisdn)) ?? emptyPurse(payer.msisdn)
    if (purse.blacklisted) return { ok: false, reason: 'card_blocked' }
    payeeAccount = view.partyAccount('card_float')
  }

  const notOffered = checkAccountOffered(request.kind, request.funding, limits.operatingModel)
  if (notOffered !== null) return { ok: false, ...notOffered }
  const payerAccount = view.accountOf(payer.msisdn, request.funding)
  if (payerAccount === null) return { ok: false, reason: 'account_not_available' }
  if (request.kind === 'send' && request.funding !== 'wallet')
    return { ok: false, reason: 'account_not_allowed' }
  if (request.kind === 'load' && request.funding !== 'bank')
    return { ok: false, reason: 'account_not_allowed' }
  const otherBank = checkMerchantBank(payerAccount, merchant, limits.operatingModel)
  if (otherBank !== null) return { ok: false, ...otherBank }

  return {
    ok: true,
    intent: {
      kind: request.kind,
      payer,
      funding: request.funding,
      payerAccount,
      amountMinor,
      merchant,
      payeeAccount,
      payeePendingMinor,
      purse,
      payeeMsisdn:
        request.payeeMsisdn ??
        (request.kind === 'load' || request.kind === 'card' ? payer.msisdn : null),
      orderNo: request.orderNo,
      customerRef: request.customerRef,
    },
  }
}

/**
 * Whether the running model offers the account a payment comes from, and for a load the wallet
 * it goes to (a model without wallets has nothing to load). Airtime needs no phone-bill account
 * offered: buying airtime pays the operator, whatever account pays.
 */
export function checkAccountOffered(
  kind: PaymentKind,
  funding: FundingKind,
  model: OperatingModelId,
): Refusal | null {
  if (!offersAccount(model, funding))
    return { reason: 'account_not_offered', params: { account: funding } }
  if (kind === 'load' && !offersAccount(model, 'wallet'))
    return { reason: 'account_not_offered', params: { account: 'wallet' } }
  return null
}

/**
 * Under a model whose banks serve only their own customers, a card pays only merchants that
 * settle with the card's bank; a merchant that names no bank is no bank's.
 */
export function checkMerchantBank(
  payerAccount: Account,
  merchant: Merchant | null,
  model: OperatingModelId,
): Refusal | null {
  if (!operatingModels[model].cardPaysOwnBankOnly || merchant === null) return null
  if (payerAccount.kind !== 'bank') return null
  const bank = payerAccount.card?.bank ?? null
  if (bank !== null && merchant.settlementBank === bank) return null
  return { reason: 'merchant_bank_mismatch', params: { bank: bank ?? '' } }
}

/** Every payment needs the PIN except a phone-bill micro-payment, which the SIM authorizes. */
export function pinRequired(funding: FundingKind): boolean {
  return funding !== 'phone_bill'
}

export function paymentMaxMinor(funding: FundingKind, limits: Limits): bigint {
  switch (funding) {
    case 'phone_bill':
      return limits.phoneBillPaymentMaxMinor
    case 'wallet':
      return limits.walletPaymentMaxMinor
    case 'bank':
      return limits.bankPaymentMaxMinor
  }
}

/**
 * Whether a payment counts toward the daily outgoing limit: money that leaves the subscriber.
 * Loading one's own wallet from one's own card only moves money between the same person's
 * accounts, so it does not count.
 */
export function countsTowardDailyLimit(kind: PaymentKind): boolean {
  return kind !== 'load'
}

/** What left the subscriber from one account on the day of nowMs (a new day starts at zero). */
export function accountOutgoingToday(account: Account, nowMs: number, limits: Limits): bigint {
  return account.outgoingDay === dayOf(nowMs, limits) ? account.outgoingMinor : 0n
}

/** The subscriber's outgoing total for the day of nowMs, over all their funding accounts. */
export function outgoingToday(
  msisdn: string,
  view: LedgerView,
  nowMs: number,
  limits: Limits,
): bigint {
  let total = 0n
  for (const kind of fundingKinds) {
    const account = view.accountOf(msisdn, kind)
    if (account !== null) total += accountOutgoingToday(account, nowMs, limits)
  }
  return total
}

/**
 * The refusal of a payment over the most one payment from its account may be. Its text shows
 * that most: for the phone bill, the micro-payment line ("At most CNY 50.00 from your phone
 * bill").
 */
export function checkPaymentMax(
  funding: FundingKind,
  amountMinor: bigint,
  limits: Limits,
): Refusal | null {
  const max = paymentMaxMinor(funding, limits)
  if (amountMinor <= max) return null
  return {
    reason: 'amount_above_payment_max',
    params: { max: formatAmount(max), account: funding },
  }
}

/** The money rules, after the parties and the authorization are settled. */
export function checkMoney(
  intent: Intent,
  view: LedgerView,
  nowMs: number,
  limits: Limits,
): Refusal | null {
  const amount = intent.amountMinor
  const overMax = checkPaymentMax(intent.funding, amount, limits)
  if (overMax !== null) return overMax
  if (
    countsTowardDailyLimit(intent.kind) &&
    outgoingToday(intent.payer.msisdn, view, nowMs, limits) + amount > limits.dailyOutgoingMaxMinor
  ) {
    return { reason: 'daily_limit_exceeded' }
  }
  const payerAccount = intent.payerAccount
  if (payerAccount.floorMinor !== null) {
    const available =
      payerAccount.balanceMinor - payerAccount.reservedMinor - payerAccount.floorMinor
    if (amount > available) return { reason: 'insufficient_funds' }
  }
  const payeeAccount = intent.payeeAccount
  if (
    payeeAccount?.capMinor != null &&
    payeeAccount.balanceMinor + intent.payeePendingMinor + amount > payeeAccount.capMinor
  ) {
    return { reason: 'wallet_cap_exceeded' }
  }
  // A listed card was refused with the parties (card_blocked, before the money rules).
  return intent.purse === null ? null : purseRefusal(intent.purse, amount, limits)
}
