/**
 * purse-rows.test.ts - clearing as the ledger's purse rows see it: a chunk whose serials follow
 * one another and a sparse one (read two ways) both find the purchases cleared before, and a
 * purse kept in the cache between batches stays the one the rows hold.
 */
import { describe, expect, it } from 'vitest'
import type { ClearingRecord, ClearingSummary, CommandResult } from '../../src/core/index.js'
import { cardNumberOf } from '../../src/core/purse.js'
import { openTestLedger } from '../support/ledger-fixture.js'

const LI = '8613800138000'
const card = cardNumberOf(LI)

function record(terminalSerial: number, cardSerial: number): ClearingRecord {
  return {
    cardNumber: card,
    cardSerial,
    terminalSerial,
    type: 6,
    amountMinor: 200n,
    balanceAfterMinor: 0n,
    atMs: Date.UTC(2026, 10, 21, 1, 0, 0),
    tac: '00000000',
  }
}

function summaryOf(result: CommandResult): ClearingSummary {
  if (result.data?.kind !== 'clearing') throw new Error(`no clearing: ${result.reason}`)
  return result.data
}

describe("the ledger's purse rows in clearing", () => {
  it('finds the serials cleared before, in a chunk in a row and in a sparse one', async () => {
    const t = await openTestLedger()
    try {
      t.run({ kind: 'fund_card', msisdn: LI, amountMinor: 100_000n, detail: 'office' })
      const clear = (records: ClearingRecord[]) =>
        summaryOf(
          t.run({
            kind: 'clear_purchases',
            terminalId: '300100000001',
            merchantCode: '3001',
            records,
          }),
        )
      expect(clear([record(1, 0), record(2, 1), record(3, 2)]).accepted).toEqual([1, 2, 3])
      // In a row: the range 2..5 is walked once.
      const inRow = clear([record(2, 1), record(3, 2), record(4, 3), record(5, 4)])
      expect(inRow).toMatchObject({ accepted: [4, 5], duplicates: [2, 3] })
      // Sparse: 5 and 50,000 are looked up one by one, not the range between them.
      const sparse = clear([record(5, 4), record(50_000, 5)])
      expect(sparse).toMatchObject({ accepted: [50_000], duplicates: [5] })
      // Six purchases of 2.00 came off the purse, each batch reading what the one before left.
      expect((await t.ledger.purseOfCard(card))?.balanceMinor).toBe(100_000n - 6n * 200n)
    } finally {
      await t.close()
    }
  })
})
