/**
 * command-json.ts - a payment command and the core's answer as a web handset's developer drawer
 * shows them: what the channel turned the user's input into (the command, amounts in yuan), what
 * the core decided (ok or the refusal reason, the reply in the subscriber's language) and, when a
 * payment moved, its nine-step trail, whose step 7 names the ledger transfer and its fee. A
 * person learns how a keypress becomes a double-entry transfer by watching it. Never a PIN: the
 * service takes the PIN beside the command, and no command carries one. Exports CommandJson,
 * commandJson and commandParties.
 */
import type { Command, CommandResult } from '../../core/index.js'
import { formatAmount } from '../../core/index.js'
import type { Json } from '../http/json.js'
import { trailJson } from '../http/trail-json.js'
import { renderMessage } from '../reply/index.js'

export type CommandJson = Json

/** The numbers a command concerns, whose handsets are told: the payer and a payee phone. */
export function commandParties(command: Command, result: CommandResult): readonly string[] {
  const parties = new Set<string>()
  if ('msisdn' in command) parties.add(command.msisdn)
  if (result.payment !== null) {
    parties.add(result.payment.payerMsisdn)
    if (result.payment.payeeMsisdn !== null) parties.add(result.payment.payeeMsisdn)
  }
  return [...parties]
}

export function commandJson(
  channel: string,
  command: Command,
  result: CommandResult,
  atMs: number,
  operatingModel: string,
): CommandJson {
  return {
    at: new Date(atMs).toISOString(),
    channel,
    command: fieldsOf(command),
    result: result.ok ? 'ok' : (result.reason ?? 'refused'),
    reply: renderMessage(result.message, result.language),
    reference: result.reference,
    trail: result.payment === null ? null : trailJson(result.payment, operatingModel),
  }
}

/** The command's fields as JSON: `…Minor` amounts as yuan ("25.00"), other bigints as digits. */
function fieldsOf(command: Command): Json {
  const fields: Record<string, Json> = {}
  for (const [name, value] of Object.entries(command)) {
    if (typeof value === 'bigint') {
      if (name.endsWith('Minor')) fields[name.slice(0, -'Minor'.length)] = formatAmount(value)
      else fields[name] = value.toString()
    } else if (value !== undefined) fields[name] = value as Json
  }
  return fields
}
