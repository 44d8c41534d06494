/**
 * default-pin-hashes.test.ts - the shipped hashes of the default world's PINs are the hashes of
 * exactly those PINs at the configured default cost (a PIN changed in the fixture without a new
 * hash fails here); `telepay start`'s parties hand them over only for the default world at that
 * cost; and a gateway seeded with them stores them and takes the PIN they were made from.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createPinHasher } from '../../src/service/pin-hasher.js'
import { defaultPinHashCost, defaultPinHashes } from '../../src/tools/world/default-pin-hashes.js'
import { defaultWorld } from '../../src/tools/world/default-world.js'
import { simulatedParties } from '../../src/tools/world/simulated-parties.js'
import {
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../support/gateway-fixture.js'

describe('the default world PIN hashes', () => {
  it('hash each PIN of the default world at the default cost, and no other PIN', async () => {
    expect(loadConfig({ env: {}, cwd: '/' }).pinHashCost).toBe(defaultPinHashCost)
    const hasher = createPinHasher(defaultPinHashCost)
    const pins = [...new Set(defaultWorld.subscribers.map((subscriber) => subscriber.pin ?? ''))]
    expect([...defaultPinHashes.keys()].sort()).toEqual(pins.sort())
    for (const pin of pins) {
      const hash = defaultPinHashes.get(pin) ?? ''
      expect(hash.startsWith(`scrypt$${defaultPinHashCost}$`)).toBe(true)
      expect(await hasher.verify(pin, hash)).toBe(true)
      expect(await hasher.verify('0000', hash)).toBe(false)
    }
  })

  it('are given to the gateway for the default world at that cost only', () => {
    const at = (overrides: Record<string, unknown>) =>
      simulatedParties({ ...loadConfig({ env: {}, cwd: '/', overrides }), bankFile: ':memory:' })
    expect(at({}).pinHashes).toBe(defaultPinHashes)
    expect(at({ pinHashCost: 1024 }).pinHashes).toBeUndefined()
    expect(at({ world: 'none' }).pinHashes).toBeUndefined()
  })

  it('are what a fresh gateway stores, and its subscribers pay with their PINs', async () => {
    const t = await startTestGateway({ overrides: { pinHashCost: defaultPinHashCost } })
    try {
      const db = new Database(t.gateway.config.ledgerFile, { readonly: true })
      const stored = db.prepare('SELECT pin_hash FROM subscribers WHERE msisdn = ?').get(LI) as {
        pin_hash: string
      }
      db.close()
      expect(stored.pin_hash).toBe(defaultPinHashes.get(LI_PIN))
      await requestPayment(t, RINGTONES, { msisdn: LI, amount: '1.00', reference: 'pin-hash' })
      expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    } finally {
      await t.close()
    }
  })
})
