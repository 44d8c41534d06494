/**
 * messages.ts - the keys of the message catalogue. The core answers with a key and parameters;
 * every channel renders them from the one catalogue in menus/messages (English and Chinese),
 * so the compiler tells when a language lacks a text.
 */
import type { Reason } from './reasons.js'

export const messageKeys = [
  'balance.summary',
  'balance.summary_with_card',
  'statement.list',
  'statement.empty',
  'payment.confirm_pin',
  'payment.confirm_sim',
  'payment.completed',
  'airtime.confirm_pin',
  'airtime.confirm_sim',
  'airtime.completed',
  'load.confirm_pin',
  'load.completed',
  'card_load.confirm_pin',
  'card_load.confirm_sim',
  'card_load.sent',
  'card_load.delivered',
  'card_load.refunded',
  'card.funded',
  'card.balance',
  'card.balance_loading',
  'card.blacklisted',
  'clearing.cleared',
  'send.confirm_pin',
  'send.completed',
  'payment.processing',
  'payment.cancelled',
  'payment.expired',
  'request.prompt',
  'request.prompt_sim',
  'request.accepted',
  'pin.changed',
  'language.changed',
  'pin.verified',
  'registered',
  'order.created',
  'refund.completed',
  'delivery.recorded',
  'expiry.swept',
  'account.funded',
  'subscriber.changed',
  'subscriber.unlocked',
  'merchant.opened',
  'merchant.changed',
] as const

export type StaticMessageKey = (typeof messageKeys)[number]
export type MessageKey = StaticMessageKey | `refusal.${Reason}`

/**
 * A message before rendering. Parameter values are already formatted text, except `account`,
 * which holds a funding kind that the renderer translates ("wallet" -> "钱包").
 */
export interface Message {
  readonly key: MessageKey
  readonly params: Readonly<Record<string, string>>
}
