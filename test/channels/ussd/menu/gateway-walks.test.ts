/**
 * gateway-walks.test.ts - end-to-end walks of the menus against a real gateway: each command
 * the engine produces runs through the PaymentService (as the USSD channel hands it in, keyed
 * by session and hop), and the confirm and closing screens are built from the real results:
 * refusals before the PIN, the confirm screen from the core's own words, a wrong PIN asked
 * again, the waiting payment cancelled when the user backs out, the registration check at the
 * dial, and the language kept by the core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineStep } from '../../../../channels/ussd/contract.js'
import type { Language } from '../../../../src/core/index.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import {
  HAN,
  LI,
  LI_PIN,
  NOBODY,
  startTestGateway,
  ZHANG,
  ZHANG_PIN,
} from '../../../support/gateway-fixture.js'
import { engine, fitsOnePage, screenOf } from './drive.js'

let t: GatewayFixture
let sessions = 0

beforeAll(async () => {
  t = await startTestGateway()
})

afterAll(async () => {
  await t.close()
})

/** Runs the commands of a step through the payment service until a screen comes back. */
async function settle(from: EngineStep): Promise<EngineStep> {
  let step = from
  for (let guard = 0; step.kind === 'command'; guard += 1) {
    expect(guard).toBeLessThan(2)
    const { session, run } = step
    const result = await t.phone(run.command, {
      pin: run.pin,
      newPin: run.newPin,
      channel: 'ussd',
      key: `ussd:${session.sessionId}:${session.hop}`,
    })
    step = engine.resume(session, result)
  }
  return step
}

/** Dials, types each input, and returns the final screen after the commands ran. */
async function walk(
  msisdn: string,
  language: Language,
  dialString: string,
  ...inputs: string[]
): Promise<EngineStep> {
  sessions += 1
  let step = await settle(engine.start(`e2e-${sessions}`, msisdn, language, dialString))
  for (const input of inputs) {
    expect(screenOf(step).type).toBe('CON')
    step = await settle(engine.input(step.session, input))
  }
  expect(fitsOnePage(screenOf(step).text)).toBe(true)
  return step
}

describe('walks against a real gateway', () => {
  it('pays a merchant from the wallet with the PIN on the confirm screen', async () => {
    const step = await walk(LI, 'en', '*123#', '2', '1001', '25', '1', LI_PIN)
    expect(screenOf(step).type).toBe('END')
    expect(screenOf(step).text).toMatch(
      /^Paid CNY 25\.00 to Ringtone Store from your wallet\. Ref T[0-9A-Z]{6}\.$/,
    )
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })

  it('pays on the phone bill from a shortcut with 1 Confirm and no PIN', async () => {
    const step = await walk(LI, 'en', '*123*2*1001*10#', '2', '1')
    expect(screenOf(step).text).toMatch(/^Paid CNY 10\.00 to Ringtone Store from your phone bill\./)
    expect(await t.balance(LI, 'phone_bill')).toBe('40.00')
  })

  it('asks again after a wrong PIN, moving no money, and the right PIN then pays', async () => {
    const step = await walk(LI, 'en', '*123#', '5', ZHANG, '5', '9999')
    expect(screenOf(step)).toEqual({
      type: 'CON',
      text:
        `Wrong PIN. Tries left before your account is locked: 2.\nSend CNY 5.00 to ${ZHANG} ` +
        `from your wallet.\nEnter your PIN to confirm`,
    })
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
    const paid = await settle(engine.input(step.session, LI_PIN))
    expect(screenOf(paid).text).toMatch(
      /^Sent CNY 5\.00 to 8613900139000 from your wallet\. Ref T[0-9A-Z]{6}\.$/,
    )
    expect(await t.balance(LI, 'wallet')).toBe('470.00')
  })

  it("shows the order's payee and amount on the confirm screen, which the core told", async () => {
    const step = await walk(ZHANG, 'en', '*123#', '6', '880001', '3')
    expect(screenOf(step)).toEqual({
      type: 'CON',
      text:
        'Pay CNY 80.00 to Cinema Tickets for order 880001 from your bank card.\nEnter your ' +
        'PIN to confirm',
    })
    expect((await t.subscriber(ZHANG)).pendingPaymentId).not.toBeNull()
  })

  it('refuses before the PIN: an unknown merchant, and too little money', async () => {
    const unknown = await walk(HAN, 'en', '*123*2*9999*5*1#')
    expect(screenOf(unknown)).toEqual({
      type: 'END',
      text: 'Merchant not found. Nothing was paid. Check the merchant code and dial *123# again.',
    })
    const poor = await walk(HAN, 'zh', '*123#', '2', '1001', '100', '1')
    expect(screenOf(poor).type).toBe('END')
    expect(screenOf(poor).text).toContain('账户余额不足')
    expect((await t.subscriber(HAN)).pendingPaymentId).toBeNull()
    expect(await t.balance(HAN, 'wallet')).toBe('20.00')
  })

  it('cancels the waiting payment when the user backs out of the confirm screen', async () => {
    const confirm = await walk(HAN, 'zh', '*123*2*1001*5*1#')
    expect(screenOf(confirm).text).toContain('请输入密码确认')
    expect((await t.subscriber(HAN)).pendingPaymentId).not.toBeNull()
    const accounts = await settle(engine.input(confirm.session, '0'))
    expect(screenOf(accounts).text).toContain('1 钱包')
    expect((await t.subscriber(HAN)).pendingPaymentId).toBeNull()
    // Nothing is left for a YES by SMS to pay.
    expect((await t.confirm(HAN, '4321')).reason).toBe('no_pending_payment')
    expect(await t.balance(HAN, 'wallet')).toBe('20.00')
  })

  it('tells an unregistered number so at the dial', async () => {
    const step = await walk(NOBODY, 'en', '*123#')
    expect(screenOf(step)).toEqual({
      type: 'END',
      text:
        'Your number is not registered for telepay payments. Ask your operator or an agent to ' +
        'register it.',
    })
  })

  it('keeps the language chosen in Settings for every later answer', async () => {
    const step = await walk(ZHANG, 'en', '*123#', '8', '2', '2')
    expect(screenOf(step).text).toContain('1 查询余额')
    expect((await t.phone({ kind: 'balance', msisdn: ZHANG })).language).toBe('zh')
    const back = await walk(ZHANG, 'zh', '*123*8*2*1#')
    expect(screenOf(back).text).toContain('1 Balance')
    expect((await t.phone({ kind: 'balance', msisdn: ZHANG })).language).toBe('en')
  })

  it('shows the mini statement with the payments made', async () => {
    let step = await walk(LI, 'en', '*123*7#')
    const pages = [screenOf(step).text]
    while (screenOf(step).type === 'CON') {
      step = engine.input(step.session, '98')
      pages.push(screenOf(step).text)
    }
    const all = pages.join('\n')
    expect(all).toContain('-25.00 Ringtone Store')
    expect(all).toContain('-10.00 Ringtone Store')
  })

  it('answers a Chinese subscriber in Chinese', async () => {
    const step = await walk(HAN, 'zh', '*123*1#')
    expect(screenOf(step)).toEqual({ type: 'END', text: '余额：钱包20.00元，话费20.00元。' })
  })

  it('changes a PIN, after which the old one is wrong', async () => {
    const changed = await walk(ZHANG, 'en', '*123#', '8', '1', ZHANG_PIN, '2468', '2468')
    expect(screenOf(changed)).toEqual({
      type: 'END',
      text: 'Your PIN has been changed. Never share it with anyone.',
    })
    const again = await walk(ZHANG, 'en', '*123#', '8', '1', ZHANG_PIN, '1357', '1357')
    expect(screenOf(again).text).toMatch(/^Wrong PIN\./)
  })
})
