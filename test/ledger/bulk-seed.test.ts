/**
 * bulk-seed.test.ts - the ledger's bulk path for big worlds (SqliteLedger.seedWorldBulk) writes
 * exactly the rows seedWorld writes: every table compared row for row, ids included, on a world
 * with what makes the numbering differ (zero balances that open no transfer, cards that add an
 * account, merchants and orders after the subscribers), and the ledger balances. A world given
 * as a generator is written as it is produced.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultLimits } from '../../src/core/index.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import { defaultWorld } from '../../src/tools/world/default-world.js'
import type { World, WorldSpec, WorldSubscriber } from '../../src/world/world.js'
import { prepareWorld } from '../../src/world/world.js'

const tables = [
  'subscribers',
  'accounts',
  'merchants',
  'orders',
  'transfers',
  'entries',
  'payments',
  'command_log',
  'meta',
]

function dump(ledger: SqliteLedger): Record<string, unknown[]> {
  return Object.fromEntries(
    tables.map((table) => [table, ledger.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]),
  )
}

const spec: WorldSpec = {
  subscribers: [
    ...defaultWorld.subscribers,
    ...Array.from({ length: 300 }, (_, index) => ({
      msisdn: `8615000${String(index).padStart(6, '0')}`,
      name: `Subscriber ${index}`,
      pin: '1234',
      language: index % 2 === 0 ? ('en' as const) : ('zh' as const),
      phoneBill: {
        balance: index % 3 === 0 ? '0.00' : `${index}.50`,
        creditLimit: index % 4 === 0 ? '0.00' : '100.00',
      },
      wallet: index % 5 === 0 ? '0.00' : `${index * 3}.07`,
      card:
        index % 7 === 0
          ? {
              bank: index % 2 === 0 ? 'ICBC' : 'CCB',
              last4: String(1000 + index),
              bankBalance: '9.99',
            }
          : null,
    })),
  ],
  merchants: defaultWorld.merchants,
  orders: defaultWorld.orders,
}

let dir: string
let world: World
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'telepay-bulk-'))
  world = await prepareWorld(spec, (pin) => Promise.resolve(`hash-${pin}`))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('seedWorldBulk', () => {
  it('writes the rows seedWorld writes, table for table, and the ledger balances', async () => {
    const one = new SqliteLedger(join(dir, 'one.sqlite'), defaultLimits)
    const bulk = new SqliteLedger(join(dir, 'bulk.sqlite'), defaultLimits)
    try {
      await one.seedWorld(world, 1_700_000_000_000)
      expect(bulk.seedWorldBulk(world, 1_700_000_000_000)).toBe(world.subscribers.length)
      const expected = dump(one)
      expect((expected['transfers'] ?? []).length).toBeGreaterThan(400)
      expect(dump(bulk)).toEqual(expected)
      expect((await bulk.check()).balanced).toBe(true)
      // The view's counters see the seeded rows: the next account and transfer ids follow them.
      expect(await bulk.subscriber('8613800138000')).toEqual(await one.subscriber('8613800138000'))
    } finally {
      await one.close()
      await bulk.close()
    }
  })

  it('takes its subscribers from a generator, one at a time', async () => {
    const bulk = new SqliteLedger(join(dir, 'stream.sqlite'), defaultLimits)
    let produced = 0
    function* subscribers(): Generator<WorldSubscriber> {
      for (const subscriber of world.subscribers) {
        produced += 1
        yield subscriber
      }
    }
    try {
      const written = bulk.seedWorldBulk(
        { subscribers: subscribers(), merchants: world.merchants, orders: [] },
        1_700_000_000_000,
      )
      expect(written).toBe(world.subscribers.length)
      expect(produced).toBe(world.subscribers.length)
      expect((await bulk.check()).balanced).toBe(true)
    } finally {
      await bulk.close()
    }
  })
})
