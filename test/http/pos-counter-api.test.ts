/**
 * pos-counter-api.test.ts - the simulator's shop counter over HTTP: a phone presented at terminal
 * POS10012 pays online over ISO 8583 (CUP's dialect) with the PIN, from the account asked, once;
 * a wrong PIN is declined (55), nothing charged, and the PIN appears in no log line; malformed
 * input is 400 with its reason before anything is sent; the counter keeps its batch journal in
 * the data directory, where `telepay pos --terminal POS10012` reads it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { LI, LI_PIN, startTestGateway } from '../support/gateway-fixture.js'
import { captureLog } from '../support/log-capture.js'

let gw: GatewayFixture
const capture = captureLog('debug')

beforeAll(async () => {
  gw = await startTestGateway({ log: capture.log })
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

describe('the shop counter', () => {
  it('pays online with the PIN, once, and keeps its journal', async () => {
    expect((await gw.request('GET', '/sim/pos/counter')).json).toEqual({
      terminal: 'POS10012',
      accounts: ['wallet', 'bank', 'phone_bill'],
    })
    const wallet = Number(await gw.balance(LI, 'wallet'))
    const paid = await gw.request('POST', '/sim/pos/purchases', {
      body: { msisdn: LI, amount: '7.25', account: 'wallet', pin: LI_PIN },
    })
    expect(paid.status).toBe(200)
    expect(paid.json).toMatchObject({
      terminal: 'POS10012',
      code: '00',
      meaning: 'approved',
      approved: true,
      stan: '000001',
      sent: { '3': '001000', '4': '000000000725', '11': '000001' },
    })
    expect(Number(await gw.balance(LI, 'wallet'))).toBeCloseTo(wallet - 7.25, 2)
    const wrong = await gw.request('POST', '/sim/pos/purchases', {
      body: { msisdn: LI, amount: '1.00', account: 'wallet', pin: '0000' },
    })
    expect(wrong.json).toMatchObject({ code: '55', approved: false, stan: '000002' })
    expect(Number(await gw.balance(LI, 'wallet'))).toBeCloseTo(wallet - 7.25, 2)
    const journal = JSON.parse(readFileSync(join(gw.dir, 'pos-POS10012.json'), 'utf8'))
    expect(journal).toMatchObject({ terminalId: 'POS10012', batch: 1, nextStan: 3 })
    expect(journal.entries).toHaveLength(1)
    const lines = capture.lines.filter((line) => line.includes('pos counter'))
    expect(lines).toHaveLength(2)
    expect(capture.lines.some((line) => line.includes(`"${LI_PIN}"`))).toBe(false)
  })

  it('answers malformed input 400 with its reason, moving nothing', async () => {
    const asked = [
      [{ msisdn: 'x', amount: '1.00', pin: LI_PIN }, 'msisdn_invalid'],
      [{ msisdn: LI, amount: '1.234', pin: LI_PIN }, 'amount_invalid'],
      [{ msisdn: LI, amount: '1.00', account: 'gold', pin: LI_PIN }, 'account_invalid'],
      [{ msisdn: LI, amount: '1.00', pin: '12' }, 'pin_invalid'],
      // Names an object has of its own kind, and more than field 4's twelve digits hold.
      [{ msisdn: LI, amount: '1.00', account: 'constructor', pin: LI_PIN }, 'account_invalid'],
      [{ msisdn: LI, amount: '10000000000', pin: LI_PIN }, 'amount_invalid'],
    ] as const
    for (const [body, error] of asked) {
      const answer = await gw.request('POST', '/sim/pos/purchases', { body })
      expect(answer.status, error).toBe(400)
      expect(answer.json.error).toBe(error)
    }
    expect((await gw.request('POST', '/sim/pos/purchases', { body: [1] })).status).toBe(400)
    // The counter still pays after them: none left it a half-sent purchase to reverse.
    const paid = await gw.request('POST', '/sim/pos/purchases', {
      body: { msisdn: LI, amount: '1.00', pin: LI_PIN },
    })
    expect(paid.json.code).toBe('00')
  })
})
