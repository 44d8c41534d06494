/**
 * keywords.ts - the words of the SMS grammar (SPEC section 4): every alias of a keyword, English
 * and Chinese, and the account words. Exports keywordOf, accountOf, chineseKeywordWords and the
 * sets of keywords that carry PINs (for masking).
 */

import type { SmsKeyword } from '../../../menus/sms/catalogue.js'
import type { FundingKind } from '../../../src/core/index.js'

/**
 * Aliases per keyword, upper case. The Chinese words beyond SPEC section 4 (订单, 缴费, 圈存,
 * 记录/明细, 改密码/密码, 付款) are the ones a Chinese user would type; menus/sms/zh.ts lists them.
 */
const keywordWords: { readonly [K in SmsKeyword]: readonly string[] } = {
  bal: ['BAL', 'BALANCE', '余额'],
  pay: ['PAY', '支付', '付款'],
  order: ['ORDER', '订单'],
  bill: ['BILL', '缴费'],
  topup: ['TOPUP', '充值'],
  load: ['LOAD', '圈存'],
  loadcard: ['卡充值'],
  card: ['CARD', '卡余额'],
  send: ['SEND', '转账'],
  yes: ['YES', 'Y', '确认'],
  no: ['NO', 'N', '取消'],
  hist: ['HIST', '记录', '明细'],
  pin: ['PIN', '改密码', '密码'],
  reg: ['REG', 'REGISTER', '注册'],
  help: ['HELP', '帮助', '?'],
}

const keywordByWord: ReadonlyMap<string, SmsKeyword> = new Map(
  Object.entries(keywordWords).flatMap(([keyword, words]) =>
    words.map((word) => [word, keyword as SmsKeyword] as const),
  ),
)

/**
 * Chinese keywords, longest first: a Chinese user often types no space after the keyword
 * ("确认1234"), and 改密码 must be tried before 密码.
 */
export const chineseKeywordWords: readonly string[] = [...keywordByWord.keys()]
  .filter((word) => /[^\x20-\x7e]/.test(word))
  .sort((a, b) => b.length - a.length)

/** The keyword a word names, case-insensitively; null when it names none. */
export function keywordOf(word: string): SmsKeyword | null {
  return keywordByWord.get(word.toUpperCase()) ?? null
}

const accountByWord: ReadonlyMap<string, FundingKind> = new Map([
  ['W', 'wallet'],
  ['WALLET', 'wallet'],
  ['钱包', 'wallet'],
  ['P', 'phone_bill'],
  ['PHONE', 'phone_bill'],
  ['话费', 'phone_bill'],
  ['B', 'bank'],
  ['BANK', 'bank'],
  ['银行卡', 'bank'],
])

/** The funding account an account word names (W, PHONE, 银行卡...); null when it names none. */
export function accountOf(word: string): FundingKind | null {
  return accountByWord.get(word.toUpperCase()) ?? null
}

/** Keywords whose words after the keyword are all PINs (YES <PIN>, PIN <old> <new>). */
export const pinKeywords: ReadonlySet<SmsKeyword> = new Set<SmsKeyword>(['yes', 'pin', 'reg'])
