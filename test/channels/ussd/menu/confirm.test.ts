/**
 * confirm.test.ts - a payment's two steps in the engine, with the core's answers faked: a
 * refusal of the first step ends the session before any PIN is asked, in USSD words; a wrong PIN
 * is asked again on the confirm screen; leaving the confirm screen (0, 00, too many wrong
 * entries) runs `cancel` before the screen it leads to, whatever the core answers; staying on it
 * (a re-prompt) does not.
 */
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../../src/core/index.js'
import { refused } from '../../../../src/core/index.js'
import type { EngineStep } from '../../../../channels/ussd/contract.js'
import { waitsForConfirm } from '../../../../channels/ussd/menu/index.js'
import { LI, PIN, commandOf, dial, engine, fakeResult, refusedWaiting, screenOf, type, waiting } from './drive.js'

const mainEn = screenOf(dial()).text
const cancel = { command: { kind: 'cancel', msisdn: LI }, pin: null, newPin: null }
const cancelled = fakeResult({ key: 'payment.cancelled', params: { amount: '25.00', payee: 'Ringtone Store' } })

/** Li Lei at the PIN screen of "pay 25.00 to Ringtone Store from the wallet". */
function atPinScreen(language: Language = 'en'): EngineStep {
  const asking = type(dial('*123#', language), '2', '1001', '25', '1')
  return engine.resume(asking.session, waiting('payment.confirm_pin', { amount: '25.00', payee: 'Ringtone Store', account: 'wallet' }, language))
}

describe('refusals come before the PIN', () => {
  it.each([
    ['merchant_not_found', ['2', '9999', '5', '1'], 'Merchant not found. Nothing was paid. Check the merchant code and dial *123# again.'],
    ['merchant_not_found', ['3', '2999', 'A1', '5', '1'], 'Biller not found. Nothing was paid. Check the biller code on your bill and dial *123# again.'],
    ['order_already_paid', ['6', '880001', '1'], 'This order has already been paid. No money was taken.'],
    ['payee_not_registered', ['5', '8613700137000', '5'], 'The recipient number is not registered for telepay. Nothing was paid. Check the number and dial *123# again.'],
    ['payee_is_payer', ['4', '1', '5', '2'], 'Airtime for your own number cannot come from your own phone bill. Nothing was paid. Dial *123# and choose Wallet or Bank card.'],
    ['insufficient_funds', ['2', '1001', '900', '1'], 'Not enough money in this account. Top up or choose another account, then try again.'],
  ] as const)('%s after %j ends the session with it', (reason, inputs, text) => {
    const asking = type(dial(), ...inputs)
    expect(commandOf(asking).command).toMatchObject({ authorize: false })
    expect(commandOf(asking).pin).toBeNull()
    const closing = engine.resume(asking.session, refused(reason, 'en'))
    expect(screenOf(closing)).toEqual({ type: 'END', text })
    expect(closing.session.ended).toBe(true)
  })

  it('words a refusal in Chinese for a Chinese session', () => {
    const asking = type(dial('*123#', 'zh'), '6', '880002', '1')
    expect(screenOf(engine.resume(asking.session, refused('order_not_found', 'zh'))).text).toBe('订单不存在，未扣款。请核对订单号后重新拨打*123#。')
  })
})

describe('the PIN on the confirm screen', () => {
  it('asks again after a wrong PIN, saying so, and sends the next PIN with another confirm', () => {
    const first = engine.input(atPinScreen().session, '9999')
    expect(commandOf(first)).toEqual({ command: { kind: 'confirm', msisdn: LI }, pin: '9999', newPin: null })
    const again = engine.resume(first.session, refusedWaiting('pin_incorrect', { triesLeft: '2' }))
    expect(screenOf(again)).toEqual({
      type: 'CON', text: 'Wrong PIN. Tries left before your account is locked: 2.\nPay CNY 25.00 to Ringtone Store from your wallet.\nEnter your PIN to confirm',
    })
    const second = engine.input(again.session, PIN)
    expect(commandOf(second).pin).toBe(PIN)
    expect(second.session.hop).toBe(first.session.hop + 1)
  })

  it('asks again in Chinese', () => {
    const first = engine.input(atPinScreen('zh').session, '9999')
    const again = screenOf(engine.resume(first.session, refusedWaiting('pin_incorrect', { triesLeft: '1' }, 'zh')))
    expect(again.text.split('\n')).toEqual(['密码错误，还可尝试1次，用完将锁定账户。', '从钱包向Ringtone Store支付25.00元。', '请输入密码确认'])
  })

  it('ends with the lock when the last PIN was wrong: the core ended the payment', () => {
    const first = engine.input(atPinScreen().session, '9999')
    const locked = engine.resume(first.session, refused('pin_attempts_exceeded', 'en', { params: { lockMinutes: '15' } }))
    expect(screenOf(locked)).toEqual({ type: 'END', text: 'Too many wrong PINs. Your account is locked; please try again in 15 minutes.' })
  })

  it('re-prompts a PIN of the wrong form on the screen, with no command', () => {
    const step = engine.input(atPinScreen().session, '12')
    expect(screenOf(step).text.split('\n')[0]).toBe('A PIN is 4 to 6 digits. Enter your PIN again.')
    expect(step.session.state).toBe('pay_merchant.confirm_pin')
  })
})

describe('leaving the confirm screen cancels the waiting payment', () => {
  it('runs cancel on 0, then shows the account choice whatever the core said', () => {
    const leaving = engine.input(atPinScreen().session, '0')
    expect(commandOf(leaving)).toEqual(cancel)
    for (const answer of [cancelled, refused('no_pending_payment', 'en')]) {
      const accounts = engine.resume(leaving.session, answer)
      expect(screenOf(accounts)).toEqual({ type: 'CON', text: 'Pay CNY 25.00 to merchant 1001 from:\n1 Wallet\n2 Phone bill\n3 Bank card\n0 Back' })
      // Nothing waits any more: going further back runs no second cancel.
      expect(screenOf(engine.input(accounts.session, '0')).text).toBe('Pay merchant 1001\nEnter the amount (CNY)')
    }
  })

  it('runs cancel on 00, then shows the main menu', () => {
    const leaving = engine.input(atPinScreen().session, '00')
    expect(commandOf(leaving)).toEqual(cancel)
    expect(screenOf(engine.resume(leaving.session, cancelled)).text).toBe(mainEn)
  })

  it('runs cancel on 0 from a phone-bill confirm screen too', () => {
    const asking = type(dial(), '2', '1001', '25', '2')
    const confirm = engine.resume(asking.session, waiting('payment.confirm_sim', { amount: '25.00', payee: 'Ringtone Store', account: 'phone_bill' }))
    expect(commandOf(engine.input(confirm.session, '0'))).toEqual(cancel)
  })

  it('runs cancel before the END of too many wrong entries', () => {
    let step = atPinScreen()
    step = type(step, 'x', 'y')
    const leaving = engine.input(step.session, 'z')
    expect(commandOf(leaving)).toEqual(cancel)
    const closing = engine.resume(leaving.session, cancelled)
    expect(screenOf(closing)).toEqual({ type: 'END', text: 'Too many wrong entries. Nothing was paid. Dial *123# to start again.' })
    expect(closing.session.ended).toBe(true)
  })

  it('tells the channel while a payment waits for the session, and no longer once it is left or answered', () => {
    const pinScreen = atPinScreen()
    expect(waitsForConfirm(pinScreen.session)).toBe(true)
    expect(waitsForConfirm(type(dial(), '2', '1001', '25').session)).toBe(false)
    const leaving = engine.input(pinScreen.session, '0')
    expect(waitsForConfirm(engine.resume(leaving.session, cancelled).session)).toBe(false)
    const confirming = engine.input(pinScreen.session, PIN)
    const paid = engine.resume(confirming.session, fakeResult({ key: 'payment.completed', params: { amount: '25.00', payee: 'Ringtone Store', account: 'wallet', ref: 'T1A2B3C' } }))
    expect(waitsForConfirm(paid.session)).toBe(false)
  })

  it('runs no cancel on a screen where nothing waits', () => {
    expect(screenOf(type(dial(), '2', '1001', '25', '0')).text).toBe('Pay merchant 1001\nEnter the amount (CNY)')
  })
})
