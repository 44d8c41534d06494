/**
 * parse-mo.test.ts - the SMS grammar of SPEC section 4 as a table: every line in English and
 * Chinese, case and spacing variants, the account words, and every refusal (bad amounts, bad
 * numbers, missing and extra words, unknown words), with the MO's language.
 */
import { describe, expect, it } from 'vitest'
import type { CommandDraft } from '../../../../channels/sms/grammar/command-draft.js'
import { commandOfDraft } from '../../../../channels/sms/grammar/command-draft.js'
import type { InputReason, ParsedMo } from '../../../../channels/sms/grammar/parse-mo.js'
import { parseMo } from '../../../../channels/sms/grammar/parse-mo.js'
import type { SmsKeyword } from '../../../../menus/sms/catalogue.js'
import type { Language } from '../../../../src/core/index.js'
import { defaultFundingOf, operatingModelIds } from '../../../../src/core/index.js'

const HAN = '8613800138001'

type Row = readonly [text: string, expected: ParsedMo]

function run(
  keyword: SmsKeyword,
  draft: CommandDraft,
  language: Language | null = null,
  pin: string | null = null,
  newPin: string | null = null,
): ParsedMo {
  return { kind: 'command', keyword, draft, pin, newPin, language }
}
const zh = 'zh' as const
const usage = (keyword: SmsKeyword, language: Language | null = null): ParsedMo => ({
  kind: 'refusal',
  refusal: { reason: 'usage', keyword },
  language,
})
const refused = (
  keyword: SmsKeyword,
  reason: InputReason,
  language: Language | null = null,
): ParsedMo => ({ kind: 'refusal', refusal: { reason, keyword }, language })
const unknown = (language: Language | null = null): ParsedMo => ({
  kind: 'refusal',
  refusal: { reason: 'unknown_keyword' },
  language,
})
const help = (topic: SmsKeyword | null, language: Language | null = null): ParsedMo => ({
  kind: 'help',
  topic,
  language,
})

const pay = (
  merchantCode: string,
  amountMinor: bigint,
  funding: 'wallet' | 'phone_bill' | 'bank' = 'wallet',
): CommandDraft => ({ kind: 'pay_merchant', merchantCode, amountMinor, funding })

function table(name: string, rows: readonly Row[]): void {
  describe(name, () => {
    it.each(rows.map(([text, expected]) => ({ text, expected })))('$text', ({ text, expected }) => {
      expect(parseMo(text)).toEqual(expected)
    })
  })
}

table('BAL / 余额', [
  ['BAL', run('bal', { kind: 'balance' })],
  ['bal', run('bal', { kind: 'balance' })],
  ['  Bal  ', run('bal', { kind: 'balance' })],
  ['BALANCE', run('bal', { kind: 'balance' })],
  ['余额', run('bal', { kind: 'balance' }, zh)],
  ['　余额　', run('bal', { kind: 'balance' }, zh)],
  // Full-width letters come from a Chinese input method: read as BAL, answered in Chinese.
  ['ＢＡＬ', run('bal', { kind: 'balance' }, zh)],
])

table('PAY / 支付 with every account word', [
  ['PAY 1001 25', run('pay', pay('1001', 2_500n))],
  ['pay 1001 25.5', run('pay', pay('1001', 2_550n))],
  ['Pay   1001    25.50  ', run('pay', pay('1001', 2_550n))],
  ['PAY\t1001 25', run('pay', pay('1001', 2_500n))],
  ['PAY 1001 25 W', run('pay', pay('1001', 2_500n))],
  ['PAY 1001 25 wallet', run('pay', pay('1001', 2_500n))],
  ['PAY 1001 25 p', run('pay', pay('1001', 2_500n, 'phone_bill'))],
  ['PAY 1001 25 PHONE', run('pay', pay('1001', 2_500n, 'phone_bill'))],
  ['PAY 1001 25 b', run('pay', pay('1001', 2_500n, 'bank'))],
  ['PAY 1001 25 Bank', run('pay', pay('1001', 2_500n, 'bank'))],
  ['支付 1001 25', run('pay', pay('1001', 2_500n), zh)],
  ['支付 1001 25 钱包', run('pay', pay('1001', 2_500n), zh)],
  ['支付 1001 25 话费', run('pay', pay('1001', 2_500n, 'phone_bill'), zh)],
  ['支付 1001 25 银行卡', run('pay', pay('1001', 2_500n, 'bank'), zh)],
  ['支付\u30001001\u3000\u300025\u3000话费', run('pay', pay('1001', 2_500n, 'phone_bill'), zh)],
  ['支付1001 25', run('pay', pay('1001', 2_500n), zh)],
  ['支付 1001 ２５元', run('pay', pay('1001', 2_500n), zh)],
  ['付款 1001 25', run('pay', pay('1001', 2_500n), zh)],
  ['PAY 1001 25 钱包', run('pay', pay('1001', 2_500n), zh)],
])

table('ORDER / 订单, BILL / 缴费', [
  ['ORDER 880001', run('order', { kind: 'pay_order', orderNo: '880001', funding: 'wallet' })],
  ['order 880001 p', run('order', { kind: 'pay_order', orderNo: '880001', funding: 'phone_bill' })],
  ['ORDER 880001 BANK', run('order', { kind: 'pay_order', orderNo: '880001', funding: 'bank' })],
  [
    '订单 880001 银行卡',
    run('order', { kind: 'pay_order', orderNo: '880001', funding: 'bank' }, zh),
  ],
  [
    'BILL 2001 8812345 30',
    run('bill', {
      kind: 'pay_bill',
      billerCode: '2001',
      customerRef: '8812345',
      amountMinor: 3_000n,
      funding: 'wallet',
    }),
  ],
  [
    'bill 2001 AB-77 30.05 P',
    run('bill', {
      kind: 'pay_bill',
      billerCode: '2001',
      customerRef: 'AB-77',
      amountMinor: 3_005n,
      funding: 'phone_bill',
    }),
  ],
  [
    '缴费 2001 8812345 30 钱包',
    run(
      'bill',
      {
        kind: 'pay_bill',
        billerCode: '2001',
        customerRef: '8812345',
        amountMinor: 3_000n,
        funding: 'wallet',
      },
      zh,
    ),
  ],
])

table('TOPUP / 充值 for self or another number, with or without an account', [
  [
    'TOPUP 20',
    run('topup', {
      kind: 'top_up_airtime',
      beneficiaryMsisdn: null,
      amountMinor: 2_000n,
      funding: 'wallet',
    }),
  ],
  [
    'topup 20 B',
    run('topup', {
      kind: 'top_up_airtime',
      beneficiaryMsisdn: null,
      amountMinor: 2_000n,
      funding: 'bank',
    }),
  ],
  [
    'TOPUP 20 8613800138001',
    run('topup', {
      kind: 'top_up_airtime',
      beneficiaryMsisdn: HAN,
      amountMinor: 2_000n,
      funding: 'wallet',
    }),
  ],
  [
    'TOPUP 20 +8613800138001 P',
    run('topup', {
      kind: 'top_up_airtime',
      beneficiaryMsisdn: HAN,
      amountMinor: 2_000n,
      funding: 'phone_bill',
    }),
  ],
  [
    'TOPUP 20 wallet 008613800138001',
    run('topup', {
      kind: 'top_up_airtime',
      beneficiaryMsisdn: HAN,
      amountMinor: 2_000n,
      funding: 'wallet',
    }),
  ],
  [
    '充值 20 8613800138001 银行卡',
    run(
      'topup',
      { kind: 'top_up_airtime', beneficiaryMsisdn: HAN, amountMinor: 2_000n, funding: 'bank' },
      zh,
    ),
  ],
  [
    '充值 20',
    run(
      'topup',
      { kind: 'top_up_airtime', beneficiaryMsisdn: null, amountMinor: 2_000n, funding: 'wallet' },
      zh,
    ),
  ],
])

table('LOAD / 圈存, SEND / 转账', [
  ['LOAD 100', run('load', { kind: 'load_wallet', amountMinor: 10_000n })],
  ['load 0.5', run('load', { kind: 'load_wallet', amountMinor: 50n })],
  ['圈存 100', run('load', { kind: 'load_wallet', amountMinor: 10_000n }, zh)],
  // The RFID-SIM's purse: from the wallet unless an account is named.
  ['LOAD CARD 50', run('load', { kind: 'load_card', amountMinor: 5_000n, funding: 'wallet' })],
  [
    'load card 20 P',
    run('load', { kind: 'load_card', amountMinor: 2_000n, funding: 'phone_bill' }),
  ],
  ['卡充值 50', run('loadcard', { kind: 'load_card', amountMinor: 5_000n, funding: 'wallet' }, zh)],
  [
    '卡充值 20 银行卡',
    run('loadcard', { kind: 'load_card', amountMinor: 2_000n, funding: 'bank' }, zh),
  ],
  ['LOAD CARD', usage('load')],
  ['CARD', run('card', { kind: 'card_balance' })],
  ['卡余额', run('card', { kind: 'card_balance' }, zh)],
  ['CARD 5', usage('card')],
  ['LOAD CARD 50 X', usage('load')],
  [
    'SEND 8613800138001 10',
    run('send', { kind: 'send_money', payeeMsisdn: HAN, amountMinor: 1_000n }),
  ],
  [
    'send +8613800138001 10.5',
    run('send', { kind: 'send_money', payeeMsisdn: HAN, amountMinor: 1_050n }),
  ],
  [
    '转账 008613800138001 10',
    run('send', { kind: 'send_money', payeeMsisdn: HAN, amountMinor: 1_000n }, zh),
  ],
])

table('YES / Y / 确认 with and without a PIN, NO / N / 取消', [
  ['YES 1234', run('yes', { kind: 'confirm' }, null, '1234')],
  ['yes 1234', run('yes', { kind: 'confirm' }, null, '1234')],
  ['Y 4321', run('yes', { kind: 'confirm' }, null, '4321')],
  ['  y   0000 ', run('yes', { kind: 'confirm' }, null, '0000')],
  ['YES', run('yes', { kind: 'confirm' })],
  ['y', run('yes', { kind: 'confirm' })],
  ['确认 1234', run('yes', { kind: 'confirm' }, zh, '1234')],
  ['确认1234', run('yes', { kind: 'confirm' }, zh, '1234')],
  ['确认　１２３４', run('yes', { kind: 'confirm' }, zh, '1234')],
  ['确认', run('yes', { kind: 'confirm' }, zh)],
  // A wrong number of digits is still a PIN attempt: the core counts it.
  ['YES 12', run('yes', { kind: 'confirm' }, null, '12')],
  ['NO', run('no', { kind: 'cancel' })],
  ['no', run('no', { kind: 'cancel' })],
  ['N', run('no', { kind: 'cancel' })],
  ['取消', run('no', { kind: 'cancel' }, zh)],
])

table('HIST, PIN, HELP and their Chinese forms', [
  ['HIST', run('hist', { kind: 'statement' })],
  ['hist', run('hist', { kind: 'statement' })],
  ['记录', run('hist', { kind: 'statement' }, zh)],
  ['明细', run('hist', { kind: 'statement' }, zh)],
  ['PIN 1234 5678', run('pin', { kind: 'change_pin' }, null, '1234', '5678')],
  ['pin 1234 567890', run('pin', { kind: 'change_pin' }, null, '1234', '567890')],
  ['改密码 4321 8765', run('pin', { kind: 'change_pin' }, zh, '4321', '8765')],
  ['密码 4321 8765', run('pin', { kind: 'change_pin' }, zh, '4321', '8765')],
  ['HELP', help(null)],
  ['help', help(null)],
  ['?', help(null)],
  ['帮助', help(null, zh)],
  ['？', help(null, zh)],
  ['HELP PAY', help('pay')],
  ['help topup', help('topup')],
  ['帮助 支付', help('pay', zh)],
  ['HELP ME PLEASE', help(null)],
])

table('REG / REGISTER / 注册: a name of one or more words, then the PIN', [
  [
    'REG Wang Fang 2468',
    run('reg', { kind: 'register', name: 'Wang Fang', language: 'en' }, null, null, '2468'),
  ],
  [
    'register wang 2468',
    run('reg', { kind: 'register', name: 'wang', language: 'en' }, null, null, '2468'),
  ],
  [
    '注册 王芳 2468',
    run('reg', { kind: 'register', name: '王芳', language: zh }, zh, null, '2468'),
  ],
  ['注册王芳 2468', run('reg', { kind: 'register', name: '王芳', language: zh }, zh, null, '2468')],
  // The core judges the PIN's format (pin_format_invalid), as for a new PIN.
  ['REG Wang 24', run('reg', { kind: 'register', name: 'Wang', language: 'en' }, null, null, '24')],
  ['REG 2468', usage('reg')],
  ['REG', usage('reg')],
  [`REG ${'W'.repeat(41)} 2468`, usage('reg')],
  ['注册', usage('reg', zh)],
])

table('amount refusals, for every keyword that takes an amount', [
  ['PAY 1001 -5', refused('pay', 'amount_not_positive')],
  ['PAY 1001 0', refused('pay', 'amount_not_positive')],
  ['PAY 1001 0.00', refused('pay', 'amount_not_positive')],
  ['PAY 1001 abc', refused('pay', 'amount_invalid')],
  ['PAY 1001 25.555', refused('pay', 'amount_too_precise')],
  ['PAY 1001 25.', refused('pay', 'amount_invalid')],
  ['PAY 1001 1,000', refused('pay', 'amount_invalid')],
  ['支付 1001 -5', refused('pay', 'amount_not_positive', zh)],
  ['支付 1001 二十', refused('pay', 'amount_invalid', zh)],
  ['BILL 2001 8812345 abc', refused('bill', 'amount_invalid')],
  ['BILL 2001 8812345 0', refused('bill', 'amount_not_positive')],
  ['TOPUP -20', refused('topup', 'amount_not_positive')],
  ['TOPUP 20.001 8613800138001', refused('topup', 'amount_too_precise')],
  ['LOAD abc', refused('load', 'amount_invalid')],
  ['LOAD 0', refused('load', 'amount_not_positive')],
  ['SEND 8613800138001 -1', refused('send', 'amount_not_positive')],
  ['转账 8613800138001 25.555', refused('send', 'amount_too_precise', zh)],
])

table('phone number refusals', [
  ['SEND 123 10', refused('send', 'msisdn_invalid')],
  ['SEND bob 10', refused('send', 'msisdn_invalid')],
  ['TOPUP 20 12345', refused('topup', 'msisdn_invalid')],
  ['TOPUP 20 +0086138 W', refused('topup', 'msisdn_invalid')],
])

table('missing and extra words get the usage of that keyword', [
  ['BAL now', usage('bal')],
  ['余额 钱包', usage('bal', zh)],
  ['HIST 5', usage('hist')],
  ['NO thanks', usage('no')],
  ['YES 1234 5678', usage('yes')],
  ['YES please', usage('yes')],
  ['PIN', usage('pin')],
  ['PIN 1234', usage('pin')],
  ['PIN 1234 5678 5678', usage('pin')],
  ['改密码 1234', usage('pin', zh)],
  ['PAY', usage('pay')],
  ['PAY 1001', usage('pay')],
  ['PAY 1001 25 W extra', usage('pay')],
  ['PAY 1001 25 X', usage('pay')],
  ['支付 1001', usage('pay', zh)],
  ['ORDER', usage('order')],
  ['ORDER 880001 W more', usage('order')],
  ['ORDER 880001 card', usage('order')],
  ['BILL 2001 30', usage('bill')],
  ['BILL 2001 8812345 30 W extra', usage('bill')],
  ['TOPUP', usage('topup')],
  ['TOPUP 20 8613800138001 W extra', usage('topup')],
  ['TOPUP 20 W P', usage('topup')],
  ['TOPUP 20 8613800138001 8613800138000', usage('topup')],
  ['TOPUP 20 friend', usage('topup')],
  ['LOAD', usage('load')],
  ['LOAD 10 20', usage('load')],
  ['SEND 8613800138001', usage('send')],
  ['SEND 8613800138001 10 W', usage('send')],
  ['转账', usage('send', zh)],
])

table('unknown words and empty texts get the short help', [
  ['HELLO', unknown()],
  ['PAYX 1001 25', unknown()],
  ['1234', unknown()],
  ['', unknown()],
  ['   ', unknown()],
  ['你好', unknown(zh)],
  ['W', unknown()],
])

describe('commandOfDraft', () => {
  const LI = '8613800138000'

  it('puts the sender into every command, never authorizes a payment in the same message', () => {
    const texts = [
      'PAY 1001 25 P',
      'ORDER 880001',
      'BILL 2001 8812345 30',
      'TOPUP 20 8613800138001',
      'LOAD 100',
      'SEND 8613800138001 10',
    ]
    for (const text of texts) {
      const parsed = parseMo(text)
      if (parsed.kind !== 'command') throw new Error(`${text} was not read as a command`)
      const command = commandOfDraft(parsed.draft, LI)
      expect(command).toMatchObject({ msisdn: LI, authorize: false })
    }
  })

  it("tops up the sender's own phone when TOPUP names no number", () => {
    const parsed = parseMo('TOPUP 20')
    if (parsed.kind !== 'command') throw new Error('TOPUP 20 was not read as a command')
    expect(commandOfDraft(parsed.draft, LI)).toEqual({
      kind: 'top_up_airtime',
      msisdn: LI,
      beneficiaryMsisdn: LI,
      amountMinor: 2_000n,
      funding: 'wallet',
      authorize: false,
    })
  })

  it("turns YES, NO, BAL, HIST, PIN and REG into the sender's commands", () => {
    const kinds = ['YES 1234', 'NO', 'BAL', 'HIST', 'PIN 1234 5678', '注册 王芳 2468'].map(
      (text) => {
        const parsed = parseMo(text)
        if (parsed.kind !== 'command') throw new Error(`${text} was not read as a command`)
        return commandOfDraft(parsed.draft, LI)
      },
    )
    expect(kinds).toEqual([
      { kind: 'confirm', msisdn: LI },
      { kind: 'cancel', msisdn: LI },
      { kind: 'balance', msisdn: LI },
      { kind: 'statement', msisdn: LI },
      { kind: 'change_pin', msisdn: LI },
      { kind: 'register', msisdn: LI, name: '王芳', language: 'zh' },
    ])
  })
})

describe('the account of a payment that names none', () => {
  const fundingOf = (parsed: ParsedMo): string | null =>
    parsed.kind === 'command' && 'funding' in parsed.draft ? String(parsed.draft.funding) : null

  it('is the wallet by default (SPEC section 4); the operating model can make it the card', () => {
    expect(fundingOf(parseMo('PAY 1001 25'))).toBe('wallet')
    expect(fundingOf(parseMo('PAY 1001 25', defaultFundingOf('bank')))).toBe('bank')
    expect(fundingOf(parseMo('ORDER 880001', 'bank'))).toBe('bank')
    expect(fundingOf(parseMo('BILL 2001 8812345 30', 'bank'))).toBe('bank')
    expect(fundingOf(parseMo('TOPUP 20', 'bank'))).toBe('bank')
    // An account the subscriber names is taken as named, offered or not: the core refuses it.
    expect(fundingOf(parseMo('PAY 1001 25 W', 'bank'))).toBe('wallet')
    expect(fundingOf(parseMo('PAY 1001 25 P', 'bank'))).toBe('phone_bill')
  })

  it('follows the model: the wallet wherever one is offered, the card under bank', () => {
    expect(operatingModelIds.map((model) => defaultFundingOf(model))).toEqual([
      'wallet',
      'bank',
      'wallet',
      'wallet',
    ])
  })
})
