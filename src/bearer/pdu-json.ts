/**
 * pdu-json.ts - an SMPP request on the SMSC simulator as a web handset's developer drawer shows it
 * (`event: pdu` on the number's live stream): who sent it to whom, the command, its sequence
 * number and how it was answered (ESME_ROK or the refusal's name), and its fields decoded, the
 * short_message as its length and hex. What an ESME sends is never shown as octets: an MO's words
 * after YES are a PIN, and so is a USSD answer to a PIN screen; the drawer has an MO's text, PINs
 * masked, in its SMS entry. Exports pduJson,
 * pduParties.
 */
import type { Json } from '../gateway/http/json.js'
import { statusName } from './smpp/command-status.js'
import type { SmppPduEvent } from './smpp/server.js'

/** The fields shown, in the order SMPP 3.4 lists them; TLVs after. */
const shownFields = [
  'service_type',
  'source_addr_ton',
  'source_addr_npi',
  'source_addr',
  'dest_addr_ton',
  'dest_addr_npi',
  'destination_addr',
  'esm_class',
  'registered_delivery',
  'data_coding',
  'short_message',
  'user_message_reference',
  'receipted_message_id',
  'message_state',
  'ussd_service_op',
  'its_session_info',
] as const

/** The numbers a request concerns: its source and destination (one is a phone's). */
export function pduParties(event: SmppPduEvent): readonly string[] {
  return [event.fields['source_addr'], event.fields['destination_addr']].filter(
    (value): value is string => typeof value === 'string' && value !== '',
  )
}

export function pduJson(event: SmppPduEvent, atMs: number): Json {
  const bind = `${event.peer.systemId}#${event.peer.id}`
  // What an ESME sends may hold a PIN (an MO to any address, a USSD answer to a PIN screen):
  // only what the SMSC sends out is shown as octets.
  const hidden = event.direction === 'in'
  const fields: Record<string, Json> = {}
  for (const name of shownFields) {
    const value = event.fields[name]
    if (value === undefined) continue
    fields[name] = name === 'short_message' ? octetsOf(value, hidden) : plain(value)
  }
  return {
    at: new Date(atMs).toISOString(),
    direction: event.direction === 'in' ? `${bind} → SMSC` : `SMSC → ${bind}`,
    command: event.command,
    sequence: event.sequence,
    status: event.status < 0 ? 'no answer' : statusName(event.status),
    messageId: event.messageId,
    fields,
  }
}

function octetsOf(value: unknown, hidden: boolean): Json {
  const octets = Buffer.isBuffer(value)
    ? value
    : typeof value === 'object' && value !== null && 'message' in value
      ? Buffer.from(String((value as { message: unknown }).message))
      : Buffer.from(String(value))
  if (hidden) return `${octets.length} octets (an MO's text is in its SMS entry, PINs masked)`
  return `${octets.length} octets: ${octets.toString('hex')}`
}

function plain(value: unknown): Json {
  if (Buffer.isBuffer(value)) return value.toString('hex')
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    return value
  return String(value)
}
