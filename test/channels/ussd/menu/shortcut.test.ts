/**
 * shortcut.test.ts - shortcut dialling: `*123*2*1001*25#` replays its parts as inputs and stops
 * at the first screen they do not answer, never at or past a PIN and never past a payment's
 * confirm screen: a dial may ask the core for a payment (which moves no money) but never
 * confirms or cancels one.
 */
import { describe, expect, it } from 'vitest'
import {
  commandOf,
  dial,
  engine,
  PIN,
  screenOf,
  sessionJson,
  type,
  WAITING_ID,
  waiting,
} from './drive.js'

describe('shortcut dialling', () => {
  it('opens *123*2*1001*25# at the account choice of "pay 25.00 to 1001"', () => {
    const step = dial('*123*2*1001*25#')
    expect(screenOf(step)).toEqual({
      type: 'CON',
      text: 'Pay CNY 25.00 to merchant 1001 from:\n1 Wallet\n2 Phone bill\n3 Bank card\n0 Back',
    })
    expect(step.session.hop).toBe(0)
    expect(step.session.trail).toEqual(['2', '1001', '25'])
    // The flow goes on as if the parts had been typed.
    expect(commandOf(type(step, '1')).command).toMatchObject({
      kind: 'pay_merchant',
      merchantCode: '1001',
      amountMinor: 2500n,
      funding: 'wallet',
    })
  })

  it('asks the core for the payment, stops at the PIN screen, ignores the rest, PIN too', () => {
    const asking = dial(`*123*2*1001*25*1*${PIN}#`)
    expect(commandOf(asking)).toEqual({
      command: {
        kind: 'pay_merchant',
        msisdn: '8613800138000',
        merchantCode: '1001',
        amountMinor: 2500n,
        funding: 'wallet',
        authorize: false,
      },
      pin: null,
      newPin: null,
    })
    expect(asking.session.trail).toEqual(['2', '1001', '25', '1'])
    expect(sessionJson(asking.session)).not.toContain(PIN)
    const step = engine.resume(
      asking.session,
      waiting('payment.confirm_pin', {
        amount: '25.00',
        payee: 'Ringtone Store',
        account: 'wallet',
      }),
    )
    expect(screenOf(step)).toEqual({
      type: 'CON',
      text: 'Pay CNY 25.00 to Ringtone Store from your wallet.\nEnter your PIN to confirm',
    })
    expect(step.session.state).toBe('pay_merchant.confirm_pin')
    expect(sessionJson(step.session)).not.toContain(PIN)
    // The PIN must still be typed on the screen.
    expect(commandOf(engine.input(step.session, PIN))).toEqual({
      command: { kind: 'confirm', msisdn: '8613800138000', paymentId: WAITING_ID },
      pin: PIN,
      newPin: null,
    })
  })

  it('stops at the phone-bill confirm screen: a dial string never confirms a payment', () => {
    const asking = dial('*123*2*1001*25*2*1#')
    expect(commandOf(asking).command).toMatchObject({
      kind: 'pay_merchant',
      funding: 'phone_bill',
      authorize: false,
    })
    const step = engine.resume(
      asking.session,
      waiting('payment.confirm_sim', {
        amount: '25.00',
        payee: 'Ringtone Store',
        account: 'phone_bill',
      }),
    )
    expect(step.kind).toBe('screen')
    expect(screenOf(step).text).toContain('1 Confirm')
    expect(step.session.state).toBe('pay_merchant.confirm_sim')
  })

  it('switches and stores the language from a dial', () => {
    expect(commandOf(dial('*123*8*2*2#')).command).toEqual({
      kind: 'set_language',
      msisdn: '8613800138000',
      language: 'zh',
    })
  })

  it('stops before the current-PIN screen of a PIN change', () => {
    const step = dial(`*123*8*1*${PIN}*5860*5860#`)
    expect(step.session.state).toBe('settings.pin_current')
    expect(sessionJson(step.session)).not.toContain(PIN)
  })

  it('runs a balance at once: reads move no money', () => {
    expect(commandOf(dial('*123*1#')).command).toEqual({ kind: 'balance', msisdn: '8613800138000' })
  })

  it('stops at a refused part with its re-prompt', () => {
    const step = dial('*123*2*10x1*25#')
    expect(screenOf(step).text.split('\n')[0]).toBe(
      'A merchant code is 3 to 8 digits, such as 1001. Enter it again.',
    )
    expect(step.session.state).toBe('pay_merchant')
  })

  it('works in Chinese and skips empty parts', () => {
    const step = dial('*123*6**880001#', 'zh')
    expect(screenOf(step).text).toBe(
      '支付订单880001，付款账户：\n1 钱包\n2 话费账户\n3 银行卡\n0 返回',
    )
  })

  it.each(['*124#', '*1234#', '*123', '123#', 'hello', '', '#123*'])(
    'refuses dial %j with an END',
    (dialString) => {
      const step = dial(dialString)
      expect(screenOf(step)).toEqual({
        type: 'END',
        text: 'This code is not a telepay service. Dial *123# for telepay.',
      })
      expect(step.session.ended).toBe(true)
    },
  )
})
