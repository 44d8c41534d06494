/**
 * push-flow.test.ts - the NI payment prompt's flow on its own: the first screen per request kind
 * and language, always one page even for a long payee and reference; answers becoming confirm
 * (with the PIN, which stays out of the session) or cancel; wrong inputs re-prompted and the
 * third one ending the dialogue; and menu sessions passing through to the menu engine untouched.
 */
import { describe, expect, it } from 'vitest'
import type { CommandResult } from '../../../../src/core/index.js'
import { refused, succeeded } from '../../../../src/core/index.js'
import type { EngineStep, UssdSession } from '../../../../channels/ussd/contract.js'
import { fitsPage } from '../../../../channels/ussd/menu/paging.js'
import { ussdMenuLimits } from '../../../../channels/ussd/menu/limits.js'
import { openPush, pushBookkeeping, pushStates, withPushFlow } from '../../../../channels/ussd/smpp/index.js'
import { fakeEngine } from '../fake-engine.js'

const LI = '8613800138000'
const engine = withPushFlow(fakeEngine())

function prompt(key: 'request.prompt' | 'request.prompt_sim', params: Record<string, string>, language: 'en' | 'zh' = 'en') {
  const opened = openPush({ sessionId: 's1', msisdn: LI, language, message: { key, params }, outboxId: 42 })
  if (opened === null) throw new Error('not opened')
  return opened
}

function sessionOf(step: EngineStep): UssdSession {
  return step.session
}

const basic = { payee: 'Ringtone Store', amount: '25.00', account: 'wallet', reference: 'song-7' }

describe('the push flow', () => {
  it('opens with a PIN prompt for a wallet request and a 1/2 choice for a phone-bill one, in the subscriber\'s language', () => {
    expect(prompt('request.prompt', basic).screen).toEqual({ type: 'CON', text: 'Ringtone Store asks for CNY 25.00 from your wallet for song-7.\nEnter your PIN to pay, or 0 to decline' })
    const sim = prompt('request.prompt_sim', { ...basic, account: 'phone_bill' }, 'zh')
    expect(sim.session.state).toBe(pushStates.sim)
    expect(sim.screen.text).toBe('Ringtone Store请您从话费账户支付25.00元（song-7）。\n1 确认\n2 拒绝')
    expect(openPush({ sessionId: 's2', msisdn: LI, language: 'en', message: { key: 'payment.expired', params: {} }, outboxId: 1 })).toBeNull()
  })

  it('keeps a long payee and reference within one page, shortening them rather than the question', () => {
    const long = { payee: 'A Very Long Merchant Name That Goes On And On', amount: '1999.99', account: 'bank', reference: 'R'.repeat(60) }
    for (const language of ['en', 'zh'] as const) {
      for (const key of ['request.prompt', 'request.prompt_sim'] as const) {
        const { screen } = prompt(key, long, language)
        expect(fitsPage(screen.text, ussdMenuLimits)).toBe(true)
        expect(screen.text).toContain('1999.99')
        expect(screen.text).toMatch(key === 'request.prompt' ? /PIN|密码/ : /1 (Confirm|确认)\n2 (Decline|拒绝)$/)
      }
    }
  })

  it('turns the PIN into a confirm command carrying it, never into the session, and 0 into cancel', () => {
    const { session } = prompt('request.prompt', basic)
    const step = engine.input(session, ' 1234 ')
    expect(step.kind).toBe('command')
    if (step.kind !== 'command') return
    expect(step.run).toEqual({ command: { kind: 'confirm', msisdn: LI }, pin: '1234', newPin: null })
    expect(JSON.stringify(step.session)).not.toContain('1234')
    expect(step.session.trail).toEqual(['****'])
    expect(pushBookkeeping(step.session)).toEqual({ outboxId: 42, answered: true, abandoned: false })
    const cancel = engine.input(session, '0')
    expect(cancel.kind === 'command' && cancel.run.command).toEqual({ kind: 'cancel', msisdn: LI })
    const sim = prompt('request.prompt_sim', basic).session
    const one = engine.input(sim, '1')
    expect(one.kind === 'command' && one.run).toEqual({ command: { kind: 'confirm', msisdn: LI }, pin: null, newPin: null })
  })

  it('re-prompts a wrong input, masked, and ends at the third with nothing paid', () => {
    let session = prompt('request.prompt', basic).session
    const first = engine.input(session, '12')
    expect(first.kind === 'screen' && first.screen.type).toBe('CON')
    expect(first.kind === 'screen' && first.screen.text).toMatch(/^A PIN is 4 to 6 digits\.\nRingtone Store/)
    session = sessionOf(first)
    session = sessionOf(engine.input(session, 'abc'))
    const third = engine.input(session, '1')
    expect(third.kind === 'screen' && third.screen).toEqual({ type: 'END', text: 'Too many wrong entries. Nothing was paid. The request follows by SMS.' })
    expect(third.session.trail).toEqual(['****', '****', '****'])
    expect(pushBookkeeping(third.session)).toEqual({ outboxId: 42, answered: false, abandoned: true })
  })

  it('asks again after a wrong PIN and ends with the core\'s answer otherwise', () => {
    const { session } = prompt('request.prompt', basic)
    const step = engine.input(session, '9999')
    if (step.kind !== 'command') throw new Error('expected a command')
    const wrongPin: CommandResult = refused('pin_incorrect', 'en', { params: { triesLeft: '2' } })
    const again = engine.resume(step.session, wrongPin)
    expect(again.kind === 'screen' && again.screen.type).toBe('CON')
    expect(again.kind === 'screen' && again.screen.text).toMatch(/^Wrong PIN\. Tries left before your account is locked: 2.*\nRingtone Store asks/s)
    const paid = engine.resume(step.session, succeeded({ key: 'payment.cancelled', params: { amount: '25.00', payee: 'Ringtone Store' } }, 'en'))
    expect(paid.kind === 'screen' && paid.screen).toEqual({ type: 'END', text: 'Payment of CNY 25.00 to Ringtone Store cancelled. No money was taken.' })
    expect(paid.session.ended).toBe(true)
  })

  it('leaves menu sessions to the menu engine', () => {
    const started = engine.start('m1', LI, 'en', '*123#')
    expect(started.kind === 'screen' && started.screen.text).toMatch(/1 Balance/)
    expect(pushBookkeeping(started.session)).toBeNull()
    const next = engine.input(started.session, '2')
    expect(next.kind === 'screen' && next.screen.text).toBe('Merchant code:')
  })
})
