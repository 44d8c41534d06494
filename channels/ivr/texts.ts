/**
 * texts.ts - the few prompts the IVR channel speaks itself, when no script state can answer:
 * every line busy, a call the gateway lost track of, a service that cannot answer, and a payment
 * whose answer comes by SMS because the core was slow. English and Chinese, and the BCP-47 tag
 * TwiML's <Say> and VoiceXML's xml:lang give each. Exports channelPrompt, ChannelPromptKey and
 * speechLanguageTag.
 */
import type { Language } from '../../src/core/index.js'
import { assertNever } from '../../src/core/index.js'
import { renderText } from '../../src/gateway/reply/index.js'
import type { Prompt } from './contract.js'

export type ChannelPromptKey = 'lines_busy' | 'call_lost' | 'unavailable' | 'answer_by_sms'

const en: Readonly<Record<ChannelPromptKey, string>> = {
  lines_busy: 'All our lines are busy. Please call again later. Goodbye.',
  call_lost: 'Sorry, we lost track of this call. Please call again. Goodbye.',
  unavailable: 'Sorry, the service is unavailable right now. Please try again later. Goodbye.',
  answer_by_sms:
    'Your request is still being processed. You will receive the result by SMS. Goodbye.',
}

const zh: Readonly<Record<ChannelPromptKey, string>> = {
  lines_busy: '所有线路正忙，请稍后再拨。再见。',
  call_lost: '抱歉，通话已中断，请重新拨打。再见。',
  unavailable: '抱歉，服务暂时不可用，请稍后再试。再见。',
  answer_by_sms: '您的请求仍在处理中，结果将以短信通知您。再见。',
}

/** One of the channel's own prompts; its id is `ivr.channel.<key>` (GET /ivr/prompts/:id.wav). */
export function channelPrompt(key: ChannelPromptKey, language: Language): Prompt {
  return { id: `ivr.channel.${key}`, language, text: renderText({ en, zh }, key, language) }
}

/** The BCP-47 tag a voice platform speaks a language in (TwiML `language`, VoiceXML `xml:lang`). */
export function speechLanguageTag(language: Language): string {
  switch (language) {
    case 'en':
      return 'en-US'
    case 'zh':
      return 'zh-CN'
    default:
      return assertNever(language)
  }
}
