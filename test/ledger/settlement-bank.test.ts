/**
 * settlement-bank.test.ts - every merchant of the default world names the bank it settles with
 * (the bank operating model lets a card pay only its own bank's merchants), stored in the
 * merchants table and read back on the Merchant; a world that names none leaves it null.
 */
import { describe, expect, it } from 'vitest'
import { defaultWorld } from '../../src/tools/world/default-world.js'
import { openTestLedger } from '../support/ledger-fixture.js'

describe("a merchant's settlement bank", () => {
  it('is ICBC for 1001, 1002 and 3001, CCB for the two billers, in the default world', async () => {
    const t = await openTestLedger()
    try {
      const banks: Record<string, string | null> = {}
      for (const merchant of defaultWorld.merchants) {
        const auth = await t.ledger.merchantAuth(merchant.code)
        banks[merchant.code] = auth?.merchant.settlementBank ?? null
      }
      expect(banks).toEqual({
        '1001': 'ICBC',
        '1002': 'ICBC',
        '2001': 'CCB',
        '2002': 'CCB',
        '3001': 'ICBC',
      })
    } finally {
      await t.close()
    }
  })

  it('is null for a merchant whose world names none', async () => {
    const world = {
      ...defaultWorld,
      merchants: [{ code: '1001', name: 'Ringtone Store', category: 'merchant' as const }],
      orders: [],
    }
    const t = await openTestLedger({ world })
    try {
      expect((await t.ledger.merchantAuth('1001'))?.merchant.settlementBank).toBeNull()
    } finally {
      await t.close()
    }
  })
})
