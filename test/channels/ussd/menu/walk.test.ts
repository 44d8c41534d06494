/**
 * walk.test.ts - every branch of the *123# tree in English and Chinese: the screens a user
 * passes, the command each flow produces (with authorize and the PIN only where one is due),
 * and the closing screen made from the core's result.
 */
import { describe, expect, it } from 'vitest'
import type { Language, SubscriberCommand } from '../../../../src/core/index.js'
import { refused } from '../../../../src/core/index.js'
import { renderMessage } from '../../../../src/messages/render.js'
import { HAN, LI, PIN, commandOf, dial, engine, fakeResult, fitsOnePage, screenOf, type } from './drive.js'

interface Flow {
  readonly name: string
  readonly inputs: readonly string[]
  readonly command: SubscriberCommand
  readonly pin: string | null
  readonly newPin?: string
  /** Facts the last screen before the command (the confirm screen) must show, per language. */
  readonly confirm?: Readonly<Record<Language, readonly string[]>>
}

const flows: readonly Flow[] = [
  { name: 'balance', inputs: ['1'], command: { kind: 'balance', msisdn: LI }, pin: null },
  { name: 'mini statement', inputs: ['7'], command: { kind: 'statement', msisdn: LI }, pin: null },
  {
    name: 'pay merchant from the wallet', inputs: ['2', '1001', '25', '1', PIN], pin: PIN,
    command: { kind: 'pay_merchant', msisdn: LI, merchantCode: '1001', amountMinor: 2500n, funding: 'wallet', authorize: true },
    confirm: { en: ['25.00', '1001', 'wallet', 'PIN'], zh: ['25.00', '1001', '钱包', '密码'] },
  },
  {
    name: 'pay merchant on the phone bill (no PIN)', inputs: ['2', '1001', '25.5', '2', '1'], pin: null,
    command: { kind: 'pay_merchant', msisdn: LI, merchantCode: '1001', amountMinor: 2550n, funding: 'phone_bill', authorize: true },
    confirm: { en: ['25.50', '1001', 'phone bill', '1 Confirm', '2 Cancel'], zh: ['25.50', '1001', '话费账户', '1 确认', '2 取消'] },
  },
  {
    name: 'pay merchant by bank card', inputs: ['2', '1002', '80', '3', PIN], pin: PIN,
    command: { kind: 'pay_merchant', msisdn: LI, merchantCode: '1002', amountMinor: 8000n, funding: 'bank', authorize: true },
    confirm: { en: ['80.00', '1002', 'bank card'], zh: ['80.00', '1002', '银行卡'] },
  },
  {
    name: 'pay bill from the wallet', inputs: ['3', '2001', 'ACC42', '30', '1', PIN], pin: PIN,
    command: { kind: 'pay_bill', msisdn: LI, billerCode: '2001', customerRef: 'ACC42', amountMinor: 3000n, funding: 'wallet', authorize: true },
    confirm: { en: ['30.00', '2001', 'ACC42', 'wallet'], zh: ['30.00', '2001', 'ACC42', '钱包'] },
  },
  {
    name: 'pay bill on the phone bill', inputs: ['3', '2002', '77', '12', '2', '1'], pin: null,
    command: { kind: 'pay_bill', msisdn: LI, billerCode: '2002', customerRef: '77', amountMinor: 1200n, funding: 'phone_bill', authorize: true },
  },
  {
    name: 'pay bill by bank card', inputs: ['3', '2001', 'X9', '5', '3', PIN], pin: PIN,
    command: { kind: 'pay_bill', msisdn: LI, billerCode: '2001', customerRef: 'X9', amountMinor: 500n, funding: 'bank', authorize: true },
  },
  {
    name: 'airtime for my number from the wallet', inputs: ['4', '1', '10', '1', PIN], pin: PIN,
    command: { kind: 'top_up_airtime', msisdn: LI, beneficiaryMsisdn: LI, amountMinor: 1000n, funding: 'wallet', authorize: true },
    confirm: { en: ['10.00', LI, 'wallet'], zh: ['10.00', LI, '钱包'] },
  },
  {
    name: 'airtime for another number on the phone bill', inputs: ['4', '2', HAN, '10', '2', '1'], pin: null,
    command: { kind: 'top_up_airtime', msisdn: LI, beneficiaryMsisdn: HAN, amountMinor: 1000n, funding: 'phone_bill', authorize: true },
  },
  {
    name: 'airtime for another number by bank card (+ form normalized)', inputs: ['4', '2', `+${HAN}`, '20', '3', PIN], pin: PIN,
    command: { kind: 'top_up_airtime', msisdn: LI, beneficiaryMsisdn: HAN, amountMinor: 2000n, funding: 'bank', authorize: true },
  },
  {
    name: 'send money', inputs: ['5', `00${HAN}`, '12.34', PIN], pin: PIN,
    command: { kind: 'send_money', msisdn: LI, payeeMsisdn: HAN, amountMinor: 1234n, authorize: true },
    confirm: { en: ['12.34', HAN, 'wallet'], zh: ['12.34', HAN, '钱包'] },
  },
  {
    name: 'pay order from the wallet', inputs: ['6', '880001', '1', PIN], pin: PIN,
    command: { kind: 'pay_order', msisdn: LI, orderNo: '880001', funding: 'wallet', authorize: true },
    confirm: { en: ['880001', 'wallet'], zh: ['880001', '钱包'] },
  },
  {
    name: 'pay order on the phone bill', inputs: ['6', '880001', '2', '1'], pin: null,
    command: { kind: 'pay_order', msisdn: LI, orderNo: '880001', funding: 'phone_bill', authorize: true },
  },
  {
    name: 'pay order by bank card', inputs: ['6', '880001', '3', PIN], pin: PIN,
    command: { kind: 'pay_order', msisdn: LI, orderNo: '880001', funding: 'bank', authorize: true },
  },
  {
    name: 'change PIN', inputs: ['8', '1', PIN, '5860', '5860'], pin: PIN, newPin: '5860',
    command: { kind: 'change_pin', msisdn: LI },
  },
]

describe.each(['en', 'zh'] as const)('every flow in %s', (language) => {
  it.each(flows)('$name', (flow) => {
    let step = dial('*123#', language)
    const screens: string[] = []
    for (const input of flow.inputs) {
      const screen = screenOf(step)
      expect(screen.type).toBe('CON')
      expect(fitsOnePage(screen.text), screen.text).toBe(true)
      screens.push(screen.text)
      step = engine.input(step.session, input)
    }
    const run = commandOf(step)
    expect(run.command).toEqual(flow.command)
    expect(run.pin).toBe(flow.pin)
    expect(run.newPin).toBe(flow.newPin ?? null)
    for (const fact of flow.confirm?.[language] ?? []) expect(screens.at(-1)).toContain(fact)
    // The idempotency key is per hop: the command's hop is the number of inputs typed.
    expect(step.session.hop).toBe(flow.inputs.length)
    expect(step.session.trail).toHaveLength(flow.inputs.length)
  })
})

describe('screens in each language', () => {
  it('opens the SPEC main menu in English and in Chinese', () => {
    expect(screenOf(dial('*123#', 'en')).text).toBe(
      'telepay\n1 Balance\n2 Pay merchant\n3 Pay bill\n4 Buy airtime\n5 Send money\n6 Pay order\n7 Mini statement\n8 Settings',
    )
    const zh = screenOf(dial('*123#', 'zh')).text
    expect(zh.split('\n').slice(1)).toEqual(['1 查询余额', '2 商户付款', '3 缴费', '4 话费充值', '5 转账', '6 订单付款', '7 最近交易', '8 设置'])
  })

  it('offers the accounts as 1 Wallet, 2 Phone bill, 3 Bank card', () => {
    const text = screenOf(type(dial(), '2', '1001', '25')).text
    expect(text.split('\n').slice(1, 4)).toEqual(['1 Wallet', '2 Phone bill', '3 Bank card'])
  })

  it.each(['en', 'zh'] as const)('cancels a phone-bill payment with END and no command (%s)', (language) => {
    const step = type(dial('*123#', language), '2', '1001', '25', '2', '2')
    const screen = screenOf(step)
    expect(screen.type).toBe('END')
    expect(screen.text).toBe(language === 'en' ? 'Payment cancelled. No money was taken.' : '付款已取消，未扣款。')
    expect(step.session.ended).toBe(true)
  })

  it('switches the session to Chinese and back from settings', () => {
    const zh = type(dial(), '8', '2', '2')
    expect(zh.session.language).toBe('zh')
    expect(screenOf(zh).text).toContain('1 查询余额')
    const balance = type(zh, '1')
    expect(commandOf(balance).command.kind).toBe('balance')
    // The answer is shown in the language chosen for the session, not the subscriber's default.
    const result = fakeResult({ key: 'balance.summary', params: { wallet: '500.00', phoneBill: '50.00' } }, 'en')
    expect(screenOf(engine.resume(balance.session, result)).text).toBe('余额：钱包500.00元，话费50.00元。')
    const en = type(dial('*123#', 'zh'), '8', '2', '1')
    expect(en.session.language).toBe('en')
    expect(screenOf(en).text).toContain('1 Balance')
  })
})

describe('closing screens', () => {
  it.each(['en', 'zh'] as const)('ends a payment with the result message in %s', (language) => {
    const step = type(dial('*123#', language), '2', '1001', '25', '1', PIN)
    const message = { key: 'payment.completed', params: { amount: '25.00', payee: 'Ringtone Store', account: 'wallet', ref: 'T1A2B3C' } } as const
    const closing = engine.resume(step.session, fakeResult(message, language, 'T1A2B3C'))
    const screen = screenOf(closing)
    expect(screen).toEqual({ type: 'END', text: renderMessage(message, language) })
    expect(closing.session.ended).toBe(true)
  })

  it('ends a refusal with its reason', () => {
    const step = type(dial(), '2', '1001', '25', '1', PIN)
    const closing = screenOf(engine.resume(step.session, refused('pin_incorrect', 'en', { params: { triesLeft: '2' } })))
    expect(closing).toEqual({ type: 'END', text: 'Wrong PIN. 2 tries left before your account is locked.' })
  })

  it('answers a hop after the end with the last screen again', () => {
    const ended = type(dial(), '2', '1001', '25', '2', '2')
    const again = engine.input(ended.session, '1')
    expect(screenOf(again)).toEqual(screenOf(ended))
  })

  it('gives the polite timeout END in both languages', () => {
    expect(engine.timeoutScreen('en')).toEqual({ type: 'END', text: 'Your request is taking longer than usual. Check your balance before you try again.' })
    expect(engine.timeoutScreen('zh').type).toBe('END')
    expect(fitsOnePage(engine.timeoutScreen('zh').text)).toBe(true)
  })
})
