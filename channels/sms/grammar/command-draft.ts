/**
 * command-draft.ts - what an MO asks the core to do, before the sender is known: the core's
 * subscriber commands without their msisdn. Exports CommandDraft and commandOfDraft.
 */
import type { FundingKind, Language, SubscriberCommand } from '../../../src/core/index.js'
import { assertNever } from '../../../src/core/index.js'

export type CommandDraft =
  | { readonly kind: 'balance' }
  | { readonly kind: 'statement' }
  | { readonly kind: 'card_balance' }
  | { readonly kind: 'confirm' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'change_pin' }
  | {
      readonly kind: 'pay_merchant'
      readonly merchantCode: string
      readonly amountMinor: bigint
      readonly funding: FundingKind
    }
  | { readonly kind: 'pay_order'; readonly orderNo: string; readonly funding: FundingKind }
  | {
      readonly kind: 'pay_bill'
      readonly billerCode: string
      readonly customerRef: string
      readonly amountMinor: bigint
      readonly funding: FundingKind
    }
  /** beneficiaryMsisdn null: the sender's own phone. */
  | {
      readonly kind: 'top_up_airtime'
      readonly beneficiaryMsisdn: string | null
      readonly amountMinor: bigint
      readonly funding: FundingKind
    }
  | { readonly kind: 'load_wallet'; readonly amountMinor: bigint }
  | { readonly kind: 'load_card'; readonly amountMinor: bigint; readonly funding: FundingKind }
  | { readonly kind: 'send_money'; readonly payeeMsisdn: string; readonly amountMinor: bigint }
  /** REG <name> <PIN>: the number registers itself, answered in the language it wrote in. */
  | { readonly kind: 'register'; readonly name: string; readonly language: Language }

/**
 * The core command for a draft sent by `msisdn` (already normalized). An SMS payment never
 * carries the user's consent: the core answers by asking for YES <PIN>, and the YES is a
 * command of its own, so `authorize` is always false.
 */
export function commandOfDraft(draft: CommandDraft, msisdn: string): SubscriberCommand {
  const authorize = false
  switch (draft.kind) {
    case 'balance':
    case 'statement':
    case 'card_balance':
    case 'confirm':
    case 'cancel':
    case 'change_pin':
      return { kind: draft.kind, msisdn }
    case 'pay_merchant':
      return {
        kind: 'pay_merchant',
        msisdn,
        merchantCode: draft.merchantCode,
        amountMinor: draft.amountMinor,
        funding: draft.funding,
        authorize,
      }
    case 'pay_order':
      return {
        kind: 'pay_order',
        msisdn,
        orderNo: draft.orderNo,
        funding: draft.funding,
        authorize,
      }
    case 'pay_bill':
      return {
        kind: 'pay_bill',
        msisdn,
        billerCode: draft.billerCode,
        customerRef: draft.customerRef,
        amountMinor: draft.amountMinor,
        funding: draft.funding,
        authorize,
      }
    case 'top_up_airtime':
      return {
        kind: 'top_up_airtime',
        msisdn,
        beneficiaryMsisdn: draft.beneficiaryMsisdn ?? msisdn,
        amountMinor: draft.amountMinor,
        funding: draft.funding,
        authorize,
      }
    case 'load_wallet':
      return { kind: 'load_wallet', msisdn, amountMinor: draft.amountMinor, authorize }
    case 'load_card':
      return {
        kind: 'load_card',
        msisdn,
        amountMinor: draft.amountMinor,
        funding: draft.funding,
        authorize,
      }
    case 'send_money':
      return {
        kind: 'send_money',
        msisdn,
        payeeMsisdn: draft.payeeMsisdn,
        amountMinor: draft.amountMinor,
        authorize,
      }
    case 'register':
      return { kind: 'register', msisdn, name: draft.name, language: draft.language }
    default:
      return assertNever(draft)
  }
}
