/**
 * sms-route.ts - the SMS channel as a route of the gateway's notices outbox
 * (src/gateway/notices/route.ts): any notice to any phone, split and coded by the channel and
 * sent over the SMPP bearer. A send that finds no way to the phone is a failed try the outbox
 * repeats later (temporary) or abandons; SMS never holds a row for an answer. A row is recorded in
 * the message log once, however many tries it takes: under the id its reply had when the channel
 * kept it, else under its outbox row's. Exports smsRoute.
 */
import type { Notice, NoticeRoute } from '../../src/gateway/notices/index.js'
import type { SmsChannel } from './sms-channel.js'
import type { MtLogAs } from './sms-records.js'

export function smsRoute(channel: Pick<SmsChannel, 'sendText'>): NoticeRoute {
  return {
    name: 'sms',
    awaitsAnswer: false,
    canDeliver: () => true,
    async deliver(notice) {
      const sent = await channel.sendText(notice.msisdn, notice.text, null, logAsOf(notice))
      return sent.ok
        ? { outcome: 'delivered' }
        : { outcome: 'failed', error: sent.error, temporary: sent.temporary }
    },
  }
}

/** The message log's id of an outbox row's MT; null for a text not kept yet (a fresh id). */
function logAsOf(notice: Notice): MtLogAs | null {
  if (notice.messageId !== undefined) return { messageId: notice.messageId, mayBeLogged: true }
  if (notice.outboxId === null) return null
  return { messageId: `outbox-${notice.outboxId}`, mayBeLogged: notice.attempts > 0 }
}
