/**
 * refunds.test.ts - I7: refunds racing on one payment never exceed what was paid. Partial and
 * full refunds, retried refunds, refunds by the wrong merchant and refunds of a card payment not
 * yet captured, all submitted at once through group commit.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CommandResult, Envelope, FundingKind } from '../../src/core/index.js'
import { checkInvariants, LI_LEI, openHarness, transfersOf } from './harness.js'

type Attempt =
  | {
      readonly kind: 'percent'
      readonly percent: number
      readonly merchant: 'right' | 'wrong'
      readonly retryOf: number | null
    }
  | {
      readonly kind: 'fen'
      readonly fen: bigint
      readonly merchant: 'right' | 'wrong'
      readonly retryOf: number | null
    }

const attemptArb: fc.Arbitrary<Attempt> = fc.oneof(
  fc.record({
    kind: fc.constant('percent' as const),
    percent: fc.constantFrom(1, 10, 33, 34, 50, 51, 99, 100, 101, 200),
    merchant: fc.constantFrom(
      'right' as const,
      'right' as const,
      'right' as const,
      'wrong' as const,
    ),
    retryOf: fc.option(fc.nat({ max: 30 }), { freq: 4 }),
  }),
  fc.record({
    kind: fc.constant('fen' as const),
    fen: fc.bigInt({ min: -1n, max: 60_000n }),
    merchant: fc.constantFrom(
      'right' as const,
      'right' as const,
      'right' as const,
      'wrong' as const,
    ),
    retryOf: fc.option(fc.nat({ max: 30 }), { freq: 4 }),
  }),
)

describe('refunds racing on one payment', () => {
  it('never exceed what was paid, and the ledger agrees with the payment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<FundingKind>('wallet', 'phone_bill', 'bank'),
        fc.bigInt({ min: 1n, max: 50_000n }),
        fc.boolean(),
        fc.array(fc.array(attemptArb, { minLength: 1, maxLength: 20 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 1, max: 20 }),
        async (funding, rawAmount, captured, rounds, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            const amountMinor =
              funding === 'phone_bill' && rawAmount > 5_000n ? (rawAmount % 5_000n) + 1n : rawAmount
            const paid = await h.submit(
              h.envelope(
                {
                  kind: 'pay_merchant',
                  msisdn: LI_LEI,
                  merchantCode: '1002',
                  amountMinor,
                  funding,
                  authorize: true,
                },
                { key: 'sms:pay', pin: 'match' },
              ),
            )
            expect(paid.ok).toBe(true)
            const paymentId = paid.payment?.id ?? ''
            const capturedNow = funding !== 'bank' || captured
            if (funding === 'bank' && captured) {
              const capture = await h.submit(
                h.envelope(
                  { kind: 'bank_outcome', paymentId, outcome: 'captured' },
                  { key: 'bank:1', channel: 'bank' },
                ),
              )
              expect(capture.ok).toBe(true)
            }
            const payerBefore = h.account(LI_LEI, funding).balanceMinor
            const merchantBefore = h.account('1002', 'merchant').balanceMinor

            // Model: group commit answers in queue order. A retry resubmits an envelope of an
            // earlier round unchanged and must get its first answer (checkInvariants compares
            // every answer under a key), changing nothing.
            let remaining = capturedNow ? amountMinor : 0n
            let refundedTotal = 0n
            const earlier: Envelope[] = []
            for (const [roundNo, round] of rounds.entries()) {
              const planned = round.map((attempt, index) => {
                const retry =
                  attempt.retryOf === null || earlier.length === 0
                    ? null
                    : (earlier[attempt.retryOf % earlier.length] ?? null)
                if (retry !== null)
                  return { env: { ...retry, nowMs: h.t.nowMs }, amount: null, merchantCode: null }
                const amount =
                  attempt.kind === 'fen'
                    ? attempt.fen
                    : (amountMinor * BigInt(attempt.percent)) / 100n
                const merchantCode = attempt.merchant === 'right' ? '1002' : '1001'
                const env = h.envelope(
                  { kind: 'refund', merchantCode, paymentId, amountMinor: amount },
                  { key: `api:refund:${roundNo}:${index}`, channel: 'api' },
                )
                return { env, amount, merchantCode }
              })
              const results: CommandResult[] = await h.submitAll(planned.map(({ env }) => env))
              for (const [index, { env, amount, merchantCode }] of planned.entries()) {
                const result = results[index]
                if (result === undefined || amount === null) continue
                let want: string | null
                if (amount <= 0n) want = 'amount_not_positive'
                else if (merchantCode !== '1002') want = 'payment_not_found'
                else if (!capturedNow) want = 'payment_not_refundable'
                else if (amount > remaining) want = 'refund_exceeds_payment'
                else {
                  want = null
                  remaining -= amount
                  refundedTotal += amount
                }
                expect(result.reason, `refund ${amount} by ${merchantCode} under ${env.key}`).toBe(
                  want,
                )
                if (want === null)
                  expect(result.data).toMatchObject({
                    kind: 'refund',
                    refundedMinor: refundedTotal,
                    remainingMinor: remaining,
                  })
                earlier.push(env)
              }
              h.t.nowMs += 1_000
              await checkInvariants(h)
            }

            const payment = await h.t.ledger.payment(paymentId)
            expect(payment?.refundedMinor).toBe(refundedTotal)
            expect(refundedTotal <= amountMinor).toBe(true)
            expect(transfersOf(h).get(paymentId)?.refundsMinor ?? 0n).toBe(refundedTotal)
            // The money went back to the account that paid, from the merchant.
            expect(h.account(LI_LEI, funding).balanceMinor - payerBefore).toBe(refundedTotal)
            expect(merchantBefore - h.account('1002', 'merchant').balanceMinor).toBe(refundedTotal)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 80 },
    )
  })
})
