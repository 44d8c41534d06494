/**
 * limits.test.ts - I8 and I9 at their edges with the test clock: the third wrong PIN in a row
 * locks the subscriber on every channel until exactly +15 min; the daily outgoing limit of
 * 5000.00 refuses the payment that would pass it, allows one that lands exactly on it, and a new
 * local day (China Standard Time, UTC+8) starts again from zero. Commands go in bursts through
 * group commit; a model applied in queue order predicts every answer.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Command, Envelope, FundingKind, PinCheck } from '../../src/core/index.js'
import { testStartMs } from '../support/ledger-fixture.js'
import type { Harness } from './harness.js'
import { checkInvariants, LI_LEI, limits, openHarness, outgoingOn } from './harness.js'

const minute = 60_000
const lockMs = 15 * minute
const channels = ['sms', 'ussd', 'ivr', 'wap', 'api'] as const

/** Local (UTC+8) day number, computed here independently of the core. */
function chinaDay(ms: number): number {
  return Math.floor((ms + 8 * 3_600_000) / 86_400_000)
}

interface PinStep {
  readonly via: 'pay' | 'confirm'
  readonly pin: 'match' | 'mismatch'
  readonly channel: (typeof channels)[number]
}

const pinStepArb: fc.Arbitrary<PinStep> = fc.record({
  via: fc.constantFrom('pay' as const, 'confirm' as const),
  pin: fc.constantFrom('match' as const, 'mismatch' as const, 'mismatch' as const),
  channel: fc.constantFrom(...channels),
})

const gapArb = fc.constantFrom(0, 1, minute, lockMs - 1, lockMs, lockMs + 1, 3_600_000, 86_400_000)

const payOnePenny = (authorize: boolean): Command => ({
  kind: 'pay_merchant',
  msisdn: LI_LEI,
  merchantCode: '1001',
  amountMinor: 1n,
  funding: 'wallet',
  authorize,
})

describe('PIN lockout', () => {
  it('locks on the third wrong PIN in a row, on every channel, until exactly +15 min', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ burst: fc.array(pinStepArb, { minLength: 1, maxLength: 6 }), gap: gapArb }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 4 }),
        async (bursts, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            let failures = 0
            let lockedUntil = 0
            let keyNo = 0
            for (const { burst, gap } of bursts) {
              h.t.nowMs += gap
              const now = h.t.nowMs
              // A confirm step first asks (without PIN) in the same burst, then confirms.
              const envs: { env: Envelope; step: PinStep; role: 'ask' | 'pin' }[] = []
              for (const step of burst) {
                const key = `${step.channel}:${keyNo++}`
                if (step.via === 'confirm') {
                  envs.push({
                    env: h.envelope(payOnePenny(false), {
                      key: `${key}:ask`,
                      channel: step.channel,
                    }),
                    step,
                    role: 'ask',
                  })
                  envs.push({
                    env: h.envelope(
                      { kind: 'confirm', msisdn: LI_LEI },
                      { key, pin: step.pin, channel: step.channel },
                    ),
                    step,
                    role: 'pin',
                  })
                } else {
                  envs.push({
                    env: h.envelope(payOnePenny(true), {
                      key,
                      pin: step.pin,
                      channel: step.channel,
                    }),
                    step,
                    role: 'pin',
                  })
                }
              }
              const results = await h.submitAll(envs.map(({ env }) => env))
              envs.forEach(({ step, role, env }, index) => {
                const result = results[index]
                let want: string | null
                if (now < lockedUntil) want = 'subscriber_locked'
                else if (role === 'ask') want = null
                else if (step.pin === 'match') {
                  want = null
                  failures = 0
                } else {
                  failures += 1
                  if (failures >= 3) {
                    want = 'pin_attempts_exceeded'
                    failures = 0
                    lockedUntil = now + lockMs
                  } else want = 'pin_incorrect'
                }
                expect(
                  result?.reason,
                  `${env.key} (${role} ${step.pin}) at +${now - testStartMs} ms`,
                ).toBe(want)
              })
              const detail = await h.t.ledger.subscriber(LI_LEI)
              expect(detail?.subscriber.lockedUntilMs).toBe(lockedUntil)
              expect(detail?.subscriber.pinFailures).toBe(failures)
            }
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('refuses the right PIN at +15 min - 1 ms on any channel and takes it at +15 min', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...channels), { minLength: 3, maxLength: 3 }),
        fc.array(fc.constantFrom(0, 1, minute, 10 * minute, 86_400_000), {
          minLength: 2,
          maxLength: 2,
        }),
        fc.constantFrom('pay' as const, 'confirm' as const),
        fc.constantFrom(...channels),
        fc.constantFrom<FundingKind>('wallet', 'bank'),
        async (wrongChannels, gaps, thirdVia, laterChannel, funding) => {
          const h = await openHarness()
          try {
            const pay = (authorize: boolean): Command => ({
              kind: 'pay_merchant',
              msisdn: LI_LEI,
              merchantCode: '3001',
              amountMinor: 300n,
              funding,
              authorize,
            })
            const attempt = async (
              key: string,
              channel: string,
              pin: PinCheck,
              via: 'pay' | 'confirm',
            ): Promise<string | null> => {
              if (via === 'pay')
                return (await h.submit(h.envelope(pay(true), { key, pin, channel }))).reason
              await h.submit(h.envelope(pay(false), { key: `${key}:ask`, channel }))
              return (
                await h.submit(
                  h.envelope({ kind: 'confirm', msisdn: LI_LEI }, { key, pin, channel }),
                )
              ).reason
            }
            expect(await attempt('w1', wrongChannels[0] ?? 'sms', 'mismatch', 'pay')).toBe(
              'pin_incorrect',
            )
            h.t.nowMs += gaps[0] ?? 0
            expect(await attempt('w2', wrongChannels[1] ?? 'sms', 'mismatch', 'confirm')).toBe(
              'pin_incorrect',
            )
            h.t.nowMs += gaps[1] ?? 0
            const lockedAt = h.t.nowMs
            expect(await attempt('w3', wrongChannels[2] ?? 'sms', 'mismatch', thirdVia)).toBe(
              'pin_attempts_exceeded',
            )

            h.t.nowMs = lockedAt + lockMs - 1
            expect(await attempt('r1', laterChannel, 'match', 'pay')).toBe('subscriber_locked')
            expect(
              (await h.submit(h.envelope(pay(false), { key: 'r1:ask', channel: laterChannel })))
                .reason,
            ).toBe('subscriber_locked')
            h.t.nowMs = lockedAt + lockMs
            expect(await attempt('r2', laterChannel, 'match', thirdVia)).toBe(null)
            // The lock is over and the count starts again: two more wrong PINs do not lock.
            expect(await attempt('w4', laterChannel, 'mismatch', 'pay')).toBe('pin_incorrect')
            expect(await attempt('w5', laterChannel, 'mismatch', 'pay')).toBe('pin_incorrect')
            expect(await attempt('r3', laterChannel, 'match', 'pay')).toBe(null)
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 30 },
    )
  })
})

interface DailyStep {
  readonly funding: FundingKind
  readonly amount: bigint
  readonly load: boolean
}

const dailyStepArb: fc.Arbitrary<DailyStep> = fc.record({
  funding: fc.constantFrom<FundingKind>('bank', 'bank', 'bank', 'wallet', 'phone_bill'),
  amount: fc.oneof(
    fc.bigInt({ min: 1n, max: 250_000n }),
    fc.constantFrom(1n, 5_000n, 100_000n, 200_000n, 250_000n, 499_999n, 500_000n, 500_001n),
  ),
  load: fc.constantFrom(false, false, false, false, true),
})

/** Submits `amount` from Li Lei's account, answers in queue order with the model. */
async function dailyBurst(
  h: Harness,
  steps: readonly DailyStep[],
  model: DailyModel,
  tag: string,
): Promise<void> {
  const envs = steps.map((step, index) =>
    h.envelope(
      step.load
        ? { kind: 'load_wallet', msisdn: LI_LEI, amountMinor: step.amount, authorize: true }
        : {
            kind: 'pay_bill',
            msisdn: LI_LEI,
            billerCode: '2002',
            customerRef: 'GRID-7',
            amountMinor: step.amount,
            funding: step.funding,
            authorize: true,
          },
      { key: `${tag}:${index}`, pin: 'match' },
    ),
  )
  const results = await h.submitAll(envs)
  steps.forEach((step, index) => {
    expect(
      results[index]?.reason,
      `${tag}:${index} ${step.funding} ${step.amount} at ${new Date(h.t.nowMs).toISOString()}`,
    ).toBe(model.apply(step, h.t.nowMs))
  })
}

class DailyModel {
  private day = -1
  private outgoing = 0n
  private pendingLoads = 0n
  private readonly balance = new Map<FundingKind, bigint>([
    ['wallet', 50_000n],
    ['phone_bill', 5_000n],
  ])
  private readonly floor = new Map<FundingKind, bigint>([
    ['wallet', 0n],
    ['phone_bill', -10_000n],
  ])
  private readonly max = new Map<FundingKind, bigint>([
    ['wallet', 200_000n],
    ['phone_bill', 5_000n],
    ['bank', 5_000_000n],
  ])

  apply(step: DailyStep, nowMs: number): string | null {
    const funding = step.load ? 'bank' : step.funding
    if (step.amount > (this.max.get(funding) ?? 0n)) return 'amount_above_payment_max'
    const today = chinaDay(nowMs)
    const spent = this.day === today ? this.outgoing : 0n
    if (!step.load && spent + step.amount > limits.dailyOutgoingMaxMinor)
      return 'daily_limit_exceeded'
    const floor = this.floor.get(funding)
    const balance = this.balance.get(funding)
    if (floor !== undefined && balance !== undefined && balance - step.amount < floor)
      return 'insufficient_funds'
    if (step.load) {
      // Loads wait for the bank; the wallet's cap counts them already.
      if (
        (this.balance.get('wallet') ?? 0n) + this.pendingLoads + step.amount >
        limits.walletHeldMaxMinor
      )
        return 'wallet_cap_exceeded'
      this.pendingLoads += step.amount
      return null
    }
    if (balance !== undefined) this.balance.set(funding, balance - step.amount)
    this.day = today
    this.outgoing = spent + step.amount
    return null
  }

  get today(): bigint {
    return this.outgoing
  }
}

describe('daily outgoing limit', () => {
  it('refuses passing 5000.00 a day, allows landing on it, resets at local midnight', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: 500_000n }),
        fc.array(fc.array(dailyStepArb, { minLength: 1, maxLength: 10 }), {
          minLength: 0,
          maxLength: 4,
        }),
        fc.integer({ min: 1, max: 10 }),
        async (first, bursts, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            const model = new DailyModel()
            const card = (amount: bigint): DailyStep => ({ funding: 'bank', amount, load: false })
            // 10:00 local: a card payment, then exactly what is left lands on the limit.
            await dailyBurst(h, [card(first)], model, 'first')
            await dailyBurst(
              h,
              first < 500_000n ? [card(500_000n - first), card(1n)] : [card(1n)],
              model,
              'fill',
            )
            expect(model.today).toBe(500_000n)
            // Random bursts through the rest of the local day: all refused except loads.
            for (const [index, burst] of bursts.entries()) {
              h.t.nowMs += 3_600_000
              await dailyBurst(h, burst, model, `day1:${index}`)
            }
            // 23:59:59.999 local (15:59:59.999 UTC) is still the same day...
            h.t.nowMs = Date.UTC(2026, 10, 21, 15, 59, 59, 999)
            await dailyBurst(h, [card(1n)], model, 'last-ms')
            expect(chinaDay(h.t.nowMs)).toBe(chinaDay(testStartMs))
            // ...and local midnight (16:00 UTC) starts from zero: 5000.00 fits exactly, a fen more
            // does not.
            h.t.nowMs = Date.UTC(2026, 10, 21, 16, 0, 0, 0)
            await dailyBurst(h, [card(1n), card(499_999n), card(1n)], model, 'midnight')
            expect(model.today).toBe(500_000n)
            const detail = await h.t.ledger.subscriber(LI_LEI)
            expect(outgoingOn(detail, h.t.nowMs)).toBe(500_000n)
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('racing payments across every account never pass the limit together', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(dailyStepArb, { minLength: 1, maxLength: 30 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.constantFrom(0, 1, 3_600_000, 6 * 3_600_000, 14 * 3_600_000), {
          minLength: 4,
          maxLength: 4,
        }),
        fc.integer({ min: 1, max: 30 }),
        async (bursts, gaps, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            const model = new DailyModel()
            for (const [index, burst] of bursts.entries()) {
              h.t.nowMs += gaps[index] ?? 0
              await dailyBurst(h, burst, model, `b${index}`)
              expect(model.today <= limits.dailyOutgoingMaxMinor).toBe(true)
              await checkInvariants(h)
            }
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 50 },
    )
  })
})

describe('authorization TTL', () => {
  it('a waiting payment confirms to 120 s - 1 ms, expires at 120 s, by YES or sweep', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<FundingKind>('wallet', 'phone_bill', 'bank'),
        fc.constantFrom('payer' as const, 'merchant' as const),
        fc.oneof(
          fc.constantFrom(0, 1, 119_999, 120_000, 120_001),
          fc.integer({ min: 0, max: 240_000 }),
        ),
        fc.constantFrom('confirm_first' as const, 'sweep_first' as const, 'confirm_only' as const),
        async (funding, initiator, waitMs, order) => {
          const h = await openHarness()
          try {
            const asked =
              initiator === 'payer'
                ? await h.submit(
                    h.envelope(
                      {
                        kind: 'pay_merchant',
                        msisdn: LI_LEI,
                        merchantCode: '1001',
                        amountMinor: 1_500n,
                        funding,
                        authorize: false,
                      },
                      { key: 'sms:ask' },
                    ),
                  )
                : await h.submit(
                    h.envelope(
                      {
                        kind: 'request_payment',
                        merchantCode: '1001',
                        msisdn: LI_LEI,
                        amountMinor: 1_500n,
                        reference: 'INV-1',
                        description: 'ttl',
                        funding,
                        callbackUrl: null,
                      },
                      { key: 'api:request', channel: 'api' },
                    ),
                  )
            expect(asked.ok).toBe(true)
            const paymentId = asked.payment?.id ?? ''
            const walletBefore = h.account(LI_LEI, funding).balanceMinor
            h.t.nowMs += waitMs
            const confirm = h.envelope(
              { kind: 'confirm', msisdn: LI_LEI },
              { key: 'sms:yes', pin: funding === 'phone_bill' ? 'absent' : 'match' },
            )
            const sweep = h.envelope({ kind: 'expire_due' }, { key: 'sweep', channel: 'system' })
            const envs =
              order === 'confirm_only'
                ? [confirm]
                : order === 'confirm_first'
                  ? [confirm, sweep]
                  : [sweep, confirm]
            const results = await h.submitAll(envs)
            const yes = results[envs.indexOf(confirm)]
            const expired = waitMs >= limits.authorizationTtlMs
            const payment = await h.t.ledger.payment(paymentId)
            if (expired) {
              expect(payment?.state).toBe('expired')
              // YES after the sweep finds nothing waiting; YES before it finds the payment past its
              // TTL.
              expect(yes?.reason).toBe(
                order === 'sweep_first' ? 'no_pending_payment' : 'payment_expired',
              )
              expect(h.account(LI_LEI, funding).balanceMinor).toBe(walletBefore)
            } else {
              expect(yes?.reason).toBe(null)
              expect(payment?.state).toBe(funding === 'bank' ? 'authorized' : 'completed')
              if (funding !== 'bank')
                expect(h.account(LI_LEI, funding).balanceMinor).toBe(walletBefore - 1_500n)
            }
            if (order !== 'confirm_only') {
              const swept = results[envs.indexOf(sweep)]
              const sweptIds = swept?.data?.kind === 'expired' ? swept.data.paymentIds : []
              // The sweep ends it only when it comes first; after a YES at the edge the YES already
              // did.
              expect(sweptIds.includes(paymentId)).toBe(expired && order === 'sweep_first')
            }
            const subscriber = await h.t.ledger.subscriber(LI_LEI)
            expect(subscriber?.subscriber.pendingPaymentId).toBe(null)
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})
