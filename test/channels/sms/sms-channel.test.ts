/**
 * sms-channel.test.ts - the SMS channel end to end over real SMPP on loopback: an ESME binds to
 * the gateway's SMSC simulator as the phones, sends MOs with submit_sm, and reads the replies
 * that come back as deliver_sm, while balances are read over the admin API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PhoneEsme } from '../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import {
  HAN,
  LI,
  NOBODY,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../../support/gateway-fixture.js'
import { pattern } from '../../support/pattern.js'

let gw: GatewayFixture
let phones: PhoneEsme

beforeEach(async () => {
  gw = await startTestGateway()
  phones = await bindPhones()
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
    expect(await phones.send(LI, 'BAL', { to: '10086' })).toEqual({
      ok: false,
      error: 'refused with status 0xb',
    })
  })
})

describe('MO ids, retransmissions and receipts', () => {
  it('a retransmitted YES pays once, answered once; same words for the next are new', async () => {
    await phones.send(LI, 'PAY 1001 25')
    await reply(LI)
    await phones.send(LI, 'YES 1234')
    expect(await reply(LI)).toMatch(/^Paid CNY 25\.00/)
    // An ESME whose submit_sm_resp got lost sends the very same MO again.
    expect(await phones.send(LI, 'YES 1234')).toMatchObject({ ok: true })
    expect(await phones.next(LI, 1_000)).toBeNull()
    expect(await gw.balance(LI, 'wallet')).toBe('475.00')
    await phones.send(LI, 'PAY 1001 5')
    await reply(LI)
    await phones.send(LI, 'YES 1234')
    expect(await reply(LI)).toMatch(/^Paid CNY 5\.00/)
    expect(await gw.balance(LI, 'wallet')).toBe('470.00')
  })

  it('answers a retransmission with the same message id, as an SMSC that knows it', async () => {
    const first = await phones.send(LI, 'BAL', { userMessageReference: 42 })
    await reply(LI)
    const again = await phones.send(LI, 'BAL', { userMessageReference: 42 })
    const next = await phones.send(LI, 'BAL', { userMessageReference: 43 })
    expect(first.ok && again.ok && next.ok).toBe(true)
    if (!first.ok || !again.ok || !next.ok) return
    expect(again.messageIds).toEqual(first.messageIds)
    expect(next.messageIds).not.toEqual(first.messageIds)
    expect(first.messageIds[0]).toMatch(/^\d+$/)
  })

  it('sends a receipt for an MO asking one, after its reply, without the PIN', async () => {
    await phones.send(LI, 'PAY 1001 25')
    await reply(LI)
    const sent = await phones.send(LI, 'YES 1234', { receipt: true })
    await reply(LI)
    const receipt = await waitForReceipt()
    expect(sent.ok && receipt.receiptedMessageId === sent.messageIds[0]).toBe(true)
    expect(receipt).toMatchObject({
      to: LI,
      messageState: 2,
      receipt: { stat: 'DELIVRD', submitted: 1, delivered: 1 },
    })
    expect(receipt.receipt?.id).toBe(receipt.receiptedMessageId)
    expect(receipt.receipt?.text).not.toContain('1234')
  })
})

describe('the same words twice (issue 11)', () => {
  it('confirms two merchant requests in a row with one YES 1234, answering both', async () => {
    for (const [amount, left] of [
      ['3.00', '497.00'],
      ['4.00', '493.00'],
    ] as const) {
      await requestPayment(gw, RINGTONES, {
        msisdn: LI,
        amount,
        reference: `same-yes-${amount}`,
        description: 'Ringtone',
      })
      expect(await reply(LI)).toContain(`CNY ${amount}`)
      await phones.send(LI, 'YES 1234')
      expect(await reply(LI)).toMatch(
        new RegExp(`^Paid CNY ${amount.replace('.', '\\.')} to Ringtone Store`),
      )
      expect(await gw.balance(LI, 'wallet')).toBe(left)
    }
    expect((await gw.subscriber(LI)).pendingPaymentId).toBeNull()
  })

  it('answers BAL sent twice, and HIST twice, each time', async () => {
    for (const text of ['BAL', 'BAL', 'HIST', 'HIST']) {
      await phones.send(LI, text)
      expect(await reply(LI)).toMatch(text === 'BAL' ? /500\.00/ : /no transactions yet/)
    }
  })

  it('takes the same PAY on a new session as a retransmission: 1 payment, 1 prompt', async () => {
    const first = await phones.send(LI, 'PAY 1001 25')
    expect(await reply(LI)).toContain('25.00')
    const waiting = (await gw.subscriber(LI)).pendingPaymentId
    expect(waiting).not.toBeNull()
    await phones.close()
    phones = await bindPhones()
    const again = await phones.send(LI, 'PAY 1001 25')
    expect(again).toEqual(first)
    expect(await phones.next(LI, 1_000)).toBeNull()
    expect((await gw.subscriber(LI)).pendingPaymentId).toBe(waiting)
  })

  it('takes the same PAY after a restart as a retransmission, after a notice as new', async () => {
    const first = await phones.send(LI, 'PAY 1001 25')
    expect(await reply(LI)).toContain('25.00')
    const waiting = (await gw.subscriber(LI)).pendingPaymentId
    await phones.close()
    await gw.close({ keepDir: true })
    gw = await startTestGateway({ dir: gw.dir })
    phones = await bindPhones()
    expect(await phones.send(LI, 'PAY 1001 25')).toEqual(first)
    expect(await phones.next(LI, 1_000)).toBeNull()
    expect((await gw.subscriber(LI)).pendingPaymentId).toBe(waiting)
    // A merchant's request reaches the phone (and replaces the waiting PAY): the same PAY now
    // is the person asking again.
    await requestPayment(gw, RINGTONES, {
      msisdn: LI,
      amount: '2.00',
      reference: 'after-restart',
      description: 'Ringtone',
    })
    expect(await reply(LI)).toContain('CNY 2.00')
    expect(await phones.send(LI, 'PAY 1001 25')).not.toEqual(first)
    expect(await reply(LI)).toContain('25.00')
    expect((await gw.subscriber(LI)).pendingPaymentId).not.toBe(waiting)
  })
})

async function bindPhones(): Promise<PhoneEsme> {
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator did not start')
  const esme = new PhoneEsme({ host: smpp.host, port: smpp.port })
  expect(await esme.bind()).toBeNull()
  return esme
}

async function waitForReceipt(): Promise<(typeof phones.receipts)[number]> {
  for (let waited = 0; waited < 5_000; waited += 50) {
    const receipt = phones.receipts[0]
    if (receipt !== undefined) return receipt
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('no delivery receipt within 5 s')
}

describe('long messages', () => {
  it('splits a long Chinese reply into UCS-2 parts the phone reassembles', async () => {
    await phones.send(HAN, '帮助')
    const mt = await phones.next(HAN, 5_000)
    expect(mt).toMatchObject({ dataCoding: 8 })
    expect(mt?.parts).toBeGreaterThan(1)
    expect(mt?.text).toContain('余额')
    expect(mt?.text).toContain('改密码')
  })

  it('reassembles a long MO sent in parts, and answers once', async () => {
    // Spaces are ignored by the grammar, so padding makes a real command span three parts.
    await phones.send(LI, `PAY 1001 25${' '.repeat(320)}W`)
    const ask = await reply(LI)
    expect(ask).toMatch(/^Pay CNY 25\.00 to Ringtone Store from your wallet/)
    expect(await phones.next(LI, 500)).toBeNull()
  })
})

describe('metrics', () => {
  it('counts binds, PDUs by command and status, and generic_nacks on /metrics', async () => {
    await phones.send(LI, 'BAL')
    await reply(LI)
    const { createConnection } = await import('node:net')
    const smpp = gw.gateway.smpp
    if (smpp === null) throw new Error('no SMSC')
    // A PDU with a command id that does not exist gets generic_nack and counts.
    await new Promise<void>((resolve, reject) => {
      const socket = createConnection({ host: smpp.host, port: smpp.port }, () => {
        const pdu = Buffer.alloc(16)
        pdu.writeUInt32BE(16, 0)
        pdu.writeUInt32BE(0x00000999, 4)
        pdu.writeUInt32BE(7, 12)
        socket.write(pdu)
      })
      socket.once('data', (answer) => {
        expect(answer.readUInt32BE(4)).toBe(0x80000000)
        expect(answer.readUInt32BE(8)).toBe(0x03)
        expect(answer.readUInt32BE(12)).toBe(7)
        socket.destroy()
        resolve()
      })
      socket.once('error', reject)
    })
    const text = await (
      await fetch(`${gw.gateway.url}/metrics`, {
        headers: { authorization: 'Bearer test_admin_token' },
      })
    ).text()
    expect(text).toMatch(/telepay_smpp_binds\{bind="transceiver"\} 1/)
    expect(text).toMatch(/# TYPE telepay_smpp_pdus_total counter/)
    expect(text).toMatch(
      pattern(
        /telepay_smpp_pdus_total\{role="smsc",direction="in",command="submit_sm",/,
        /status="ESME_ROK"\} 1/,
      ),
    )
    expect(text).toMatch(/telepay_smpp_events_total\{role="smsc",event="generic_nack_sent"\} 1/)
    expect(text).toMatch(/telepay_commands_total\{channel="sms",kind="balance",result="ok"\} 1/)
  })
})
