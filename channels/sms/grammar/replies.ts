/**
 * replies.ts - the texts of SMS replies: the core's answer rendered in the reply language with
 * the reference a final reply must carry, and the channel's own texts (help, usage, unknown
 * word, lost parts) from menus/sms. Exports resultText, refusalText, helpText, partsLostText,
 * smsCatalogueOf.
 */

import type { SmsCatalogue, SmsKeyword } from '../../../menus/sms/catalogue.js'
import { smsEn } from '../../../menus/sms/en.js'
import { smsZh } from '../../../menus/sms/zh.js'
import type { CommandResult, Language } from '../../../src/core/index.js'
import { assertNever, isFinal } from '../../../src/core/index.js'
import {
  fillTemplate,
  inLanguage,
  lookupIn,
  renderMessage,
} from '../../../src/gateway/reply/index.js'
import type { MoRefusal } from './parse-mo.js'

export function smsCatalogueOf(language: Language): SmsCatalogue {
  return inLanguage({ en: smsEn, zh: smsZh }, language)
}

/** Sentences follow each other after a space in English and directly in Chinese. */
function joinSentences(language: Language, first: string, second: string): string {
  return language === 'zh' ? `${first}${second}` : `${first} ${second}`
}

/**
 * The reference of a reply that ends a payment: the transfer's when money moved, else the
 * payment's own id, which the merchant API and the operator see too. Null for other replies.
 */
function finalReference(result: CommandResult): string | null {
  if (result.reference !== null) return result.reference
  const payment = result.payment
  if (payment === null || !isFinal(payment.state)) return null
  return payment.transferRef ?? payment.id
}

/** The core's answer in `language`, with the reference line when a final reply lacks it. */
export function resultText(result: CommandResult, language: Language): string {
  const text = renderMessage(result.message, language)
  const reference = finalReference(result)
  if (reference === null || text.includes(reference)) return text
  const line = fillTemplate(smsCatalogueOf(language).reference, lookupIn({ ref: reference }))
  return joinSentences(language, text, line)
}

/** Why an MO could not be run, in words the sender can act on. */
export function refusalText(refusal: MoRefusal, language: Language): string {
  const catalogue = smsCatalogueOf(language)
  switch (refusal.reason) {
    case 'usage':
      return catalogue.usage[refusal.keyword]
    case 'unknown_keyword':
      return joinSentences(language, catalogue.unknown, catalogue.help)
    case 'amount_invalid':
    case 'amount_too_precise':
    case 'amount_not_positive':
    case 'msisdn_invalid':
      // The core's own refusal texts: the same words as on every other channel.
      return renderMessage({ key: `refusal.${refusal.reason}`, params: {} }, language)
    default:
      return assertNever(refusal)
  }
}

/** HELP: the short help, or one keyword's usage for HELP <keyword>. */
export function helpText(topic: SmsKeyword | null, language: Language): string {
  const catalogue = smsCatalogueOf(language)
  return topic === null || topic === 'help' ? catalogue.help : catalogue.usage[topic]
}

/**
 * Asks the sender of a long MO whose parts did not all arrive to send it again. Without a known
 * language both are given: the lost text cannot tell which one it was written in.
 */
export function partsLostText(language: Language | null): string {
  if (language !== null) return smsCatalogueOf(language).partsLost
  return `${smsEn.partsLost} ${smsZh.partsLost}`
}
