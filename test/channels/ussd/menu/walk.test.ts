/**
 * walk.test.ts - every branch of the *123# tree in English and Chinese: the screens a user
 * passes, the command each flow produces, and for a payment the two steps: the payment asked of
 * the core (authorize false, no PIN), the confirm screen made from the core's answer (to whom,
 * how much, from which account), and the confirm with the PIN only where one is due.
 */
import { describe, expect, it } from 'vitest'
import type { Language, Message, SubscriberCommand } from '../../../../src/core/index.js'
import { refused } from '../../../../src/core/index.js'
import { renderMessage } from '../../../../src/gateway/reply/index.js'
import {
  commandOf,
  dial,
  engine,
  fakeResult,
  fitsOnePage,
  HAN,
  LI,
  PIN,
  screenOf,
  type,
  WAITING_ID,
  waiting,
} from './drive.js'

interface Flow {
  readonly name: string
  readonly inputs: readonly string[]
  readonly command: SubscriberCommand
  readonly pin: string | null
  readonly newPin?: string
}

const flows: readonly Flow[] = [
  { name: 'balance', inputs: ['1'], command: { kind: 'balance', msisdn: LI }, pin: null },
  { name: 'mini statement', inputs: ['7'], command: { kind: 'statement', msisdn: LI }, pin: null },
  {
    name: 'SIM card purse',
    inputs: ['9', '1'],
    command: { kind: 'card_balance', msisdn: LI },
    pin: null,
  },
  {
    name: 'change PIN',
    inputs: ['8', '1', PIN, '5860', '5860'],
    pin: PIN,
    newPin: '5860',
    command: { kind: 'change_pin', msisdn: LI },
  },
  {
    name: 'language: Chinese',
    inputs: ['8', '2', '2'],
    command: { kind: 'set_language', msisdn: LI, language: 'zh' },
    pin: null,
  },
  {
    name: 'language: English',
    inputs: ['8', '2', '1'],
    command: { kind: 'set_language', msisdn: LI, language: 'en' },
    pin: null,
  },
]

describe.each(['en', 'zh'] as const)('every non-payment flow in %s', (language) => {
  it.each(flows)('$name', (flow) => {
    let step = dial('*123#', language)
    for (const input of flow.inputs) {
      const screen = screenOf(step)
      expect(screen.type).toBe('CON')
      expect(fitsOnePage(screen.text), screen.text).toBe(true)
      step = engine.input(step.session, input)
    }
    const run = commandOf(step)
    expect(run.command).toEqual(flow.command)
    expect(run.pin).toBe(flow.pin)
    expect(run.newPin).toBe(flow.newPin ?? null)
    // The idempotency key is per hop: the command's hop is the number of inputs typed.
    expect(step.session.hop).toBe(flow.inputs.length)
    expect(step.session.trail).toHaveLength(flow.inputs.length)
  })
})

interface PaymentFlow {
  readonly name: string
  /** Inputs up to the payment's first command. */
  readonly inputs: readonly string[]
  readonly ask: SubscriberCommand
  /** The core's answer: the payment waits, and this is what it is. */
  readonly answer: Message
  /** Facts the confirm screen must show, per language. */
  readonly confirm: Readonly<Record<Language, readonly string[]>>
  /** The PIN, or 1 (Confirm) for a phone-bill micro-payment. */
  readonly pin: string | null
}

const ringtone = (amount: string, account: string): Message['params'] => ({
  amount,
  payee: 'Ringtone Store',
  account,
})

const payments: readonly PaymentFlow[] = [
  {
    name: 'top up the SIM card from the wallet',
    inputs: ['9', '2', '50', '1'],
    pin: PIN,
    ask: { kind: 'load_card', msisdn: LI, amountMinor: 5000n, funding: 'wallet', authorize: false },
    answer: { key: 'card_load.confirm_pin', params: { amount: '50.00', account: 'wallet' } },
    confirm: {
      en: ['Load CNY 50.00 from your wallet onto your SIM card.', 'PIN'],
      zh: ['从钱包向手机卡电子钱包圈存50.00元', '密码'],
    },
  },
  {
    name: 'top up the SIM card on the phone bill (no PIN)',
    inputs: ['9', '2', '20', '2'],
    pin: null,
    ask: {
      kind: 'load_card',
      msisdn: LI,
      amountMinor: 2000n,
      funding: 'phone_bill',
      authorize: false,
    },
    answer: { key: 'card_load.confirm_sim', params: { amount: '20.00', account: 'phone_bill' } },
    confirm: {
      en: ['Load CNY 20.00 on your phone bill onto your SIM card?', '1 Confirm', '2 Cancel'],
      zh: ['从话费账户向手机卡电子钱包圈存20.00元？', '1 确认', '2 取消'],
    },
  },
  {
    name: 'pay merchant from the wallet',
    inputs: ['2', '1001', '25', '1'],
    pin: PIN,
    ask: {
      kind: 'pay_merchant',
      msisdn: LI,
      merchantCode: '1001',
      amountMinor: 2500n,
      funding: 'wallet',
      authorize: false,
    },
    answer: { key: 'payment.confirm_pin', params: ringtone('25.00', 'wallet') },
    confirm: {
      en: ['Pay CNY 25.00 to Ringtone Store from your wallet.', 'PIN'],
      zh: ['从钱包向Ringtone Store支付25.00元', '密码'],
    },
  },
  {
    name: 'pay merchant on the phone bill (no PIN)',
    inputs: ['2', '1001', '25.5', '2'],
    pin: null,
    ask: {
      kind: 'pay_merchant',
      msisdn: LI,
      merchantCode: '1001',
      amountMinor: 2550n,
      funding: 'phone_bill',
      authorize: false,
    },
    answer: { key: 'payment.confirm_sim', params: ringtone('25.50', 'phone_bill') },
    confirm: {
      en: ['Pay CNY 25.50 to Ringtone Store on your phone bill?', '1 Confirm', '2 Cancel'],
      zh: ['从话费账户向Ringtone Store支付25.50元？', '1 确认', '2 取消'],
    },
  },
  {
    name: 'pay merchant by bank card',
    inputs: ['2', '1002', '80', '3'],
    pin: PIN,
    ask: {
      kind: 'pay_merchant',
      msisdn: LI,
      merchantCode: '1002',
      amountMinor: 8000n,
      funding: 'bank',
      authorize: false,
    },
    answer: {
      key: 'payment.confirm_pin',
      params: { amount: '80.00', payee: 'Cinema Tickets', account: 'bank' },
    },
    confirm: {
      en: ['80.00', 'Cinema Tickets', 'bank card'],
      zh: ['80.00', 'Cinema Tickets', '银行卡'],
    },
  },
  {
    name: 'pay bill from the wallet',
    inputs: ['3', '2001', 'ACC42', '30', '1'],
    pin: PIN,
    ask: {
      kind: 'pay_bill',
      msisdn: LI,
      billerCode: '2001',
      customerRef: 'ACC42',
      amountMinor: 3000n,
      funding: 'wallet',
      authorize: false,
    },
    answer: {
      key: 'payment.confirm_pin',
      params: { amount: '30.00', payee: 'City Water', account: 'wallet' },
    },
    confirm: {
      en: ['30.00', 'City Water', 'ACC42', 'wallet'],
      zh: ['30.00', 'City Water', 'ACC42', '钱包'],
    },
  },
  {
    name: 'pay bill on the phone bill',
    inputs: ['3', '2002', '77', '12', '2'],
    pin: null,
    ask: {
      kind: 'pay_bill',
      msisdn: LI,
      billerCode: '2002',
      customerRef: '77',
      amountMinor: 1200n,
      funding: 'phone_bill',
      authorize: false,
    },
    answer: {
      key: 'payment.confirm_sim',
      params: { amount: '12.00', payee: 'State Grid Power', account: 'phone_bill' },
    },
    confirm: {
      en: ['12.00', 'State Grid Power', '77', 'phone bill', '1 Confirm'],
      zh: ['12.00', 'State Grid Power', '77', '话费账户', '1 确认'],
    },
  },
  {
    name: 'pay bill by bank card',
    inputs: ['3', '2001', 'X9', '5', '3'],
    pin: PIN,
    ask: {
      kind: 'pay_bill',
      msisdn: LI,
      billerCode: '2001',
      customerRef: 'X9',
      amountMinor: 500n,
      funding: 'bank',
      authorize: false,
    },
    answer: {
      key: 'payment.confirm_pin',
      params: { amount: '5.00', payee: 'City Water', account: 'bank' },
    },
    confirm: { en: ['5.00', 'City Water', 'bank card'], zh: ['5.00', 'City Water', '银行卡'] },
  },
  {
    name: 'airtime for my number from the wallet',
    inputs: ['4', '1', '10', '1'],
    pin: PIN,
    ask: {
      kind: 'top_up_airtime',
      msisdn: LI,
      beneficiaryMsisdn: LI,
      amountMinor: 1000n,
      funding: 'wallet',
      authorize: false,
    },
    answer: {
      key: 'airtime.confirm_pin',
      params: { amount: '10.00', payee: LI, account: 'wallet' },
    },
    confirm: {
      en: [`Buy CNY 10.00 airtime for ${LI} from your wallet.`],
      zh: [`从钱包为${LI}充值10.00元`],
    },
  },
  {
    name: 'airtime for another number on the phone bill',
    inputs: ['4', '2', HAN, '10', '2'],
    pin: null,
    ask: {
      kind: 'top_up_airtime',
      msisdn: LI,
      beneficiaryMsisdn: HAN,
      amountMinor: 1000n,
      funding: 'phone_bill',
      authorize: false,
    },
    answer: {
      key: 'airtime.confirm_sim',
      params: { amount: '10.00', payee: HAN, account: 'phone_bill' },
    },
    confirm: {
      en: [`Buy CNY 10.00 airtime for ${HAN} on your phone bill?`],
      zh: [`从话费账户为${HAN}充值10.00元？`],
    },
  },
  {
    name: 'airtime for another number by bank card (+ form normalized)',
    inputs: ['4', '2', `+${HAN}`, '20', '3'],
    pin: PIN,
    ask: {
      kind: 'top_up_airtime',
      msisdn: LI,
      beneficiaryMsisdn: HAN,
      amountMinor: 2000n,
      funding: 'bank',
      authorize: false,
    },
    answer: {
      key: 'airtime.confirm_pin',
      params: { amount: '20.00', payee: HAN, account: 'bank' },
    },
    confirm: { en: ['20.00', HAN, 'bank card'], zh: ['20.00', HAN, '银行卡'] },
  },
  {
    name: 'send money',
    inputs: ['5', `00${HAN}`, '12.34'],
    pin: PIN,
    ask: { kind: 'send_money', msisdn: LI, payeeMsisdn: HAN, amountMinor: 1234n, authorize: false },
    answer: { key: 'send.confirm_pin', params: { amount: '12.34', payee: HAN, account: 'wallet' } },
    confirm: {
      en: [`Send CNY 12.34 to ${HAN} from your wallet.`],
      zh: [`从钱包向${HAN}转账12.34元`],
    },
  },
  {
    name: 'pay order from the wallet',
    inputs: ['6', '880001', '1'],
    pin: PIN,
    ask: { kind: 'pay_order', msisdn: LI, orderNo: '880001', funding: 'wallet', authorize: false },
    answer: {
      key: 'payment.confirm_pin',
      params: { amount: '80.00', payee: 'Cinema Tickets', account: 'wallet' },
    },
    confirm: {
      en: ['Pay CNY 80.00 to Cinema Tickets for order 880001 from your wallet.'],
      zh: ['80.00', 'Cinema Tickets', '880001', '钱包'],
    },
  },
  {
    name: 'pay order on the phone bill',
    inputs: ['6', '880001', '2'],
    pin: null,
    ask: {
      kind: 'pay_order',
      msisdn: LI,
      orderNo: '880001',
      funding: 'phone_bill',
      authorize: false,
    },
    answer: {
      key: 'payment.confirm_sim',
      params: { amount: '30.00', payee: 'Cinema Tickets', account: 'phone_bill' },
    },
    confirm: {
      en: ['30.00', 'Cinema Tickets', '880001', 'phone bill'],
      zh: ['30.00', 'Cinema Tickets', '880001', '话费账户'],
    },
  },
  {
    name: 'pay order by bank card',
    inputs: ['6', '880001', '3'],
    pin: PIN,
    ask: { kind: 'pay_order', msisdn: LI, orderNo: '880001', funding: 'bank', authorize: false },
    answer: {
      key: 'payment.confirm_pin',
      params: { amount: '80.00', payee: 'Cinema Tickets', account: 'bank' },
    },
    confirm: {
      en: ['80.00', 'Cinema Tickets', 'bank card'],
      zh: ['80.00', 'Cinema Tickets', '银行卡'],
    },
  },
]

describe.each(['en', 'zh'] as const)('every payment flow in %s', (language) => {
  it.each(payments)('$name', (flow) => {
    const asking = type(dial('*123#', language), ...flow.inputs)
    const ask = commandOf(asking)
    // The core is asked first, with no PIN and no consent: it refuses or leaves the payment
    // waiting.
    expect(ask).toEqual({ command: flow.ask, pin: null, newPin: null })
    expect(asking.session.hop).toBe(flow.inputs.length)

    const confirm = engine.resume(
      asking.session,
      waiting(flow.answer.key, flow.answer.params, language),
    )
    const screen = screenOf(confirm)
    expect(screen.type).toBe('CON')
    expect(fitsOnePage(screen.text), screen.text).toBe(true)
    for (const fact of flow.confirm[language]) expect(screen.text).toContain(fact)

    const answered = engine.input(confirm.session, flow.pin ?? '1')
    expect(commandOf(answered)).toEqual({
      command: { kind: 'confirm', msisdn: LI, paymentId: WAITING_ID },
      pin: flow.pin,
      newPin: null,
    })
    expect(answered.session.hop).toBe(flow.inputs.length + 1)
    expect(answered.session.trail).toEqual([...flow.inputs, flow.pin === null ? '1' : '****'])
  })
})

/**
 * Walks Li Lei to the confirm screen of "pay 25.00 to 1001" on `account` (1 wallet, 2 phone bill).
 */
function atConfirm(language: Language, account: '1' | '2'): ReturnType<typeof dial> {
  const asking = type(dial('*123#', language), '2', '1001', '25', account)
  const answer =
    account === '1'
      ? waiting(
          'payment.confirm_pin',
          { amount: '25.00', payee: 'Ringtone Store', account: 'wallet' },
          language,
        )
      : waiting(
          'payment.confirm_sim',
          { amount: '25.00', payee: 'Ringtone Store', account: 'phone_bill' },
          language,
        )
  return engine.resume(asking.session, answer)
}

describe('screens in each language', () => {
  it('opens the SPEC main menu in English and in Chinese', () => {
    expect(screenOf(dial('*123#', 'en')).text).toBe(
      'telepay\n1 Balance\n2 Pay merchant\n3 Pay bill\n4 Buy airtime\n5 Send money\n' +
        '6 Pay order\n7 Mini statement\n8 Settings\n9 SIM card purse',
    )
    const zh = screenOf(dial('*123#', 'zh')).text
    expect(zh.split('\n').slice(1)).toEqual([
      '1 查询余额',
      '2 商户付款',
      '3 缴费',
      '4 话费充值',
      '5 转账',
      '6 订单付款',
      '7 最近交易',
      '8 设置',
      '9 手机卡电子钱包',
    ])
  })

  it('offers the accounts as 1 Wallet, 2 Phone bill, 3 Bank card', () => {
    const text = screenOf(type(dial(), '2', '1001', '25')).text
    expect(text.split('\n').slice(1, 4)).toEqual(['1 Wallet', '2 Phone bill', '3 Bank card'])
  })

  it.each(['en', 'zh'] as const)(
    'cancels a phone-bill payment through the core and ends with its answer (%s)',
    (language) => {
      const cancelling = engine.input(atConfirm(language, '2').session, '2')
      expect(commandOf(cancelling).command).toEqual({
        kind: 'cancel',
        msisdn: LI,
        paymentId: WAITING_ID,
      })
      const message = {
        key: 'payment.cancelled',
        params: { amount: '25.00', payee: 'Ringtone Store' },
      } as const
      const closing = engine.resume(cancelling.session, fakeResult(message, language))
      expect(screenOf(closing)).toEqual({ type: 'END', text: renderMessage(message, language) })
      expect(closing.session.ended).toBe(true)
    },
  )

  it('switches the session to Chinese at once, stores it with the core, and back', () => {
    const setting = type(dial(), '8', '2', '2')
    expect(commandOf(setting).command).toEqual({ kind: 'set_language', msisdn: LI, language: 'zh' })
    expect(setting.session.language).toBe('zh')
    const zh = engine.resume(
      setting.session,
      fakeResult({ key: 'language.changed', params: {} }, 'zh'),
    )
    expect(screenOf(zh).type).toBe('CON')
    expect(screenOf(zh).text).toContain('1 查询余额')
    expect(zh.session.state).toBe('main')
    const balance = type(zh, '1')
    expect(commandOf(balance).command.kind).toBe('balance')
    // The answer is shown in the language chosen for the session.
    const result = fakeResult(
      { key: 'balance.summary', params: { wallet: '500.00', phoneBill: '50.00' } },
      'en',
    )
    expect(screenOf(engine.resume(balance.session, result)).text).toBe(
      '余额：钱包500.00元，话费50.00元。',
    )
    const back = type(dial('*123#', 'zh'), '8', '2', '1')
    expect(commandOf(back).command).toEqual({ kind: 'set_language', msisdn: LI, language: 'en' })
    const en = engine.resume(
      back.session,
      fakeResult({ key: 'language.changed', params: {} }, 'en'),
    )
    expect(en.session.language).toBe('en')
    expect(screenOf(en).text).toContain('1 Balance')
  })
})

describe('closing screens', () => {
  it.each(['en', 'zh'] as const)('ends a payment with the result message in %s', (language) => {
    const step = engine.input(atConfirm(language, '1').session, PIN)
    const message = {
      key: 'payment.completed',
      params: { amount: '25.00', payee: 'Ringtone Store', account: 'wallet', ref: 'T1A2B3C' },
    } as const
    const closing = engine.resume(step.session, fakeResult(message, language, 'T1A2B3C'))
    const screen = screenOf(closing)
    expect(screen).toEqual({ type: 'END', text: renderMessage(message, language) })
    expect(closing.session.ended).toBe(true)
    expect(closing.session.values).not.toHaveProperty('_pending')
  })

  it('ends with a refusal that ended the payment, in catalogue words where menus have none', () => {
    const step = engine.input(atConfirm('en', '1').session, PIN)
    const closing = screenOf(engine.resume(step.session, refused('insufficient_funds', 'en')))
    expect(closing).toEqual({
      type: 'END',
      text: 'Not enough money in this account. Top up or choose another account, then try again.',
    })
  })

  it('answers a hop after the end with the last screen again', () => {
    const cancelling = engine.input(atConfirm('en', '2').session, '2')
    const ended = engine.resume(
      cancelling.session,
      fakeResult({
        key: 'payment.cancelled',
        params: { amount: '25.00', payee: 'Ringtone Store' },
      }),
    )
    const again = engine.input(ended.session, '1')
    expect(screenOf(again)).toEqual(screenOf(ended))
  })

  it('gives the polite timeout END in both languages', () => {
    expect(engine.timeoutScreen('en')).toEqual({
      type: 'END',
      text: 'Your request is taking longer than usual. Check your balance before you try again.',
    })
    expect(engine.timeoutScreen('zh').type).toBe('END')
    expect(fitsOnePage(engine.timeoutScreen('zh').text)).toBe(true)
  })
})
