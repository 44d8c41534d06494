/**
 * script-commands.ts - the commands an IVR command state may produce, the fields each takes
 * from the call's values, and how they become an IvrCommand. A payment goes to the core first
 * with `authorize: false`: the core refuses it at once or leaves it waiting and answers with the
 * payee and amount, which the confirm menu speaks; the PIN typed after `1` goes with the
 * `confirm` command (the caller's consent in the call), `2` runs `cancel`. Both name the payment
 * the call spoke of, so that neither answers a newer one started meanwhile on another channel.
 * Exports scriptCommandKinds, isScriptCommandKind, buildIvrCommand, resultParamNames,
 * spokenPaymentValue, FieldKind.
 */
import type { FundingKind, SubscriberCommand } from '../../../src/core/index.js'
import { assert, assertNever } from '../../../src/core/index.js'
import type { FieldKind } from '../../ussd/menu/command-kinds.js'
import { convertField } from '../../ussd/menu/command-kinds.js'
import type { IvrCommand } from '../contract.js'

/** The USSD menus' field kinds and conversion (text, amount, funding, msisdn; secret: here the PIN just typed). */
export type { FieldKind }

export const scriptCommandKinds = {
  balance: {},
  statement: {},
  pay_merchant: { merchantCode: 'text', amount: 'amount', funding: 'funding' },
  pay_bill: { billerCode: 'text', customerRef: 'text', amount: 'amount', funding: 'funding' },
  pay_order: { orderNo: 'text', funding: 'funding' },
  top_up_airtime: { beneficiary: 'msisdn', amount: 'amount', funding: 'funding' },
  /** Authorizes the caller's waiting payment with the PIN typed just before. */
  confirm: { pin: 'secret' },
  cancel: {},
} as const satisfies Record<string, Readonly<Record<string, FieldKind>>>

export type ScriptCommandKind = keyof typeof scriptCommandKinds

export function isScriptCommandKind(kind: string): kind is ScriptCommandKind {
  return Object.hasOwn(scriptCommandKinds, kind)
}

/** The params of a result a `then` state may speak: what the payment is. Nothing else is kept. */
export const resultParamNames: readonly string[] = ['amount', 'payee', 'account']

/**
 * The call value holding the id of the payment the core last answered about in this call: the
 * one whose payee and amount the caller heard. `confirm` and `cancel` name it, so that a payment
 * started meanwhile by SMS or a merchant's request (which replaces it, SPEC section 4) is neither
 * paid by the PIN typed for the old one nor cancelled by its `2`, `*`, or three failures. The `@`
 * keeps it out of speech: no {placeholder} can name it, and no script may set it.
 */
export const spokenPaymentValue = '@payment'

export type BuiltIvrCommand = { readonly ok: true; readonly run: IvrCommand } | { readonly ok: false; readonly field: string }

/**
 * The command of a command state. `value(field)` gives the call value the script maps the
 * field to, or null; `pin` the secret typed just before; `paymentId` the payment the call spoke
 * of (spokenPaymentValue), or null. A missing or malformed value means the caller reached the
 * state by a path that skipped an input: the engine ends the call politely. A confirm or cancel
 * with no payment spoken of is such a path: sent bare, it would answer whatever waits.
 */
export function buildIvrCommand(
  kind: ScriptCommandKind,
  msisdn: string,
  value: (field: string) => string | null,
  pin: string | null,
  paymentId: string | null,
): BuiltIvrCommand {
  const answersPayment = kind === 'confirm' || kind === 'cancel'
  if (answersPayment && (paymentId === null || paymentId === '')) return { ok: false, field: spokenPaymentValue }
  const fields: Readonly<Record<string, FieldKind>> = scriptCommandKinds[kind]
  const parsed = new Map<string, string | bigint>()
  for (const [field, fieldKind] of Object.entries(fields)) {
    const raw = fieldKind === 'secret' ? pin : value(field)
    const converted = raw === null ? null : convertField(fieldKind, raw)
    if (converted === null) return { ok: false, field }
    parsed.set(field, converted)
  }
  const text = (field: string): string => String(parsed.get(field))
  const amountMinor = (): bigint => parsed.get('amount') as bigint
  const funding = (): FundingKind => parsed.get('funding') as FundingKind
  const command = ((): SubscriberCommand => {
    switch (kind) {
      case 'balance':
      case 'statement':
        return { kind, msisdn }
      case 'confirm':
      case 'cancel':
        assert(paymentId !== null, `${kind} without the payment it answers passed the check above`)
        return { kind, msisdn, paymentId }
      case 'pay_merchant':
        return { kind, msisdn, merchantCode: text('merchantCode'), amountMinor: amountMinor(), funding: funding(), authorize: false }
      case 'pay_bill':
        return { kind, msisdn, billerCode: text('billerCode'), customerRef: text('customerRef'), amountMinor: amountMinor(), funding: funding(), authorize: false }
      case 'pay_order':
        return { kind, msisdn, orderNo: text('orderNo'), funding: funding(), authorize: false }
      case 'top_up_airtime':
        return { kind, msisdn, beneficiaryMsisdn: text('beneficiary'), amountMinor: amountMinor(), funding: funding(), authorize: false }
      default:
        return assertNever(kind)
    }
  })()
  return { ok: true, run: { command, pin: kind === 'confirm' ? pin : null, newPin: null } }
}

