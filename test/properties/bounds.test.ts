/**
 * bounds.test.ts - many commands racing on the same payer (I2, I8, per-payment maxima) and on
 * the same payee wallet (the 10000.00 holding cap), through group commit on the real ledger.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Command, FundingKind } from '../../src/core/index.js'
import { splitMerchantFee } from '../../src/core/index.js'
import type { Harness } from './harness.js'
import {
  checkInvariants,
  HAN_MEIMEI,
  LI_LEI,
  limits,
  openHarness,
  outgoingOn,
  paymentMax,
  subscribers,
  ZHANG_WEI,
} from './harness.js'
import { amountArb, runPreamble } from './ops.js'

type Target = 'merchant' | 'bill' | 'airtime' | 'send'

interface Race {
  readonly target: Target
  readonly funding: FundingKind
  readonly amount: bigint
  readonly other: number
}

const raceArb: fc.Arbitrary<Race> = fc.record({
  target: fc.constantFrom<Target>('merchant', 'merchant', 'bill', 'airtime', 'send'),
  funding: fc.constantFrom<FundingKind>('wallet', 'wallet', 'phone_bill', 'bank'),
  amount: amountArb,
  other: fc.nat(),
})

function commandOf(payer: string, race: Race): Command {
  const others = subscribers.filter((msisdn) => msisdn !== payer)
  const other = others[race.other % others.length] ?? ZHANG_WEI
  switch (race.target) {
    case 'merchant':
      return {
        kind: 'pay_merchant',
        msisdn: payer,
        merchantCode: '1001',
        amountMinor: race.amount,
        funding: race.funding,
        authorize: true,
      }
    case 'bill':
      return {
        kind: 'pay_bill',
        msisdn: payer,
        billerCode: '2002',
        customerRef: 'METER-1',
        amountMinor: race.amount,
        funding: race.funding,
        authorize: true,
      }
    case 'airtime':
      return {
        kind: 'top_up_airtime',
        msisdn: payer,
        beneficiaryMsisdn: other,
        amountMinor: race.amount,
        funding: race.funding,
        authorize: true,
      }
    case 'send':
      return {
        kind: 'send_money',
        msisdn: payer,
        payeeMsisdn: other,
        amountMinor: race.amount,
        authorize: true,
      }
  }
}

async function balancesOf(h: Harness): Promise<Map<string, bigint>> {
  await h.gc.drained()
  return new Map(
    h.accounts().map((account) => [`${account.owner}/${account.kind}`, account.balanceMinor]),
  )
}

describe('racing commands on one payer', () => {
  it('never overdraw, pass a payment maximum or the daily limit; answer in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(LI_LEI, HAN_MEIMEI, ZHANG_WEI),
        fc.record({
          liLei: fc.bigInt({ min: 0n, max: 950_000n }),
          zhangWei: fc.bigInt({ min: 0n, max: 1_000_000n }),
        }),
        fc.array(raceArb, { minLength: 2, maxLength: 60 }),
        fc.integer({ min: 1, max: 25 }),
        async (payer, preamble, races, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            await runPreamble(h, preamble)
            const before = await balancesOf(h)
            const commands = races.map((race) => commandOf(payer, race))
            const results = await h.submitAll(
              commands.map((command, index) =>
                h.envelope(command, { key: `race:${index}`, pin: 'match' }),
              ),
            )

            // Model: group commit answers in queue order, so the refusals are exactly those of
            // the same commands applied one after the other.
            const balance = new Map(before)
            const floorOf = (msisdn: string, funding: FundingKind): bigint | null =>
              funding === 'bank'
                ? null
                : funding === 'wallet'
                  ? 0n
                  : msisdn === LI_LEI
                    ? -10_000n
                    : 0n
            let outgoing = 0n
            const expected = commands.map((command, index) => {
              const race = races[index]
              if (race === undefined) throw new Error('unreachable')
              const funding: FundingKind = command.kind === 'send_money' ? 'wallet' : race.funding
              const payerKey = `${payer}/${funding}`
              if (!balance.has(payerKey)) return 'account_not_available'
              if (race.amount > paymentMax(funding)) return 'amount_above_payment_max'
              if (outgoing + race.amount > limits.dailyOutgoingMaxMinor)
                return 'daily_limit_exceeded'
              const floor = floorOf(payer, funding)
              if (floor !== null && (balance.get(payerKey) ?? 0n) - race.amount < floor)
                return 'insufficient_funds'
              const payeeKey =
                command.kind === 'send_money'
                  ? `${command.payeeMsisdn}/wallet`
                  : command.kind === 'top_up_airtime'
                    ? `${command.beneficiaryMsisdn}/phone_bill`
                    : null
              if (
                command.kind === 'send_money' &&
                (balance.get(payeeKey ?? '') ?? 0n) + race.amount > limits.walletHeldMaxMinor
              )
                return 'wallet_cap_exceeded'
              outgoing += race.amount
              // A card payment is only reserved: nothing posts until the bank captures it.
              if (funding === 'bank') return null
              balance.set(payerKey, (balance.get(payerKey) ?? 0n) - race.amount)
              if (payeeKey !== null)
                balance.set(payeeKey, (balance.get(payeeKey) ?? 0n) + race.amount)
              return null
            })
            expect(results.map((result) => result.reason)).toEqual(expected)

            // What the ledger says agrees: each payer account moved by exactly the accepted
            // amounts.
            const after = await balancesOf(h)
            for (const funding of ['wallet', 'phone_bill'] as const) {
              const key = `${payer}/${funding}`
              expect(after.get(key), key).toBe(balance.get(key))
            }
            let merchantGain = 0n
            results.forEach((result, index) => {
              const race = races[index]
              if (
                !result.ok ||
                race === undefined ||
                race.target === 'airtime' ||
                race.target === 'send'
              )
                return
              if (race.target === 'merchant' && race.funding !== 'bank') {
                merchantGain +=
                  race.amount -
                  splitMerchantFee(race.funding, race.amount, limits.merchantFeeBasisPoints)
                    .feeMinor
              }
            })
            expect((after.get('1001/merchant') ?? 0n) - (before.get('1001/merchant') ?? 0n)).toBe(
              merchantGain,
            )
            const subscriber = await h.t.ledger.subscriber(payer)
            expect(outgoingOn(subscriber, h.t.nowMs)).toBe(outgoing)
            expect(outgoing <= limits.dailyOutgoingMaxMinor).toBe(true)
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 80 },
    )
  })
})

describe('racing credits into one wallet', () => {
  it('counts a load waiting for the bank against the cap (a shrunk counterexample)', async () => {
    const h = await openHarness()
    try {
      await runPreamble(h, { liLei: 300_000n, zhangWei: 0n })
      // Zhang Wei's wallet is empty. Two loads race: 8000.01 then 2000.00. Before the fix each
      // fitted alone, both were reserved, and capturing both left 10000.01 in the wallet.
      const load = (key: string, amountMinor: bigint) =>
        h.envelope(
          { kind: 'load_wallet', msisdn: ZHANG_WEI, amountMinor, authorize: true },
          { key, pin: 'match' },
        )
      const [first, second] = await h.submitAll([load('l1', 800_001n), load('l2', 200_000n)])
      expect(first?.payment?.state).toBe('authorized')
      expect(second?.reason).toBe('wallet_cap_exceeded')
      // A send that would fit the posted balance but not with the waiting load is refused too...
      const send = (key: string, amountMinor: bigint) =>
        h.envelope(
          {
            kind: 'send_money',
            msisdn: LI_LEI,
            payeeMsisdn: ZHANG_WEI,
            amountMinor,
            authorize: true,
          },
          { key, pin: 'match' },
        )
      expect((await h.submit(send('s1', 200_000n))).reason).toBe('wallet_cap_exceeded')
      // ...and one that lands exactly on the cap is taken.
      expect((await h.submit(send('s2', 199_999n))).ok).toBe(true)
      await h.submit(
        h.envelope(
          { kind: 'bank_outcome', paymentId: first?.payment?.id ?? '', outcome: 'captured' },
          { key: 'b1', channel: 'bank' },
        ),
      )
      expect(h.account(ZHANG_WEI, 'wallet').balanceMinor).toBe(limits.walletHeldMaxMinor)
      // Full: not a fen more, whether loaded or sent.
      expect((await h.submit(load('l3', 1n))).reason).toBe('wallet_cap_exceeded')
      expect((await h.submit(send('s3', 1n))).reason).toBe('wallet_cap_exceeded')
      await checkInvariants(h)
    } finally {
      await h.close()
    }
  })

  it('never take the wallet above 10000.00, counting loads waiting for the bank', async () => {
    const creditArb = fc.oneof(
      fc.record({
        kind: fc.constant('send' as const),
        from: fc.constantFrom(LI_LEI, HAN_MEIMEI),
        amount: fc.bigInt({ min: 1n, max: 200_000n }),
      }),
      fc.record({
        kind: fc.constant('load' as const),
        amount: fc.oneof(
          fc.bigInt({ min: 1n, max: 1_000_000n }),
          fc.constantFrom(200_000n, 800_000n, 999_999n, 1_000_000n),
        ),
      }),
      fc.record({
        kind: fc.constant('capture' as const),
        pick: fc.nat(),
        outcome: fc.constantFrom('captured' as const, 'captured' as const, 'declined' as const),
      }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 950_000n }),
        fc.array(fc.array(creditArb, { minLength: 1, maxLength: 25 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 25 }),
        async (liLeiLoad, rounds, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            // Li Lei's wallet gets money to send; Zhang Wei's wallet (0.00, with a card) receives.
            await runPreamble(h, { liLei: liLeiLoad, zhangWei: 0n })
            for (const [roundNo, round] of rounds.entries()) {
              const waiting = h
                .payments()
                .filter((payment) => payment.state === 'authorized' && payment.kind === 'load')
              const envs = round.flatMap((credit, index) => {
                const key = `cap:${roundNo}:${index}`
                switch (credit.kind) {
                  case 'send':
                    return [
                      h.envelope(
                        {
                          kind: 'send_money',
                          msisdn: credit.from,
                          payeeMsisdn: ZHANG_WEI,
                          amountMinor: credit.amount,
                          authorize: true,
                        },
                        { key, pin: 'match' },
                      ),
                    ]
                  case 'load':
                    return [
                      h.envelope(
                        {
                          kind: 'load_wallet',
                          msisdn: ZHANG_WEI,
                          amountMinor: credit.amount,
                          authorize: true,
                        },
                        { key, pin: 'match' },
                      ),
                    ]
                  case 'capture': {
                    const payment = waiting[credit.pick % Math.max(1, waiting.length)]
                    return payment === undefined
                      ? []
                      : [
                          h.envelope(
                            {
                              kind: 'bank_outcome',
                              paymentId: payment.id,
                              outcome: credit.outcome,
                            },
                            { key, channel: 'bank' },
                          ),
                        ]
                  }
                }
                return []
              })
              await h.submitAll(envs)
              await checkInvariants(h)
            }
            // The bank answers every load still waiting: the wallet must still be within its cap.
            const waiting = h.payments().filter((payment) => payment.state === 'authorized')
            await h.submitAll(
              waiting.map((payment) =>
                h.envelope(
                  { kind: 'bank_outcome', paymentId: payment.id, outcome: 'captured' },
                  { key: `final:${payment.id}`, channel: 'bank' },
                ),
              ),
            )
            await checkInvariants(h)
            expect(h.account(ZHANG_WEI, 'wallet').balanceMinor <= limits.walletHeldMaxMinor).toBe(
              true,
            )
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('racing payers of one order', () => {
  it('pay order 880001 once, whatever the accounts, confirmations and bank answers', async () => {
    const attemptArb = fc.record({
      payer: fc.constantFrom(LI_LEI, HAN_MEIMEI, ZHANG_WEI),
      funding: fc.constantFrom<FundingKind>('wallet', 'bank', 'bank', 'phone_bill'),
      authorize: fc.boolean(),
      confirm: fc.boolean(),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(attemptArb, { minLength: 2, maxLength: 12 }),
        fc.array(
          fc.constantFrom('captured' as const, 'declined' as const, 'unavailable' as const),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 1, max: 10 }),
        async (attempts, bankAnswers, batchMax) => {
          const h = await openHarness({ batchMax })
          try {
            await runPreamble(h, { liLei: 0n, zhangWei: 20_000n })
            // Everyone asks (or pays at once), then everyone who asked says YES: all at once.
            const asks = attempts.map((attempt, index) =>
              h.envelope(
                {
                  kind: 'pay_order',
                  msisdn: attempt.payer,
                  orderNo: '880001',
                  funding: attempt.funding,
                  authorize: attempt.authorize,
                },
                { key: `order:${index}`, pin: attempt.authorize ? 'match' : 'absent' },
              ),
            )
            const yeses = attempts.flatMap((attempt, index) =>
              attempt.authorize || !attempt.confirm
                ? []
                : [
                    h.envelope(
                      { kind: 'confirm', msisdn: attempt.payer },
                      {
                        key: `yes:${index}`,
                        pin: attempt.funding === 'phone_bill' ? 'absent' : 'match',
                      },
                    ),
                  ],
            )
            await h.submitAll([...asks, ...yeses])
            // The bank answers for the card payment, if any, possibly declining so the order
            // reopens.
            for (const [round, answer] of bankAnswers.entries()) {
              const waiting = h.payments().filter((payment) => payment.state === 'authorized')
              await h.submitAll(
                waiting.map((payment) =>
                  h.envelope(
                    { kind: 'bank_outcome', paymentId: payment.id, outcome: answer },
                    { key: `bank:${round}:${payment.id}`, channel: 'bank' },
                  ),
                ),
              )
              // A retry of every pay_order after the bank's answer: keys keep their first answers.
              await h.submitAll(asks)
            }
            const holding = h
              .payments()
              .filter(
                (payment) =>
                  payment.orderNo === '880001' &&
                  (payment.state === 'completed' || payment.state === 'authorized'),
              )
            expect(holding.length).toBeLessThanOrEqual(1)
            const order = h.t.ledger.db
              .prepare("SELECT paid_payment_id FROM orders WHERE order_no = '880001'")
              .get() as { paid_payment_id: string | null }
            expect(order.paid_payment_id).toBe(holding[0]?.id ?? null)
            const merchant = h.account('1002', 'merchant').balanceMinor
            const completed = holding.filter((payment) => payment.state === 'completed')
            expect(merchant).toBe(
              completed.length === 0 ? 0n : 8_000n - (completed[0]?.feeMinor ?? 0n),
            )
            await checkInvariants(h)
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 50 },
    )
  })
})
