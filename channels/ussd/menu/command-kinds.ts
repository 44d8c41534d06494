/**
 * command-kinds.ts - the commands a menu state may produce, the fields each takes from the
 * session's values, and how those values become a SubscriberCommand. Every payment carries
 * `authorize: true`: the USSD confirm screen is the user's consent, with the PIN collected on
 * the same screen (none for a phone-bill micro-payment, SPEC section 3). Exports commandKinds,
 * isCommandKind, isReadOnlyKind, buildCommand, CommandKindName, FieldKind.
 */
import type { FundingKind, SubscriberCommand } from '../../../src/core/index.js'
import { assertNever, fundingKinds, normalizeMsisdn, parseAmount } from '../../../src/core/index.js'
import type { UssdCommand } from '../contract.js'

/** text: as typed; amount: "25.00"; funding: a FundingKind; msisdn: stored form; secret: a sealed PIN. */
export type FieldKind = 'text' | 'amount' | 'funding' | 'msisdn' | 'secret'

interface FieldSpec {
  readonly kind: FieldKind
  readonly required: boolean
}

const required = (kind: FieldKind): FieldSpec => ({ kind, required: true })
// A PIN is optional on payments: a phone-bill micro-payment is confirmed by the SIM identity.
const optionalPin: FieldSpec = { kind: 'secret', required: false }

export const commandKinds = {
  balance: {},
  statement: {},
  pay_merchant: { merchantCode: required('text'), amount: required('amount'), funding: required('funding'), pin: optionalPin },
  pay_bill: {
    billerCode: required('text'), customerRef: required('text'), amount: required('amount'), funding: required('funding'), pin: optionalPin,
  },
  pay_order: { orderNo: required('text'), funding: required('funding'), pin: optionalPin },
  top_up_airtime: { beneficiary: required('msisdn'), amount: required('amount'), funding: required('funding'), pin: optionalPin },
  send_money: { payee: required('msisdn'), amount: required('amount'), pin: optionalPin },
  load_wallet: { amount: required('amount'), pin: optionalPin },
  change_pin: { pin: required('secret'), newPin: required('secret') },
} as const satisfies Record<string, Readonly<Record<string, FieldSpec>>>

export type CommandKindName = keyof typeof commandKinds

export function isCommandKind(kind: string): kind is CommandKindName {
  return Object.hasOwn(commandKinds, kind)
}

/** Reads that move no money: a shortcut may run them; it stops before anything else. */
export function isReadOnlyKind(kind: CommandKindName): boolean {
  return kind === 'balance' || kind === 'statement'
}

export type BuiltCommand = { readonly ok: true; readonly run: UssdCommand } | { readonly ok: false; readonly field: string }

/**
 * The command of a command state. `value(field)` gives the session value the menu maps the
 * field to (secrets already unsealed), or null. A missing or malformed value means the user
 * reached the state by a path that skipped an input: the caller ends the session politely.
 */
export function buildCommand(
  kind: CommandKindName,
  msisdn: string,
  value: (field: string) => string | null,
): BuiltCommand {
  const fields: Readonly<Record<string, FieldSpec>> = commandKinds[kind]
  const parsed: Record<string, string | bigint | FundingKind | null> = {}
  for (const [field, spec] of Object.entries(fields)) {
    const raw = value(field)
    if (raw === null) {
      if (spec.required) return { ok: false, field }
      parsed[field] = null
      continue
    }
    const converted = convert(spec.kind, raw)
    if (converted === null) return { ok: false, field }
    parsed[field] = converted
  }
  const text = (field: string): string => String(parsed[field])
  const amount = (): bigint => parsed['amount'] as bigint
  const funding = (): FundingKind => parsed['funding'] as FundingKind
  const secret = (field: string): string | null => (parsed[field] === null || parsed[field] === undefined ? null : String(parsed[field]))
  const pin = secret('pin')
  const command = ((): SubscriberCommand => {
    switch (kind) {
      case 'balance':
      case 'statement':
        return { kind, msisdn }
      case 'pay_merchant':
        return { kind, msisdn, merchantCode: text('merchantCode'), amountMinor: amount(), funding: funding(), authorize: true }
      case 'pay_bill':
        return {
          kind, msisdn, billerCode: text('billerCode'), customerRef: text('customerRef'), amountMinor: amount(), funding: funding(), authorize: true,
        }
      case 'pay_order':
        return { kind, msisdn, orderNo: text('orderNo'), funding: funding(), authorize: true }
      case 'top_up_airtime':
        return { kind, msisdn, beneficiaryMsisdn: text('beneficiary'), amountMinor: amount(), funding: funding(), authorize: true }
      case 'send_money':
        return { kind, msisdn, payeeMsisdn: text('payee'), amountMinor: amount(), authorize: true }
      case 'load_wallet':
        return { kind, msisdn, amountMinor: amount(), authorize: true }
      case 'change_pin':
        return { kind, msisdn }
      default:
        return assertNever(kind)
    }
  })()
  return { ok: true, run: { command, pin, newPin: kind === 'change_pin' ? secret('newPin') : null } }
}

function convert(kind: FieldKind, raw: string): string | bigint | null {
  switch (kind) {
    case 'text':
    case 'secret':
      return raw === '' ? null : raw
    case 'amount': {
      const parsed = parseAmount(raw)
      return parsed.ok ? parsed.minor : null
    }
    case 'funding':
      return (fundingKinds as readonly string[]).includes(raw) ? raw : null
    case 'msisdn':
      return normalizeMsisdn(raw)
    default:
      return assertNever(kind)
  }
}
