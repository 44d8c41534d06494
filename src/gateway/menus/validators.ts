/**
 * validators.ts - the fixed set of input validators a menu may name: each an anchored
 * (full-match) pattern the menu library matches, a normalizer for the value kept, and re-prompt
 * texts in both languages that say what was wrong. USSD screens and IVR call scripts name the
 * same validators; a call keys the input on DTMF, a screen types it.
 */
import type { Language } from '../../core/index.js'
import { formatAmount, normalizeMsisdn, parseAmount } from '../../core/index.js'
import type { Texts } from './file-reader.js'

export interface Validator {
  /**
   * Anchored regex source (`^...$`) of the inputs accepted. For new_pin_repeat it depends on
   * the PIN to repeat, so it is a function of it.
   */
  readonly pattern: (repeat: string | null) => string
  /** The value kept for an accepted input (amounts as "25.00", MSISDNs in stored form). */
  readonly normalize: (text: string) => string
  /** The re-prompt for a refused input: what was wrong and what to type. */
  readonly reprompt: (text: string, language: Language) => string
  /** A secret is sealed in the session, masked in the trail, and never taken from a shortcut. */
  readonly secret: boolean
}

function fixed(texts: Texts): (text: string, language: Language) => string {
  return (_text, language) => texts[language]
}

const pinPattern = '^\\d{4,6}$'

const amountTexts = {
  amount_invalid: {
    en: 'Amount not understood. Enter digits such as 25 or 25.50.',
    zh: '金额无法识别，请输入数字，如25或25.50。',
  },
  amount_too_precise: {
    en: 'Amounts have at most 2 decimals, such as 25.50. Enter it again.',
    zh: '金额最多两位小数，如25.50，请重新输入。',
  },
  amount_not_positive: {
    en: 'The amount must be more than 0. Enter it again.',
    zh: '金额必须大于0，请重新输入。',
  },
  amount_too_large: {
    en: 'That amount is too large. Enter a smaller amount.',
    zh: '金额过大，请输入较小的金额。',
  },
} as const satisfies Record<string, Texts>

function amountReprompt(text: string, language: Language): string {
  const parsed = parseAmount(text)
  if (parsed.ok) return amountTexts.amount_too_large[language]
  const key =
    parsed.reason === 'amount_too_precise' || parsed.reason === 'amount_not_positive'
      ? parsed.reason
      : 'amount_invalid'
  return amountTexts[key][language]
}

const identity = (text: string): string => text

export const validators = {
  // Seven whole digits (9,999,999.99) is above every payment maximum of SPEC section 3, so the
  // core, not the menu, says which limit an amount breaks. At least one digit is not zero.
  amount: {
    pattern: () => '^(?=[\\d.]*[1-9])\\d{1,7}(?:\\.\\d{1,2})?$',
    normalize: (text) => {
      const parsed = parseAmount(text)
      return parsed.ok ? formatAmount(parsed.minor) : text
    },
    reprompt: amountReprompt,
    secret: false,
  },
  merchant_code: {
    pattern: () => '^\\d{3,8}$',
    normalize: identity,
    reprompt: fixed({
      en: 'A merchant code is 3 to 8 digits, such as 1001. Enter it again.',
      zh: '商户编号为3至8位数字，如1001，请重新输入。',
    }),
    secret: false,
  },
  biller_code: {
    pattern: () => '^\\d{3,8}$',
    normalize: identity,
    reprompt: fixed({
      en: 'A biller code is 3 to 8 digits, such as 2001. Enter it again.',
      zh: '缴费单位编号为3至8位数字，如2001，请重新输入。',
    }),
    secret: false,
  },
  customer_ref: {
    pattern: () => '^[0-9A-Za-z]{1,20}$',
    normalize: identity,
    reprompt: fixed({
      en: 'Enter the customer number from your bill: up to 20 letters or digits.',
      zh: '请输入账单上的户号：最多20位字母或数字。',
    }),
    secret: false,
  },
  msisdn: {
    pattern: () => '^(?:\\+|00)?[1-9]\\d{7,14}$',
    normalize: (text) => normalizeMsisdn(text) ?? text,
    reprompt: fixed({
      en: 'That phone number is not valid. Enter it with the country code, e.g. 8613800138000.',
      zh: '手机号码无效，请输入带国家代码的号码，如8613800138000。',
    }),
    secret: false,
  },
  order_no: {
    pattern: () => '^\\d{4,12}$',
    normalize: identity,
    reprompt: fixed({
      en: 'An order number is 4 to 12 digits, such as 880001. Enter it again.',
      zh: '订单号为4至12位数字，如880001，请重新输入。',
    }),
    secret: false,
  },
  pin: {
    pattern: () => pinPattern,
    normalize: identity,
    reprompt: fixed({
      en: 'A PIN is 4 to 6 digits. Enter your PIN again.',
      zh: '密码为4至6位数字，请重新输入。',
    }),
    secret: true,
  },
  new_pin: {
    pattern: () => pinPattern,
    normalize: identity,
    reprompt: fixed({
      en: 'A new PIN is 4 to 6 digits. Enter the new PIN again.',
      zh: '新密码为4至6位数字，请重新输入。',
    }),
    secret: true,
  },
  // The PIN to repeat goes into a pattern of a per-request menu only; nothing keeps it.
  new_pin_repeat: {
    pattern: (repeat) => (repeat === null ? '^(?!)$' : `^${repeat.replace(/[^0-9]/g, '')}$`),
    normalize: identity,
    reprompt: fixed({
      en: 'The two new PINs differ. Enter the new PIN again.',
      zh: '两次输入的新密码不一致，请再输入一次新密码。',
    }),
    secret: true,
  },
} as const satisfies Record<string, Validator>

export type ValidatorName = keyof typeof validators
export const validatorNames = Object.keys(validators) as ValidatorName[]

export function isValidatorName(name: string): name is ValidatorName {
  return Object.hasOwn(validators, name)
}
