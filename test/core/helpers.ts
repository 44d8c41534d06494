/**
 * helpers.ts - shared pieces of the core's table-driven tests: the default world's people, short
 * command builders, a snapshot of every account's money, and the precedence-table runner
 * (TigerBeetle's "test errors by descending precedence": each row is one situation that must
 * produce exactly its reason, rows are listed in the order of `reasons`, and a refusal moves
 * no money).
 */
import { expect, it } from 'vitest'
import type {
  Command,
  CommandResult,
  FundingKind,
  Limits,
  PinCheck,
  Reason,
} from '../../src/core/index.js'
import { reasonRank } from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

/** Li Lei, en, PIN 1234: phone bill 50.00 (credit 100.00), wallet 500.00, ICBC card *1234. */
export const LI = '8613800138000'
/** Han Meimei, zh, PIN 4321: phone bill 20.00 (no credit), wallet 20.00, no card. */
export const HAN = '8613800138001'
/** Zhang Wei, en, PIN 1111: phone bill 0.00, wallet 0.00, CCB card *9000. */
export const ZHANG = '8613900139000'
/** Not registered. */
export const NOBODY = '8613700137000'

export const RINGTONES = '1001'
export const CINEMA = '1002'
export const WATER = '2001'
export const POWER = '2002'
export const METRO = '3001'
/** The default world's open order: Cinema Tickets, 80.00. */
export const CINEMA_ORDER = '880001'

export const TRANSFER_REF = /^T[0-9A-Z]{6}$/
export const SECOND_MS = 1_000
export const MINUTE_MS = 60_000

type Opts = { key?: string; pin?: PinCheck; newPinHash?: string | null; channel?: string }

export function payMerchant(
  msisdn: string,
  merchantCode: string,
  amountMinor: bigint,
  funding: FundingKind = 'wallet',
  authorize = false,
): Command {
  return { kind: 'pay_merchant', msisdn, merchantCode, amountMinor, funding, authorize }
}

export function payOrder(
  msisdn: string,
  orderNo: string,
  funding: FundingKind = 'wallet',
  authorize = false,
): Command {
  return { kind: 'pay_order', msisdn, orderNo, funding, authorize }
}

export function payBill(
  msisdn: string,
  billerCode: string,
  customerRef: string,
  amountMinor: bigint,
  funding: FundingKind = 'wallet',
  authorize = false,
): Command {
  return { kind: 'pay_bill', msisdn, billerCode, customerRef, amountMinor, funding, authorize }
}

export function topUp(
  msisdn: string,
  beneficiaryMsisdn: string,
  amountMinor: bigint,
  funding: FundingKind = 'wallet',
  authorize = false,
): Command {
  return { kind: 'top_up_airtime', msisdn, beneficiaryMsisdn, amountMinor, funding, authorize }
}

export function loadWallet(msisdn: string, amountMinor: bigint, authorize = false): Command {
  return { kind: 'load_wallet', msisdn, amountMinor, authorize }
}

export function sendMoney(
  msisdn: string,
  payeeMsisdn: string,
  amountMinor: bigint,
  authorize = false,
): Command {
  return { kind: 'send_money', msisdn, payeeMsisdn, amountMinor, authorize }
}

export const confirm = (msisdn: string, paymentId?: string): Command =>
  paymentId === undefined ? { kind: 'confirm', msisdn } : { kind: 'confirm', msisdn, paymentId }
export const cancel = (msisdn: string, paymentId?: string): Command =>
  paymentId === undefined ? { kind: 'cancel', msisdn } : { kind: 'cancel', msisdn, paymentId }
export const balance = (msisdn: string): Command => ({ kind: 'balance', msisdn })
export const statement = (msisdn: string): Command => ({ kind: 'statement', msisdn })
export const changePin = (msisdn: string): Command => ({ kind: 'change_pin', msisdn })

export function requestPayment(
  merchantCode: string,
  msisdn: string,
  amountMinor: bigint,
  funding: FundingKind = 'wallet',
  callbackUrl: string | null = null,
): Command {
  return {
    kind: 'request_payment',
    merchantCode,
    msisdn,
    amountMinor,
    reference: 'INV-1',
    description: 'Invoice 1',
    funding,
    callbackUrl,
  }
}

export function createOrder(merchantCode: string, amountMinor: bigint): Command {
  return {
    kind: 'create_order',
    merchantCode,
    amountMinor,
    reference: 'web-1',
    description: 'Web order',
  }
}

export function refund(merchantCode: string, paymentId: string, amountMinor: bigint): Command {
  return { kind: 'refund', merchantCode, paymentId, amountMinor }
}

export function bankOutcome(
  paymentId: string,
  outcome: 'captured' | 'declined' | 'unavailable',
): Command {
  return { kind: 'bank_outcome', paymentId, outcome }
}

/** Runs a command that must succeed, and returns its result. */
export function ok(t: TestLedger, command: Command, opts: Opts = {}): CommandResult {
  const result = t.run(command, opts)
  expect(result.reason, `${command.kind} was refused`).toBeNull()
  expect(result.ok).toBe(true)
  return result
}

/** The payment id of a result that carries one. */
export function paymentIdOf(result: CommandResult): string {
  expect(result.payment).not.toBeNull()
  return result.payment?.id ?? ''
}

/** Pays at once with the PIN from the card, and lets the bank answer: the usual card payment. */
export function payByCard(
  t: TestLedger,
  command: Command,
  outcome: 'captured' | 'declined' | 'unavailable' = 'captured',
): CommandResult {
  const reserved = ok(t, command, { pin: 'match' })
  expect(reserved.bankStep?.op).toBe('capture')
  return t.run(bankOutcome(paymentIdOf(reserved), outcome))
}

/** Three wrong PINs on change_pin: the subscriber is locked for 15 minutes from t.nowMs. */
export function lockOut(t: TestLedger, msisdn: string): void {
  t.run(changePin(msisdn), { pin: 'mismatch', newPinHash: 'fake$9999' })
  t.run(changePin(msisdn), { pin: 'mismatch', newPinHash: 'fake$9999' })
  const third = t.run(changePin(msisdn), { pin: 'mismatch', newPinHash: 'fake$9999' })
  expect(third.reason).toBe('pin_attempts_exceeded')
}

/** Every account's posted balance and reservation, by owner and kind, and the transfer count. */
export interface MoneySnapshot {
  readonly accounts: Readonly<Record<string, { balanceMinor: bigint; reservedMinor: bigint }>>
  readonly transfers: bigint
}

export function moneySnapshot(t: TestLedger): MoneySnapshot {
  const rows = t.ledger.db
    .prepare('SELECT owner, kind, balance_minor, reserved_minor FROM accounts ORDER BY id')
    .all() as {
    owner: string
    kind: string
    balance_minor: bigint
    reserved_minor: bigint
  }[]
  const accounts: Record<string, { balanceMinor: bigint; reservedMinor: bigint }> = {}
  for (const row of rows)
    accounts[`${row.owner}/${row.kind}`] = {
      balanceMinor: row.balance_minor,
      reservedMinor: row.reserved_minor,
    }
  const { n } = t.ledger.db.prepare('SELECT COUNT(*) AS n FROM transfers').get() as { n: bigint }
  return { accounts, transfers: n }
}

/** A merchant's account balance in fen. */
export function merchantBalance(t: TestLedger, code: string): bigint {
  const row = t.ledger.db
    .prepare("SELECT balance_minor FROM accounts WHERE owner = ? AND kind = 'merchant'")
    .get(code) as { balance_minor: bigint }
  return row.balance_minor
}

/** A fee party's account balance in fen. */
export function partyBalance(
  t: TestLedger,
  party: 'operator_fees' | 'bank_fees' | 'platform_fees',
): bigint {
  const row = t.ledger.db
    .prepare("SELECT balance_minor FROM accounts WHERE owner = 'platform' AND kind = ?")
    .get(party) as { balance_minor: bigint }
  return row.balance_minor
}

/** What was reserved on a subscriber's card account and not yet captured or released. */
export function reservedOnCard(t: TestLedger, msisdn: string): bigint {
  const row = t.ledger.db
    .prepare("SELECT reserved_minor FROM accounts WHERE owner = ? AND kind = 'bank'")
    .get(msisdn) as { reserved_minor: bigint }
  return row.reserved_minor
}

/** A payment's state as stored. */
export async function stateOf(t: TestLedger, paymentId: string): Promise<string | undefined> {
  return (await t.ledger.payment(paymentId))?.state
}

export async function expectBalanced(t: TestLedger): Promise<void> {
  const check = await t.ledger.check()
  expect(check.unbalancedTransfers).toEqual([])
  expect(check.driftedAccounts).toEqual([])
  expect(check.reservationMismatches).toEqual([])
  expect(check.balanced).toBe(true)
}

/** One row of a precedence table: a situation (`given`) and the command that must be refused. */
export interface RefusalRow {
  readonly reason: Reason
  readonly name: string
  readonly given?: (t: TestLedger) => void
  readonly when: (t: TestLedger) => CommandResult
  /** The limits of the row's ledger (an operating model); absent: the defaults. */
  readonly limits?: Limits
}

/**
 * Declares one test per row, and one that the rows follow `reasons` precedence. Every row runs
 * on a fresh ledger: the refusal must carry its reason, and must leave every account's balance
 * and reservation and the transfer count as they were after `given`.
 */
export function refusalTable(rows: readonly RefusalRow[]): void {
  it('lists its rows in the order of reasons precedence', () => {
    const ranks = rows.map((row) => reasonRank(row.reason))
    expect(ranks.every((rank) => rank >= 0)).toBe(true)
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
  })
  for (const row of rows) {
    it(`${row.reason}: ${row.name}`, async () => {
      const t = await openTestLedger(row.limits === undefined ? {} : { limits: row.limits })
      try {
        row.given?.(t)
        const before = moneySnapshot(t)
        const result = row.when(t)
        expect(result.reason).toBe(row.reason)
        expect(result.ok).toBe(false)
        expect(result.reference).toBeNull()
        expect(result.bankStep).toBeNull()
        expect(moneySnapshot(t)).toEqual(before)
        await expectBalanced(t)
      } finally {
        await t.close()
      }
    })
  }
}
