/**
 * script-commands.ts - what a call adds to the menus' commands (src/gateway/menus/commands.ts):
 * the kinds a call script may run, the call value naming the payment the call spoke of, and the
 * fields a call must fill (every one; the engine builds the command by the menus' one walk). A
 * payment goes to the core first with `authorize: false`: the core refuses it at once or leaves
 * it waiting and answers with the payee and amount, which
 * the confirm menu speaks; the PIN typed after `1` goes with the `confirm` command (the caller's
 * consent in the call), `2` runs `cancel`. Both name the payment the call spoke of, so that
 * neither answers a newer one started meanwhile on another channel.
 */
import type { CommandKindName, FieldKind } from '../../../src/gateway/menus/index.js'
import { commandKinds } from '../../../src/gateway/menus/index.js'

/** The kinds a call script may run: no PIN change or language switch by phone call. */
export const scriptCommandKinds: readonly CommandKindName[] = [
  'balance',
  'statement',
  'pay_merchant',
  'pay_bill',
  'pay_order',
  'top_up_airtime',
  'card_balance',
  'load_card',
  'confirm',
  'cancel',
]

export function isScriptCommandKind(kind: string): kind is CommandKindName {
  return (scriptCommandKinds as readonly string[]).includes(kind)
}

/**
 * The fields of a kind a call must fill: all of them (a call has no SIM identity to stand for a
 * PIN).
 */
export function scriptFieldsOf(kind: CommandKindName): Readonly<Record<string, FieldKind>> {
  const specs: Readonly<Record<string, { readonly kind: FieldKind }>> = commandKinds[kind]
  return Object.fromEntries(Object.entries(specs).map(([field, spec]) => [field, spec.kind]))
}

/**
 * The call value holding the id of the payment the core last answered about in this call: the
 * one whose payee and amount the caller heard. `confirm` and `cancel` name it, so that a payment
 * started meanwhile by SMS or a merchant's request (which replaces it, SPEC section 4) is neither
 * paid by the PIN typed for the old one nor cancelled by its `2`, `*`, or three failures. The `@`
 * keeps it out of speech: no {placeholder} can name it, and no script may set it.
 */
export const spokenPaymentValue = '@payment'
