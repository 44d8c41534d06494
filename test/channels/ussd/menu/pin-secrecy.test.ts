/**
 * pin-secrecy.test.ts - a PIN never sits in the session in clear (serialized to JSON after
 * every PIN step), is masked in the trail, never reaches a log line, and leaves the session
 * with the command that carries it.
 */
import { describe, expect, it } from 'vitest'
import type { EngineStep } from '../../../../channels/ussd/contract.js'
import { defaultMenuDir, heldMode, loadUssdEngine } from '../../../../channels/ussd/menu/index.js'
import { createLogger } from '../../../../src/service/log.js'
import {
  commandOf,
  PIN,
  refusedWaiting,
  registered,
  screenOf,
  sessionJson,
  waiting,
} from './drive.js'

const NEW_PIN = '5860'

describe('PINs in the session', () => {
  const lines: string[] = []
  const engine = loadUssdEngine(defaultMenuDir, {
    logger: createLogger('debug', { write: (line) => lines.push(line) }),
  })
  /** Dials as Li Lei, a registered subscriber; a payment the dial asks for is left waiting. */
  const start = (sessionId: string, dialString: string): EngineStep => {
    const step = engine.start(sessionId, '8613800138000', 'en', dialString)
    if (step.kind === 'screen') return step
    if (heldMode(step.session) === 'gate') return engine.resume(step.session, registered)
    return engine.resume(
      step.session,
      waiting('payment.confirm_pin', {
        amount: '25.00',
        payee: 'Ringtone Store',
        account: 'wallet',
      }),
    )
  }

  it('keeps no PIN in clear through a PIN change, masks every PIN in the trail and logs', () => {
    let step = start('secret-1', '*123*8*1#')
    expect(step.session.state).toBe('settings.pin_current')
    const typed = [PIN, NEW_PIN, NEW_PIN]
    for (const pin of typed) {
      step = engine.input(step.session, pin)
      if (step.kind === 'screen') {
        const json = sessionJson(step.session)
        expect(json).not.toContain(PIN)
        expect(json).not.toContain(NEW_PIN)
        expect(JSON.stringify(step.screen)).not.toContain(PIN)
      }
    }
    const run = commandOf(step)
    expect(run).toEqual({
      command: { kind: 'change_pin', msisdn: '8613800138000' },
      pin: PIN,
      newPin: NEW_PIN,
    })
    expect(step.session.values).toEqual({})
    expect(step.session.trail).toEqual(['8', '1', '****', '****', '****'])
    expect(sessionJson(step.session)).not.toContain(PIN)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      expect(line).not.toContain(PIN)
      expect(line).not.toContain(NEW_PIN)
    }
  })

  it('masks a wrongly typed PIN too, and keeps nothing of it', () => {
    const atPin = start('secret-2', '*123*2*1001*25*1#')
    const wrong = engine.input(atPin.session, '739')
    const again = engine.input(wrong.session, 'x7395')
    expect(again.session.trail).toEqual(['2', '1001', '25', '1', '****', '****'])
    expect(sessionJson(again.session)).not.toContain(PIN)
    const confirming = engine.input(again.session, PIN)
    expect(commandOf(confirming).pin).toBe(PIN)
    // The command carries the PIN; the session that waits for its answer holds none of it.
    expect(sessionJson(confirming.session)).not.toContain(PIN)
    const reasked = engine.resume(
      confirming.session,
      refusedWaiting('pin_incorrect', { triesLeft: '2' }),
    )
    expect(screenOf(reasked).text).toMatch(
      /^Wrong PIN\. Tries left before your account is locked: 2/,
    )
    expect(reasked.session.trail.slice(-1)).toEqual(['****'])
    expect(sessionJson(reasked.session)).not.toContain(PIN)
  })

  it('masks a refused input anywhere: it may be a PIN typed at the wrong screen', () => {
    const home = start('secret-5', '*123#')
    const refusedPin = engine.input(home.session, PIN)
    expect(screenOf(refusedPin).text.split('\n')[0]).toBe('Please choose one of the numbers shown.')
    expect(refusedPin.session.trail).toEqual(['****'])
    expect(sessionJson(refusedPin.session)).not.toContain(PIN)
  })

  it('drops a sealed PIN when going back past its screen', () => {
    let step = start('secret-3', '*123*8*1#')
    step = engine.input(step.session, PIN)
    expect(Object.keys(step.session.values)).toEqual(['pin'])
    step = engine.input(step.session, '0')
    expect(step.session.values).toEqual({})
    expect(step.session.state).toBe('settings.pin_current')
  })

  it("asks to dial again when a sealed PIN cannot be opened (altered, another process's)", () => {
    let step = start('secret-4', '*123*8*1#')
    step = engine.input(step.session, PIN)
    step = engine.input(step.session, NEW_PIN)
    const altered = {
      ...step.session,
      values: { ...step.session.values, newPin: 'sealed:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    }
    const screen = screenOf(engine.input(altered, NEW_PIN))
    expect(screen).toEqual({
      type: 'END',
      text: 'Sorry, this session cannot continue. Nothing was paid. Dial *123# to start again.',
    })
  })
})
