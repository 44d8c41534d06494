/**
 * sms-route.ts - the SMS channel as a route of the gateway's notices outbox
 * (src/gateway/notices/route.ts): any notice to any phone, split and coded by the channel and
 * sent over the SMPP bearer. A send that finds no way to the phone is a failed try the outbox
 * repeats later (temporary) or abandons; SMS never holds a row for an answer. Exports smsRoute.
 */
import type { NoticeRoute } from '../../src/gateway/notices/index.js'
import type { SmsChannel } from './sms-channel.js'

export function smsRoute(channel: Pick<SmsChannel, 'sendText'>): NoticeRoute {
  return {
    name: 'sms',
    awaitsAnswer: false,
    canDeliver: () => true,
    async deliver(notice) {
      const sent = await channel.sendText(notice.msisdn, notice.text)
      return sent.ok
        ? { outcome: 'delivered' }
        : { outcome: 'failed', error: sent.error, temporary: sent.temporary }
    },
  }
}
