/**
 * fake-engine.ts - a small IVR call engine that keeps the contract (channels/ivr/contract.ts) so
 * the channel's faces can be tested apart from the scripts in menus/ivr: a main menu (`1`
 * balance, `2` pay an order), the order number then `#`, the PIN then `#` (secret, masked in the
 * trail), a payment command, no input and wrong input re-prompted, three failures and goodbye.
 * Unregistered callers are told so and the call ends. Exports fakeIvrEngine, fakePromptText and
 * fakeGathers.
 */

import type { Gather, IvrCall, IvrEngine, IvrStep, Prompt } from '../../../channels/ivr/contract.js'
import type { CommandResult, Language } from '../../../src/core/index.js'
import { renderResult } from '../../../src/gateway/reply/index.js'

const menuGather: Gather = {
  digitsMax: 1,
  digitsMin: 1,
  finishOnKey: '',
  firstDigitTimeoutMs: 5_000,
  interDigitTimeoutMs: 3_000,
  validKeys: '12',
  secret: false,
}
const orderGather: Gather = {
  digitsMax: null,
  digitsMin: 6,
  finishOnKey: '#',
  firstDigitTimeoutMs: 8_000,
  interDigitTimeoutMs: 4_000,
  validKeys: '0123456789*',
  secret: false,
}
const pinGather: Gather = {
  digitsMax: 4,
  digitsMin: 4,
  finishOnKey: '#',
  firstDigitTimeoutMs: 8_000,
  interDigitTimeoutMs: 4_000,
  validKeys: '0123456789',
  secret: true,
}

const texts: Readonly<Record<string, Readonly<Record<Language, string>>>> = {
  'main.menu': {
    en: 'Welcome to Telepay. Press 1 for your balance, 2 to pay an order.',
    zh: '欢迎使用Telepay。查询余额请按1，支付订单请按2。',
  },
  'order.number': {
    en: 'Enter the order number, then press hash.',
    zh: '请输入订单号，然后按井号键。',
  },
  'order.pin': { en: 'Enter your PIN, then press hash.', zh: '请输入密码，然后按井号键。' },
  'retry.noinput': { en: 'Sorry, I did not hear anything.', zh: '抱歉，没有听到您的输入。' },
  'retry.nomatch': { en: 'Sorry, that is not valid.', zh: '抱歉，输入无效。' },
  'goodbye.failed': { en: 'Sorry we could not help you. Goodbye.', zh: '抱歉，再见。' },
  'goodbye.unregistered': {
    en: 'This number is not registered. Goodbye.',
    zh: '此号码未注册。再见。',
  },
}

/** A prompt's text in the fake's scripts, for tests that build the expected documents. */
export function fakePromptText(id: string, language: Language = 'en'): string {
  return texts[id]?.[language] ?? id
}

export const fakeGathers = { menu: menuGather, order: orderGather, pin: pinGather } as const

function prompt(id: string, language: Language): Prompt {
  return { id, language, text: texts[id]?.[language] ?? id }
}

function gatherOf(state: string): Gather {
  return state === 'menu' ? menuGather : state === 'order' ? orderGather : pinGather
}

function promptOf(state: string): string {
  return state === 'menu' ? 'main.menu' : state === 'order' ? 'order.number' : 'order.pin'
}

function say(call: IvrCall, prompts: readonly Prompt[], ended: boolean): IvrStep {
  return { kind: 'say', call, prompts, gather: ended ? null : gatherOf(call.state), ended }
}

function enter(
  call: IvrCall,
  state: string,
  nowMs: number,
  extra: readonly Prompt[] = [],
): IvrStep {
  const next: IvrCall = {
    ...call,
    state,
    failures: 0,
    collecting: { digits: '', lastKeyMs: null, promptEndMs: nowMs },
  }
  return say(next, [...extra, prompt(promptOf(state), call.language)], false)
}

function fail(call: IvrCall, kind: 'noinput' | 'nomatch', nowMs: number): IvrStep {
  const failures = call.failures + 1
  if (failures >= 3) {
    return say(
      { ...call, failures, ended: true, outcome: 'failed_input', collecting: null },
      [prompt('goodbye.failed', call.language)],
      true,
    )
  }
  const next: IvrCall = {
    ...call,
    failures,
    collecting: { digits: '', lastKeyMs: null, promptEndMs: nowMs },
  }
  return say(
    next,
    [prompt(`retry.${kind}`, call.language), prompt(promptOf(call.state), call.language)],
    false,
  )
}

/** The digits of a gather, complete: what the state does with them. */
function accept(call: IvrCall, digits: string, nowMs: number): IvrStep {
  const gather = gatherOf(call.state)
  const typed = gather.secret ? '****' : digits
  const withTrail: IvrCall = { ...call, trail: [...call.trail, typed], collecting: null }
  if (call.state === 'menu') {
    if (digits === '1')
      return {
        kind: 'command',
        call: { ...withTrail, state: 'balance' },
        prompts: [],
        run: { command: { kind: 'balance', msisdn: call.msisdn ?? '' }, pin: null, newPin: null },
      }
    if (digits === '2') return enter(withTrail, 'order', nowMs)
    return fail(call, 'nomatch', nowMs)
  }
  if (call.state === 'order')
    return enter({ ...withTrail, values: { ...call.values, order: digits } }, 'pin', nowMs)
  const orderNo = call.values['order'] ?? ''
  return {
    kind: 'command',
    call: { ...withTrail, state: 'paying' },
    prompts: [],
    run: {
      command: {
        kind: 'pay_order',
        msisdn: call.msisdn ?? '',
        orderNo,
        funding: 'wallet',
        authorize: true,
      },
      pin: digits,
      newPin: null,
    },
  }
}

function complete(call: IvrCall, digits: string, nowMs: number): IvrStep {
  const gather = gatherOf(call.state)
  if (
    digits.length < gather.digitsMin ||
    [...digits].some((key) => !gather.validKeys.includes(key))
  )
    return fail(call, 'nomatch', nowMs)
  return accept(call, digits, nowMs)
}

export function fakeIvrEngine(): IvrEngine {
  return {
    start(callId, from, to, registered, nowMs) {
      const call: IvrCall = {
        callId,
        msisdn: registered?.msisdn ?? null,
        from,
        to,
        language: registered?.language ?? 'en',
        state: 'menu',
        step: 0,
        values: {},
        failures: 0,
        typeAhead: '',
        collecting: null,
        trail: [],
        startedMs: nowMs,
        ended: false,
        outcome: null,
        reference: null,
      }
      if (registered === null)
        return say(
          { ...call, ended: true, outcome: 'unregistered' },
          [prompt('goodbye.unregistered', 'en')],
          true,
        )
      return enter(call, 'menu', nowMs)
    },
    digits(call, keys, nowMs) {
      const gather = gatherOf(call.state)
      let digits = call.collecting?.digits ?? ''
      for (const key of keys) {
        if (gather.finishOnKey !== '' && key === gather.finishOnKey)
          return complete(call, digits, nowMs)
        digits += key
        if (gather.digitsMax !== null && digits.length >= gather.digitsMax)
          return complete(call, digits, nowMs)
      }
      return {
        kind: 'say',
        call: {
          ...call,
          collecting: {
            digits,
            lastKeyMs: nowMs,
            promptEndMs: call.collecting?.promptEndMs ?? nowMs,
          },
        },
        prompts: [],
        gather,
        ended: false,
      }
    },
    silence(call, nowMs) {
      const digits = call.collecting?.digits ?? ''
      if (digits === '') return fail(call, 'noinput', nowMs)
      return complete(call, digits, nowMs)
    },
    resume(call, result: CommandResult) {
      const ended: IvrCall = {
        ...call,
        ended: true,
        outcome: 'completed',
        reference: result.reference ?? call.reference,
      }
      return say(
        ended,
        [
          {
            id: result.ok ? 'result.ok' : 'result.refused',
            language: call.language,
            text: renderResult(result),
          },
        ],
        true,
      )
    },
    hangup(call) {
      return { ...call, ended: true, outcome: 'hung_up', collecting: null }
    },
  }
}
