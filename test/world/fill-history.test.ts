/**
 * fill-history.test.ts - generateWorld and fillHistory as a benchmark calls them, without the
 * command line: a fill far larger than its world pays what the world can and counts every
 * refusal by reason (nothing lost, the ledger balanced, the database agreeing with the count);
 * sequential keys rise; a ledger handed in open is left open; a generated world is the same
 * world for the same seed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultLimits } from '../../src/core/index.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import { fillHistory } from '../../src/tools/world/fill-history.js'
import { generateWorld, WorldExistsError } from '../../src/tools/world/generate-world.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'telepay-fill-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('fillHistory', () => {
  it('pays what a small world can, and counts every refusal by reason', async () => {
    const path = join(dir, 'small.sqlite')
    const made = await generateWorld(path, {
      subscribers: 20,
      merchants: 2,
      cardsEvery: 0,
      pinHashCost: 1024,
    })
    expect(made).toMatchObject({ subscribers: 20, merchants: 2, cards: 0, bankFile: null })
    // 20 wallets of at most 5,000.00 and 20 daily limits of 5,000.00 cannot take 6,000 payments
    // of up to 50.00 in one day.
    const summary = await fillHistory(path, { payments: 6_000, days: 1, keys: 'sequential' })
    const refused = Object.values(summary.refused).reduce((sum, count) => sum + count, 0)
    expect(summary.completed).toBeGreaterThan(1_000)
    expect(refused).toBeGreaterThan(0)
    expect(summary.completed + refused + summary.errors).toBe(6_000)
    expect(summary.errors).toBe(0)
    for (const reason of Object.keys(summary.refused))
      expect(['insufficient_funds', 'daily_limit_exceeded', 'wallet_cap_exceeded']).toContain(
        reason,
      )
    expect(summary.kinds.phoneBill + summary.kinds.wallet + summary.kinds.send).toBe(
      summary.completed,
    )

    const ledger = new SqliteLedger(path, defaultLimits)
    try {
      expect((await ledger.check()).balanced).toBe(true)
      const completed = ledger.db
        .prepare("SELECT COUNT(*) AS n FROM payments WHERE state = 'completed'")
        .get() as { n: bigint }
      expect(Number(completed.n)).toBe(summary.completed)
      const keys = (
        ledger.db.prepare('SELECT key FROM command_log ORDER BY id').all() as { key: string }[]
      ).map((row) => row.key)
      expect(keys).toHaveLength(6_000)
      expect(keys.every((key) => /^fill:\d{13}:\d{10}$/.test(key))).toBe(true)
      expect([...keys].sort()).toEqual(keys)

      // A ledger handed in open is written through and left open.
      const more = await fillHistory(ledger, { payments: 10, days: 1, seed: 2 })
      expect(more.requested).toBe(10)
      expect(ledger.db.open).toBe(true)
      expect((await ledger.check()).balanced).toBe(true)
    } finally {
      await ledger.close()
    }
  })

  it('refuses what it cannot do: no ledger, or nobody in it', async () => {
    await expect(fillHistory(join(dir, 'none.sqlite'), { payments: 1 })).rejects.toThrow(
      /no ledger at/,
    )
    const empty = new SqliteLedger(join(dir, 'empty.sqlite'), defaultLimits)
    try {
      await expect(fillHistory(empty, { payments: 1 })).rejects.toThrow(/no subscriber/)
    } finally {
      await empty.close()
    }
  })
})

describe('generateWorld', () => {
  it('makes the same world from the same seed, and will not overwrite it unasked', async () => {
    const rows = async (path: string): Promise<unknown[]> => {
      const ledger = new SqliteLedger(path, defaultLimits)
      try {
        return ledger.db
          .prepare(
            'SELECT s.msisdn, s.name, s.language, a.kind, a.balance_minor, a.floor_minor, ' +
              'a.card_token FROM subscribers s JOIN accounts a ON a.owner = s.msisdn ' +
              'ORDER BY a.id',
          )
          .all()
      } finally {
        await ledger.close()
      }
    }
    const options = { subscribers: 300, merchants: 3, seed: 7, pinHashCost: 1024, cardsEvery: 7 }
    await generateWorld(join(dir, 'a.sqlite'), options)
    await generateWorld(join(dir, 'b.sqlite'), options)
    await generateWorld(join(dir, 'c.sqlite'), { ...options, seed: 8 })
    expect(await rows(join(dir, 'b.sqlite'))).toEqual(await rows(join(dir, 'a.sqlite')))
    expect(await rows(join(dir, 'c.sqlite'))).not.toEqual(await rows(join(dir, 'a.sqlite')))
    await expect(generateWorld(join(dir, 'a.sqlite'), options)).rejects.toThrow(WorldExistsError)
  })
})
