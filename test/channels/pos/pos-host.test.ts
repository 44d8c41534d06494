/**
 * pos-host.test.ts - the ISO 8583 host over a real TCP connection, as a shop terminal meets it
 * (terminal POS10011 of the default world, the ASCII dialect, keys from the test master keys):
 * sign-on; a purchase from the wallet and the phone bill, each moving the money once; the same
 * 0200 again answered as the first; a balance inquiry; a wrong PIN (55) and the lock after three
 * (75) on every channel; a reversal releasing an approved purchase once, and a reversal ahead
 * of its purchase leaving the late purchase refused; a wrong MAC (A0), an unknown terminal, a
 * message that does not decode, none of them moving money.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { FieldValue } from '../../../src/bearer/iso8583/codec.js'
import type { PosClient } from '../../../src/bearer/pos-terminal/pos-client.js'
import { connectPos } from '../../../src/bearer/pos-terminal/pos-client.js'
import { KeyStore, testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import { panOfMsisdn } from '../../../src/gateway/pos/virtual-pan.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { HAN, LI, LI_PIN, posPortOf, startTestGateway } from '../../support/gateway-fixture.js'

const keys = new KeyStore(testMasterKeys).posKeys('POS10011')
let gw: GatewayFixture | null = null
let pos: PosClient | null = null

afterEach(async () => {
  pos?.close()
  pos = null
  await gw?.close()
  gw = null
})

async function open(): Promise<{ t: GatewayFixture; terminal: PosClient }> {
  gw = await startTestGateway()
  pos = await connectPos({
    host: '127.0.0.1',
    port: posPortOf(gw),
    terminalId: 'POS10011',
    keys,
  })
  return { t: gw, terminal: pos }
}

function withAccount(fields: Map<number, FieldValue>, from: string): Map<number, FieldValue> {
  return new Map(fields).set(3, `00${from}00`)
}

describe('the ISO 8583 host', () => {
  it('signs a terminal on, and a purchase from each account moves the money once', async () => {
    const { t, terminal } = await open()
    const signOn = await terminal.send('0800', new Map([[11, '000001']]))
    expect(signOn).toMatchObject({ mti: '0810', code: '00' })
    const pan = panOfMsisdn(LI)
    const before = {
      wallet: await t.balance(LI, 'wallet'),
      phone_bill: await t.balance(LI, 'phone_bill'),
    }
    const wallet = await terminal.send(
      '0200',
      withAccount(terminal.purchaseFields(pan, 1_250n, 2, LI_PIN), '10'),
    )
    expect(wallet).toMatchObject({ mti: '0210', code: '00', macValid: true })
    expect(wallet.fields.get(11)).toBe('000002')
    expect(wallet.fields.get(38)).toMatch(/^[0-9A-Z]{6}$/)
    expect(await t.balance(LI, 'wallet')).toBe((Number(before.wallet) - 12.5).toFixed(2))
    const bill = await terminal.send(
      '0200',
      withAccount(terminal.purchaseFields(pan, 300n, 3, LI_PIN), '30'),
    )
    expect(bill.code).toBe('00')
    expect(await t.balance(LI, 'phone_bill')).toBe((Number(before.phone_bill) - 3).toFixed(2))
    // The same 0200 again (the terminal lost the answer): the first answer, no second debit.
    const again = await terminal.send(
      '0200',
      withAccount(terminal.purchaseFields(pan, 1_250n, 2, LI_PIN), '10'),
    )
    expect(again.code).toBe('00')
    expect(again.fields.get(37)).toBe(wallet.fields.get(37))
    expect(await t.balance(LI, 'wallet')).toBe((Number(before.wallet) - 12.5).toFixed(2))
  })

  it("answers a balance inquiry with the account's available balance, after the PIN", async () => {
    const { t, terminal } = await open()
    const pan = panOfMsisdn(LI)
    const inquiry = (stan: number, pin: string) =>
      terminal.send(
        '0200',
        new Map(terminal.purchaseFields(pan, 1n, stan, pin))
          .set(3, '311000')
          .set(4, '0'.repeat(12)),
      )
    const answer = await inquiry(40, LI_PIN)
    expect(answer).toMatchObject({ mti: '0210', code: '00', macValid: true })
    const fen = Math.round(Number(await t.balance(LI, 'wallet')) * 100)
    expect(answer.fields.get(54)).toBe(`1002156C${String(fen).padStart(12, '0')}`)
    expect((await inquiry(41, '9999')).code).toBe('55')
  })

  it('asks a PIN of every account: a phone-bill purchase without one is 55, not paid', async () => {
    const { t, terminal } = await open()
    const bill = await t.balance(LI, 'phone_bill')
    const noPin = withAccount(terminal.purchaseFields(panOfMsisdn(LI), 300n, 50, null), '30')
    expect((await terminal.send('0200', noPin)).code).toBe('55')
    // Nor does a reversal of one the host never saw pay it (the SIM's word is not asked here).
    expect((await terminal.send('0400', noPin)).code).toBe('00')
    expect(await t.balance(LI, 'phone_bill')).toBe(bill)
  })

  it('answers a wrong PIN 55, locks after three (75 here, and on the phone too)', async () => {
    const { t, terminal } = await open()
    const pan = panOfMsisdn(HAN)
    const wallet = await t.balance(HAN, 'wallet')
    for (const stan of [10, 11]) {
      const wrong = await terminal.send('0200', terminal.purchaseFields(pan, 100n, stan, '0000'))
      expect(wrong.code).toBe('55')
    }
    const third = await terminal.send('0200', terminal.purchaseFields(pan, 100n, 12, '0000'))
    expect(third.code).toBe('75')
    expect((await t.subscriber(HAN)).locked).toBe(true)
    expect(await t.balance(HAN, 'wallet')).toBe(wallet)
  })

  it('reverses a purchase once; a reversal ahead of its purchase stops it', async () => {
    const { t, terminal } = await open()
    const pan = panOfMsisdn(LI)
    const before = await t.balance(LI, 'wallet')
    const purchase = terminal.purchaseFields(pan, 800n, 20, LI_PIN)
    expect((await terminal.send('0200', withAccount(purchase, '10'))).code).toBe('00')
    const reversal = withAccount(terminal.purchaseFields(pan, 800n, 20, null), '10')
    expect((await terminal.send('0400', reversal)).code).toBe('00')
    expect((await terminal.send('0400', reversal)).code).toBe('00')
    expect(await t.balance(LI, 'wallet')).toBe(before)
    // A reversal of a purchase the host never saw (the 0200 lost on the way), then that 0200.
    const ahead = withAccount(terminal.purchaseFields(pan, 500n, 21, null), '10')
    expect((await terminal.send('0400', ahead)).code).toBe('00')
    const late = withAccount(terminal.purchaseFields(pan, 500n, 21, LI_PIN), '10')
    expect((await terminal.send('0200', late)).code).toBe('94')
    expect(await t.balance(LI, 'wallet')).toBe(before)
  })

  it('refuses a wrong MAC, an unknown terminal and a broken message, moving nothing', async () => {
    const { t, terminal } = await open()
    const pan = panOfMsisdn(LI)
    const before = await t.balance(LI, 'wallet')
    const forged = await connectPos({
      host: '127.0.0.1',
      port: posPortOf(t),
      terminalId: 'POS10011',
      keys: { pin: keys.pin, mac: Buffer.alloc(16, 7) },
    })
    try {
      const answer = await forged.send('0200', terminal.purchaseFields(pan, 100n, 30, LI_PIN))
      expect(answer.code).toBe('A0')
    } finally {
      forged.close()
    }
    const stranger = await connectPos({
      host: '127.0.0.1',
      port: posPortOf(t),
      terminalId: 'POS99999',
      keys,
    })
    try {
      const answer = await stranger.send('0200', terminal.purchaseFields(pan, 100n, 31, LI_PIN))
      expect(answer.code).toBe('03')
    } finally {
      stranger.close()
    }
    // A 0200 whose bitmap promises fields that are not there: a format error, answered.
    const broken = await terminal.sendRaw(Buffer.from('0200F0000000000000001234', 'latin1'))
    expect(broken).toMatchObject({ mti: '0210', code: '30' })
    expect(await t.balance(LI, 'wallet')).toBe(before)
    // An answer's type sent to the host is no request: the connection is closed, not answered.
    expect(await terminal.sendRaw(Buffer.from('0290', 'latin1'))).toBeNull()
  })
})
