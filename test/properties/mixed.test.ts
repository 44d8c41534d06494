/**
 * mixed.test.ts - random concurrent workloads over the whole command set (payments from every
 * account, request/confirm/cancel, merchant requests, refunds, bank outcomes, expiry, retries,
 * reused keys) against the real SQLite ledger through group commit, with the clock moved between
 * rounds, under each operating model in turn (accounts offered, banks, fee shares differ). After
 * every round: money is conserved (I1), bounds hold (I2), refunds stay within
 * payments (I7), daily limits hold (I8), each completed payment has exactly one transfer and
 * every answer under one key is the same (I3), and every payment's nine-step trail agrees with
 * the ledger (I9: complete and in time order when completed, ending in its branch otherwise).
 */
import fc from 'fast-check'
import { describe, it } from 'vitest'
import type { Envelope } from '../../src/core/index.js'
import { operatingModelIds } from '../../src/core/index.js'
import { checkInvariants, openHarness } from './harness.js'
import { opArb, preambleArb, roundsArb, runPreamble, runRound } from './ops.js'

describe('mixed concurrent workload on the SQLite ledger', () => {
  it('conserves money and keeps every bound after each round', async () => {
    await fc.assert(
      fc.asyncProperty(
        preambleArb,
        roundsArb(opArb, 10, 16),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...operatingModelIds),
        async (preamble, rounds, batchMax, model) => {
          const h = await openHarness({ batchMax, model })
          try {
            await runPreamble(h, preamble)
            await checkInvariants(h)
            const earlier: Envelope[] = []
            for (const [index, round] of rounds.entries()) {
              await runRound(h, round, index, earlier)
              // Refunds go back to wallets without a cap check, so the cap is relaxed by them here.
              await checkInvariants(h, { walletCap: 'allow_refunds' })
            }
          } finally {
            await h.close()
          }
        },
      ),
      { numRuns: 100 },
    )
  })
})
