/**
 * sms-records.ts - what the SMS channel records of an MT in the gateway's message log
 * (src/gateway/handset): the message as it was split, under the id it is known by, in the state
 * its parts left it; a try of an outbox row that may be recorded already moves that row on
 * instead of adding one. Exports MtLogAs, recordMt, mtStateOf.
 */
import type { SendResult } from '../../src/bearer/contract.js'
import { dataCodings } from '../../src/bearer/text/coding.js'
import type { SplitText } from '../../src/bearer/text/segment.js'
import type { MessageRecorder, SmsState } from '../../src/gateway/handset/index.js'

/**
 * The id an MT is recorded under, and whether it may be recorded already (an outbox row tried
 * before): then its row takes the new state instead of a second row.
 */
export interface MtLogAs {
  readonly messageId: string
  readonly mayBeLogged: boolean
}

/** Records an MT of the short code's to `phone`, as `split` carried it and `result` left it. */
export function recordMt(
  recorder: MessageRecorder,
  mt: { readonly phone: string; readonly shortCode: string; readonly text: string },
  split: SplitText,
  result: SendResult,
  logAs: MtLogAs,
  nowMs: number,
): void {
  const message = {
    msisdn: mt.phone,
    direction: 'mt' as const,
    party: mt.shortCode,
    text: mt.text,
    coding: split.dataCoding === dataCodings.ucs2 ? ('ucs2' as const) : ('gsm7' as const),
    parts: split.parts.length,
    messageId: logAs.messageId,
    state: mtStateOf(result),
  }
  if (logAs.mayBeLogged) recorder.update(message, nowMs)
  else recorder.record(message, nowMs)
}

/**
 * The log's state of an MT from how its parts went: on a handset, kept for one, handed to a bind,
 * waiting in the outbox (a temporary failure: the caller keeps it), or refused for good.
 */
export function mtStateOf(result: SendResult): SmsState {
  if (!result.ok) return result.temporary ? 'held' : 'undelivered'
  if (result.handset === undefined) return 'submitted'
  return result.handset === 'open' ? 'delivered' : 'held'
}
