/**
 * seed.test.ts - the world the gateway is given is loaded into an empty ledger only: its PINs
 * hashed once per distinct PIN, its cards opened at the bank it is given with their balances;
 * a ledger that holds anything (a restart) is left as it is and the bank is not touched.
 */
import { describe, expect, it } from 'vitest'
import type { CardOpening } from '../../src/bank/gateway-bank.js'
import type { SeedPorts } from '../../src/world/seed.js'
import { seedEmptyLedger } from '../../src/world/seed.js'
import type { World, WorldSpec } from '../../src/world/world.js'

const spec: WorldSpec = {
  subscribers: [
    {
      msisdn: '8613800138000',
      name: 'Li Lei',
      pin: '1234',
      language: 'en',
      phoneBill: { balance: '50.00', creditLimit: '100.00' },
      wallet: '500.00',
      card: { bank: 'ICBC', last4: '1234', bankBalance: '10000.00' },
    },
    {
      msisdn: '8613800138001',
      name: 'Han Meimei',
      pin: '1234',
      language: 'zh',
      phoneBill: { balance: '20.00', creditLimit: '0' },
      wallet: '20.00',
      card: null,
    },
  ],
  merchants: [{ code: '1001', name: 'Ringtone Store', category: 'merchant' }],
  orders: [],
}

function ports(empty: boolean) {
  const seeded: World[] = []
  const cards: CardOpening[] = []
  const hashed: string[] = []
  const seedPorts: SeedPorts = {
    ledger: {
      isEmpty: () => Promise.resolve(empty),
      seedWorld: (world) => {
        seeded.push(world)
        return Promise.resolve()
      },
    },
    bank: { openCard: (card) => cards.push(card) },
    hashPin: (pin) => {
      hashed.push(pin)
      return Promise.resolve(`hash-of-${pin.length}-digits`)
    },
  }
  return { seedPorts, seeded, cards, hashed }
}

describe('seeding the world the gateway is given', () => {
  it('loads it into an empty ledger and opens its cards at the bank', async () => {
    const empty = ports(true)
    const world = await seedEmptyLedger(spec, empty.seedPorts, 1_000)
    expect(world?.subscribers.map((subscriber) => subscriber.msisdn)).toEqual([
      '8613800138000',
      '8613800138001',
    ])
    expect(empty.seeded).toEqual([world])
    expect(empty.hashed).toEqual(['1234'])
    expect(empty.cards).toEqual([
      { token: 'tok_icbc_1234_8000', bank: 'ICBC', last4: '1234', balanceMinor: 1_000_000n },
    ])
  })

  it('leaves a ledger that holds anything as it is', async () => {
    const full = ports(false)
    expect(await seedEmptyLedger(spec, full.seedPorts, 1_000)).toBeNull()
    expect(full.seeded).toEqual([])
    expect(full.cards).toEqual([])
    expect(full.hashed).toEqual([])
  })
})
