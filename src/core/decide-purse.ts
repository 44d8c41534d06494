/**
 * decide-purse.ts - the money side of the RFID-SIM e-purse. A top-up (LOAD CARD) is a payment
 * into the float (decide-payment.ts posts it); here its end, when the card's proof of receipt
 * comes back or every attempt failed; a load the card got outside telepay's accounts (cash at a
 * ticket office); the blacklist; and the clearing of terminals' offline purchases, each posted at
 * most once from the float to the terminal's merchant with the fee shared as the operating model
 * says.
 */
import type { ClearingRecord, Envelope, OperatorCommand, SystemCommand } from './commands.js'
import { readerOf } from './decide-account.js'
import type { Outcome } from './decide-payment.js'
import type { Account, Leg, Payment } from './entities.js'
import type { Limits } from './limits.js'
import { formatAmount } from './money.js'
import { feeSplitOf, offersAccount } from './operating-models.js'
import { refundStep, withSteps } from './payment-trail.js'
import type { Purse } from './purse.js'
import { cardNumberOf, emptyPurse, msisdnOfCard } from './purse.js'
import type { ClearingSummary } from './results.js'
import { refused, succeeded } from './results.js'
import { step } from './trail.js'
import type { LedgerView, Write } from './view.js'
import { transferRef } from './view.js'

type Operator<K extends OperatorCommand['kind']> = Extract<OperatorCommand, { kind: K }>

function purseOf(view: LedgerView, msisdn: string): Purse {
  return view.purse(cardNumberOf(msisdn)) ?? emptyPurse(msisdn)
}

/** Whether a top-up has ended: the card confirmed it (step 9) or its money went back. */
export function isCardLoadSettled(payment: Payment): boolean {
  return payment.refundedMinor > 0n || payment.trail.some((entry) => entry.code === 9)
}

/**
 * The end of a top-up sent over the air. Loaded: the purse's value is the card's now (step 9,
 * with the card's TAC). Undeliverable: the float pays the money back to the account it came from
 * (a card's through its bank). Once only: a second answer (a proof of receipt repeated by the
 * network) changes nothing.
 */
export function decideCardLoadOutcome(
  env: Envelope,
  command: Extract<SystemCommand, { kind: 'card_load_outcome' }>,
  view: LedgerView,
): Outcome {
  const payment = view.payment(command.paymentId)
  if (payment === null || payment.kind !== 'card')
    return { result: refused('payment_not_found', 'en'), writes: [] }
  if (payment.state !== 'completed')
    return { result: refused('payment_not_completed', 'en', { payment }), writes: [] }
  const payer = view.subscriber(payment.payerMsisdn)
  const language = payer?.language ?? 'en'
  const amount = formatAmount(payment.amountMinor)
  if (isCardLoadSettled(payment)) {
    const message = {
      key: 'card_load.sent' as const,
      params: { amount, account: payment.funding, ref: payment.transferRef ?? payment.id },
    }
    return { result: succeeded(message, language, { payment }), writes: [] }
  }
  const purse = purseOf(view, payment.payerMsisdn)
  const loadingMinor = purse.loadingMinor - payment.amountMinor
  const notify = (message: Extract<Write, { kind: 'notify' }>['notification']): Write[] =>
    payer === null ? [] : [{ kind: 'notify', notification: message }]

  if (command.outcome === 'loaded') {
    const loaded = withSteps(payment, [step(9, env.nowMs, 'SIM', `on the card: ${command.detail}`)])
    const message = {
      key: 'card_load.delivered' as const,
      params: {
        amount,
        balance: formatAmount(command.cardBalanceMinor ?? purse.balanceMinor + payment.amountMinor),
      },
    }
    return {
      result: succeeded(message, language, { payment: loaded }),
      writes: [
        {
          kind: 'purse',
          purse: { ...purse, balanceMinor: purse.balanceMinor + payment.amountMinor, loadingMinor },
        },
        { kind: 'payment', payment: loaded },
        ...notify({ kind: 'sms', msisdn: payment.payerMsisdn, language, message }),
      ],
    }
  }

  const payerAccount = view.accountOf(payment.payerMsisdn, payment.funding)
  if (payerAccount === null)
    return { result: refused('account_not_available', language, { payment }), writes: [] }
  const transferId = view.nextTransferId()
  const reference = transferRef(transferId)
  const refunded = withSteps({ ...payment, refundedMinor: payment.amountMinor }, [
    refundStep(env.nowMs, payment.amountMinor, reference),
  ])
  const message = {
    key: 'card_load.refunded' as const,
    params: { amount, account: payment.funding, ref: reference },
  }
  const bankStep =
    payment.funding === 'bank' && payerAccount.card !== null
      ? {
          op: 'refund' as const,
          paymentId: payment.id,
          cardToken: payerAccount.card.token,
          amountMinor: payment.amountMinor,
          reference,
        }
      : null
  return {
    result: succeeded(message, language, { payment: refunded, reference, bankStep }),
    writes: [
      {
        kind: 'transfer',
        transfer: {
          id: transferId,
          kind: 'refund',
          paymentId: payment.id,
          createdMs: env.nowMs,
          legs: [
            { accountId: view.partyAccount('card_float').id, amountMinor: -payment.amountMinor },
            { accountId: payerAccount.id, amountMinor: payment.amountMinor },
          ],
        },
      },
      { kind: 'purse', purse: { ...purse, loadingMinor } },
      { kind: 'payment', payment: refunded },
      ...notify({ kind: 'sms', msisdn: payment.payerMsisdn, language, message }),
    ],
  }
}

/**
 * The purse as the platform knows it (SMS CARD): the card's balance as of its last cleared
 * purchase and confirmed load, the loads on their way, and the last purchases cleared. A tap not
 * uploaded yet is not in it; the words say "as last cleared" so that no one reads it as the card's
 * own (the card itself answers that at a terminal or in the handset's Tap app).
 */
export function decideCardBalance(
  env: Envelope,
  msisdn: string,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const reader = readerOf(env, msisdn, view)
  if ('refusal' in reader) return reader.refusal
  const { subscriber } = reader
  const purse = purseOf(view, msisdn)
  const rows = view
    .recentClearedPurchases(purse.cardNumber, limits.statementRowsMax)
    .map((row) => {
      const day = new Date(row.atMs + limits.dayOffsetMs).toISOString().slice(5, 10)
      const payee = view.merchant(row.merchantCode)?.name ?? row.merchantCode
      return `${day} ${payee} -${formatAmount(row.amountMinor)}`
    })
    .join('; ')
  const params = {
    balance: formatAmount(purse.balanceMinor),
    loading: formatAmount(purse.loadingMinor),
    rows: rows === '' ? '-' : rows,
  }
  const key = purse.loadingMinor > 0n ? 'card.balance_loading' : 'card.balance'
  return { result: succeeded({ key, params }, subscriber.language), writes: [] }
}

/**
 * A load the card already holds, paid outside telepay's accounts (cash at a ticket office, the
 * simulator's load as a host): from the funding account into the float, onto the purse at once.
 * The card holds the value already, so the float must follow whatever the platform's view of the
 * purse (its cap and the blacklist are the office's to check before it loads the card).
 */
export function decideFundCard(
  env: Envelope,
  command: Operator<'fund_card'>,
  view: LedgerView,
): Outcome {
  if (command.amountMinor <= 0n) return { result: refused('amount_not_positive', 'en'), writes: [] }
  const subscriber = view.subscriber(command.msisdn)
  if (subscriber === null) return { result: refused('payer_not_registered', 'en'), writes: [] }
  const purse = purseOf(view, command.msisdn)
  const language = subscriber.language
  const balanceMinor = purse.balanceMinor + command.amountMinor
  const transferId = view.nextTransferId()
  const reference = transferRef(transferId)
  const message = {
    key: 'card.funded' as const,
    params: { amount: formatAmount(command.amountMinor), balance: formatAmount(balanceMinor) },
  }
  return {
    result: succeeded(message, language, { reference }),
    writes: [
      {
        kind: 'transfer',
        transfer: {
          id: transferId,
          kind: 'funding',
          paymentId: null,
          createdMs: env.nowMs,
          legs: [
            { accountId: view.partyAccount('funding').id, amountMinor: -command.amountMinor },
            { accountId: view.partyAccount('card_float').id, amountMinor: command.amountMinor },
          ],
        },
      },
      { kind: 'purse', purse: { ...purse, balanceMinor } },
    ],
  }
}

/** Puts a card on the blacklist or takes it off; a card the platform did not issue is unknown. */
export function decideBlacklistCard(
  command: Operator<'blacklist_card'>,
  view: LedgerView,
): Outcome {
  const msisdn = msisdnOfCard(command.cardNumber)
  if (msisdn === null || view.subscriber(msisdn) === null)
    return { result: refused('payer_not_registered', 'en'), writes: [] }
  const purse = purseOf(view, msisdn)
  const message = {
    key: 'card.blacklisted' as const,
    params: { card: command.cardNumber, listed: command.listed ? 'yes' : 'no' },
  }
  if (purse.blacklisted === command.listed) return { result: succeeded(message, 'en'), writes: [] }
  return {
    result: succeeded(message, 'en'),
    writes: [{ kind: 'purse', purse: { ...purse, blacklisted: command.listed } }],
  }
}

/**
 * Clears one upload: each record not cleared before is posted from the float to the terminal's
 * merchant (a zero-fare entry tap is kept, for its serials, and moves nothing) and taken off its
 * purse's known balance. The fee is shared as a payment from the model's prepaid account is (the
 * wallet, or the card where the model has no wallet): the purse is prepaid value too.
 */
export function decideClearPurchases(
  env: Envelope,
  command: Operator<'clear_purchases'>,
  view: LedgerView,
  limits: Limits,
): Outcome {
  const merchant = view.merchant(command.merchantCode)
  if (merchant === null) return { result: refused('merchant_not_found', 'en'), writes: [] }
  const float = view.partyAccount('card_float')
  const funding = offersAccount(limits.operatingModel, 'wallet') ? 'wallet' : 'bank'
  const writes: Write[] = []
  const purses = new Map<string, Purse>()
  const seen = new Set<number>()
  const accepted: number[] = []
  const duplicates: number[] = []
  const unknownCards: number[] = []
  let clearedMinor = 0n
  let feeMinor = 0n
  for (const record of command.records) {
    const serialKey = record.terminalSerial
    if (seen.has(serialKey) || view.isCleared(record, command.terminalId)) {
      duplicates.push(record.terminalSerial)
      continue
    }
    const msisdn = msisdnOfCard(record.cardNumber)
    if (msisdn === null) {
      unknownCards.push(record.terminalSerial)
      continue
    }
    seen.add(serialKey)
    const cleared = clearOne(env, record, { merchantAccount: merchant.accountId, float }, view, {
      split: feeSplitOf(funding, record.amountMinor, limits, merchant),
    })
    writes.push(...cleared.writes, {
      kind: 'cleared',
      terminalId: command.terminalId,
      merchantCode: merchant.code,
      record,
      feeMinor: cleared.feeMinor,
      transferId: cleared.transferId,
      clearedMs: env.nowMs,
    })
    const purse = purses.get(msisdn) ?? purseOf(view, msisdn)
    purses.set(msisdn, { ...purse, balanceMinor: purse.balanceMinor - record.amountMinor })
    accepted.push(record.terminalSerial)
    clearedMinor += record.amountMinor
    feeMinor += cleared.feeMinor
  }
  for (const purse of purses.values()) writes.push({ kind: 'purse', purse })
  const message = {
    key: 'clearing.cleared' as const,
    params: {
      accepted: String(accepted.length),
      duplicates: String(duplicates.length),
      amount: formatAmount(clearedMinor),
    },
  }
  const data: ClearingSummary = {
    kind: 'clearing',
    accepted,
    duplicates,
    unknownCards,
    clearedMinor,
    feeMinor,
  }
  return { result: succeeded(message, 'en', { data }), writes }
}

function clearOne(
  env: Envelope,
  record: ClearingRecord,
  accounts: { readonly merchantAccount: number; readonly float: Account },
  view: LedgerView,
  fee: { readonly split: ReturnType<typeof feeSplitOf> },
): { writes: Write[]; feeMinor: bigint; transferId: number | null } {
  if (record.amountMinor <= 0n) return { writes: [], feeMinor: 0n, transferId: null }
  const legs: Leg[] = [
    { accountId: accounts.float.id, amountMinor: -record.amountMinor },
    { accountId: accounts.merchantAccount, amountMinor: record.amountMinor - fee.split.feeMinor },
  ]
  for (const share of fee.split.shares)
    legs.push({ accountId: view.partyAccount(share.party).id, amountMinor: share.amountMinor })
  const transferId = view.nextTransferId()
  return {
    writes: [
      {
        kind: 'transfer',
        transfer: { id: transferId, kind: 'clearing', paymentId: null, createdMs: env.nowMs, legs },
      },
    ],
    feeMinor: fee.split.feeMinor,
    transferId,
  }
}
