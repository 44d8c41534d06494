/**
 * cache-bound.test.ts - the ledger's row caches change how fast it is, never what it decides:
 * the same random workload (every command kind, concurrent, retried, over several batches and
 * days) through a ledger whose party caches hold one row, so that nearly every read between
 * batches goes to SQLite, and through one with the default bound gives the same answer to every
 * command and leaves the same rows in every table. A cache that served a stale row, lost a row a
 * batch wrote, or missed an account created earlier in the same batch would show here.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Envelope } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import { encodeJson } from '../../src/ledger/codec.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import type { Harness } from './harness.js'
import { openHarness } from './harness.js'
import { opArb, preambleArb, roundsArb, runPreamble, runRound } from './ops.js'

const tables: readonly [string, string][] = [
  ['subscribers', 'msisdn'],
  ['accounts', 'id'],
  ['orders', 'order_no'],
  ['payments', 'seq'],
  ['transfers', 'id'],
  ['entries', 'transfer_id, leg'],
  ['command_log', 'key'],
  ['outbox', 'id'],
]

function dump(h: Harness): string {
  const db = h.t.ledger.db
  return encodeJson(
    tables.map(([table, order]) => db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all()),
  )
}

describe('the ledger with its caches bounded to one row', () => {
  it('answers and writes exactly as with the default bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        preambleArb,
        roundsArb(opArb, 8, 12),
        fc.integer({ min: 1, max: 20 }),
        async (preamble, rounds, batchMax) => {
          const runs: { answers: string; rows: string }[] = []
          for (const cacheRowsMax of [1, undefined]) {
            const h = await openHarness({ batchMax, cacheRowsMax })
            try {
              await runPreamble(h, preamble)
              const earlier: Envelope[] = []
              for (const [index, round] of rounds.entries())
                await runRound(h, round, index, earlier)
              await h.gc.drained()
              runs.push({ answers: encodeJson([...h.answers]), rows: dump(h) })
            } finally {
              await h.close()
            }
          }
          const [bounded, unbounded] = runs
          expect(bounded?.answers).toBe(unbounded?.answers)
          expect(bounded?.rows).toBe(unbounded?.rows)
        },
      ),
      { numRuns: 30 },
    )
  })

  it('finds an account created earlier in the same batch, for an owner it never read', async () => {
    // Numbers register themselves under the third-party model only.
    const limits = { ...defaultLimits, operatingModel: 'third_party' as const }
    const t = await openTestLedger({ cacheRowsMax: 1, limits })
    try {
      const newcomer = '8613700137009'
      const [registered, sent, balance] = t.runBatch([
        t.envelope(
          { kind: 'register', msisdn: newcomer, name: 'Wang Fang', language: 'zh' },
          { newPinHash: 'fake$2468' },
        ),
        t.envelope(
          {
            kind: 'send_money',
            msisdn: '8613800138000',
            payeeMsisdn: newcomer,
            amountMinor: 1_500n,
            authorize: true,
          },
          { pin: 'match' },
        ),
        t.envelope({ kind: 'balance', msisdn: newcomer }),
      ])
      expect([registered?.ok, sent?.ok, sent?.reason, balance?.ok]).toEqual([
        true,
        true,
        null,
        true,
      ])
      expect(await t.balance(newcomer, 'wallet')).toBe(1_500n)
    } finally {
      await t.close()
    }
  })
})
