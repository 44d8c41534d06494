/**
 * sms-adapter.test.ts - the SMS keyword channel against a real gateway (real SQLite, default
 * world, test clock): every SPEC section 4 command from a phone's point of view, the
 * confirmation flow (YES <PIN>, YES alone, NO, wrong PINs, expiry), replies in the subscriber's
 * or the MO's language, the unregistered number, idempotent MO ids, and PINs kept out of replies
 * and logs. Balances are checked through the admin API, as an operator would.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SmsReply } from '../../../../channels/sms/sms-adapter.js'
import { SmsAdapter } from '../../../../channels/sms/sms-adapter.js'
import { smsEn } from '../../../../menus/sms/en.js'
import { smsZh } from '../../../../menus/sms/zh.js'
import { createLogger } from '../../../../src/service/log.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import {
  HAN,
  HAN_PIN,
  LI,
  LI_PIN,
  NOBODY,
  startTestGateway,
  TRANSFER_REF,
  ZHANG,
} from '../../../support/gateway-fixture.js'

/** A payment's id, the reference of a final reply that moved no money. */
const PAYMENT_ID = /\bP[0-9A-Z]{7}\b/
/** A transfer's reference (TRANSFER_REF of the fixture, found inside a text). */
const REFERENCE = /\bT[0-9A-Z]{6}\b/

interface Phone {
  readonly t: GatewayFixture
  readonly sms: SmsAdapter
  /** Every line the adapter logged. */
  readonly logs: string[]
  /** Sends an MO and returns its one reply; a fresh MO id unless one is given. */
  send(msisdn: string, text: string, moId?: string): Promise<SmsReply>
}

let fixtures: GatewayFixture[] = []
afterEach(async () => {
  for (const fixture of fixtures) await fixture.close()
  fixtures = []
})

let moCounter = 0

async function open(): Promise<Phone> {
  const t = await startTestGateway()
  fixtures.push(t)
  const logs: string[] = []
  const context = t.gateway.context
  const sms = new SmsAdapter({
    service: context.service,
    // Without the leading timestamp, whose digits could look like a PIN.
    log: createLogger('debug', {
      write: (line) => logs.push(line.replace(/"time":"[^"]*",/, '')),
    }),
    shortCode: '12588',
    languageOf: async (msisdn) =>
      (await context.ledger.subscriber(msisdn))?.subscriber.language ?? null,
  })
  return {
    t,
    sms,
    logs,
    async send(msisdn, text, moId) {
      moCounter += 1
      const replies = await sms.handleMo({ msisdn, text, moId: moId ?? `smsc:mo-${moCounter}` })
      expect(replies).toHaveLength(1)
      const [reply] = replies
      if (reply === undefined) throw new Error('no reply')
      return reply
    },
  }
}

describe('BAL', () => {
  it("shows each default-world subscriber's balances in their language", async () => {
    const { send } = await open()
    const li = await send(LI, 'BAL')
    expect(li.language).toBe('en')
    expect(li.text).toContain('wallet CNY 500.00')
    expect(li.text).toContain('phone bill CNY 50.00')
    expect(li.text).toContain('10000.00')
    const han = await send(HAN, 'bal')
    expect(han.language).toBe('zh')
    expect(han.text).toContain('钱包20.00元')
    expect(han.text).toContain('话费20.00元')
    const zhang = await send(ZHANG, ' Bal ')
    expect(zhang.text).toContain('wallet CNY 0.00')
    expect(zhang.text).toContain('phone bill CNY 0.00')
    expect(zhang.text).toContain('CCB *9000 CNY 200.00')
  })

  it("answers an English subscriber's Chinese MO in Chinese", async () => {
    const { send } = await open()
    const reply = await send(LI, '余额')
    expect(reply.language).toBe('zh')
    expect(reply.text).toContain('钱包500.00元')
  })
})

describe('PAY and the confirmation', () => {
  it('asks YES <PIN> naming merchant, amount, account; YES <PIN> pays with a ref', async () => {
    const { t, send } = await open()
    const asked = await send(LI, 'PAY 1001 25')
    expect(asked.text).toContain('Ringtone Store')
    expect(asked.text).toContain('25.00')
    expect(asked.text).toContain('wallet')
    expect(asked.text).toContain('YES <PIN>')
    expect(await t.balance(LI, 'wallet')).toBe('500.00')

    const paid = await send(LI, `YES ${LI_PIN}`)
    expect(paid.text).toMatch(/^Paid CNY 25\.00 to Ringtone Store/)
    expect(paid.text).toMatch(REFERENCE)
    expect(paid.text).not.toContain(LI_PIN)
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })

  it("cancels on NO, with the payment's reference, and takes nothing", async () => {
    const { t, send } = await open()
    await send(LI, 'PAY 1001 25')
    const cancelled = await send(LI, 'no')
    expect(cancelled.text).toContain('cancelled')
    expect(cancelled.text).toMatch(PAYMENT_ID)
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    const late = await send(LI, `Y ${LI_PIN}`)
    expect(late.text).toContain('no payment waiting')
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
  })

  it('says the tries left after a wrong PIN, locks at the third, never repeats a PIN', async () => {
    const { t, send, logs } = await open()
    await send(LI, 'PAY 1001 25')
    const first = await send(LI, 'YES 9991')
    expect(first.text).toContain('Wrong PIN')
    expect(first.text).toMatch(/\b2\b/)
    const second = await send(LI, 'YES 9992')
    expect(second.text).toMatch(/\b1\b/)
    const third = await send(LI, 'YES 9993')
    expect(third.text).toContain('locked')
    expect(third.text).toContain('15 minutes')
    expect(third.text).toMatch(PAYMENT_ID)
    for (const reply of [first, second, third]) expect(reply.text).not.toMatch(/999\d/)

    expect((await t.subscriber(LI)).locked).toBe(true)
    expect((await send(LI, 'BAL')).text).toContain('locked')
    expect((await send(LI, `YES ${LI_PIN}`)).text).toContain('locked')
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    expect(logs.join('\n')).not.toMatch(/999\d|1234/)
    expect(logs.some((line) => line.includes('"keyword":"yes"'))).toBe(true)
  })

  it('asks for YES alone for a phone-bill payment, and YES alone completes it', async () => {
    const { t, send } = await open()
    const asked = await send(LI, 'PAY 1001 25 P')
    expect(asked.text).toContain('phone bill')
    expect(asked.text).toContain('Reply YES to confirm')
    const paid = await send(LI, 'YES')
    expect(paid.text).toContain('Paid CNY 25.00 to Ringtone Store from your phone bill')
    expect(await t.balance(LI, 'phone_bill')).toBe('25.00')
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
  })

  it('answers 支付 in Chinese and completes it with 确认 <PIN>', async () => {
    const { t, send } = await open()
    const asked = await send(LI, '支付 1001 25')
    expect(asked.language).toBe('zh')
    expect(asked.text).toContain('Ringtone Store')
    expect(asked.text).toContain('25.00元')
    expect(asked.text).toContain('钱包')
    expect(asked.text).toContain('确认')
    const paid = await send(LI, `确认${LI_PIN}`)
    expect(paid.language).toBe('zh')
    expect(paid.text).toMatch(/交易号T[0-9A-Z]{6}/)
    expect(paid.text).not.toContain(LI_PIN)
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })

  it("answers a Chinese subscriber's English MO in Chinese", async () => {
    const { t, send } = await open()
    const asked = await send(HAN, 'PAY 1001 5')
    expect(asked.language).toBe('zh')
    expect(asked.text).toContain('5.00元')
    const paid = await send(HAN, `YES ${HAN_PIN}`)
    expect(paid.text).toContain('交易号')
    expect(await t.balance(HAN, 'wallet')).toBe('15.00')
  })

  it('expires a payment unconfirmed in 120 s: a later YES finds nothing, none moves', async () => {
    const { t, send } = await open()
    await send(LI, 'PAY 1001 25')
    await t.advance(121)
    const late = await send(LI, `YES ${LI_PIN}`)
    expect(late.text).toMatch(/no payment waiting|expired/)
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    expect((await t.smsTo(LI)).some((text) => text.includes('expired'))).toBe(true)
  })
})

describe('the other keywords', () => {
  it('HIST lists the last payment with its reference', async () => {
    const { send } = await open()
    expect((await send(LI, 'HIST')).text).toContain('no transactions')
    await send(LI, 'PAY 1001 25')
    const paid = await send(LI, `YES ${LI_PIN}`)
    const ref = REFERENCE.exec(paid.text)?.[0]
    expect(ref).toMatch(TRANSFER_REF)
    const history = await send(LI, 'hist')
    expect(history.text).toContain(`${ref ?? '?'} -25.00 Ringtone Store`)
  })

  it('PIN <old> <new> changes the PIN, repeating neither; a bad new PIN is refused', async () => {
    const { t, send } = await open()
    const changed = await send(LI, `PIN ${LI_PIN} 5678`)
    expect(changed.text).toContain('PIN has been changed')
    expect(changed.text).not.toMatch(/1234|5678/)
    const badNew = await send(LI, 'PIN 5678 12')
    expect(badNew.text).toContain('4 to 6 digits')
    await send(LI, 'PAY 1001 25')
    expect((await send(LI, `YES ${LI_PIN}`)).text).toContain('Wrong PIN')
    expect((await send(LI, 'YES 5678')).text).toContain('Paid CNY 25.00')
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })

  it('TOPUP buys airtime for the sender and for another number', async () => {
    const { t, send } = await open()
    const self = await send(LI, 'TOPUP 20')
    expect(self.text).toContain('20.00')
    expect(self.text).toContain('YES <PIN>')
    expect((await send(LI, `YES ${LI_PIN}`)).text).toMatch(
      /^Bought CNY 20\.00 airtime for 8613800138000/,
    )
    expect(await t.balance(LI, 'phone_bill')).toBe('70.00')
    expect(await t.balance(LI, 'wallet')).toBe('480.00')

    const other = await send(LI, 'TOPUP 10 +8613800138001')
    expect(other.text).toContain(HAN)
    expect((await send(LI, `YES ${LI_PIN}`)).text).toMatch(
      /^Bought CNY 10\.00 airtime for 8613800138001/,
    )
    expect(await t.balance(HAN, 'phone_bill')).toBe('30.00')
    expect(await t.balance(LI, 'wallet')).toBe('470.00')
  })

  it('LOAD moves money from the bank card into the wallet after YES <PIN>', async () => {
    const { t, send } = await open()
    const asked = await send(LI, 'LOAD 100')
    expect(asked.text).toContain('bank card')
    expect(asked.text).toContain('YES <PIN>')
    const loaded = await send(LI, `YES ${LI_PIN}`)
    expect(loaded.text).toMatch(/^Loaded CNY 100\.00 from your bank card into your wallet/)
    expect(loaded.text).toMatch(/Ref T[0-9A-Z]{6}/)
    expect(await t.balance(LI, 'wallet')).toBe('600.00')
    expect(await t.balance(LI, 'bank')).toBe('9900.00')
  })

  it('SEND moves money from the wallet to another subscriber after YES <PIN>', async () => {
    const { t, send } = await open()
    const asked = await send(LI, 'SEND 8613800138001 10')
    expect(asked.text).toContain(HAN)
    expect(asked.text).toContain('10.00')
    expect((await send(LI, `YES ${LI_PIN}`)).text).toMatch(/^Sent CNY 10\.00 to 8613800138001/)
    expect(await t.balance(LI, 'wallet')).toBe('490.00')
    expect(await t.balance(HAN, 'wallet')).toBe('30.00')
  })

  it('ORDER pays the open order once', async () => {
    const { t, send } = await open()
    const asked = await send(LI, 'ORDER 880001')
    expect(asked.text).toContain('Cinema Tickets')
    expect(asked.text).toContain('80.00')
    expect((await send(LI, `YES ${LI_PIN}`)).text).toMatch(/^Paid CNY 80\.00 to Cinema Tickets/)
    expect(await t.balance(LI, 'wallet')).toBe('420.00')
    expect((await send(HAN, '订单 880001')).text).toContain('已支付')
  })

  it('BILL pays a biller with the customer reference', async () => {
    const { t, send } = await open()
    const asked = await send(LI, 'BILL 2001 8812345 30')
    expect(asked.text).toContain('City Water')
    expect(asked.text).toContain('30.00')
    expect((await send(LI, `YES ${LI_PIN}`)).text).toMatch(/^Paid CNY 30\.00 to City Water/)
    expect(await t.balance(LI, 'wallet')).toBe('470.00')
  })
})

describe('idempotency by MO id', () => {
  it('answers a retransmitted YES with the first answer and pays once', async () => {
    const { t, send } = await open()
    await send(LI, 'PAY 1001 25', 'smsc:pay-1')
    const first = await send(LI, `YES ${LI_PIN}`, 'smsc:yes-1')
    const again = await send(LI, `YES ${LI_PIN}`, 'smsc:yes-1')
    expect(again.text).toBe(first.text)
    expect(first.text).toContain('Paid CNY 25.00')
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
    // A new YES (a new MO id) finds nothing left to confirm.
    expect((await send(LI, `YES ${LI_PIN}`)).text).toContain('no payment waiting')
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })

  it('answers a retransmitted PAY with the first answer, keeps one payment waiting', async () => {
    const { t, send } = await open()
    const first = await send(LI, 'PAY 1001 25', 'smsc:pay-2')
    const waitingId = (await t.subscriber(LI)).pendingPaymentId
    const again = await send(LI, 'PAY 1001 25', 'smsc:pay-2')
    expect(again.text).toBe(first.text)
    expect((await t.subscriber(LI)).pendingPaymentId).toBe(waitingId)
    await send(LI, `YES ${LI_PIN}`)
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })
})

describe('words the grammar refuses, and senders it does not know', () => {
  it('answers a bad amount, missing words, an unknown word without running anything', async () => {
    const { t, send } = await open()
    expect((await send(LI, 'PAY 1001 abc')).text).toContain('Amount not understood')
    expect((await send(LI, 'PAY 1001 25.555')).text).toContain('2 decimals')
    expect((await send(LI, 'PAY 1001 -5')).text).toContain('more than 0')
    expect((await send(LI, 'PAY 1001')).text).toBe(smsEn.usage.pay)
    expect((await send(LI, 'HELLO')).text).toBe(`${smsEn.unknown} ${smsEn.help}`)
    expect((await send(LI, 'HELP')).text).toBe(smsEn.help)
    expect((await t.subscriber(LI)).pendingPaymentId).toBeNull()
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
  })

  it("gives the help in the subscriber's language, or the MO's", async () => {
    const { send } = await open()
    expect((await send(HAN, 'HELLO')).text).toBe(`${smsZh.unknown}${smsZh.help}`)
    expect((await send(HAN, 'PAY 1001')).text).toBe(smsZh.usage.pay)
    expect((await send(LI, '帮助')).text).toBe(smsZh.help)
    expect((await send(LI, 'HELP SEND')).text).toBe(smsEn.usage.send)
  })

  it("refuses a Chinese subscriber's badly formed new PIN in Chinese", async () => {
    const { send } = await open()
    const reply = await send(HAN, `PIN ${HAN_PIN} 12`)
    expect(reply.language).toBe('zh')
    expect(reply.text).toContain('4至6位')
  })

  it('tells an unregistered number that it is not registered', async () => {
    const { send } = await open()
    for (const text of ['BAL', 'PAY 1001 25', 'YES 1234', 'HIST']) {
      const reply = await send(NOBODY, text)
      expect(reply.msisdn).toBe(NOBODY)
      expect(reply.text).toContain('not registered')
    }
    expect((await send('+8613700137000', 'BAL')).text).toContain('not registered')
    expect((await send(NOBODY, '余额')).text).toContain('尚未开通')
  })

  it("answers to the stored form of the sender's number", async () => {
    const { send } = await open()
    const reply = await send('008613800138000', 'BAL')
    expect(reply.msisdn).toBe(LI)
    expect(reply.text).toContain('500.00')
  })

  it('tells a sender that is no phone number it is not registered, runs nothing', async () => {
    const { sms } = await open()
    expect(await sms.handleMo({ msisdn: '456', text: 'PAY 1001 5', moId: 'smsc:bad' })).toEqual([
      {
        msisdn: '456',
        text: expect.stringContaining('not registered for telepay'),
        language: 'en',
      },
    ])
    expect(await sms.handleMo({ msisdn: 'INFO', text: '余额', moId: 'smsc:bad2' })).toEqual([
      { msisdn: 'INFO', text: expect.stringContaining('尚未开通'), language: 'zh' },
    ])
    expect(await sms.handleMo({ msisdn: '', text: 'BAL', moId: 'smsc:bad3' })).toEqual([])
  })

  it("asks for a lost long MO again in the last reply's language, both when unknown", async () => {
    const { sms, send } = await open()
    await send(HAN, 'BAL')
    expect(sms.partsLostText(HAN)).toBe(smsZh.partsLost)
    expect(sms.partsLostText(ZHANG)).toBe(`${smsEn.partsLost} ${smsZh.partsLost}`)
  })
})
