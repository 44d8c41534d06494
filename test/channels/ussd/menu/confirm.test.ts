/**
 * confirm.test.ts - a payment's two steps in the engine, with the core's answers faked: a
 * refusal of the first step ends the session before any PIN is asked, in USSD words; a wrong PIN
 * is asked again on the confirm screen; leaving the confirm screen (0, 00, too many wrong
 * entries) runs `cancel` before the screen it leads to, whatever the core answers; staying on it
 * (a re-prompt) does not. Every confirm and cancel names the payment the screen shows (never on a
 * screen), and an answer the core refuses because that payment was replaced says so and ends.
 */
import { describe, expect, it } from 'vitest'
import type { EngineStep } from '../../../../channels/ussd/contract.js'
import { waitingPaymentOf, waitsForConfirm } from '../../../../channels/ussd/menu/index.js'
import type { Language } from '../../../../src/core/index.js'
import { refused, succeeded } from '../../../../src/core/index.js'
import {
  commandOf,
  dial,
  engine,
  fakeResult,
  LI,
  PIN,
  refusedWaiting,
  screenOf,
  sessionJson,
  type,
  WAITING_ID,
  waiting,
  waitingPayment,
} from './drive.js'

const mainEn = screenOf(dial()).text
const cancel = {
  command: { kind: 'cancel', msisdn: LI, paymentId: WAITING_ID },
  pin: null,
  newPin: null,
}
const cancelled = fakeResult({
  key: 'payment.cancelled',
  params: { amount: '25.00', payee: 'Ringtone Store' },
})

/** Li Lei at the PIN screen of "pay 25.00 to Ringtone Store from the wallet". */
function atPinScreen(language: Language = 'en'): EngineStep {
  const asking = type(dial('*123#', language), '2', '1001', '25', '1')
  return engine.resume(
    asking.session,
    waiting(
      'payment.confirm_pin',
      { amount: '25.00', payee: 'Ringtone Store', account: 'wallet' },
      language,
    ),
  )
}

describe('refusals come before the PIN', () => {
  it.each([
    [
      'merchant_not_found',
      ['2', '9999', '5', '1'],
      'Merchant not found. Nothing was paid. Check the merchant code and dial *123# again.',
    ],
    [
      'merchant_not_found',
      ['3', '2999', 'A1', '5', '1'],
      'Biller not found. Nothing was paid. Check the biller code on your bill and dial ' +
        '*123# again.',
    ],
    [
      'order_already_paid',
      ['6', '880001', '1'],
      'This order has already been paid. No money was taken.',
    ],
    [
      'payee_not_registered',
      ['5', '8613700137000', '5'],
      'The recipient number is not registered for telepay. Nothing was paid. Check the ' +
        'number and dial *123# again.',
    ],
    [
      'payee_is_payer',
      ['4', '1', '5', '2'],
      'Airtime for your own number cannot come from your own phone bill. Nothing was paid. ' +
        'Dial *123# and choose Wallet or Bank card.',
    ],
    [
      'insufficient_funds',
      ['2', '1001', '900', '1'],
      'Not enough money in this account. Top up or choose another account, then try again.',
    ],
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
    expect(screenOf(engine.resume(asking.session, refused('order_not_found', 'zh'))).text).toBe(
      '订单不存在，未扣款。请核对订单号后重新拨打*123#。',
    )
  })
})

describe('the PIN on the confirm screen', () => {
  it('asks again after a wrong PIN, saying so, and sends the next PIN with another confirm', () => {
    const first = engine.input(atPinScreen().session, '9999')
    expect(commandOf(first)).toEqual({
      command: { kind: 'confirm', msisdn: LI, paymentId: WAITING_ID },
      pin: '9999',
      newPin: null,
    })
    const again = engine.resume(first.session, refusedWaiting('pin_incorrect', { triesLeft: '2' }))
    expect(screenOf(again)).toEqual({
      type: 'CON',
      text:
        'Wrong PIN. Tries left before your account is locked: 2.\nPay CNY 25.00 to Ringtone ' +
        'Store from your wallet.\nEnter your PIN to confirm',
    })
    const second = engine.input(again.session, PIN)
    expect(commandOf(second).pin).toBe(PIN)
    expect(second.session.hop).toBe(first.session.hop + 1)
  })

  it('asks again in Chinese', () => {
    const first = engine.input(atPinScreen('zh').session, '9999')
    const again = screenOf(
      engine.resume(first.session, refusedWaiting('pin_incorrect', { triesLeft: '1' }, 'zh')),
    )
    expect(again.text.split('\n')).toEqual([
      '密码错误，还可尝试1次，用完将锁定账户。',
      '从钱包向Ringtone Store支付25.00元。',
      '请输入密码确认',
    ])
  })

  it('ends with the lock when the last PIN was wrong: the core ended the payment', () => {
    const first = engine.input(atPinScreen().session, '9999')
    const locked = engine.resume(
      first.session,
      refused('pin_attempts_exceeded', 'en', { params: { lockMinutes: '15' } }),
    )
    expect(screenOf(locked)).toEqual({
      type: 'END',
      text: 'Too many wrong PINs. Your account is locked; please try again in 15 minutes.',
    })
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
      expect(screenOf(accounts)).toEqual({
        type: 'CON',
        text: 'Pay CNY 25.00 to merchant 1001 from:\n1 Wallet\n2 Phone bill\n3 Bank card\n0 Back',
      })
      // Nothing waits any more: going further back runs no second cancel.
      expect(screenOf(engine.input(accounts.session, '0')).text).toBe(
        'Pay merchant 1001\nEnter the amount (CNY)',
      )
    }
  })

  it('runs cancel on 00, then shows the main menu', () => {
    const leaving = engine.input(atPinScreen().session, '00')
    expect(commandOf(leaving)).toEqual(cancel)
    expect(screenOf(engine.resume(leaving.session, cancelled)).text).toBe(mainEn)
  })

  it('runs cancel on 0 from a phone-bill confirm screen too', () => {
    const asking = type(dial(), '2', '1001', '25', '2')
    const confirm = engine.resume(
      asking.session,
      waiting('payment.confirm_sim', {
        amount: '25.00',
        payee: 'Ringtone Store',
        account: 'phone_bill',
      }),
    )
    expect(commandOf(engine.input(confirm.session, '0'))).toEqual(cancel)
  })

  it('runs cancel before the END of too many wrong entries', () => {
    let step = atPinScreen()
    step = type(step, 'x', 'y')
    const leaving = engine.input(step.session, 'z')
    expect(commandOf(leaving)).toEqual(cancel)
    const closing = engine.resume(leaving.session, cancelled)
    expect(screenOf(closing)).toEqual({
      type: 'END',
      text: 'Too many wrong entries. Nothing was paid. Dial *123# to start again.',
    })
    expect(closing.session.ended).toBe(true)
  })

  it('tells the channel while a payment waits for the session, not once left or answered', () => {
    const pinScreen = atPinScreen()
    expect(waitsForConfirm(pinScreen.session)).toBe(true)
    expect(waitsForConfirm(type(dial(), '2', '1001', '25').session)).toBe(false)
    const leaving = engine.input(pinScreen.session, '0')
    expect(waitsForConfirm(engine.resume(leaving.session, cancelled).session)).toBe(false)
    const confirming = engine.input(pinScreen.session, PIN)
    const paid = engine.resume(
      confirming.session,
      fakeResult({
        key: 'payment.completed',
        params: { amount: '25.00', payee: 'Ringtone Store', account: 'wallet', ref: 'T1A2B3C' },
      }),
    )
    expect(waitsForConfirm(paid.session)).toBe(false)
  })

  it('runs no cancel on a screen where nothing waits', () => {
    expect(screenOf(type(dial(), '2', '1001', '25', '0')).text).toBe(
      'Pay merchant 1001\nEnter the amount (CNY)',
    )
  })
})

describe('a confirm screen answers the payment it shows, and no other', () => {
  const shown = 'P000077'
  const params = { amount: '25.00', payee: 'Ringtone Store', account: 'wallet' }
  /** The PIN screen of a payment the core gave the id `shown`. */
  function atScreenOf(language: Language = 'en', funding: '1' | '2' = '1'): EngineStep {
    const asking = type(dial('*123#', language), '2', '1001', '25', funding)
    const key = funding === '1' ? 'payment.confirm_pin' : 'payment.confirm_sim'
    const account = funding === '1' ? 'wallet' : 'phone_bill'
    return engine.resume(
      asking.session,
      succeeded({ key, params: { ...params, account } }, language, {
        payment: waitingPayment(account, shown),
      }),
    )
  }

  it('names that payment in the confirm, Cancel and cancels of leaving; its id off screen', () => {
    const pinScreen = atScreenOf()
    expect(waitingPaymentOf(pinScreen.session)).toBe(shown)
    expect(screenOf(pinScreen).text).not.toContain(shown)
    expect(commandOf(engine.input(pinScreen.session, PIN)).command).toEqual({
      kind: 'confirm',
      msisdn: LI,
      paymentId: shown,
    })
    for (const leave of [['0'], ['00'], ['x', 'y', 'z']]) {
      expect(commandOf(type(pinScreen, ...leave)).command).toEqual({
        kind: 'cancel',
        msisdn: LI,
        paymentId: shown,
      })
    }
    const simScreen = atScreenOf('en', '2')
    expect(commandOf(engine.input(simScreen.session, '1')).command).toEqual({
      kind: 'confirm',
      msisdn: LI,
      paymentId: shown,
    })
    expect(commandOf(engine.input(simScreen.session, '2')).command).toEqual({
      kind: 'cancel',
      msisdn: LI,
      paymentId: shown,
    })
    const reprompt = engine.resume(
      engine.input(pinScreen.session, '9999').session,
      refused('pin_incorrect', 'en', {
        params: { triesLeft: '2' },
        payment: waitingPayment('wallet', shown),
      }),
    )
    expect(screenOf(reprompt).text).not.toContain(shown)
    expect(commandOf(engine.input(reprompt.session, PIN)).command).toEqual({
      kind: 'confirm',
      msisdn: LI,
      paymentId: shown,
    })
  })

  it.each([
    [
      'en',
      PIN,
      'This payment is no longer waiting for you: it expired or was replaced. Nothing was ' +
        'paid. Dial *123# to pay again.',
    ],
    ['zh', PIN, '该笔支付已不在等待确认（已失效或被替代），未扣款。请重新拨打*123#支付。'],
  ] as const)(
    'in %s, ends with a clear answer when the core says the payment it showed no longer waits',
    (language, input, text) => {
      const confirming = engine.input(atScreenOf(language).session, input)
      const closing = engine.resume(confirming.session, refused('no_pending_payment', language))
      expect(screenOf(closing)).toEqual({ type: 'END', text })
      expect(closing.session.ended).toBe(true)
      expect(waitsForConfirm(closing.session)).toBe(false)
    },
  )

  it('says so too when Cancel on a phone-bill screen finds the payment gone', () => {
    const cancelling = engine.input(atScreenOf('en', '2').session, '2')
    expect(
      screenOf(engine.resume(cancelling.session, refused('no_pending_payment', 'en'))).text,
    ).toMatch(
      /^This payment is no longer waiting for you: it expired or was replaced\. Nothing was paid\./,
    )
  })

  it('does not ask about another payment a wrong-PIN answer carries: it is not on screen', () => {
    const confirming = engine.input(atScreenOf().session, '9999')
    const other = refused('pin_incorrect', 'en', {
      params: { triesLeft: '2' },
      payment: waitingPayment('wallet', 'P000099'),
    })
    const step = engine.resume(confirming.session, other)
    expect(screenOf(step).type).toBe('END')
    expect(waitsForConfirm(step.session)).toBe(false)
  })

  it('sends no bare confirm from a confirm screen the core left no payment waiting for', () => {
    const asking = type(dial(), '2', '1001', '25', '1')
    // An answer whose key leads to the confirm screen but that holds no payment (a core change).
    const screen = engine.resume(asking.session, fakeResult({ key: 'payment.confirm_pin', params }))
    expect(waitingPaymentOf(screen.session)).toBeNull()
    const step = engine.input(screen.session, PIN)
    expect(screenOf(step)).toEqual({
      type: 'END',
      text: 'Sorry, this session cannot continue. Nothing was paid. Dial *123# to start again.',
    })
    expect(sessionJson(step.session)).not.toContain(PIN)
  })
})
