/**
 * catalogue.test.ts - the English and Chinese catalogues: complete, using only the params the
 * core supplies, never asking to echo a PIN, SMS-sized, and rendered as a phone should see them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Catalogue, CatalogueKey } from '../../../menus/messages/catalogue.js'
import type { Language, Message, MessageKey, StaticMessageKey } from '../../../src/core/index.js'
import { messageKeys, reasons } from '../../../src/core/index.js'
import { catalogueOf, renderMessage, renderResult } from '../../../src/gateway/reply/index.js'
import type { TestLedger } from '../../support/ledger-fixture.js'
import { openTestLedger } from '../../support/ledger-fixture.js'

const languages: readonly Language[] = ['en', 'zh']

/**
 * The params the core puts into each static key (src/core/decide-*.ts). `ref` only on final
 * replies. Keys the core does not produce yet carry what their text is written for.
 */
const staticParams: { readonly [K in StaticMessageKey]: readonly string[] } = {
  'balance.summary': ['wallet', 'phoneBill'],
  // Not produced by the core yet.
  'balance.summary_with_card': ['wallet', 'phoneBill', 'card', 'bank'],
  'statement.list': ['rows'],
  'statement.empty': [],
  'payment.confirm_pin': ['amount', 'payee', 'account'],
  'payment.confirm_sim': ['amount', 'payee', 'account'],
  'payment.completed': ['amount', 'payee', 'account', 'ref'],
  'airtime.confirm_pin': ['amount', 'payee', 'account'],
  'airtime.confirm_sim': ['amount', 'payee', 'account'],
  'airtime.completed': ['amount', 'payee', 'account', 'ref'],
  'load.confirm_pin': ['amount', 'payee', 'account'],
  'load.completed': ['amount', 'payee', 'account', 'ref'],
  'send.confirm_pin': ['amount', 'payee', 'account'],
  'send.completed': ['amount', 'payee', 'account', 'ref'],
  'card_load.confirm_pin': ['amount', 'payee', 'account'],
  'card_load.confirm_sim': ['amount', 'payee', 'account'],
  'card_load.sent': ['amount', 'payee', 'account', 'ref'],
  'card_load.delivered': ['amount', 'balance'],
  'card_load.refunded': ['amount', 'account', 'ref'],
  'card.funded': ['amount', 'balance'],
  'card.balance': ['balance', 'loading', 'rows'],
  'card.balance_loading': ['balance', 'loading', 'rows'],
  'card.blacklisted': ['card', 'listed'],
  'clearing.cleared': ['accepted', 'duplicates', 'amount'],
  'payment.processing': ['amount', 'payee', 'account'],
  'payment.cancelled': ['amount', 'payee'],
  'payment.expired': ['amount', 'payee'],
  'request.prompt': ['amount', 'payee', 'account', 'reference'],
  'request.prompt_sim': ['amount', 'payee', 'account', 'reference'],
  'request.accepted': ['amount'],
  'pin.changed': [],
  'language.changed': [],
  'pin.verified': [],
  registered: ['name'],
  'order.created': ['orderNo', 'amount'],
  'refund.completed': ['amount', 'payee', 'ref', 'account'],
  'delivery.recorded': ['paymentId'],
  'expiry.swept': ['count'],
  'account.funded': ['amount', 'account', 'balance', 'ref'],
  'subscriber.changed': ['msisdn'],
  'subscriber.unlocked': ['msisdn'],
  'merchant.opened': ['code', 'name'],
  'merchant.changed': ['code', 'name'],
}

/**
 * The refusals that carry params (src/core/decide-payment.ts checkPin, the payment maximum and the
 * operating model's checks in src/core/payment-intent.ts); the others carry none.
 */
const refusalParams: Partial<Record<MessageKey, readonly string[]>> = {
  'refusal.pin_incorrect': ['triesLeft'],
  'refusal.pin_attempts_exceeded': ['lockMinutes'],
  'refusal.account_not_offered': ['account'],
  'refusal.merchant_bank_mismatch': ['bank'],
  'refusal.amount_above_payment_max': ['max', 'account'],
  'refusal.amount_above_funding_max': ['max'],
  'refusal.card_cap_exceeded': ['max'],
}

function paramsOf(key: MessageKey): readonly string[] {
  return key.startsWith('refusal.')
    ? (refusalParams[key] ?? [])
    : staticParams[key as StaticMessageKey]
}

/** Params a text must show: what to pay, whom, from where; and the reference of a final reply. */
const requiredParams: Partial<Record<MessageKey, readonly string[]>> = {
  'payment.confirm_pin': ['amount', 'payee', 'account'],
  'payment.confirm_sim': ['amount', 'payee', 'account'],
  'payment.completed': ['amount', 'payee', 'ref'],
  'airtime.confirm_pin': ['amount', 'payee', 'account'],
  'airtime.completed': ['amount', 'payee', 'ref'],
  'load.confirm_pin': ['amount', 'account'],
  'load.completed': ['amount', 'ref'],
  'card_load.confirm_pin': ['amount', 'account'],
  'card_load.sent': ['amount', 'ref'],
  'card_load.refunded': ['amount', 'ref'],
  'send.confirm_pin': ['amount', 'payee'],
  'send.completed': ['amount', 'payee', 'ref'],
  'refund.completed': ['amount', 'ref'],
  'request.prompt': ['amount', 'payee', 'reference'],
  'request.prompt_sim': ['amount', 'payee', 'reference'],
  'refusal.pin_incorrect': ['triesLeft'],
  'refusal.amount_above_payment_max': ['max', 'account'],
}

/** Long but realistic values, for the length checks. */
const typicalParams: Readonly<Record<string, string>> = {
  amount: '2000.00',
  payee: 'State Grid Power',
  account: 'phone_bill',
  ref: 'T00002S',
  reference: 'INV-000123',
  name: 'Han Meimei',
  orderNo: '880001',
  count: '12',
  triesLeft: '2',
  lockMinutes: '15',
  wallet: '10000.00',
  phoneBill: '-100.00',
  card: 'ICBC *1234',
  bank: '10000.00',
  rows: '',
  max: '50000.00',
  balance: '1000.00',
  listed: 'yes',
  accepted: '1000',
  duplicates: '1000',
}

const allKeys: readonly MessageKey[] = [
  ...messageKeys,
  ...reasons.map((reason) => `refusal.${reason}` as const),
]
const accountKeys: readonly CatalogueKey[] = [
  'account.wallet',
  'account.phone_bill',
  'account.bank',
]

function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '')
}

// GSM 03.38 basic set, and the extension set whose characters take two septets.
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
const gsmExtension = new Set('^{}\\[~]|€\f')

/** Septets of a GSM-7 text, or null when some character forces UCS-2. */
function gsmLength(text: string): number | null {
  let septets = 0
  for (const char of text) {
    if (gsmBasic.has(char)) septets += 1
    else if (gsmExtension.has(char)) septets += 2
    else return null
  }
  return septets
}

describe('the catalogues', () => {
  it.each(languages)(
    '%s has a non-empty text for every message key and account, and nothing else',
    (language) => {
      const catalogue: Catalogue = catalogueOf(language)
      const expected = [...allKeys, ...accountKeys].sort()
      expect(Object.keys(catalogue).sort()).toEqual(expected)
      for (const key of expected) expect(catalogue[key].trim(), key).not.toBe('')
    },
  )

  it.each(languages)('%s uses only placeholders the core supplies for each key', (language) => {
    const catalogue = catalogueOf(language)
    for (const key of allKeys) {
      for (const name of placeholdersOf(catalogue[key]))
        expect(paramsOf(key), `${key} uses {${name}}`).toContain(name)
      for (const name of requiredParams[key] ?? [])
        expect(catalogue[key], `${key} shows {${name}}`).toContain(`{${name}}`)
    }
    for (const key of accountKeys) expect(placeholdersOf(catalogue[key])).toEqual([])
  })

  it.each(languages)('%s never asks for or shows a PIN value', (language) => {
    for (const text of Object.values(catalogueOf(language))) {
      expect(text).not.toMatch(/PIN\s*[:=]?\s*\d/i)
      expect(text).not.toMatch(/\{pin\}/i)
      expect(text).not.toMatch(/密码\s*[:：]?\s*\d{4}/)
    }
  })

  it('English texts stay in GSM-7 and fit one SMS with typical params', () => {
    for (const key of allKeys) {
      if (key === 'statement.list') continue // five rows are a multi-part SMS by nature
      const text = renderMessage({ key, params: typicalParams }, 'en')
      const septets = gsmLength(text)
      expect(septets, `${key} is not GSM-7: ${text}`).not.toBeNull()
      expect(septets ?? 0, `${key}: ${text}`).toBeLessThanOrEqual(160)
    }
  })

  it('English refusals for the money reasons fit in 160 characters', () => {
    const moneyReasons = [
      'amount_above_payment_max',
      'daily_limit_exceeded',
      'insufficient_funds',
      'wallet_cap_exceeded',
      'refund_exceeds_payment',
      'bank_declined',
      'bank_unavailable',
    ] as const
    for (const reason of moneyReasons) {
      expect(
        renderMessage({ key: `refusal.${reason}`, params: {} }, 'en').length,
        reason,
      ).toBeLessThanOrEqual(160)
    }
  })

  it('Chinese texts fit one 70-character UCS-2 SMS with typical params', () => {
    for (const key of allKeys) {
      if (key === 'statement.list') continue
      const text = renderMessage({ key, params: typicalParams }, 'zh')
      expect(text.length, `${key}: ${text}`).toBeLessThanOrEqual(70)
    }
  })
})

describe('renderMessage', () => {
  const confirm: Message = {
    key: 'payment.confirm_pin',
    params: { amount: '25.00', payee: 'Ringtone Store', account: 'wallet' },
  }

  it('asks for confirmation with the PIN from a wallet', () => {
    expect(renderMessage(confirm, 'en')).toBe(
      'Pay CNY 25.00 to Ringtone Store from your wallet? Reply YES <PIN> to confirm or NO ' +
        'to cancel.',
    )
    expect(renderMessage(confirm, 'zh')).toBe(
      '从您的钱包向Ringtone Store支付25.00元？回复“确认 <密码>”付款，回复“取消”放弃。',
    )
  })

  it('asks for a plain YES on a phone-bill micro-payment', () => {
    const sim: Message = {
      key: 'payment.confirm_sim',
      params: { amount: '5.00', payee: 'Metro', account: 'phone_bill' },
    }
    expect(renderMessage(sim, 'en')).toBe(
      'Pay CNY 5.00 to Metro from your phone bill? Reply YES to confirm or NO to cancel.',
    )
    expect(renderMessage(sim, 'zh')).toBe(
      '从您的话费账户向Metro支付5.00元？回复“确认”付款，回复“取消”放弃。',
    )
  })

  it('carries the reference on a final reply', () => {
    const done: Message = {
      key: 'payment.completed',
      params: { amount: '80.00', payee: 'Cinema Tickets', account: 'bank', ref: 'T00000A' },
    }
    expect(renderMessage(done, 'en')).toBe(
      'Paid CNY 80.00 to Cinema Tickets from your bank card. Ref T00000A.',
    )
    expect(renderMessage(done, 'zh')).toBe(
      '已从您的银行卡向Cinema Tickets支付80.00元。交易号T00000A。',
    )
  })

  it('says what to do on a refusal', () => {
    const refusal: Message = { key: 'refusal.insufficient_funds', params: {} }
    expect(renderMessage(refusal, 'en')).toBe(
      'Not enough money in this account. Top up or choose another account, then try again.',
    )
    expect(renderMessage(refusal, 'zh')).toBe('账户余额不足，请充值或选择其他账户后重试。')
  })

  it('leaves out a missing param cleanly and never prints a placeholder', () => {
    const prompt: Message = {
      key: 'request.prompt',
      params: { amount: '9.90', payee: 'Ringtone Store', account: 'wallet' },
    }
    expect(renderMessage(prompt, 'zh')).toBe(
      'Ringtone Store请您从钱包支付9.90元。回复“确认 <密码>”付款，“取消”拒绝。',
    )
    for (const language of languages) {
      for (const key of allKeys) {
        const text = renderMessage({ key, params: {} }, language)
        expect(text, key).not.toMatch(/[{}]|\s{2}|\s[.,;:!?。，]|^\s|\s$/)
      }
    }
  })

  it('shows an unknown account kind as nothing rather than an internal code', () => {
    const odd: Message = {
      key: 'payment.completed',
      params: { amount: '1.00', payee: 'Metro', account: 'opening', ref: 'T000001' },
    }
    expect(renderMessage(odd, 'en')).not.toContain('opening')
    expect(renderMessage(odd, 'zh')).toBe('已从您的向Metro支付1.00元。交易号T000001。')
  })

  it('does not substitute a placeholder found inside a param value', () => {
    const tricky: Message = { key: 'registered', params: { name: '{account}' } }
    expect(renderMessage(tricky, 'en')).toBe(
      'Welcome {account}! This number is registered for telepay and your PIN is set. Send BAL ' +
        'for your balances, HELP for commands.',
    )
  })
})

describe('renderResult on answers of the real core', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger({ file: false })
  })
  afterEach(async () => {
    await t.close()
  })

  function expectKnownParams(message: Message): void {
    for (const name of Object.keys(message.params))
      expect(paramsOf(message.key), `${message.key} got ${name}`).toContain(name)
  }

  it('renders a payment asked, confirmed and refused, in the payer language', () => {
    const asked = t.run({
      kind: 'pay_merchant',
      msisdn: '8613800138000',
      merchantCode: '1001',
      amountMinor: 2500n,
      funding: 'wallet',
      authorize: false,
    })
    expectKnownParams(asked.message)
    expect(renderResult(asked)).toBe(
      'Pay CNY 25.00 to Ringtone Store from your wallet? Reply YES <PIN> to confirm or NO ' +
        'to cancel.',
    )
    const paid = t.run({ kind: 'confirm', msisdn: '8613800138000' }, { pin: 'match' })
    expectKnownParams(paid.message)
    expect(renderResult(paid)).toBe(
      `Paid CNY 25.00 to Ringtone Store from your wallet. Ref ${paid.reference ?? ''}.`,
    )
    const poor = t.run({
      kind: 'pay_merchant',
      msisdn: '8613800138001',
      merchantCode: '1002',
      amountMinor: 3000n,
      funding: 'wallet',
      authorize: false,
    })
    expect(renderResult(poor)).toBe('账户余额不足，请充值或选择其他账户后重试。')
  })

  it('renders balances and a phone-bill prompt with the params the core gives', () => {
    const balance = t.run({ kind: 'balance', msisdn: '8613800138001' })
    expectKnownParams(balance.message)
    expect(renderResult(balance)).toBe('余额：钱包20.00元，话费20.00元。')
    const sim = t.run({
      kind: 'top_up_airtime',
      msisdn: '8613800138000',
      beneficiaryMsisdn: '8613800138001',
      amountMinor: 1000n,
      funding: 'phone_bill',
      authorize: false,
    })
    expectKnownParams(sim.message)
    expect(renderResult(sim)).toBe(
      'Buy CNY 10.00 airtime for 8613800138001 on your phone bill? Reply YES to confirm or ' +
        'NO to cancel.',
    )
  })

  it('tells an unregistered number that it is not registered', () => {
    const stranger = t.run({ kind: 'balance', msisdn: '8613700137000' })
    expect(renderResult(stranger)).toBe(
      'Your number is not registered for telepay payments. Ask your operator or an agent to ' +
        'register it.',
    )
  })
})
