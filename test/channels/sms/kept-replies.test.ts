/**
 * kept-replies.test.ts - a reply the SMS channel cannot send (no ESME bound to receive) is kept
 * in the SMS outbox, not in memory: the admin API lists it, it survives a restart, and the outbox
 * sweep delivers it once a receiver binds, once. The ledger keeps a command's reply once, marked in
 * the command log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSmppClient } from '../../../src/bearer/smpp/client.js'
import { PhoneEsme } from '../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'

let gw: GatewayFixture

beforeEach(async () => {
  gw = await startTestGateway()
})

afterEach(async () => {
  await gw.close()
})

describe('SMS replies that cannot be sent', () => {
  it('are kept in the outbox, across a restart, delivered once when a receiver binds', async () => {
    const smpp = gw.gateway.smpp
    if (smpp === null) throw new Error('the SMSC simulator did not start')
    // A transmitter alone: the MO is taken, its reply finds no bind to go to.
    const transmitter = createSmppClient({
      host: smpp.host,
      port: smpp.port,
      systemId: 'telepay',
      password: 'telepay',
      mode: 'transmitter',
      reconnect: false,
      name: 'tx-only',
    })
    expect((await transmitter.whenReady(5_000)).ok).toBe(true)
    const sent = await transmitter.submit({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: LI,
      dest_addr_ton: 0,
      dest_addr_npi: 1,
      destination_addr: '12588',
      esm_class: 0,
      registered_delivery: 0,
      data_coding: 0,
      short_message: Buffer.from('BAL'),
    })
    expect(sent.ok).toBe(true)
    let listed: { to: string; text: string | null }[] = []
    for (let tries = 0; tries < 50 && listed.length === 0; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      listed = (await gw.admin('GET', '/admin/api/outbox?kind=sms')).json.outbox
    }
    expect(listed).toHaveLength(1)
    expect(listed[0]?.to).toBe(LI)
    expect(listed[0]?.text).toContain('500.00')
    await transmitter.close()

    // Kept on disk: a stop and a restart on the same files lose nothing.
    const dir = gw.dir
    await gw.close({ keepDir: true })
    gw = await startTestGateway({ dir })
    if (gw.gateway.smpp === null) throw new Error('the SMSC simulator did not start again')
    const phones = new PhoneEsme({ host: gw.gateway.smpp.host, port: gw.gateway.smpp.port })
    expect(await phones.bind()).toBeNull()
    await gw.advance(1)
    const mts = await phones.collect(LI, 1_000, 5_000)
    expect(mts.map((mt) => mt.text)).toHaveLength(1)
    expect(mts[0]?.text).toContain('500.00')
    expect((await gw.admin('GET', '/admin/api/outbox?kind=sms')).json.outbox).toEqual([])
    await phones.close()
  })

  it('are kept once per command, and the command log says a command has one kept', async () => {
    const ledger = gw.gateway.ledger
    const reply = {
      msisdn: LI,
      text: 'Paid CNY 1.00 to Ringtone Store. Ref T000001.',
      commandKey: 'phones:17#0',
    }
    expect(await ledger.keepSmsReply(reply, gw.nowMs())).toBe(true)
    expect(await ledger.keepSmsReply(reply, gw.nowMs())).toBe(false)
    expect(await ledger.smsReplyKept('phones:17')).toBe(true)
    expect(await ledger.smsReplyKept('phones:1')).toBe(false)
    expect(await ledger.smsReplyKept('phones:170')).toBe(false)
    // A reply without a command (a text of another channel) is kept every time it is given.
    expect(await ledger.keepSmsReply({ ...reply, commandKey: null }, gw.nowMs())).toBe(true)
    expect((await gw.admin('GET', '/admin/api/outbox?kind=sms')).json.outbox).toHaveLength(2)
  })
})
