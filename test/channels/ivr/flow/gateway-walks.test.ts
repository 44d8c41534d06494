/**
 * gateway-walks.test.ts - IVR calls walked against a real gateway: the engine's commands go to
 * the PaymentService as the channel hands them in (idempotency key `${callId}:${step}`), and the
 * money is checked where an operator would look. Balance, pay an order, pay a bill in Chinese, a
 * wrong PIN, a refusal before any PIN, and a hang-up that leaves the payment to expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IvrStep } from '../../../../channels/ivr/contract.js'
import { loadIvrEngine } from '../../../../channels/ivr/flow/index.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import {
  HAN,
  HAN_PIN,
  LI,
  LI_PIN,
  RINGTONES,
  startTestGateway,
  TRANSFER_REF,
  WATER,
  ZHANG,
} from '../../../support/gateway-fixture.js'
import { Caller, ids, isInLanguage, sayOf, settle, spoken } from './ivr-driver.js'

const engine = loadIvrEngine()
let fixture: GatewayFixture

beforeAll(async () => {
  fixture = await startTestGateway()
})

afterAll(async () => {
  await fixture.close()
})

async function press(caller: Caller, keys: string): Promise<IvrStep> {
  return settle(fixture.gateway.context.service, caller, caller.press(keys))
}

async function newOrder(amount: string): Promise<string> {
  const answer = await fixture.merchant(RINGTONES, 'POST', '/api/v1/orders', {
    amount,
    reference: `ivr-${amount}-${Date.now()}`,
    description: 'Ringtone',
  })
  expect(answer.status).toBe(201)
  return String(answer.json.orderNo)
}

describe('IVR calls against a real gateway', () => {
  it('1 speaks the balance the operator sees', async () => {
    const caller = Caller.dial(engine, { from: ZHANG, language: 'en' })
    const step = await press(caller, '1')
    expect(ids(step)).toEqual(['balance.result.balance.summary_with_card', 'main.say'])
    expect(spoken(step)).toContain(await fixture.balance(ZHANG, 'wallet'))
  })

  it('pays an order with the PIN: the wallet is debited, the call has the reference', async () => {
    const orderNo = await newOrder('12.00')
    const before = await fixture.balance(LI, 'wallet')
    const caller = Caller.dial(engine, { from: LI, language: 'en' })
    const confirm = await press(caller, `2${orderNo}#`)
    expect(ids(confirm)).toEqual(['pay_order.confirm.say'])
    expect(spoken(confirm)).toContain('Ringtone Store')
    expect(spoken(confirm)).toContain('12.00')
    await press(caller, '1')
    const done = sayOf(await press(caller, `${LI_PIN}#`))
    expect(done.ended).toBe(true)
    expect(caller.call.outcome).toBe('completed')
    expect(caller.call.reference).toMatch(TRANSFER_REF)
    expect(Number(await fixture.balance(LI, 'wallet'))).toBeCloseTo(Number(before) - 12, 2)
    expect(caller.stored.some((json) => json.includes(`"${LI_PIN}`))).toBe(false)
  })

  it('a wrong PIN is counted by the core and the right one then pays', async () => {
    const orderNo = await newOrder('3.00')
    const caller = Caller.dial(engine, { from: LI, language: 'en' })
    await press(caller, `2${orderNo}#1`)
    const wrong = await press(caller, '9999#')
    expect(ids(wrong)).toEqual(['pay.confirm.result.refusal.pin_incorrect', 'pay.pin.say'])
    expect(spoken(wrong)).toMatch(/Tries left before your account is locked: 2/)
    const done = sayOf(await press(caller, `${LI_PIN}#`))
    expect(done.ended).toBe(true)
    expect((await fixture.subscriber(LI)).pendingPaymentId).toBeNull()
  })

  it('pays a bill in Chinese', async () => {
    const before = await fixture.balance(HAN, 'wallet')
    const caller = Caller.dial(engine, { from: HAN, language: 'zh' })
    await press(caller, '3')
    await press(caller, `${WATER}#`)
    await press(caller, '12345#')
    const confirm = await press(caller, '5#')
    expect(ids(confirm)).toEqual(['pay_bill.confirm.say'])
    expect(spoken(confirm)).toContain('City Water')
    expect(isInLanguage(spoken(confirm), 'zh')).toBe(true)
    await press(caller, '1')
    const done = sayOf(await press(caller, `${HAN_PIN}#`))
    expect(done.ended).toBe(true)
    expect(done.prompts.every((prompt) => prompt.language === 'zh')).toBe(true)
    expect(Number(await fixture.balance(HAN, 'wallet'))).toBeCloseTo(Number(before) - 5, 2)
  })

  it("refuses an order the wallet cannot pay before a PIN, in the caller's language", async () => {
    const orderNo = await newOrder('900.00')
    const caller = Caller.dial(engine, { from: HAN, language: 'zh' })
    const step = await press(caller, `2${orderNo}#`)
    expect(ids(step)).toEqual(['pay_order.ask.result.refusal.insufficient_funds', 'main.say'])
    expect(isInLanguage(spoken(step), 'zh')).toBe(true)
    expect((await fixture.subscriber(HAN)).pendingPaymentId).toBeNull()
  })

  it("an unregistered caller who gives a subscriber's number pays as that subscriber", async () => {
    const orderNo = await newOrder('1.00')
    const caller = Caller.dial(engine, { from: '8613700137000', registered: false })
    await press(caller, `${LI}#`)
    const confirm = await press(caller, `2${orderNo}#`)
    expect(ids(confirm)).toEqual(['pay_order.confirm.say'])
    expect((await fixture.subscriber(LI)).pendingPaymentId).not.toBeNull()
    // 2 cancels: the waiting payment is gone and nothing was taken.
    const before = await fixture.balance(LI, 'wallet')
    const cancelled = await press(caller, '2')
    expect(ids(cancelled)).toEqual(['pay.cancel.result.payment.cancelled', 'main.say'])
    expect((await fixture.subscriber(LI)).pendingPaymentId).toBeNull()
    expect(await fixture.balance(LI, 'wallet')).toBe(before)
  })

  it('a hang-up at the confirm menu leaves the payment to expire, no money moved', async () => {
    const orderNo = await newOrder('7.00')
    const before = await fixture.balance(LI, 'wallet')
    const caller = Caller.dial(engine, { from: LI, language: 'en' })
    await press(caller, `2${orderNo}#`)
    await press(caller, '1')
    await press(caller, '12')
    expect((await fixture.subscriber(LI)).pendingPaymentId).not.toBeNull()
    expect(caller.hangup()).toMatchObject({ ended: true, outcome: 'hung_up' })
    await fixture.advance(121)
    expect((await fixture.subscriber(LI)).pendingPaymentId).toBeNull()
    expect(await fixture.balance(LI, 'wallet')).toBe(before)
    const ledger = await fixture.admin('GET', '/admin/api/ledger/check')
    expect(ledger.json.balanced).toBe(true)
  })
})
