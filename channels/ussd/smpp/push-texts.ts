/**
 * push-texts.ts - the screens of the network-initiated payment prompt (push-flow.ts), in English
 * and Chinese, as data: an operator rewords them here without touching the flow. Placeholders
 * are the request's {payee}, {amount}, {account} (shown by name) and {reference}; a screen that
 * would not fit one USSD page drops {reference}, then shortens {payee}. Exports pushTexts,
 * PushTextKey.
 */
import type { Language } from '../../../src/core/index.js'

export type PushTextKey =
  | 'prompt_pin'
  | 'prompt_sim'
  | 'confirm'
  | 'decline'
  | 'wrong_pin_format'
  | 'wrong_choice'
  | 'too_many_wrong'
  /**
   * The answer found the requested payment no longer waiting (expired, or replaced from another
   * channel).
   */
  | 'gone'

export const pushTexts: Readonly<Record<Language, Readonly<Record<PushTextKey, string>>>> = {
  en: {
    prompt_pin:
      '{payee} asks for CNY {amount} from your {account} for {reference}.\n' +
      'Enter your PIN to pay, or 0 to decline',
    prompt_sim: '{payee} asks for CNY {amount} on your {account} for {reference}.',
    confirm: 'Confirm',
    decline: 'Decline',
    wrong_pin_format: 'A PIN is 4 to 6 digits.',
    wrong_choice: 'Please choose 1 or 2.',
    too_many_wrong: 'Too many wrong entries. Nothing was paid. The request follows by SMS.',
    gone:
      'This payment request is no longer waiting for you: it expired or was replaced. ' +
      'Nothing was paid.',
  },
  zh: {
    prompt_pin: '{payee}请您从{account}支付{amount}元（{reference}）。\n输入密码付款，输入0拒绝',
    prompt_sim: '{payee}请您从{account}支付{amount}元（{reference}）。',
    confirm: '确认',
    decline: '拒绝',
    wrong_pin_format: '密码为4至6位数字。',
    wrong_choice: '请输入1或2。',
    too_many_wrong: '输入错误次数过多，未扣款。请求将以短信发送。',
    gone: '该笔付款请求已不在等待确认（已失效或被替代），未扣款。',
  },
}
