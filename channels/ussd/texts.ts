/**
 * texts.ts - the few screens the USSD channel shows itself, when no menu state can answer: a
 * session that is over, timed out, replaced or lost, a service that cannot answer, and an
 * external app that failed. English and Chinese, each within one USSD page. Exports channelText
 * and ChannelTextKey.
 */
import type { Language } from '../../src/core/index.js'
import { renderText } from '../../src/gateway/reply/index.js'
import type { Screen } from './contract.js'

export type ChannelTextKey =
  | 'session_ended'
  | 'session_timed_out'
  | 'session_replaced'
  | 'session_lost'
  | 'unavailable'
  | 'app_failed'

const en: Readonly<Record<ChannelTextKey, string>> = {
  session_ended: 'This session has ended. Please dial again.',
  session_timed_out: 'Your session timed out. Please dial again.',
  session_replaced: 'This session was closed because a newer one was opened.',
  session_lost: 'Sorry, we lost track of this session. Please dial again.',
  unavailable: 'Sorry, the service is unavailable right now. Please try again later.',
  app_failed: 'Sorry, the service you dialled did not answer. Please try again later.',
}

const zh: Readonly<Record<ChannelTextKey, string>> = {
  session_ended: '本次会话已结束，请重新拨号。',
  session_timed_out: '会话已超时，请重新拨号。',
  session_replaced: '您已打开新的会话，本会话已关闭。',
  session_lost: '抱歉，会话已中断，请重新拨号。',
  unavailable: '抱歉，服务暂时不可用，请稍后再试。',
  app_failed: '抱歉，您拨打的服务没有应答，请稍后再试。',
}

/** An END screen with one of the channel's own texts. */
export function channelText(key: ChannelTextKey, language: Language): Screen {
  return { type: 'END', text: renderText({ en, zh }, key, language) }
}
