/**
 * duplicates.test.ts - I3: the same envelope submitted many times, concurrently (one batch or
 * several) and sequentially (also after the clock moved), moves money once and gets one answer;
 * a refused key stays refused; another command under a used key is refused without effect.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Command, Envelope, PaymentCommand } from '../../src/core/index.js'
import { encodeJson } from '../../src/ledger/codec.js'
import type { Harness } from './harness.js'
import {
  checkInvariants,
  HAN_MEIMEI,
  LI_LEI,
  nextTick,
  openHarness,
  subscribers,
  transfersOf,
} from './harness.js'
import type { PayOp } from './ops.js'
import { payArb, runPreamble } from './ops.js'

type Copy = 'same_batch' | 'next_batch'

function commandOfPay(op: PayOp): PaymentCommand {
  const msisdn = subscribers[op.payer] ?? LI_LEI
  const other = subscribers[(op.payer + 1 + (op.other % 2)) % subscribers.length] ?? HAN_MEIMEI
  switch (op.target) {
    case 'merchant':
      return {
        kind: 'pay_merchant',
        msisdn,
        merchantCode: '1001',
        amountMinor: op.amount,
        funding: op.funding,
        authorize: op.authorize,
      }
    case 'bill':
      return {
        kind: 'pay_bill',
        msisdn,
        billerCode: '2001',
        customerRef: 'W-42',
        amountMinor: op.amount,
        funding: op.funding,
        authorize: op.authorize,
      }
    case 'airtime':
      return {
        kind: 'top_up_airtime',
        msisdn,
        beneficiaryMsisdn: other,
        amountMinor: op.amount,
        funding: op.funding,
        authorize: op.authorize,
      }
    case 'send':
      return {
        kind: 'send_money',
        msisdn,
        payeeMsisdn: other,
        amountMinor: op.amount,
        authorize: op.authorize,
      }
    case 'load':
      return { kind: 'load_wallet', msisdn, amountMinor: op.amount, authorize: op.authorize }
  }
}

interface Snapshot {
  readonly transfers: number
  readonly payments: number
  readonly balances: Map<string, bigint>
  readonly subscribers: Map<
    string,
    { pinFailures: number; outgoing: string; lockedUntilMs: number }
  >
}

async function snapshot(h: Harness): Promise<Snapshot> {
  await h.gc.drained()
  const check = await h.t.ledger.check()
  const subs = new Map<string, { pinFailures: number; outgoing: string; lockedUntilMs: number }>()
  for (const msisdn of subscribers) {
    const detail = await h.t.ledger.subscriber(msisdn)
    if (detail !== null)
      subs.set(msisdn, {
        pinFailures: detail.subscriber.pinFailures,
        outgoing: detail.accounts
          .map((account) => `${account.kind}:${account.outgoingDay}:${account.outgoingMinor}`)
          .join(','),
        lockedUntilMs: detail.subscriber.lockedUntilMs,
      })
  }
  return {
    transfers: check.transfers,
    payments: h.payments().length,
    balances: new Map(
      h.accounts().map((account) => [`${account.owner}/${account.kind}`, account.balanceMinor]),
    ),
    subscribers: subs,
  }
}

/**
 * Submits copies of one envelope: some in the same batch, some yielding so that they land in later
 * ones.
 */
async function submitCopies(h: Harness, env: Envelope, copies: readonly Copy[]): Promise<string[]> {
  const pending: Promise<unknown>[] = []
  for (const copy of copies) {
    if (copy === 'next_batch') await nextTick()
    pending.push(h.submit(env))
  }
  const answers = await Promise.all(pending)
  return answers.map((answer) => encodeJson(answer))
}

describe('duplicates and racing retries', () => {
  it('move money once and get the same answer, concurrently and sequentially', async () => {
    await fc.assert(
      fc.asyncProperty(
        payArb,
        fc.array(fc.constantFrom<Copy>('same_batch', 'same_batch', 'next_batch'), {
          minLength: 2,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(0, 1, 120_000, 15 * 60_000, 86_400_000),
        fc.integer({ min: 1, max: 8 }),
        async (op, copies, sequential, laterMs, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            await runPreamble(h, { liLei: 300_000n, zhangWei: 300_000n })
            const command = commandOfPay(op)
            const env = h.envelope(command, { key: 'dup:1', pin: op.authorize ? op.pin : 'absent' })
            const before = await snapshot(h)

            // The same envelope, concurrently, then one after the other, then as a retry later on.
            const concurrent = await submitCopies(h, env, copies)
            const once = await snapshot(h)
            const later: string[] = []
            for (let i = 0; i < sequential; i += 1) later.push(encodeJson(await h.submit(env)))
            h.t.nowMs += laterMs
            later.push(encodeJson(await h.submit({ ...env, nowMs: h.t.nowMs })))
            const after = await snapshot(h)

            const answers = [...concurrent, ...later]
            for (const answer of answers) expect(answer).toBe(answers[0])

            // One effect: whatever the first copy did, the copies added nothing.
            expect(after.transfers).toBe(once.transfers)
            expect(after.payments).toBe(once.payments)
            expect(after.balances).toEqual(once.balances)
            expect(after.subscribers).toEqual(once.subscribers)
            // And the first copy did at most one thing: one payment, at most one transfer.
            expect(once.payments - before.payments).toBeLessThanOrEqual(1)
            expect(once.transfers - before.transfers).toBeLessThanOrEqual(1)
            const first = h.answers.get('dup:1')?.[0]
            const payment =
              first === undefined
                ? null
                : (JSON.parse(first) as { payment: { id: string; state: string } | null }).payment
            if (payment !== null) {
              const moved = transfersOf(h).get(payment.id)?.payments ?? 0
              expect(moved).toBe(payment.state === 'completed' ? 1 : 0)
            } else {
              expect(once.transfers).toBe(before.transfers)
            }
            // A wrong PIN is counted once however often the message is retried.
            const payer = command.msisdn
            const pinBefore = before.subscribers.get(payer)?.pinFailures ?? 0
            expect((once.subscribers.get(payer)?.pinFailures ?? 0) - pinBefore).toBeLessThanOrEqual(
              1,
            )
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 80 },
    )
  })

  it('a refused key stays refused after the reason went away; a new key succeeds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 2_001n, max: 4_000n }),
        fc.boolean(),
        async (amountMinor, concurrentRetry) => {
          const h = await openHarness()
          try {
            // Han Meimei has 20.00 in her wallet: the payment is refused for lack of funds.
            const command: Command = {
              kind: 'pay_merchant',
              msisdn: HAN_MEIMEI,
              merchantCode: '3001',
              amountMinor,
              funding: 'wallet',
              authorize: true,
            }
            const env = h.envelope(command, { key: 'sms:refused', pin: 'match' })
            const refused = await h.submit(env)
            expect(refused.reason).toBe('insufficient_funds')
            // Li Lei sends her 20.00: now she could pay...
            const sent = await h.submit(
              h.envelope(
                {
                  kind: 'send_money',
                  msisdn: LI_LEI,
                  payeeMsisdn: HAN_MEIMEI,
                  amountMinor: 2_000n,
                  authorize: true,
                },
                { key: 'sms:send', pin: 'match' },
              ),
            )
            expect(sent.ok).toBe(true)
            // ...but the refused message, retried, keeps its answer and moves nothing.
            const retries = concurrentRetry
              ? await h.submitAll([env, env, env])
              : [await h.submit(env)]
            for (const retry of retries) expect(encodeJson(retry)).toBe(encodeJson(refused))
            expect(h.account(HAN_MEIMEI, 'wallet').balanceMinor).toBe(4_000n)
            const fresh = await h.submit(h.envelope(command, { key: 'sms:new', pin: 'match' }))
            expect(fresh.ok).toBe(true)
            expect(h.account(HAN_MEIMEI, 'wallet').balanceMinor).toBe(4_000n - amountMinor)
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 15 },
    )
  })

  it('another command under a used key is refused, moves nothing, whichever first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: 20_000n }),
        fc.bigInt({ min: 1n, max: 20_000n }),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 8 }),
        async (amountA, amountB, order) => {
          fc.pre(amountA !== amountB)
          const h = await openHarness()
          try {
            const pay = (amountMinor: bigint): Command => ({
              kind: 'pay_merchant',
              msisdn: LI_LEI,
              merchantCode: '1002',
              amountMinor,
              funding: 'wallet',
              authorize: true,
            })
            const a = h.envelope(pay(amountA), { key: 'api:same', pin: 'match' })
            const b = h.envelope(pay(amountB), { key: 'api:same', pin: 'match' })
            const envs = order.map((useA) => (useA ? a : b))
            const results = await Promise.all(envs.map((env) => h.submit(env, { answers: false })))
            // The first in the queue owns the key; every copy of it gets its answer, the other is
            // refused.
            const owner = envs[0]
            results.forEach((result, index) => {
              if (envs[index]?.commandHash === owner?.commandHash)
                expect(encodeJson(result)).toBe(encodeJson(results[0]))
              else expect(result.reason).toBe('idempotency_key_reused')
            })
            const winner = owner === a ? amountA : amountB
            expect(h.account(LI_LEI, 'wallet').balanceMinor).toBe(50_000n - winner)
            expect(h.payments()).toHaveLength(1)
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 20 },
    )
  })

  it('a YES, bank answer and refund sent many times, by one key or more, apply once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('wallet' as const, 'phone_bill' as const, 'bank' as const),
        fc.bigInt({ min: 1n, max: 5_000n }),
        fc.integer({ min: 2, max: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 6 }),
        async (funding, amountMinor, copies, sameKey, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            const keyOf = (stem: string, index: number): string =>
              sameKey ? stem : `${stem}:${index}`
            const asked = await h.submit(
              h.envelope(
                {
                  kind: 'pay_merchant',
                  msisdn: LI_LEI,
                  merchantCode: '1001',
                  amountMinor,
                  funding,
                  authorize: false,
                },
                { key: 'sms:ask' },
              ),
            )
            expect(asked.ok).toBe(true)
            const paymentId = asked.payment?.id ?? ''
            const pin = funding === 'phone_bill' ? 'absent' : 'match'

            // YES, delivered `copies` times at once.
            const yes = await h.submitAll(
              Array.from({ length: copies }, (_, index) =>
                h.envelope(
                  { kind: 'confirm', msisdn: LI_LEI },
                  { key: keyOf('sms:yes', index), pin },
                ),
              ),
            )
            const confirmed = yes.filter((result) => result.ok)
            expect(sameKey ? confirmed.length === copies : confirmed.length === 1).toBe(true)
            if (!sameKey)
              for (const result of yes.filter((r) => !r.ok))
                expect(result.reason).toBe('no_pending_payment')

            // The bank's capture, delivered `copies` times at once.
            if (funding === 'bank') {
              const captures = await h.submitAll(
                Array.from({ length: copies }, (_, index) =>
                  h.envelope(
                    { kind: 'bank_outcome', paymentId, outcome: 'captured' },
                    { key: keyOf('bank:capture', index), channel: 'bank' },
                  ),
                ),
              )
              for (const capture of captures) expect(capture.reference).toBe(captures[0]?.reference)
            }
            const paid = await h.t.ledger.payment(paymentId)
            expect(paid?.state).toBe('completed')
            expect(transfersOf(h).get(paymentId)?.payments).toBe(1)

            // A refund of a third, delivered `copies` times at once.
            const third = amountMinor / 3n > 0n ? amountMinor / 3n : 1n
            const refunds = await h.submitAll(
              Array.from({ length: copies }, (_, index) =>
                h.envelope(
                  { kind: 'refund', merchantCode: '1001', paymentId, amountMinor: third },
                  { key: keyOf('api:refund', index), channel: 'api' },
                ),
              ),
            )
            const refunded = refunds.filter((result) => result.ok).length
            // Under one key: one refund. Under distinct keys: as many as fit in the payment.
            const fit = Number(amountMinor / third)
            expect(refunded).toBe(sameKey ? copies : Math.min(copies, fit))
            expect((await h.t.ledger.payment(paymentId))?.refundedMinor).toBe(
              third * BigInt(sameKey ? 1 : Math.min(copies, fit)),
            )
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 40 },
    )
  })
})
