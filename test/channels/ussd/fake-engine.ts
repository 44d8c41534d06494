/**
 * fake-engine.ts - a small UssdEngine for the channel's own tests, independent of the menu data:
 * `*123#` main menu (1 Balance, 2 Pay merchant), pay merchant asks merchant, amount, account
 * and PIN, then runs pay_merchant; shortcuts replay their inputs and stop before the PIN.
 * Screens carry the session's state name, so tests can tell where a session stands.
 */

import type {
  EngineStep,
  Screen,
  UssdEngine,
  UssdSession,
} from '../../../channels/ussd/contract.js'
import { accountMenuOrder } from '../../../channels/ussd/contract.js'
import type { CommandResult, FundingKind } from '../../../src/core/index.js'
import { parseAmount } from '../../../src/core/index.js'
import { renderResult } from '../../../src/gateway/reply/index.js'

const prompts: Readonly<Record<string, string>> = {
  main: 'Telepay\n1 Balance\n2 Pay merchant',
  merchant: 'Merchant code:',
  amount: 'Amount:',
  account: 'Pay from\n1 Wallet\n2 Phone bill\n3 Bank card',
  confirm_pin: 'Enter PIN to pay',
}

function screen(session: UssdSession, prefix = ''): EngineStep {
  const text = `${prefix}${prompts[session.state] ?? session.state}`
  return {
    kind: 'screen',
    session: { ...session, lastScreen: { type: 'CON', text } },
    screen: { type: 'CON', text },
  }
}

function end(session: UssdSession, text: string): EngineStep {
  const shown: Screen = { type: 'END', text }
  return { kind: 'screen', session: { ...session, ended: true, lastScreen: shown }, screen: shown }
}

function moveTo(
  session: UssdSession,
  state: string,
  input: string,
  values: Record<string, string> = {},
): UssdSession {
  return {
    ...session,
    state,
    back: [...session.back, session.state],
    values: { ...session.values, ...values },
    trail: [...session.trail, input],
    hop: session.hop + 1,
  }
}

export function fakeEngine(): UssdEngine {
  const engine: UssdEngine = {
    serviceCode: '*123#',
    start(sessionId, msisdn, language, dial) {
      const match = /^\*123((?:\*\d+)*)#$/.exec(dial)
      const session: UssdSession = {
        sessionId,
        msisdn,
        language,
        state: 'main',
        page: 0,
        back: [],
        values: {},
        trail: [],
        hop: 0,
        lastScreen: null,
        ended: false,
      }
      if (match === null) return end(session, 'Unknown service code.')
      let step = screen(session)
      for (const part of (match[1] ?? '').split('*').slice(1)) {
        if (
          step.kind !== 'screen' ||
          step.screen.type === 'END' ||
          step.session.state === 'confirm_pin'
        )
          break
        step = engine.input(step.session, part)
      }
      return step.kind === 'screen' ? { ...step, session: { ...step.session, hop: 0 } } : step
    },
    input(session, text) {
      switch (session.state) {
        case 'main':
          if (text === '1')
            return {
              kind: 'command',
              session: moveTo(session, 'balance', text),
              run: {
                command: { kind: 'balance', msisdn: session.msisdn },
                pin: null,
                newPin: null,
              },
            }
          if (text === '2') return screen(moveTo(session, 'merchant', text))
          return screen(session, 'Invalid choice.\n')
        case 'merchant':
          return /^\d{4}$/.test(text)
            ? screen(moveTo(session, 'amount', text, { merchant: text }))
            : screen(session, 'Invalid merchant.\n')
        case 'amount':
          return parseAmount(text).ok
            ? screen(moveTo(session, 'account', text, { amount: text }))
            : screen(session, 'Invalid amount.\n')
        case 'account': {
          const funding = accountMenuOrder[Number(text) - 1]
          return funding === undefined
            ? screen(session, 'Invalid choice.\n')
            : screen(moveTo(session, 'confirm_pin', text, { account: funding }))
        }
        case 'confirm_pin': {
          const amount = parseAmount(session.values['amount'] ?? '')
          if (!amount.ok) return end(session, 'Invalid amount.')
          const command = {
            kind: 'pay_merchant',
            msisdn: session.msisdn,
            merchantCode: session.values['merchant'] ?? '',
            amountMinor: amount.minor,
            funding: session.values['account'] as FundingKind,
            authorize: true,
          } as const
          return {
            kind: 'command',
            session: moveTo(session, 'paying', '****'),
            run: { command, pin: text, newPin: null },
          }
        }
        default:
          return end(session, 'Session over.')
      }
    },
    resume(session, result: CommandResult) {
      return end(session, renderResult(result))
    },
    timeoutScreen(language) {
      return {
        type: 'END',
        text:
          language === 'zh'
            ? '正在处理，结果将以短信通知您。'
            : 'We are processing your request and will send you an SMS.',
      }
    },
  }
  return engine
}
