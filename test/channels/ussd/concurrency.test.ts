/**
 * concurrency.test.ts - 300 subscribers, each with a wallet balance no one else has, open USSD
 * sessions at the same moment (half by Africa's Talking, half by Hubtel) and ask for their
 * balance; each must get its own balance and no one else's. The world is seeded into the
 * ledger file before the gateway starts, so it skips the default world; the menus are the
 * gateway's own.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadUssdEngine } from '../../../channels/ussd/menu/index.js'
import { defaultLimits } from '../../../src/core/index.js'
import { SqliteLedger } from '../../../src/ledger/sqlite-ledger.js'
import { createPinHasher } from '../../../src/service/pin-hasher.js'
import { defaultWorld } from '../../../src/tools/world/default-world.js'
import type { WorldSpec } from '../../../src/world/world.js'
import { prepareWorld } from '../../../src/world/world.js'
import type { UssdHarness } from './ussd-harness.js'
import { AtPhone, postHubtel, startUssdHarness } from './ussd-harness.js'

const subscriberCount = 300
let h: UssdHarness

function msisdnOf(index: number): string {
  return `86135${String(index).padStart(8, '0')}`
}

/** 100.00 + index, plus index as the cents: unique per subscriber and never 0.00. */
function walletOf(index: number): string {
  return `${100 + index}.${String(index % 100).padStart(2, '0')}`
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-ussd-many-'))
  const spec: WorldSpec = {
    subscribers: Array.from({ length: subscriberCount }, (_, index) => ({
      msisdn: msisdnOf(index),
      name: `Subscriber ${index}`,
      pin: '2468',
      language: 'en' as const,
      phoneBill: { balance: '0.00', creditLimit: '0.00' },
      wallet: walletOf(index),
      card: null,
    })),
    merchants: defaultWorld.merchants,
    orders: [],
  }
  const world = await prepareWorld(spec, createPinHasher(1024).hash)
  const ledger = new SqliteLedger(join(dir, 'telepay.sqlite'), defaultLimits)
  await ledger.seedWorld(world, Date.now())
  await ledger.close()
  h = await startUssdHarness({ gateway: { dir }, engine: loadUssdEngine() })
})

afterAll(async () => {
  await h.close()
})

async function balanceScreen(index: number): Promise<string> {
  const msisdn = msisdnOf(index)
  if (index % 2 === 0) {
    const phone = new AtPhone(h.url, msisdn, `ATUid_many_${index}`)
    await phone.dial()
    return phone.type('1')
  }
  const base = {
    ServiceCode: '123',
    Operator: 'mtn',
    ClientState: '',
    Mobile: msisdn,
    SessionId: `hubtel-many-${index}`,
  }
  await postHubtel(h.url, { ...base, Type: 'initiation', Message: '*123#', Sequence: 1 })
  const answer = await postHubtel(h.url, { ...base, Type: 'response', Message: '1', Sequence: 2 })
  return `${answer.json.Type === 'release' ? 'END' : 'CON'} ${answer.json.Message}`
}

describe('many concurrent sessions', () => {
  it(`gives each of ${subscriberCount} subscribers its own balance and no one else's`, async () => {
    const screens = await Promise.all(
      Array.from({ length: subscriberCount }, (_, index) => balanceScreen(index)),
    )
    screens.forEach((screen, index) => {
      expect(screen, `subscriber ${index}`).toMatch(/^END /)
      const amounts = (screen.match(/\d+\.\d{2}/g) ?? []).filter((amount) => amount !== '0.00')
      expect([...new Set(amounts)], `subscriber ${index}: ${screen}`).toEqual([walletOf(index)])
    })
    const metrics = await h.gw.admin('GET', '/metrics')
    expect(metrics.text).toContain(
      `telepay_ussd_sessions_started_total{provider="at"} ${subscriberCount / 2}`,
    )
    expect(metrics.text).toContain(
      `telepay_ussd_sessions_started_total{provider="hubtel"} ${subscriberCount / 2}`,
    )
  })
})
