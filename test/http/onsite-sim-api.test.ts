/**
 * onsite-sim-api.test.ts - the simulator's RFID-SIMs and terminals over HTTP: every subscriber
 * has a card with an empty purse, APDUs reach it, the default world's terminals refuse an empty
 * purse and, once the test (as the load host, with the test keys) has loaded it, charge the bus
 * fare, the subway ride between its gates and a till's amount; the purse and the terminals'
 * records survive a restart. Bad input is refused before any card is touched.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { purseAid } from '../../src/bearer/rfid-sim/card-files.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { HAN, LI, NOBODY, startTestGateway } from '../support/gateway-fixture.js'
import { cardApdu, loadCardAsHost } from '../support/rfid-sim.js'

let gw: GatewayFixture | undefined

afterEach(async () => {
  await gw?.close()
  gw = undefined
})

async function started(dir?: string): Promise<GatewayFixture> {
  gw = await startTestGateway(dir === undefined ? {} : { dir })
  return gw
}

async function apdu(t: GatewayFixture, msisdn: string, hex: string): Promise<string> {
  return cardApdu(t, msisdn, hex)
}

describe('the simulated RFID-SIM', () => {
  it('is issued to every subscriber with an empty purse, and answers APDUs', async () => {
    const t = await started()
    const card = await t.request('GET', `/sim/cards/${LI}`)
    expect(card.json).toMatchObject({
      cardNumber: '86010008613800138000',
      balance: '0.00',
      offlineSerial: 0,
      transit: null,
      log: [],
    })
    expect(await apdu(t, LI, `00A4040009${purseAid.toString('hex')}`)).toMatch(/9000$/)
    expect(await apdu(t, LI, '805C000204')).toBe('000000009000')
  })

  it('refuses a bad APDU, a bad number and a number that is no subscriber', async () => {
    const t = await started()
    const bad = await t.request('POST', `/sim/cards/${LI}/apdu`, { body: { apdu: '00A4' } })
    expect(bad.status).toBe(400)
    expect(bad.json.error).toBe('apdu_invalid')
    expect((await t.request('GET', '/sim/cards/12ab')).json.error).toBe('msisdn_invalid')
    const stranger = await t.request('GET', `/sim/cards/${NOBODY}`)
    expect(stranger.status).toBe(404)
    expect(stranger.json.error).toBe('subscriber_not_found')
  })
})

describe('the simulated terminals', () => {
  it('lists the default world terminals of contract section 11', async () => {
    const t = await started()
    const answer = await t.request('GET', '/sim/terminals')
    expect(answer.json.terminals.map((terminal: { name: string }) => terminal.name)).toEqual([
      'BUS00001',
      'SUB00001',
      'SUB00002',
      'POS10011',
    ])
  })

  it('refuses an empty purse at the bus gate, charging nothing', async () => {
    const t = await started()
    const tap = await t.request('POST', '/sim/terminals/BUS00001/taps', { body: { msisdn: LI } })
    expect(tap.status).toBe(422)
    expect(tap.json.error).toBe('insufficient_balance')
    expect((await t.request('GET', `/sim/cards/${LI}`)).json.balance).toBe('0.00')
  })

  it('charges the bus, the subway ride and a till, and keeps it all over a restart', async () => {
    const t = await started()
    await loadCardAsHost(t, HAN, 1_000)
    const bus = await t.request('POST', '/sim/terminals/BUS00001/taps', { body: { msisdn: HAN } })
    expect(bus.status, bus.text).toBe(200)
    expect(bus.json.receipt).toMatchObject({
      terminal: 'BUS00001',
      kind: 'purchase',
      amount: '2.00',
      balanceAfter: '8.00',
      terminalSerial: 1,
    })
    expect(bus.json.receipt.tac).toMatch(/^[0-9A-F]{8}$/)
    const tapIn = await t.request('POST', '/sim/terminals/SUB00001/taps', { body: { msisdn: HAN } })
    expect(tapIn.json.receipt).toMatchObject({ kind: 'transit', amount: '0.00' })
    expect((await t.request('GET', `/sim/cards/${HAN}`)).json.transit).toMatchObject({
      inRide: true,
      terminalId: '300100000101',
    })
    const tapOut = await t.request('POST', '/sim/terminals/SUB00002/taps', {
      body: { msisdn: HAN },
    })
    expect(tapOut.json.receipt).toMatchObject({ amount: '3.00', balanceAfter: '5.00' })
    const till = await t.request('POST', '/sim/terminals/POS10011/taps', {
      body: { msisdn: HAN, amount: '1.50' },
    })
    expect(till.json.receipt).toMatchObject({ amount: '1.50', balanceAfter: '3.50' })

    const dir = t.dir
    await t.close({ keepDir: true })
    gw = undefined
    const again = await started(dir)
    const card = await again.request('GET', `/sim/cards/${HAN}`)
    expect(card.json).toMatchObject({ balance: '3.50', offlineSerial: 4 })
    expect(card.json.log.map((entry: { kind: string }) => entry.kind)).toEqual([
      'purchase',
      'transit',
      'transit',
      'purchase',
      'load',
    ])
    const next = await again.request('POST', '/sim/terminals/BUS00001/taps', {
      body: { msisdn: HAN },
    })
    expect(next.json.receipt.terminalSerial).toBe(2)
  })

  it('refuses an unknown terminal, a bad amount and a bad number', async () => {
    const t = await started()
    const unknown = await t.request('POST', '/sim/terminals/BUS99999/taps', {
      body: { msisdn: LI },
    })
    expect(unknown.status).toBe(404)
    const amount = await t.request('POST', '/sim/terminals/POS10011/taps', {
      body: { msisdn: LI, amount: '-3' },
    })
    expect(amount.json.error).toBe('amount_invalid')
    const missing = await t.request('POST', '/sim/terminals/POS10011/taps', {
      body: { msisdn: LI },
    })
    expect(missing.json.error).toBe('amount_required')
    const number = await t.request('POST', '/sim/terminals/BUS00001/taps', {
      body: { msisdn: 'abc' },
    })
    expect(number.json.error).toBe('msisdn_invalid')
  })
})
