/**
 * commands.ts - the commands a menu state may produce (a USSD screen or an IVR call script), the
 * fields each takes from the dialog's values, and how those values become a SubscriberCommand.
 * Each medium offers the kinds it can run (a call offers no PIN change or language switch). A
 * payment goes to the core
 * first with `authorize: false`: the core refuses it at once (unknown merchant, order paid, not
 * enough money, a limit) or leaves it waiting and answers with what it is (amount, payee,
 * account), which the confirm screen shows; the PIN typed there (none for a phone-bill
 * micro-payment, SPEC section 3) goes with the `confirm` command, and backing out runs `cancel`.
 * Both name the payment the screen showed (its id, kept out of every screen), so that they cannot
 * pay or cancel a newer payment that replaced it meanwhile from another channel (SPEC section 4).
 */
import type { FundingKind, Language, SubscriberCommand } from '../../core/index.js'
import {
  assert,
  assertNever,
  fundingKinds,
  normalizeMsisdn,
  parseAmount,
} from '../../core/index.js'

/**
 * text: as typed; amount: "25.00"; funding: a FundingKind; msisdn: stored form; secret: a sealed
 * PIN.
 */
export type FieldKind = 'text' | 'amount' | 'funding' | 'msisdn' | 'secret'

export interface FieldSpec {
  readonly kind: FieldKind
  readonly required: boolean
}

const required = (kind: FieldKind): FieldSpec => ({ kind, required: true })
// Optional on confirm: a phone-bill micro-payment is confirmed by the SIM identity, without one.
const optionalPin: FieldSpec = { kind: 'secret', required: false }

export const commandKinds = {
  balance: {},
  statement: {},
  /** The RFID-SIM purse as the platform knows it (cleared taps, loads on their way). */
  card_balance: {},
  /** The session's language (just switched by the option that led here) for every channel. */
  set_language: {},
  pay_merchant: {
    merchantCode: required('text'),
    amount: required('amount'),
    funding: required('funding'),
  },
  pay_bill: {
    billerCode: required('text'),
    customerRef: required('text'),
    amount: required('amount'),
    funding: required('funding'),
  },
  pay_order: { orderNo: required('text'), funding: required('funding') },
  top_up_airtime: {
    beneficiary: required('msisdn'),
    amount: required('amount'),
    funding: required('funding'),
  },
  send_money: { payee: required('msisdn'), amount: required('amount') },
  load_wallet: { amount: required('amount') },
  /** A top-up of the RFID-SIM purse over the air, from one of the subscriber's accounts. */
  load_card: { amount: required('amount'), funding: required('funding') },
  /** Authorizes the payment the confirm screen shows, named by its id (not a menu field). */
  confirm: { pin: optionalPin },
  /** Drops the payment the confirm screen shows, named by its id like confirm's. */
  cancel: {},
  change_pin: { pin: required('secret'), newPin: required('secret') },
} as const satisfies Record<string, Readonly<Record<string, FieldSpec>>>

export type CommandKindName = keyof typeof commandKinds

export function isCommandKind(kind: string): kind is CommandKindName {
  return Object.hasOwn(commandKinds, kind)
}

const paymentKinds: ReadonlySet<CommandKindName> = new Set([
  'pay_merchant',
  'pay_bill',
  'pay_order',
  'top_up_airtime',
  'send_money',
  'load_wallet',
  'load_card',
])

/** Commands that leave a payment waiting for the user's confirm: their menu state needs `then`. */
export function isPaymentKind(kind: CommandKindName): boolean {
  return paymentKinds.has(kind)
}

/**
 * Whether a shortcut dial may run the command: reads, the language, and a payment's first step,
 * which moves no money and only asks the core what the confirm screen will show. Never a
 * confirm, a cancel or a PIN change: those answer a question the user has not seen yet.
 */
export function runsFromShortcut(kind: CommandKindName): boolean {
  return (
    kind === 'balance' ||
    kind === 'statement' ||
    kind === 'card_balance' ||
    kind === 'set_language' ||
    paymentKinds.has(kind)
  )
}

/**
 * The params of a result that the state after it (`then`) may show: what the payment is. Only
 * these are kept, so that a result cannot overwrite any other value of the flow.
 */
export const resultParamNames: readonly string[] = ['amount', 'payee', 'account']

/** What a channel runs: the command and the PINs that go with it, apart from the command. */
export interface MenuCommandRun {
  readonly command: SubscriberCommand
  readonly pin: string | null
  readonly newPin: string | null
}

export type BuiltCommand =
  | { readonly ok: true; readonly run: MenuCommandRun }
  | { readonly ok: false; readonly field: string }

/**
 * The pseudo-field a `confirm` or `cancel` lacks when no payment waits for the session's screen.
 */
export const paymentIdField = 'paymentId'

/**
 * The command of a command state. `value(field, kind)` gives the dialog value the menu maps the
 * field to (secrets already unsealed, or the PIN just typed), or null. `waitingPaymentId` is the
 * payment the dialog's confirm screen showed or its call spoke of (null: none); `confirm` and
 * `cancel` need it, so that they answer that payment and no other. `isRequired` says which fields
 * must have a value (by default the kind's own rule). A missing or malformed value means the
 * user reached the state by a path that skipped an input: the caller ends the dialog politely.
 */
export function buildCommand(
  kind: CommandKindName,
  msisdn: string,
  language: Language,
  value: (field: string, kind: FieldKind) => string | null,
  waitingPaymentId: string | null = null,
  isRequired: (spec: FieldSpec) => boolean = (spec) => spec.required,
): BuiltCommand {
  // A bare confirm or cancel would answer whatever waits now, perhaps a payment this session never
  // showed.
  if ((kind === 'confirm' || kind === 'cancel') && waitingPaymentId === null)
    return { ok: false, field: paymentIdField }
  const fields: Readonly<Record<string, FieldSpec>> = commandKinds[kind]
  const parsed: Record<string, string | bigint | FundingKind | null> = {}
  for (const [field, spec] of Object.entries(fields)) {
    const raw = value(field, spec.kind)
    if (raw === null) {
      if (isRequired(spec)) return { ok: false, field }
      parsed[field] = null
      continue
    }
    const converted = convertField(spec.kind, raw)
    if (converted === null) return { ok: false, field }
    parsed[field] = converted
  }
  const text = (field: string): string => String(parsed[field])
  const amount = (): bigint => parsed['amount'] as bigint
  const funding = (): FundingKind => parsed['funding'] as FundingKind
  const secret = (field: string): string | null =>
    parsed[field] === null || parsed[field] === undefined ? null : String(parsed[field])
  const pin = secret('pin')
  const command = ((): SubscriberCommand => {
    switch (kind) {
      case 'balance':
      case 'statement':
      case 'card_balance':
      case 'change_pin':
        return { kind, msisdn }
      case 'confirm':
      case 'cancel':
        assert(waitingPaymentId !== null, `${kind} without the payment it answers (refused above)`)
        return { kind, msisdn, paymentId: waitingPaymentId }
      case 'set_language':
        return { kind, msisdn, language }
      case 'pay_merchant':
        return {
          kind,
          msisdn,
          merchantCode: text('merchantCode'),
          amountMinor: amount(),
          funding: funding(),
          authorize: false,
        }
      case 'pay_bill':
        return {
          kind,
          msisdn,
          billerCode: text('billerCode'),
          customerRef: text('customerRef'),
          amountMinor: amount(),
          funding: funding(),
          authorize: false,
        }
      case 'pay_order':
        return { kind, msisdn, orderNo: text('orderNo'), funding: funding(), authorize: false }
      case 'top_up_airtime':
        return {
          kind,
          msisdn,
          beneficiaryMsisdn: text('beneficiary'),
          amountMinor: amount(),
          funding: funding(),
          authorize: false,
        }
      case 'send_money':
        return { kind, msisdn, payeeMsisdn: text('payee'), amountMinor: amount(), authorize: false }
      case 'load_wallet':
        return { kind, msisdn, amountMinor: amount(), authorize: false }
      case 'load_card':
        return { kind, msisdn, amountMinor: amount(), funding: funding(), authorize: false }
      default:
        return assertNever(kind)
    }
  })()
  return {
    ok: true,
    run: { command, pin, newPin: kind === 'change_pin' ? secret('newPin') : null },
  }
}

/** A typed value as its field's kind, or null when it is not one. */
export function convertField(kind: FieldKind, raw: string): string | bigint | null {
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
