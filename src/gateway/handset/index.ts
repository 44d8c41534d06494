/**
 * index.ts - the handset side of the gateway, src/gateway/handset: the message log of each
 * phone's SMS (written behind to the ledger file, pruned in small steps), the hub of live events
 * per MSISDN that web handsets' streams listen to, and their bounds. The SMS channel and the
 * SMSC simulator record through `MessageRecorder`; other channels may publish to the hub.
 * Re-exports only.
 */
export type { CommandJson } from './command-json.js'
export { commandJson, commandParties } from './command-json.js'
export type { HandsetEvent, HandsetListener } from './hub.js'
export { HandsetHub } from './hub.js'
export type { HandsetLimits } from './limits.js'
export { checkHandsetLimits, handsetLimits } from './limits.js'
export type { MessageLogOptions, MessagePage } from './message-log.js'
export { messageLogQueries, SqliteMessageLog } from './message-log.js'
export type { LoggedSms, MessageRecorder, SmsDirection, SmsRecord, SmsState } from './messages.js'
export { smsStates } from './messages.js'
export type { SmsJson } from './sms-json.js'
export { smsJson } from './sms-json.js'
