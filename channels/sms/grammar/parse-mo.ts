/**
 * parse-mo.ts - the SMS grammar of SPEC section 4 as one pure function: parseMo(text) tells what
 * an MO asks for (a command draft with its PINs, help) or why it cannot be run, and whether it
 * was written in Chinese. Exports parseMo, ParsedMo, MoMeaning, MoRefusal, InputReason.
 */

import type { SmsKeyword } from '../../../menus/sms/catalogue.js'
import type { FundingKind, Language } from '../../../src/core/index.js'
import { assertNever, normalizeMsisdn, parseAmount } from '../../../src/core/index.js'
import type { CommandDraft } from './command-draft.js'
import { accountOf, keywordOf } from './keywords.js'
import { tokenizeMo } from './tokens.js'

/** Refusals of the words themselves, with the core's reason codes (and their catalogue texts). */
export type InputReason =
  | 'amount_invalid'
  | 'amount_too_precise'
  | 'amount_not_positive'
  | 'msisdn_invalid'

export type MoRefusal =
  /** An argument that is no amount or no phone number. */
  | { readonly reason: InputReason; readonly keyword: SmsKeyword }
  /** Words missing, too many, or not of the kind the keyword takes: answer with its usage. */
  | { readonly reason: 'usage'; readonly keyword: SmsKeyword }
  /** The first word is no keyword (or the MO is empty): answer with the short help. */
  | { readonly reason: 'unknown_keyword' }

/** What an MO asks for, apart from its language. */
export type MoMeaning =
  | {
      readonly kind: 'command'
      readonly keyword: SmsKeyword
      readonly draft: CommandDraft
      /** YES <PIN>, or the old PIN of PIN <old> <new>; null when the MO carries none. */
      readonly pin: string | null
      readonly newPin: string | null
    }
  /** HELP, or HELP <keyword> for that keyword's usage. */
  | { readonly kind: 'help'; readonly topic: SmsKeyword | null }
  | { readonly kind: 'refusal'; readonly refusal: MoRefusal }

export type ParsedMo = MoMeaning & {
  /** 'zh' for a Chinese MO; null: reply in the subscriber's language. */
  readonly language: Language | null
}

/**
 * Reads one MO text. Never throws: every text gets an answer. `defaultFunding` is the account a
 * payment that names none comes from: the wallet (SPEC section 4), or the card under an operating
 * model without wallets (bank).
 */
export function parseMo(text: string, defaultFunding: FundingKind = 'wallet'): ParsedMo {
  const { words, language } = tokenizeMo(text)
  const first = words[0]
  const keyword = first === undefined ? null : keywordOf(first)
  if (keyword === null) return { kind: 'refusal', refusal: { reason: 'unknown_keyword' }, language }
  return { ...parseKeyword(keyword, words.slice(1), defaultFunding, language ?? 'en'), language }
}

function parseKeyword(
  keyword: SmsKeyword,
  args: readonly string[],
  defaultFunding: FundingKind,
  language: Language,
): MoMeaning {
  switch (keyword) {
    case 'bal':
      return args.length === 0 ? command(keyword, { kind: 'balance' }) : usage(keyword)
    case 'hist':
      return args.length === 0 ? command(keyword, { kind: 'statement' }) : usage(keyword)
    case 'card':
      return args.length === 0 ? command(keyword, { kind: 'card_balance' }) : usage(keyword)
    case 'no':
      return args.length === 0 ? command(keyword, { kind: 'cancel' }) : usage(keyword)
    case 'help':
      return parseHelp(args)
    case 'yes':
      return parseYes(args)
    case 'pin':
      return parsePin(args)
    case 'reg':
      return parseRegister(args, language)
    case 'pay':
      return parsePay(args, defaultFunding)
    case 'order':
      return parseOrder(args, defaultFunding)
    case 'bill':
      return parseBill(args, defaultFunding)
    case 'topup':
      return parseTopUp(args, defaultFunding)
    case 'load':
      return args[0]?.toUpperCase() === 'CARD'
        ? parseLoadCard('load', args.slice(1), defaultFunding)
        : parseLoad(args)
    case 'loadcard':
      return parseLoadCard('loadcard', args, defaultFunding)
    case 'send':
      return parseSend(args)
    default:
      return assertNever(keyword)
  }
}

function command(
  keyword: SmsKeyword,
  draft: CommandDraft,
  pin: string | null = null,
  newPin: string | null = null,
): MoMeaning {
  return { kind: 'command', keyword, draft, pin, newPin }
}

function usage(keyword: SmsKeyword): MoMeaning {
  return { kind: 'refusal', refusal: { reason: 'usage', keyword } }
}

function refusal(keyword: SmsKeyword, reason: InputReason): MoMeaning {
  return { kind: 'refusal', refusal: { reason, keyword } }
}

function parseHelp(args: readonly string[]): MoMeaning {
  const topicWord = args[0]
  if (args.length !== 1 || topicWord === undefined) return { kind: 'help', topic: null }
  return { kind: 'help', topic: keywordOf(topicWord) }
}

// A PIN is digits. Other words after YES are no attempt at a PIN ("YES please"), so they get
// the usage instead of counting as a wrong PIN; a wrong number of digits is left to the core.
const pinWordPattern = /^\d+$/

function parseYes(args: readonly string[]): MoMeaning {
  const [pin] = args
  if (pin === undefined) return command('yes', { kind: 'confirm' })
  if (args.length > 1 || !pinWordPattern.test(pin)) return usage('yes')
  return command('yes', { kind: 'confirm' }, pin)
}

function parsePin(args: readonly string[]): MoMeaning {
  const [oldPin, newPin] = args
  if (args.length !== 2 || oldPin === undefined || newPin === undefined) return usage('pin')
  // The core checks the new PIN's format (pin_format_invalid) and counts a wrong old one.
  return command('pin', { kind: 'change_pin' }, oldPin, newPin)
}

/** The longest name REG takes: a name as a person writes it, not a message. */
const registerNameCharsMax = 40

/** REG <name> <PIN>: the words before the PIN are the name, as typed. */
function parseRegister(args: readonly string[], language: Language): MoMeaning {
  const pin = args[args.length - 1]
  const name = args.slice(0, -1).join(' ')
  if (pin === undefined || name === '' || name.length > registerNameCharsMax) return usage('reg')
  // The core checks the PIN's format (pin_format_invalid), as for a new PIN.
  return command('reg', { kind: 'register', name, language }, null, pin)
}

type AmountWord =
  | { readonly ok: true; readonly minor: bigint }
  | { readonly ok: false; readonly reason: InputReason }

/** An amount as typed: "25", "25.50", with a Chinese "元" after or a "¥" before it allowed. */
function amountOf(word: string): AmountWord {
  const parsed = parseAmount(word.replace(/^¥/u, '').replace(/元$/u, ''))
  if (parsed.ok) return parsed
  switch (parsed.reason) {
    case 'amount_too_precise':
    case 'amount_not_positive':
      return { ok: false, reason: parsed.reason }
    default:
      return { ok: false, reason: 'amount_invalid' }
  }
}

/** The funding account of an optional last word: absent means the default account. */
function fundingOf(word: string | undefined, defaultFunding: FundingKind): FundingKind | null {
  return word === undefined ? defaultFunding : accountOf(word)
}

function parsePay(args: readonly string[], defaultFunding: FundingKind): MoMeaning {
  const [merchantCode, amountWord, accountWord] = args
  if (args.length < 2 || args.length > 3 || merchantCode === undefined || amountWord === undefined)
    return usage('pay')
  const funding = fundingOf(accountWord, defaultFunding)
  if (funding === null) return usage('pay')
  const amount = amountOf(amountWord)
  if (!amount.ok) return refusal('pay', amount.reason)
  return command('pay', { kind: 'pay_merchant', merchantCode, amountMinor: amount.minor, funding })
}

function parseOrder(args: readonly string[], defaultFunding: FundingKind): MoMeaning {
  const [orderNo, accountWord] = args
  if (args.length < 1 || args.length > 2 || orderNo === undefined) return usage('order')
  const funding = fundingOf(accountWord, defaultFunding)
  if (funding === null) return usage('order')
  return command('order', { kind: 'pay_order', orderNo, funding })
}

function parseBill(args: readonly string[], defaultFunding: FundingKind): MoMeaning {
  const [billerCode, customerRef, amountWord, accountWord] = args
  if (
    args.length < 3 ||
    args.length > 4 ||
    billerCode === undefined ||
    customerRef === undefined ||
    amountWord === undefined
  ) {
    return usage('bill')
  }
  const funding = fundingOf(accountWord, defaultFunding)
  if (funding === null) return usage('bill')
  const amount = amountOf(amountWord)
  if (!amount.ok) return refusal('bill', amount.reason)
  return command('bill', {
    kind: 'pay_bill',
    billerCode,
    customerRef,
    amountMinor: amount.minor,
    funding,
  })
}

// Digits with an optional + or 00: meant as a phone number, so a bad one is msisdn_invalid
// rather than a usage hint.
const numberLikePattern = /^\+?\d+$/

/**
 * TOPUP <amount> [<msisdn>] [<acct>]: after the amount, each word is an account word or a phone
 * number, told apart by what it is; either may be left out.
 */
function parseTopUp(args: readonly string[], defaultFunding: FundingKind): MoMeaning {
  const [amountWord, ...rest] = args
  if (amountWord === undefined || rest.length > 2) return usage('topup')
  let funding: FundingKind | null = null
  let beneficiaryMsisdn: string | null = null
  let badNumber = false
  for (const word of rest) {
    const account = accountOf(word)
    if (account !== null && funding === null) {
      funding = account
      continue
    }
    if (
      account !== null ||
      beneficiaryMsisdn !== null ||
      badNumber ||
      !numberLikePattern.test(word)
    )
      return usage('topup')
    beneficiaryMsisdn = normalizeMsisdn(word)
    badNumber = beneficiaryMsisdn === null
  }
  const amount = amountOf(amountWord)
  if (!amount.ok) return refusal('topup', amount.reason)
  if (badNumber) return refusal('topup', 'msisdn_invalid')
  return command('topup', {
    kind: 'top_up_airtime',
    beneficiaryMsisdn,
    amountMinor: amount.minor,
    funding: funding ?? defaultFunding,
  })
}

function parseLoad(args: readonly string[]): MoMeaning {
  const [amountWord] = args
  if (args.length !== 1 || amountWord === undefined) return usage('load')
  const amount = amountOf(amountWord)
  if (!amount.ok) return refusal('load', amount.reason)
  return command('load', { kind: 'load_wallet', amountMinor: amount.minor })
}

/** LOAD CARD <amount> [<account>] / 卡充值: the RFID-SIM's purse, from the wallet unless named. */
function parseLoadCard(
  keyword: SmsKeyword,
  args: readonly string[],
  defaultFunding: FundingKind,
): MoMeaning {
  const [amountWord, accountWord] = args
  if (args.length < 1 || args.length > 2 || amountWord === undefined) return usage(keyword)
  const funding = fundingOf(accountWord, defaultFunding)
  if (funding === null) return usage(keyword)
  const amount = amountOf(amountWord)
  if (!amount.ok) return refusal(keyword, amount.reason)
  return command(keyword, { kind: 'load_card', amountMinor: amount.minor, funding })
}

function parseSend(args: readonly string[]): MoMeaning {
  const [payeeWord, amountWord] = args
  if (args.length !== 2 || payeeWord === undefined || amountWord === undefined) return usage('send')
  const amount = amountOf(amountWord)
  if (!amount.ok) return refusal('send', amount.reason)
  const payeeMsisdn = normalizeMsisdn(payeeWord)
  if (payeeMsisdn === null) return refusal('send', 'msisdn_invalid')
  return command('send', { kind: 'send_money', payeeMsisdn, amountMinor: amount.minor })
}
