/**
 * mask-and-texts.test.ts - PINs masked in MO texts for logs while amounts stay readable, and the
 * SMS channel's own texts: sizes that fit an SMS, English inside the GSM 03.38 basic set, the
 * Chinese help naming the Chinese keywords, a usage hint per keyword.
 */
import { describe, expect, it } from 'vitest'
import { helpText, partsLostText, refusalText } from '../../../../channels/sms/grammar/replies.js'
import { maskMoText } from '../../../../channels/sms/sms-adapter.js'
import { smsKeywords } from '../../../../menus/sms/catalogue.js'
import { smsEn } from '../../../../menus/sms/en.js'
import { smsZh } from '../../../../menus/sms/zh.js'

describe('maskMoText', () => {
  it.each([
    ['YES 1234', 'YES ****'],
    ['yes   987654', 'yes ****'],
    ['Y 1234', 'Y ****'],
    ['PIN 1234 5678', 'PIN **** ****'],
    ['pin 1234 5678 9999', 'pin **** **** ****'],
    ['确认 1234', '确认 ****'],
    ['确认1234', '确认 ****'],
    ['确认　4321', '确认 ****'],
    ['改密码 4321 8765', '改密码 **** ****'],
    // A registration carries a PIN and a person's name: neither is logged.
    ['REG Wang Fang 2468', 'REG **** **** ****'],
    ['注册王芳 2468', '注册 **** ****'],
    // A PIN typed where the grammar expects no number.
    ['PAY 1001 25 1234', 'PAY 1001 25 ****'],
    ['SEND 8613800138001 10 1234', 'SEND 8613800138001 10 ****'],
    ['TOPUP 20 1234', 'TOPUP 20 ****'],
    ['HELP 1234', 'HELP ****'],
    ['LOAD CARD 50 1234', 'LOAD CARD 50 ****'],
    ['卡充值 50 1234', '卡充值 50 ****'],
    // No keyword: any run of 4 to 6 digits may be a PIN sent on its own.
    ['1234', '****'],
    ['my pin is 4321 ok', 'my pin is **** ok'],
  ])('%s -> %s', (text, masked) => {
    expect(maskMoText(text)).toBe(masked)
  })

  it.each([
    'PAY 1001 25',
    'PAY 1001 25.50 P',
    'ORDER 880001',
    'BILL 2001 8812345 30',
    'TOPUP 20 8613800138001 W',
    'SEND 8613800138001 10',
    'LOAD 1000',
    'LOAD CARD 50 W',
    'BAL',
    '支付 1001 25',
  ])('keeps %s readable', (text) => {
    expect(maskMoText(text)).toBe(text)
  })
})

// GSM 03.38 basic character set (no escape to the extension table).
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
const outsideGsm = (text: string): string[] => [...text].filter((char) => !gsmBasic.has(char))
const smsSingleSeptetsMax = 160
const smsSingleUcs2UnitsMax = 70
const smsPartUcs2UnitsMax = 67

describe('SMS texts', () => {
  // The reference line as sent, with its placeholder filled.
  const englishTexts = [
    smsEn.help,
    smsEn.unknown,
    smsEn.reference.replace('{ref}', 'T00000A'),
    smsEn.partsLost,
    ...Object.values(smsEn.usage),
  ]

  it('keeps English inside the GSM 03.38 basic set', () => {
    expect(englishTexts.flatMap(outsideGsm)).toEqual([])
  })

  it('fits the English unknown-word answer with the help, and every usage hint, in one SMS', () => {
    expect(refusalText({ reason: 'unknown_keyword' }, 'en').length).toBeLessThanOrEqual(
      smsSingleSeptetsMax,
    )
    for (const keyword of smsKeywords)
      expect(helpText(keyword, 'en').length).toBeLessThanOrEqual(smsSingleSeptetsMax)
  })

  it('fits every Chinese usage hint in one UCS-2 SMS and the Chinese help in two parts', () => {
    for (const keyword of smsKeywords)
      expect(smsZh.usage[keyword].length).toBeLessThanOrEqual(smsSingleUcs2UnitsMax)
    expect(refusalText({ reason: 'unknown_keyword' }, 'zh').length).toBeLessThanOrEqual(
      2 * smsPartUcs2UnitsMax,
    )
  })

  it('names every English keyword in the English help, the Chinese aliases in the Chinese', () => {
    for (const word of ['BAL', 'HIST', 'PAY', 'ORDER', 'BILL', 'TOPUP', 'LOAD', 'SEND', 'PIN'])
      expect(smsEn.help).toContain(word)
    for (const word of ['余额', '支付', '订单', '缴费', '充值', '圈存', '转账', '记录', '改密码'])
      expect(smsZh.help).toContain(word)
  })

  it("shows each keyword's own words in its usage hint", () => {
    const english = {
      bal: 'BAL',
      pay: 'PAY',
      order: 'ORDER',
      bill: 'BILL',
      topup: 'TOPUP',
      load: 'LOAD',
      loadcard: 'LOAD CARD',
      card: 'CARD',
      send: 'SEND',
      yes: 'YES',
      no: 'NO',
      hist: 'HIST',
      pin: 'PIN',
      reg: 'REG',
      help: 'HELP',
    }
    const chinese = {
      bal: '余额',
      pay: '支付',
      order: '订单',
      bill: '缴费',
      topup: '充值',
      load: '圈存',
      loadcard: '卡充值',
      card: '卡余额',
      send: '转账',
      yes: '确认',
      no: '取消',
      hist: '记录',
      pin: '改密码',
      reg: '注册',
      help: '帮助',
    }
    for (const keyword of smsKeywords) {
      expect(smsEn.usage[keyword]).toContain(english[keyword])
      expect(smsZh.usage[keyword]).toContain(chinese[keyword])
    }
  })

  it('asks in both languages, in one UCS-2 SMS, for a lost long MO of an unknown language', () => {
    const both = partsLostText(null)
    expect(both).toContain(smsEn.partsLost)
    expect(both).toContain(smsZh.partsLost)
    expect(both.length).toBeLessThanOrEqual(smsSingleUcs2UnitsMax)
    expect(partsLostText('zh')).toBe(smsZh.partsLost)
  })

  it("answers a bad amount or number with the core's refusal text in the MO's language", () => {
    expect(refusalText({ reason: 'amount_too_precise', keyword: 'pay' }, 'en')).toContain(
      '2 decimals',
    )
    expect(refusalText({ reason: 'amount_not_positive', keyword: 'pay' }, 'zh')).toContain('大于0')
    expect(refusalText({ reason: 'msisdn_invalid', keyword: 'send' }, 'en')).toMatch(/phone number/)
  })
})
