/**
 * ops.ts - random command generation for the property tests. An Op is abstract (indices, amounts,
 * shapes); it is resolved into a real command against the ledger's state at the start of its
 * round, so that refunds and bank outcomes name payments that exist.
 */
import fc from 'fast-check'
import type {
  BankOutcome,
  Command,
  Envelope,
  FundingKind,
  Payment,
  PinCheck,
} from '../../src/core/index.js'
import { isUnlogged } from '../../src/core/index.js'
import type { Harness } from './harness.js'
import { billers, merchants, nextTick, subscribers } from './harness.js'

export type PayTarget = 'merchant' | 'bill' | 'airtime' | 'send' | 'load'

export type Op =
  | {
      readonly op: 'pay'
      readonly payer: number
      readonly target: PayTarget
      readonly funding: FundingKind
      readonly amount: bigint
      readonly authorize: boolean
      readonly pin: PinCheck
      readonly other: number
    }
  | { readonly op: 'confirm'; readonly payer: number; readonly pin: PinCheck }
  | { readonly op: 'cancel'; readonly payer: number }
  | {
      readonly op: 'request'
      readonly payer: number
      readonly merchant: number
      readonly funding: FundingKind
      readonly amount: bigint
    }
  | { readonly op: 'refund'; readonly pick: number; readonly shape: RefundShape }
  | { readonly op: 'bank'; readonly pick: number; readonly outcome: BankOutcome }
  | { readonly op: 'expire' }
  | { readonly op: 'replay'; readonly pick: number }
  | { readonly op: 'conflict'; readonly pick: number }

export type RefundShape =
  | { readonly kind: 'percent'; readonly percent: number }
  | { readonly kind: 'fen'; readonly fen: bigint }

/** Amounts biased toward the edges of the default limits and balances. */
export const amountArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 1n, max: 6_000n }) },
  { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 60_000n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 600_000n }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      1n,
      2_000n,
      4_999n,
      5_000n,
      5_001n,
      15_000n,
      50_000n,
      50_001n,
      199_999n,
      200_000n,
      200_001n,
      499_999n,
      500_000n,
      500_001n,
      1_000_000n,
      5_000_000n,
      5_000_001n,
    ),
  },
)

export const pinArb: fc.Arbitrary<PinCheck> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<PinCheck>('match') },
  { weight: 4, arbitrary: fc.constant<PinCheck>('mismatch') },
  { weight: 1, arbitrary: fc.constant<PinCheck>('absent') },
)
const fundingArb = fc.constantFrom<FundingKind>('wallet', 'wallet', 'phone_bill', 'bank')
const payerArb = fc.integer({ min: 0, max: subscribers.length - 1 })

export type PayOp = Extract<Op, { op: 'pay' }>

export const payArb: fc.Arbitrary<PayOp> = fc.record({
  op: fc.constant('pay' as const),
  payer: payerArb,
  target: fc.constantFrom<PayTarget>(
    'merchant',
    'merchant',
    'bill',
    'airtime',
    'send',
    'send',
    'load',
  ),
  funding: fundingArb,
  amount: amountArb,
  authorize: fc.boolean(),
  pin: pinArb,
  other: fc.nat(),
})

const refundShapeArb: fc.Arbitrary<RefundShape> = fc.oneof(
  fc.record({
    kind: fc.constant('percent' as const),
    percent: fc.constantFrom(1, 25, 40, 50, 60, 99, 100, 101),
  }),
  fc.record({ kind: fc.constant('fen' as const), fen: fc.bigInt({ min: 1n, max: 5_000n }) }),
)

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: payArb },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('confirm' as const), payer: payerArb, pin: pinArb }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), payer: payerArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('request' as const),
      payer: payerArb,
      merchant: fc.nat(),
      funding: fundingArb,
      amount: amountArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('refund' as const),
      pick: fc.nat(),
      shape: refundShapeArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('bank' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom<BankOutcome>('captured', 'captured', 'declined', 'unavailable'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'expire' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replay' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('conflict' as const), pick: fc.nat() }) },
)

/**
 * Clock moves between rounds: none, tiny, and the edges of the 120 s TTL, the 15 min lock and the
 * day.
 */
export const advanceArb: fc.Arbitrary<number> = fc.constantFrom(
  0,
  1,
  1_000,
  60_000,
  119_999,
  120_000,
  15 * 60_000 - 1,
  15 * 60_000,
  6 * 3_600_000,
  86_400_000,
)

export interface Round {
  readonly ops: readonly { readonly op: Op; readonly yieldBefore: boolean }[]
  readonly advanceMs: number
}

export function roundsArb(
  ops: fc.Arbitrary<Op>,
  maxRounds: number,
  maxOps: number,
): fc.Arbitrary<Round[]> {
  return fc.array(
    fc.record({
      ops: fc.array(fc.record({ op: ops, yieldBefore: fc.boolean() }), {
        minLength: 1,
        maxLength: maxOps,
      }),
      advanceMs: advanceArb,
    }),
    { minLength: 1, maxLength: maxRounds },
  )
}

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length]
}

/** Mostly another subscriber; one time in eight the payer itself (refused for sends). */
function otherSubscriber(op: Extract<Op, { op: 'pay' }>): string {
  const offset = op.other % 8 === 0 ? 0 : 1 + (op.other % 2)
  return subscribers[(op.payer + offset) % subscribers.length] ?? subscribers[0]
}

function paymentCommand(op: Extract<Op, { op: 'pay' }>): Command {
  const msisdn = subscribers[op.payer] ?? subscribers[0]
  const amountMinor = op.amount
  const authorize = op.authorize
  switch (op.target) {
    case 'merchant':
      return {
        kind: 'pay_merchant',
        msisdn,
        merchantCode: pick(merchants, op.other) ?? '1001',
        amountMinor,
        funding: op.funding,
        authorize,
      }
    case 'bill':
      return {
        kind: 'pay_bill',
        msisdn,
        billerCode: pick(billers, op.other) ?? '2001',
        customerRef: `ACC-${op.other % 7}`,
        amountMinor,
        funding: op.funding,
        authorize,
      }
    case 'airtime':
      return {
        kind: 'top_up_airtime',
        msisdn,
        beneficiaryMsisdn: otherSubscriber(op),
        amountMinor,
        funding: op.funding,
        authorize,
      }
    case 'send':
      return {
        kind: 'send_money',
        msisdn,
        payeeMsisdn: otherSubscriber(op),
        amountMinor,
        authorize,
      }
    case 'load':
      return { kind: 'load_wallet', msisdn, amountMinor, authorize }
  }
}

function refundAmount(payment: Payment, shape: RefundShape): bigint {
  if (shape.kind === 'fen') return shape.fen
  const amount = (payment.amountMinor * BigInt(shape.percent)) / 100n
  return amount > 0n ? amount : 1n
}

/**
 * Turns an op into an envelope against the state at the start of the round (null: nothing to do).
 */
export function resolveOp(
  h: Harness,
  op: Op,
  key: string,
  state: {
    readonly completedMerchant: readonly Payment[]
    readonly authorized: readonly Payment[]
    readonly earlier: readonly Envelope[]
  },
): { env: Envelope; kind: 'normal' | 'conflict' } | null {
  switch (op.op) {
    case 'pay':
      return {
        env: h.envelope(paymentCommand(op), {
          key,
          pin: op.authorize ? op.pin : 'absent',
          channel: 'sms',
        }),
        kind: 'normal',
      }
    case 'confirm':
      return {
        env: h.envelope(
          { kind: 'confirm', msisdn: subscribers[op.payer] ?? subscribers[0] },
          { key, pin: op.pin, channel: 'ussd' },
        ),
        kind: 'normal',
      }
    case 'cancel':
      return {
        env: h.envelope(
          { kind: 'cancel', msisdn: subscribers[op.payer] ?? subscribers[0] },
          { key, channel: 'ivr' },
        ),
        kind: 'normal',
      }
    case 'request': {
      const command: Command = {
        kind: 'request_payment',
        merchantCode: pick(merchants, op.merchant) ?? '1001',
        msisdn: subscribers[op.payer] ?? subscribers[0],
        amountMinor: op.amount,
        reference: `ref-${key}`,
        description: 'property test',
        funding: op.funding,
        callbackUrl: null,
      }
      return { env: h.envelope(command, { key, channel: 'api' }), kind: 'normal' }
    }
    case 'refund': {
      const payment = pick(state.completedMerchant, op.pick)
      if (payment === undefined || payment.merchantCode === null) return null
      const command: Command = {
        kind: 'refund',
        merchantCode: payment.merchantCode,
        paymentId: payment.id,
        amountMinor: refundAmount(payment, op.shape),
      }
      return { env: h.envelope(command, { key, channel: 'api' }), kind: 'normal' }
    }
    case 'bank': {
      const payment = pick(state.authorized, op.pick)
      if (payment === undefined) return null
      return {
        env: h.envelope(
          { kind: 'bank_outcome', paymentId: payment.id, outcome: op.outcome },
          { key, channel: 'bank' },
        ),
        kind: 'normal',
      }
    }
    case 'expire':
      return { env: h.envelope({ kind: 'expire_due' }, { key, channel: 'system' }), kind: 'normal' }
    case 'replay': {
      const earlier = pick(state.earlier, op.pick)
      if (earlier === undefined || isUnlogged(earlier.command)) return null
      // A retry: same key, same command, later clock.
      return { env: { ...earlier, nowMs: h.t.nowMs }, kind: 'normal' }
    }
    case 'conflict': {
      const earlier = pick(state.earlier, op.pick)
      // Unlogged commands (the expiry sweep) keep no answer, so their keys are not reserved.
      if (earlier === undefined || isUnlogged(earlier.command)) return null
      const command: Command = {
        kind: 'pay_merchant',
        msisdn: subscribers[0],
        merchantCode: '3001',
        amountMinor: 1n,
        funding: 'wallet',
        authorize: true,
      }
      const env = h.envelope(command, { key: earlier.key, pin: 'match', channel: 'conflict' })
      if (env.commandHash === earlier.commandHash) return null
      return { env, kind: 'conflict' }
    }
  }
}

/**
 * Runs one round: resolves every op against the state at its start, submits them all
 * concurrently (yielding between some so that they span several batches), then moves the clock.
 * Conflicting reuses of a key must be refused and are kept out of the per-key answers.
 */
export async function runRound(
  h: Harness,
  round: Round,
  roundNo: number,
  earlier: Envelope[],
): Promise<void> {
  const payments = h.payments()
  const state = {
    completedMerchant: payments.filter(
      (payment) => payment.state === 'completed' && payment.merchantCode !== null,
    ),
    authorized: payments.filter((payment) => payment.state === 'authorized'),
    earlier: [...earlier],
  }
  const pending: Promise<void>[] = []
  const conflicts: Promise<void>[] = []
  const submittedThisRound: Envelope[] = []
  for (const [index, { op, yieldBefore }] of round.ops.entries()) {
    const resolved = resolveOp(h, op, `r${roundNo}:${index}`, state)
    if (resolved === null) continue
    if (yieldBefore) await nextTick()
    if (resolved.kind === 'conflict') {
      conflicts.push(
        h.submit(resolved.env, { answers: false }).then((result) => {
          if (result.reason !== 'idempotency_key_reused')
            throw new Error(
              `key ${resolved.env.key} reused for another command answered ` +
                `${JSON.stringify(result.reason)}`,
            )
        }),
      )
    } else {
      pending.push(h.submit(resolved.env).then(() => undefined))
      if (!earlier.some((env) => env.key === resolved.env.key))
        submittedThisRound.push(resolved.env)
    }
  }
  await Promise.all([...pending, ...conflicts])
  earlier.push(...submittedThisRound)
  h.t.nowMs += round.advanceMs
}

/**
 * Opening top-ups: each subscriber with a card loads its wallet from the card, captured at once.
 */
export const preambleArb = fc.record({
  liLei: fc.bigInt({ min: 0n, max: 950_000n }),
  zhangWei: fc.bigInt({ min: 0n, max: 1_000_000n }),
})

export async function runPreamble(
  h: Harness,
  loads: { liLei: bigint; zhangWei: bigint },
): Promise<void> {
  const amounts: [string, bigint][] = [
    [subscribers[0], loads.liLei],
    [subscribers[2], loads.zhangWei],
  ]
  for (const [msisdn, amountMinor] of amounts) {
    if (amountMinor === 0n) continue
    const loaded = await h.submit(
      h.envelope(
        { kind: 'load_wallet', msisdn, amountMinor, authorize: true },
        { key: `preamble:load:${msisdn}`, pin: 'match' },
      ),
    )
    // Under a model without wallets (bank) there is nothing to fill.
    if (loaded.reason === 'account_not_offered') continue
    if (!loaded.ok || loaded.payment === null)
      throw new Error(`preamble load refused: ${loaded.reason}`)
    const captured = await h.submit(
      h.envelope(
        { kind: 'bank_outcome', paymentId: loaded.payment.id, outcome: 'captured' },
        { key: `preamble:capture:${msisdn}`, channel: 'bank' },
      ),
    )
    if (!captured.ok) throw new Error(`preamble capture refused: ${captured.reason}`)
  }
}
