/**
 * walk.test.ts - the menus' one walk on its own, over a small hand-built menu rather than the
 * shipped files, so that a failure names the walk and not a medium: a choice and its `set`, an
 * input refused then accepted (and a secret kept apart), a command built from its fields, a
 * result routed by `then`, texts filled, the trail masked, and the loop guard.
 */
import { describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/index.js'
import type {
  MenuChoice,
  MenuCommand,
  Question,
  StateBase,
} from '../../../src/gateway/menus/index.js'
import {
  answer,
  commandOf,
  dialogLookup,
  enterState,
  fillText,
  firstTurn,
  isSecret,
  refuse,
  remember,
  resultTexts,
  routeResult,
  sayResult,
} from '../../../src/gateway/menus/index.js'

const values: Readonly<Record<string, string>> = { merchant: '1001', amount: '25.50' }
const fill = (template: string): string =>
  fillText(template, 'en', (name) => values[name] ?? (name === 'msisdn' ? '8613800138000' : null))

const accountChoices: Question<MenuChoice> = {
  kind: 'choices',
  choices: [
    { to: 'ask', set: { account: 'wallet' } },
    { to: 'ask', set: { account: 'bank', note: 'from {msisdn}' } },
  ],
  keyOf: (_choice, index) => String(index + 1),
}

const payMerchant: MenuCommand = {
  kind: 'pay_merchant',
  fields: { merchantCode: 'merchant', amount: 'amount', funding: 'account' },
  then: { 'payment.confirm_pin': 'confirm_pin', 'payment.confirm_sim': 'confirm_sim' },
  results: { 'refusal.merchant_not_found': { en: 'No merchant {merchant}.', zh: '无商户。' } },
}

function message(key: Message['key'], params: Record<string, string> = {}): Message {
  return { key, params }
}

describe('a choice', () => {
  it('goes where it says, with its `set` values filled from the dialog', () => {
    expect(answer(accountChoices, '1', 'en', fill)).toEqual({
      kind: 'go',
      to: 'ask',
      set: { account: 'wallet' },
      secret: null,
    })
    expect(answer(accountChoices, '2', 'en', fill)).toEqual({
      kind: 'go',
      to: 'ask',
      set: { account: 'bank', note: 'from 8613800138000' },
      secret: null,
    })
  })

  it('refuses a key that is no choice, leaving the words to the medium', () => {
    expect(answer(accountChoices, '3', 'en', fill)).toEqual({ kind: 'refused', reprompt: null })
    expect(answer(accountChoices, '01', 'en', fill)).toEqual({ kind: 'refused', reprompt: null })
  })
})

describe('an input', () => {
  const amount: Question<MenuChoice> = {
    kind: 'input',
    input: { name: 'amount', validator: 'amount', next: 'account' },
    repeat: null,
  }

  it('is refused with what was wrong, then accepted and kept in its normal form', () => {
    expect(answer(amount, '0', 'en', fill)).toEqual({
      kind: 'refused',
      reprompt: 'The amount must be more than 0. Enter it again.',
    })
    expect(answer(amount, '25.5', 'en', fill)).toEqual({
      kind: 'go',
      to: 'account',
      set: { amount: '25.50' },
      secret: null,
    })
  })

  it('is refused in the dialog language, also when the medium refuses it first', () => {
    expect(refuse(amount, 'abc', 'zh')).toEqual({
      kind: 'refused',
      reprompt: '金额无法识别，请输入数字，如25或25.50。',
    })
  })

  it('is secret when its validator takes a PIN', () => {
    expect(isSecret({ name: 'pin', validator: 'pin', next: 'x' })).toBe(true)
    expect(isSecret({ name: 'again', validator: 'new_pin_repeat', next: 'x' })).toBe(true)
    expect(isSecret({ name: 'amount', validator: 'amount', next: 'x' })).toBe(false)
  })

  it('hands a secret back apart, never among the values', () => {
    const pin: Question<MenuChoice> = {
      kind: 'input',
      input: { name: 'pin', validator: 'pin', next: 'pay.confirm' },
      repeat: null,
    }
    expect(answer(pin, '1234', 'en', fill)).toEqual({
      kind: 'go',
      to: 'pay.confirm',
      set: {},
      secret: '1234',
    })
  })

  it('that repeats another accepts that value only', () => {
    const again: Question<MenuChoice> = {
      kind: 'input',
      input: { name: 'newPinAgain', validator: 'new_pin_repeat', next: 'change' },
      repeat: '4321',
    }
    expect(answer(again, '4321', 'en', fill)).toMatchObject({ kind: 'go', secret: '4321' })
    expect(answer(again, '1234', 'en', fill)).toMatchObject({ kind: 'refused' })
    expect(answer({ ...again, repeat: null }, '', 'en', fill)).toMatchObject({ kind: 'refused' })
  })
})

describe('a command state', () => {
  const dialog: Readonly<Record<string, string>> = { ...values, account: 'wallet' }
  const dialogValue = (name: string | null): string | null =>
    name === null ? null : (dialog[name] ?? null)

  it('builds its command from the values its fields name', () => {
    const built = commandOf(payMerchant, '8613800138000', 'en', dialogValue, null)
    expect(built).toEqual({
      ok: true,
      run: {
        command: {
          kind: 'pay_merchant',
          msisdn: '8613800138000',
          merchantCode: '1001',
          amountMinor: 2550n,
          funding: 'wallet',
          authorize: false,
        },
        pin: null,
        newPin: null,
      },
    })
  })

  it('names the field that lacks a value: the dialog skipped an input', () => {
    const built = commandOf(payMerchant, '8613800138000', 'en', () => null, null)
    expect(built).toEqual({ ok: false, field: 'merchantCode' })
  })

  it('gives a secret field the secret the medium holds, and names the waiting payment', () => {
    const confirm: MenuCommand = { kind: 'confirm', fields: {}, then: {}, results: {} }
    const built = commandOf(
      confirm,
      '8613800138000',
      'en',
      (_name, kind) => (kind === 'secret' ? '1234' : null),
      'pay-1',
    )
    expect(built).toEqual({
      ok: true,
      run: {
        command: { kind: 'confirm', msisdn: '8613800138000', paymentId: 'pay-1' },
        pin: '1234',
        newPin: null,
      },
    })
    expect(commandOf(confirm, '8613800138000', 'en', () => null, null)).toEqual({
      ok: false,
      field: 'paymentId',
    })
  })
})

describe('a result', () => {
  const waiting = message('payment.confirm_pin', {
    amount: '25.50',
    payee: 'Cinema Tickets',
    account: 'wallet',
    paymentId: 'pay-1',
  })

  it('goes on by `then`, with only what the payment is among the values', () => {
    expect(routeResult(payMerchant, waiting)).toEqual({
      to: 'confirm_pin',
      set: { amount: '25.50', payee: 'Cinema Tickets', account: 'wallet' },
    })
  })

  it('goes by the medium-wide `then` when the command does not name the key', () => {
    const locked = message('refusal.subscriber_locked')
    expect(routeResult(payMerchant, locked)).toBeNull()
    expect(routeResult(payMerchant, locked, { 'refusal.subscriber_locked': 'goodbye' })).toEqual({
      to: 'goodbye',
      set: {},
    })
  })

  it('skips an empty param unless told to keep it', () => {
    const blank = message('payment.confirm_sim', { amount: '', payee: 'Cinema Tickets' })
    expect(routeResult(payMerchant, blank)?.set).toEqual({ payee: 'Cinema Tickets' })
    expect(routeResult(payMerchant, blank, {}, true)?.set).toEqual({
      amount: '',
      payee: 'Cinema Tickets',
    })
  })

  it("is said in the command's words, else the medium's, else the catalogue's", () => {
    const refusal = message('refusal.merchant_not_found')
    const texts = resultTexts(payMerchant, {}, refusal)
    expect(sayResult(refusal, texts, 'en', (name) => values[name] ?? null)).toBe(
      'No merchant 1001.',
    )
    const cancelled = message('payment.cancelled', { amount: '25.50', payee: 'Cinema Tickets' })
    const main = { 'payment.cancelled': { en: 'Dropped {amount}.', zh: '已取消。' } }
    expect(resultTexts(payMerchant, main, cancelled)).toEqual(main['payment.cancelled'])
    expect(resultTexts(null, {}, cancelled)).toBeNull()
    expect(sayResult(cancelled, null, 'en', () => null)).toBe(
      'Payment of CNY 25.50 to Cinema Tickets cancelled. No money was taken.',
    )
  })
})

describe('texts and the trail', () => {
  it('say an account by its name and drop a value the dialog lacks', () => {
    const lookup = (name: string): string | null => (name === 'account' ? 'phone_bill' : null)
    expect(fillText('From your {account}.', 'en', lookup)).toBe('From your phone bill.')
    expect(fillText('Pay {payee} from your {account}.', 'en', lookup)).toBe(
      'Pay from your phone bill.',
    )
  })

  it('take the built-ins first, and never a value the medium hides', () => {
    const lookup = dialogLookup(
      { merchant: '1001', msisdn: 'typed', pin: 'sealed:x' },
      { msisdn: '8613800138000', number: null },
      (_name, value) => value.startsWith('sealed:'),
    )
    expect(['merchant', 'msisdn', 'number', 'pin', 'constructor', 'payee'].map(lookup)).toEqual([
      '1001',
      '8613800138000',
      null,
      null,
      null,
      null,
    ])
  })

  it('masks a secret answer and keeps the latest answers only', () => {
    expect(remember(['2', '1001'], '1234', true, 3)).toEqual(['2', '1001', '****'])
    expect(remember(['2', '1001', '25'], '1', false, 3)).toEqual(['1001', '25', '1'])
  })
})

describe('the loop guard', () => {
  type State = StateBase & { readonly next: string }
  const states = new Map<string, State>([
    ['a', { name: 'a', file: 'loop.yaml', next: 'b' }],
    ['b', { name: 'b', file: 'loop.yaml', next: 'a' }],
  ])

  it('counts the states a turn enters', () => {
    const first = enterState(states, 'a', firstTurn(3))
    expect(first.state.name).toBe('a')
    expect(first.turn).toEqual({ transitions: 1, max: 3 })
  })

  it('stops a turn that would enter more states than its bound: a menu loop', () => {
    let turn = firstTurn(5)
    let name = 'a'
    const walkOn = (): void => {
      const entered = enterState(states, name, turn)
      turn = entered.turn
      name = entered.state.next
    }
    for (let index = 0; index < 5; index += 1) walkOn()
    expect(walkOn).toThrow(/the menus loop at b/)
  })

  it('refuses a state the menus do not have', () => {
    expect(() => enterState(states, 'c', firstTurn(3))).toThrow(/unknown state c/)
  })
})
