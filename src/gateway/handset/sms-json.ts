/**
 * sms-json.ts - one logged SMS as the web answers show it: the admin API's pages and the web
 * handset's stream. Times as ISO strings; `seq` is the log's order (a page's `before`, a stream's
 * event id). Masks nothing: both are the operator's (or the simulated phone's own) view.
 * Exports smsJson, SmsJson.
 */
import type { LoggedSms } from './messages.js'

export interface SmsJson {
  readonly seq: number
  readonly messageId: string
  readonly msisdn: string
  readonly direction: LoggedSms['direction']
  readonly party: string
  readonly text: string
  readonly coding: LoggedSms['coding']
  readonly parts: number
  readonly state: LoggedSms['state']
  readonly createdAt: string
  readonly updatedAt: string
}

export function smsJson(message: LoggedSms): SmsJson {
  return {
    seq: message.seq,
    messageId: message.messageId,
    msisdn: message.msisdn,
    direction: message.direction,
    party: message.party,
    text: message.text,
    coding: message.coding,
    parts: message.parts,
    state: message.state,
    createdAt: new Date(message.createdMs).toISOString(),
    updatedAt: new Date(message.updatedMs).toISOString(),
  }
}
