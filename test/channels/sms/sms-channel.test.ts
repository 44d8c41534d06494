/**
 * sms-channel.test.ts - the SMS channel end to end over real SMPP on loopback: an ESME binds to
 * the gateway's SMSC simulator as the phones, sends MOs with submit_sm, and reads the replies
 * that come back as deliver_sm, while balances are read over the admin API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PhoneEsme } from '../../../channels/sms/phone-esme.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { HAN, LI, NOBODY, startTestGateway } from '../../support/gateway-fixture.js'

let gw: GatewayFixture
let phones: PhoneEsme

beforeEach(async () => {
  gw = await startTestGateway()
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator did not start')
  phones = new PhoneEsme({ host: smpp.host, port: smpp.port })
  expect(await phones.bind()).toBeNull()
})

afterEach(async () => {
  await phones.close()
  await gw.close()
})

async function reply(msisdn: string): Promise<string> {
  const mt = await phones.next(msisdn, 5_000)
  if (mt === null) throw new Error(`no reply to ${msisdn} within 5 s`)
  return mt.text
}

describe('SMS over the SMSC simulator', () => {
  it('answers BAL with the balances, from the short code, coded GSM', async () => {
    expect(await phones.send(LI, 'BAL')).toMatchObject({ ok: true })
    const mt = await phones.next(LI, 5_000)
    expect(mt).toMatchObject({ from: '12588', to: LI, dataCoding: 0 })
    expect(mt?.text).toContain('500.00')
    expect(mt?.text).toContain('50.00')
  })

  it('pays a merchant: PAY asks for YES <PIN>, YES pays, the wallet shows it', async () => {
    await phones.send(LI, 'PAY 1001 25')
    const ask = await reply(LI)
    expect(ask).toContain('Ringtone Store')
    expect(ask).toContain('25.00')
    expect(ask).toMatch(/YES <PIN>/)
    await phones.send(LI, 'YES 1234')
    const paid = await reply(LI)
    expect(paid).toMatch(/Paid CNY 25\.00 to Ringtone Store/)
    expect(paid).toMatch(/Ref T[0-9A-Z]{6}/)
    expect(paid).not.toContain('1234')
    expect(await gw.balance(LI, 'wallet')).toBe('475.00')
  })

  it('answers a Chinese MO in Chinese, sent as UCS-2', async () => {
    await phones.send(HAN, '余额')
    const mt = await phones.next(HAN, 5_000)
    expect(mt?.dataCoding).toBe(8)
    expect(mt?.text).toMatch(/余额|钱包/)
    expect(mt?.text).toContain('20.00')
  })

  it('tells an unregistered number so', async () => {
    await phones.send(NOBODY, 'BAL')
    expect(await reply(NOBODY)).toMatch(/not registered/)
  })

  it('refuses an MO to another number than the short code with ESME_RINVDSTADR', async () => {
    expect(await phones.send(LI, 'BAL', { to: '10086' })).toEqual({ ok: false, error: 'refused with status 0xb' })
  })
})
