/**
 * mask-mo.ts - an MO text fit for a log line: every word that is or may be a PIN becomes
 * "****", while merchant codes, amounts and numbers stay readable. Exports maskMoText.
 */
import type { SmsKeyword } from '../../../menus/sms/catalogue.js'
import { normalizeMsisdn } from '../../../src/core/index.js'
import { keywordOf, pinKeywords } from './keywords.js'
import { tokenizeMo } from './tokens.js'

const mask = '****'

/** What each argument of a keyword is: it decides whether digits there may be a PIN. */
type ArgumentKind =
  | 'code'
  | 'amount'
  | 'text'
  | 'msisdn'
  | 'account'
  | 'msisdn_or_account'
  | 'keyword'

const argumentKinds: { readonly [K in SmsKeyword]: readonly ArgumentKind[] } = {
  bal: [],
  hist: [],
  no: [],
  yes: [],
  pin: [],
  reg: [],
  help: ['keyword'],
  pay: ['code', 'amount', 'account'],
  order: ['code', 'account'],
  bill: ['code', 'text', 'amount', 'account'],
  topup: ['amount', 'msisdn_or_account', 'msisdn_or_account'],
  load: ['amount'],
  loadcard: ['amount', 'account'],
  card: [],
  send: ['msisdn', 'amount'],
}

/** LOAD CARD <amount> [<account>]: the word CARD, then what 卡充值 takes. */
const loadCardKinds: readonly ArgumentKind[] = ['text', 'amount', 'account']

const digitsPattern = /^\+?\d+$/
// The PIN lengths the service accepts (src/service/pin-hasher.ts), anywhere in a text the
// grammar cannot read: "1234" sent alone, or "pin1234".
const pinLikePattern = /(?<!\d)\d{4,6}(?!\d)/gu

/**
 * Masks the PINs of an MO: all words after YES/确认 and PIN/改密码, and any digits standing where
 * the grammar expects no number (a PIN typed after a payment, "PAY 1001 25 1234"). Words are
 * rejoined with single spaces; a text without a keyword has each 4-6 digit run masked.
 */
export function maskMoText(text: string): string {
  const { words } = tokenizeMo(text)
  const [first, ...args] = words
  const keyword = first === undefined ? null : keywordOf(first)
  if (first === undefined || keyword === null) return text.replace(pinLikePattern, mask)
  if (pinKeywords.has(keyword)) return [first, ...args.map(() => mask)].join(' ')
  const kinds =
    keyword === 'load' && args[0]?.toUpperCase() === 'CARD' ? loadCardKinds : argumentKinds[keyword]
  return [first, ...args.map((word, index) => (mayBePin(word, kinds[index]) ? mask : word))].join(
    ' ',
  )
}

function mayBePin(word: string, kind: ArgumentKind | undefined): boolean {
  if (!digitsPattern.test(word)) return false
  switch (kind) {
    case 'code':
    case 'amount':
    case 'text':
    case 'msisdn':
      return false
    case 'msisdn_or_account':
      return normalizeMsisdn(word) === null
    case 'account':
    case 'keyword':
    case undefined:
      return true
  }
}
