/**
 * harness.ts - the property tests' driver: a real SQLite ledger (default world, test clock)
 * behind a real GroupCommit, helpers to submit commands concurrently, and the ledger-wide
 * invariant check (I1 double entry, I2 balance bounds, I7 refund bound, I8 daily limit, per-payment
 * maxima, one transfer per completed payment) read straight from the database.
 */
import { expect } from 'vitest'
import type {
  Command,
  CommandResult,
  Envelope,
  FundingKind,
  OperatingModelId,
  Payment,
  PinCheck,
} from '../../src/core/index.js'
import {
  dayOf,
  defaultLimits,
  describeTrail,
  isCompleteTrail,
  isInTimeOrder,
  isUnlogged,
} from '../../src/core/index.js'
import { encodeJson } from '../../src/ledger/codec.js'
import { GroupCommit } from '../../src/ledger/group-commit.js'
import type { Row } from '../../src/ledger/rows.js'
import { paymentOfRow } from '../../src/ledger/rows.js'
import type { SubscriberDetail } from '../../src/ledger/store.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

export const limits = defaultLimits

/**
 * A subscriber's outgoing total for the local day of nowMs: the sum kept on their funding accounts.
 */
export function outgoingOn(detail: SubscriberDetail | null, nowMs: number): bigint {
  const today = dayOf(nowMs, limits)
  return (detail?.accounts ?? []).reduce(
    (total, account) => total + (account.outgoingDay === today ? account.outgoingMinor : 0n),
    0n,
  )
}

// The default world (SPEC section 2).
/** Wallet 500.00, phone bill 50.00 with 100.00 credit, ICBC card. */
export const LI_LEI = '8613800138000'
/** Wallet 20.00, phone bill 20.00 without credit, no card. */
export const HAN_MEIMEI = '8613800138001'
/** Wallet 0.00, phone bill 0.00, CCB card. */
export const ZHANG_WEI = '8613900139000'
export const subscribers = [LI_LEI, HAN_MEIMEI, ZHANG_WEI] as const
export const merchants = ['1001', '1002', '3001'] as const
export const billers = ['2001', '2002'] as const

export interface AccountRow {
  readonly id: number
  readonly kind: string
  readonly owner: string
  readonly balanceMinor: bigint
  readonly reservedMinor: bigint
  readonly floorMinor: bigint | null
  readonly capMinor: bigint | null
}

export interface SubmitOptions {
  readonly key: string
  readonly pin?: PinCheck
  readonly channel?: string
}

export interface Harness {
  readonly t: TestLedger
  readonly gc: GroupCommit
  /** Balances right after seeding, by account id. */
  readonly opening: ReadonlyMap<number, bigint>
  /** When each payment that moved (or reserved) money was authorized, from the answers seen. */
  readonly authorizedAt: Map<string, number>
  /** Every answer given per idempotency key, encoded (bigint-safe) for exact comparison. */
  readonly answers: Map<string, string[]>
  envelope(command: Command, options: SubmitOptions): Envelope
  /**
   * Submits through group commit and records the answer (answers: false keeps it out of the
   * per-key answers, for deliberate reuses of a key by another command).
   */
  submit(env: Envelope, options?: { answers?: boolean }): Promise<CommandResult>
  /** Submits all at once (one or a few batches), answers in submission order. */
  submitAll(envs: readonly Envelope[]): Promise<CommandResult[]>
  accounts(): AccountRow[]
  account(owner: string, kind: string): AccountRow
  payments(): Payment[]
  close(): Promise<void>
}

/**
 * Opens a fresh ledger. batchMax bounds one group commit, so the same submissions split into
 * different batches from run to run.
 */
export async function openHarness(
  options: {
    batchMax?: number
    cacheRowsMax?: number | undefined
    /** The operating model the core decides by (the default limits' otherwise). */
    model?: OperatingModelId
  } = {},
): Promise<Harness> {
  const t = await openTestLedger({
    cacheRowsMax: options.cacheRowsMax,
    limits: { ...limits, operatingModel: options.model ?? limits.operatingModel },
  })
  const gc = new GroupCommit(t.ledger, options.batchMax ?? 1_000, 1_000_000)
  const db = t.ledger.db
  const readAccounts = (): AccountRow[] =>
    (db.prepare('SELECT * FROM accounts ORDER BY id').all() as Row[]).map((row) => ({
      id: Number(row['id']),
      kind: String(row['kind']),
      owner: String(row['owner']),
      balanceMinor: row['balance_minor'] as bigint,
      reservedMinor: row['reserved_minor'] as bigint,
      floorMinor: (row['floor_minor'] ?? null) as bigint | null,
      capMinor: (row['cap_minor'] ?? null) as bigint | null,
    }))
  const opening = new Map(readAccounts().map((account) => [account.id, account.balanceMinor]))
  const authorizedAt = new Map<string, number>()
  const answers = new Map<string, string[]>()

  const record = (env: Envelope, result: CommandResult, keepAnswer: boolean): void => {
    if (isUnlogged(env.command)) return
    if (keepAnswer) {
      const list = answers.get(env.key) ?? []
      list.push(encodeJson(result))
      answers.set(env.key, list)
    }
    const payment = result.payment
    if (
      payment !== null &&
      (payment.state === 'authorized' || payment.state === 'completed') &&
      !authorizedAt.has(payment.id)
    ) {
      authorizedAt.set(payment.id, env.nowMs)
    }
  }

  const harness: Harness = {
    t,
    gc,
    opening,
    authorizedAt,
    answers,
    envelope(command, opts) {
      return t.envelope(command, {
        key: opts.key,
        pin: opts.pin ?? 'absent',
        channel: opts.channel ?? 'test',
      })
    },
    async submit(env, opts = {}) {
      const result = await gc.submit(env)
      record(env, result, opts.answers ?? true)
      return result
    },
    submitAll(envs) {
      return Promise.all(envs.map((env) => harness.submit(env)))
    },
    accounts: readAccounts,
    account(owner, kind) {
      const found = readAccounts().find(
        (account) => account.owner === owner && account.kind === kind,
      )
      if (found === undefined) throw new Error(`no ${kind} account for ${owner}`)
      return found
    },
    payments() {
      return (db.prepare('SELECT * FROM payments ORDER BY seq').all() as Row[]).map(paymentOfRow)
    },
    async close() {
      await gc.drained()
      await t.close()
    },
  }
  return harness
}

/**
 * I9: the trail agrees with the ledger. It starts with the purchase and charge requests, its
 * times never go back, a completed payment has steps 1-8 and names its transfer at step 7, a
 * payment that ended early ends with the branch of its state, and each refund transfer is one
 * refund step.
 */
function checkTrail(payment: Payment, refundTransfers: number, where: string): void {
  const trail = payment.trail
  const codes = trail.map((entry) => entry.code)
  expect(codes.slice(0, 2), `${where}: trail ${codes.join(' ')}`).toEqual([1, 2])
  expect(isInTimeOrder(trail), `${where}: trail times`).toBe(true)
  expect(codes.includes(7), `${where}: step 7 in ${codes.join(' ')}`).toBe(
    payment.state === 'completed',
  )
  if (payment.state === 'completed') {
    expect(isCompleteTrail(trail), `${where}: complete trail ${codes.join(' ')}`).toBe(true)
    const charged = describeTrail(payment).find((entry) => entry.code === 7)
    expect(charged?.detail, `${where}: step 7`).toContain(payment.transferRef ?? '?')
  } else if (payment.state !== 'authorized' && payment.state !== 'awaiting_authorization') {
    expect(codes.at(-1), `${where}: trail ${codes.join(' ')}`).toBe(payment.state)
  }
  expect(codes.filter((code) => code === 'refund').length, `${where}: refund steps`).toBe(
    refundTransfers,
  )
}

export function paymentMax(funding: FundingKind): bigint {
  switch (funding) {
    case 'phone_bill':
      return limits.phoneBillPaymentMaxMinor
    case 'wallet':
      return limits.walletPaymentMaxMinor
    case 'bank':
      return limits.bankPaymentMaxMinor
  }
}

/** Transfers per payment id and kind, read from the ledger. */
export function transfersOf(
  h: Harness,
): Map<string, { payments: number; refundsMinor: bigint; refunds: number }> {
  const rows = h.t.ledger.db
    .prepare(`
    SELECT t.payment_id AS payment_id, t.kind AS kind, COUNT(DISTINCT t.id) AS n,
      COALESCE(SUM(CASE WHEN e.amount_minor > 0 THEN e.amount_minor ELSE 0 END), 0) AS credited
    FROM transfers t JOIN entries e ON e.transfer_id = t.id
    WHERE t.payment_id IS NOT NULL GROUP BY t.payment_id, t.kind`)
    .all() as { payment_id: string; kind: string; n: bigint; credited: bigint }[]
  const out = new Map<string, { payments: number; refundsMinor: bigint; refunds: number }>()
  for (const row of rows) {
    const entry = out.get(row.payment_id) ?? { payments: 0, refundsMinor: 0n, refunds: 0 }
    if (row.kind === 'payment') entry.payments += Number(row.n)
    if (row.kind === 'refund') {
      entry.refunds += Number(row.n)
      entry.refundsMinor += row.credited
    }
    out.set(row.payment_id, entry)
  }
  return out
}

export interface InvariantOptions {
  /**
   * Whether wallets must stay within their cap. Refunds return money to a wallet without a cap
   * check (a refund cannot be refused), so runs with refunds into wallets relax it by what was
   * refunded to each wallet.
   */
  readonly walletCap: 'strict' | 'allow_refunds'
}

/**
 * The ledger-wide invariants, checked against the database after a round of commands.
 * Every failure message names the account or payment.
 */
export async function checkInvariants(
  h: Harness,
  options: InvariantOptions = { walletCap: 'strict' },
): Promise<void> {
  await h.gc.drained()
  // I1: every transfer sums to zero, every balance equals its entries, reservations match.
  const check = await h.t.ledger.check()
  expect(check, 'ledger check').toMatchObject({ balanced: true, totalMinor: 0n })

  const accounts = h.accounts()
  const total = accounts.reduce((sum, account) => sum + account.balanceMinor, 0n)
  expect(total, 'sum of all balances').toBe(0n)
  // The opening account never moves after seeding; everything else is a closed system.
  const openingAccount = accounts.find((account) => account.kind === 'opening')
  expect(openingAccount?.balanceMinor, 'opening account').toBe(
    h.opening.get(openingAccount?.id ?? -1),
  )
  const openingTotal = [...h.opening.entries()]
    .filter(([id]) => id !== openingAccount?.id)
    .reduce((sum, [, minor]) => sum + minor, 0n)
  const inside = accounts
    .filter((account) => account.kind !== 'opening')
    .reduce((sum, account) => sum + account.balanceMinor, 0n)
  expect(inside, 'subscriber + merchant + party balances').toBe(openingTotal)

  const payments = h.payments()
  const transfers = transfersOf(h)
  const refundedTo = new Map<string, bigint>()
  for (const payment of payments) {
    const moved = transfers.get(payment.id) ?? { payments: 0, refundsMinor: 0n, refunds: 0 }
    const where =
      `payment ${payment.id} (${payment.kind} ${payment.funding} ${payment.amountMinor} ` +
      `${payment.state})`
    // One transfer per completed payment, none for any other state.
    expect(moved.payments, `${where}: payment transfers`).toBe(
      payment.state === 'completed' ? 1 : 0,
    )
    // I7: refunds never exceed what was paid, and the ledger holds exactly what the payment says.
    expect(
      payment.refundedMinor <= payment.amountMinor,
      `${where}: refunded ${payment.refundedMinor}`,
    ).toBe(true)
    expect(moved.refundsMinor, `${where}: refund transfers`).toBe(payment.refundedMinor)
    checkTrail(payment, moved.refunds, where)
    if (payment.refundedMinor > 0n) {
      const key = `${payment.payerMsisdn}/${payment.funding}`
      refundedTo.set(key, (refundedTo.get(key) ?? 0n) + payment.refundedMinor)
    }
    // Per-payment maxima hold for every payment that got as far as authorization.
    if (payment.state === 'authorized' || payment.state === 'completed') {
      expect(
        payment.amountMinor <= paymentMax(payment.funding),
        `${where}: above the ${payment.funding} maximum`,
      ).toBe(true)
      expect(
        payment.transferRef !== null || payment.state === 'authorized',
        `${where}: reference`,
      ).toBe(true)
    }
  }

  // I2: balance bounds.
  for (const account of accounts) {
    const where =
      `account ${account.id} ${account.kind} of ${account.owner}: ` +
      `balance ${account.balanceMinor}`
    if (account.floorMinor !== null)
      expect(
        account.balanceMinor >= account.floorMinor,
        `${where} below floor ${account.floorMinor}`,
      ).toBe(true)
    expect(account.reservedMinor >= 0n, `${where} reserved ${account.reservedMinor}`).toBe(true)
    if (account.kind === 'wallet') {
      expect(account.balanceMinor >= 0n, `${where} wallet below zero`).toBe(true)
      const slack =
        options.walletCap === 'strict' ? 0n : (refundedTo.get(`${account.owner}/wallet`) ?? 0n)
      expect(
        account.balanceMinor <= limits.walletHeldMaxMinor + slack,
        `${where} wallet above its cap`,
      ).toBe(true)
    }
    if (account.kind === 'phone_bill') {
      const credit = account.owner === LI_LEI ? 10_000n : 0n
      expect(
        account.balanceMinor >= -credit,
        `${where} phone bill below minus its credit limit`,
      ).toBe(true)
    }
  }

  // I8: per payer and local day, what left the subscriber (payments still authorized or
  // completed; loads between one's own accounts do not count) stays within the daily limit.
  const daily = new Map<string, bigint>()
  for (const payment of payments) {
    if (payment.state !== 'authorized' && payment.state !== 'completed') continue
    const at = h.authorizedAt.get(payment.id)
    expect(at, `payment ${payment.id} moved money but no caller was told`).toBeDefined()
    if (payment.kind === 'load' || at === undefined) continue
    const key = `${payment.payerMsisdn}@${dayOf(at, limits)}`
    daily.set(key, (daily.get(key) ?? 0n) + payment.amountMinor)
  }
  for (const [key, minor] of daily) {
    expect(minor <= limits.dailyOutgoingMaxMinor, `daily outgoing ${key} = ${minor}`).toBe(true)
  }

  // A key reused for another command (channel 'conflict') must never have taken effect.
  expect(
    payments.filter((payment) => payment.channel === 'conflict'),
    'payments made by a reused key',
  ).toEqual([])

  // I3: every answer under one key is the same answer.
  for (const [key, list] of h.answers) {
    const first = list[0]
    for (const other of list) expect(other, `answers under key ${key}`).toBe(first)
  }
}

/** Yields to the event loop so that later submissions land in another group-commit batch. */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
