/**
 * catalogue.ts - the shape of the SMS channel's own texts: the short help, one usage hint per
 * keyword, the answer to an unknown word, the reference line of final replies and the
 * request to resend a long MO that lost parts. Exports smsKeywords, SmsKeyword and SmsCatalogue.
 * Replies to commands come from the core's catalogue in menus/messages.
 */

/**
 * The keywords of SPEC section 4, by canonical name. The grammar maps every alias (PAY, 支付...)
 * to one of these; the catalogue has a usage hint for each, so the compiler tells when one lacks.
 */
export const smsKeywords = [
  'bal',
  'pay',
  'order',
  'bill',
  'topup',
  'load',
  'loadcard',
  'card',
  'send',
  'yes',
  'no',
  'hist',
  'pin',
  'reg',
  'help',
] as const

export type SmsKeyword = (typeof smsKeywords)[number]

export interface SmsCatalogue {
  /** The whole grammar in short: one SMS in English; Chinese may take two parts. */
  readonly help: string
  /** Put before the help when the first word is no keyword. */
  readonly unknown: string
  /** How to write one keyword, sent when its words are missing or too many. */
  readonly usage: { readonly [K in SmsKeyword]: string }
  /**
   * Added to a final reply (a payment completed, cancelled, declined, expired or failed) whose
   * text lacks its reference: every final reply carries one (SPEC section 4). `{ref}` is filled.
   */
  readonly reference: string
  /**
   * Sent when a long MO lost parts on the way (the channel gave up waiting for them): the sender
   * must send it again. Short, because it may go out in both languages at once.
   */
  readonly partsLost: string
}
