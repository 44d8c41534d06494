/**
 * push.test.ts - the network-initiated payment prompt over SMPP: a merchant's payment request
 * opens a USSD dialogue on the phone (deliver_sm, USSR request 0x02, telepay's own
 * its_session_info) at the bind that spoke USSD for that number; the PIN (or 1/2 for a phone
 * bill) answers it, the payment completes (merchant API status) and the dialogue ends with a
 * USSN (0x03). The SMS prompt goes instead when the subscriber is in a USSD session already
 * (USSD-Busy), when no bind speaks USSD, when the phone refuses the push, and after the idle
 * timeout when nobody answers (test clock).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ussdOp } from '../../../../src/bearer/smpp/ussd-op.js'
import { UssdPhone } from '../../../../src/tools/phones/ussd-phone.js'
import {
  CINEMA,
  HAN,
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
} from '../../../support/gateway-fixture.js'
import type { UssdWorld } from './harness.js'
import { screenFor, startUssdWorld, typeIn, until } from './harness.js'

let world: UssdWorld | null = null
const extraPhones: UssdPhone[] = []
afterEach(async () => {
  for (const phone of extraPhones.splice(0)) await phone.close()
  await world?.close()
  world = null
})

/** The phone dials *123# and checks its balance: its bind has spoken USSD for `msisdn`. */
async function speakUssd(phone: UssdPhone, msisdn: string): Promise<void> {
  const info = phone.newSessionInfo()
  await phone.dial(msisdn, '*123#', { sessionInfo: info })
  await screenFor(phone, msisdn)
  expect((await typeIn(phone, msisdn, '1', info)).op).toBe(ussdOp.pssrResponse)
}

async function statusOf(world: UssdWorld, merchant: string, id: string): Promise<string> {
  return (await world.gw.merchant(merchant, 'GET', `/api/v1/payment-requests/${id}`)).json
    .status as string
}

describe('USSD push of a merchant payment request', () => {
  it('asks the PIN by USSR request; it completes the payment, a USSN closes; no SMS', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    await speakUssd(phone, LI)
    const id = await requestPayment(gw, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'song-7',
    })
    const prompt = await screenFor(phone, LI)
    expect(prompt.op).toBe(ussdOp.ussrRequest)
    expect(prompt.from).toBe('*123#')
    expect(prompt.sessionInfo).toHaveLength(2)
    expect(prompt.text).toMatch(
      /^Ringtone Store asks for CNY 25\.00 from your wallet for song-7\.\nEnter your PIN/,
    )
    expect(await statusOf(world, RINGTONES, id)).toBe('pending_authorization')

    const done = await typeIn(phone, LI, LI_PIN, prompt.sessionInfo)
    expect(done.op).toBe(ussdOp.ussnRequest)
    expect(done.sessionInfo).toEqual(prompt.sessionInfo)
    expect(done.text).toMatch(/25\.00.*Ringtone Store/)
    expect(await statusOf(world, RINGTONES, id)).toBe('completed')
    expect(await gw.balance(LI, 'wallet')).toBe('475.00')
    // The handset acknowledges the USSN; the notice needs no SMS any more.
    expect((await phone.sendUssd(LI, ussdOp.ussnConfirm, '', prompt.sessionInfo)).ok).toBe(true)
    expect(await gw.smsTo(LI)).toEqual([])
    await gw.advance(60)
    expect(await phone.nextSms(LI, 300)).toBeNull()
  })

  it('asks a phone-bill charge by 1 Confirm / 2 Decline, in Chinese too; 2 declines', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    await speakUssd(phone, HAN)
    const id = await requestPayment(gw, CINEMA, {
      msisdn: HAN,
      amount: '5.00',
      reference: 'seat-3',
      account: 'phone_bill',
    })
    const prompt = await screenFor(phone, HAN)
    expect(prompt.dataCoding).toBe(0x08)
    expect(prompt.text).toMatch(
      /Cinema Tickets请您从话费账户支付5\.00元（seat-3）。\n1 确认\n2 拒绝$/,
    )
    // A wrong choice asks again; 2 declines.
    const again = await typeIn(phone, HAN, '7', prompt.sessionInfo)
    expect(again.op).toBe(ussdOp.ussrRequest)
    expect(again.text).toMatch(/^请输入1或2。/)
    const declined = await typeIn(phone, HAN, '2', prompt.sessionInfo)
    expect(declined.op).toBe(ussdOp.ussnRequest)
    expect(await statusOf(world, CINEMA, id)).toBe('cancelled')
    expect(await gw.balance(HAN, 'phone_bill')).toBe('20.00')
  })

  it('confirms a phone-bill charge by 1; re-asks after a wrong PIN on a wallet one', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    await speakUssd(phone, LI)
    const bill = await requestPayment(gw, RINGTONES, {
      msisdn: LI,
      amount: '3.00',
      reference: 'tone',
      account: 'phone_bill',
    })
    const prompt = await screenFor(phone, LI)
    expect(prompt.text).toMatch(/\n1 Confirm\n2 Decline$/)
    expect((await typeIn(phone, LI, '1', prompt.sessionInfo)).op).toBe(ussdOp.ussnRequest)
    expect(await statusOf(world, RINGTONES, bill)).toBe('completed')
    expect(await gw.balance(LI, 'phone_bill')).toBe('47.00')

    const wallet = await requestPayment(gw, CINEMA, {
      msisdn: LI,
      amount: '10.00',
      reference: 'row-9',
    })
    const ask = await screenFor(phone, LI)
    const wrong = await typeIn(phone, LI, '9999', ask.sessionInfo)
    expect(wrong.op).toBe(ussdOp.ussrRequest)
    expect(wrong.text).toMatch(/^Wrong PIN\. Tries left before your account is locked: 2/)
    expect(wrong.text).toMatch(/Enter your PIN/)
    expect((await typeIn(phone, LI, LI_PIN, ask.sessionInfo)).op).toBe(ussdOp.ussnRequest)
    expect(await statusOf(world, CINEMA, wallet)).toBe('completed')
  })

  it('sends the SMS instead while the subscriber is in a USSD session (USSD-Busy)', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    const info = phone.newSessionInfo()
    await phone.dial(LI, '*123#', { sessionInfo: info })
    await screenFor(phone, LI)
    await requestPayment(gw, RINGTONES, { msisdn: LI, amount: '25.00', reference: 'song-8' })
    const sms = await phone.nextSms(LI, 5_000)
    expect(sms).toMatch(/^Ringtone Store asks for CNY 25\.00 .*Reply YES <PIN>/)
    expect(phone.pending()).toBe(0)
    // The open dialogue goes on undisturbed.
    expect((await typeIn(phone, LI, '1', info)).text).toMatch(/500\.00/)
  })

  it('sends the SMS once an unanswered push idles out; a late answer finds it over', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    await speakUssd(phone, LI)
    const id = await requestPayment(gw, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'song-9',
    })
    const prompt = await screenFor(phone, LI)
    expect(await phone.nextSms(LI, 300)).toBeNull()
    await gw.advance(gw.gateway.ussd.limits.sessionIdleMs / 1000)
    expect(await phone.nextSms(LI, 5_000)).toMatch(
      /^Ringtone Store asks for CNY 25\.00 .*song-9.*YES <PIN>/,
    )
    // The sweep closed the dialogue with the timeout: an answer now ends it politely, pays nothing.
    const late = await typeIn(phone, LI, LI_PIN, prompt.sessionInfo)
    expect(late.op).not.toBe(ussdOp.ussrRequest)
    expect(late.text).toMatch(/dial again/)
    expect(await statusOf(world, RINGTONES, id)).toBe('pending_authorization')
  })

  it('sends the SMS at once when the push ends unanswered (three wrong entries)', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    await speakUssd(phone, LI)
    const id = await requestPayment(gw, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'song-12',
    })
    const prompt = await screenFor(phone, LI)
    await typeIn(phone, LI, 'x', prompt.sessionInfo)
    await typeIn(phone, LI, '12', prompt.sessionInfo)
    const ended = await typeIn(phone, LI, 'y', prompt.sessionInfo)
    expect(ended.op).toBe(ussdOp.ussnRequest)
    expect(ended.text).toMatch(/Nothing was paid/)
    expect(await phone.nextSms(LI, 5_000)).toMatch(/^Ringtone Store asks for CNY 25\.00 .*song-12/)
    expect(await statusOf(world, RINGTONES, id)).toBe('pending_authorization')
  })

  it('sends the SMS when no bind has spoken USSD', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    await requestPayment(gw, RINGTONES, { msisdn: LI, amount: '25.00', reference: 'song-10' })
    expect(await phone.nextSms(LI, 5_000)).toMatch(/^Ringtone Store asks for CNY 25\.00/)
    expect(phone.pending()).toBe(0)
  })

  it('sends the SMS at once when the phone refuses the push', async () => {
    world = await startUssdWorld()
    const { gw } = world
    const smpp = gw.gateway.smpp
    if (smpp === null) throw new Error('no SMSC simulator')
    let refusing = false
    const refuser = new UssdPhone({
      host: smpp.host,
      port: smpp.port,
      screenStatus: () => (refusing ? 0x08 : 0),
    })
    extraPhones.push(refuser)
    expect(await refuser.bind()).toBeNull()
    await speakUssd(refuser, LI)
    refusing = true
    await requestPayment(gw, RINGTONES, { msisdn: LI, amount: '25.00', reference: 'song-11' })
    const sms = await until('the SMS prompt', async () =>
      (await Promise.all([refuser.nextSms(LI, 50), world?.phone.nextSms(LI, 50)])).find(
        (text) => typeof text === 'string',
      ),
    )
    expect(sms).toMatch(/^Ringtone Store asks for CNY 25\.00 .*song-11/)
    expect(await gw.smsTo(LI)).toEqual([])
  })
})
