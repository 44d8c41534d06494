/**
 * pin-secrecy.test.ts - a PIN never sits in the session in clear (serialized to JSON after
 * every PIN step), is masked in the trail, never reaches a log line, and leaves the session
 * with the command that carries it.
 */
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../../src/service/log.js'
import { defaultMenuDir, loadUssdEngine } from '../../../../channels/ussd/menu/index.js'
import { PIN, commandOf, screenOf, sessionJson } from './drive.js'

const NEW_PIN = '5860'

describe('PINs in the session', () => {
  const lines: string[] = []
  const engine = loadUssdEngine(defaultMenuDir, { logger: createLogger('debug', (line) => lines.push(line)) })

  it('keeps no PIN in clear through a PIN change, and masks every PIN in the trail and logs', () => {
    let step = engine.start('secret-1', '8613800138000', 'en', '*123*8*1#')
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
    expect(run).toEqual({ command: { kind: 'change_pin', msisdn: '8613800138000' }, pin: PIN, newPin: NEW_PIN })
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
    const atPin = engine.start('secret-2', '8613800138000', 'en', '*123*2*1001*25*1#')
    const wrong = engine.input(atPin.session, '739')
    const again = engine.input(wrong.session, 'x7395')
    expect(again.session.trail).toEqual(['2', '1001', '25', '1', '****', '****'])
    expect(sessionJson(again.session)).not.toContain(PIN)
    const run = commandOf(engine.input(again.session, PIN))
    expect(run.pin).toBe(PIN)
  })

  it('masks a refused input anywhere: it may be a PIN typed at the wrong screen', () => {
    const home = engine.start('secret-5', '8613800138000', 'en', '*123#')
    const refusedPin = engine.input(home.session, PIN)
    expect(screenOf(refusedPin).text.split('\n')[0]).toBe('Please choose one of the numbers shown.')
    expect(refusedPin.session.trail).toEqual(['****'])
    expect(sessionJson(refusedPin.session)).not.toContain(PIN)
  })

  it('drops a sealed PIN when going back past its screen', () => {
    let step = engine.start('secret-3', '8613800138000', 'en', '*123*8*1#')
    step = engine.input(step.session, PIN)
    expect(Object.keys(step.session.values)).toEqual(['pin'])
    step = engine.input(step.session, '0')
    expect(step.session.values).toEqual({})
    expect(step.session.state).toBe('settings.pin_current')
  })

  it('asks to dial again when a sealed PIN cannot be opened (altered, or sealed by another process)', () => {
    let step = engine.start('secret-4', '8613800138000', 'en', '*123*8*1#')
    step = engine.input(step.session, PIN)
    step = engine.input(step.session, NEW_PIN)
    const altered = { ...step.session, values: { ...step.session.values, newPin: 'sealed:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }
    const screen = screenOf(engine.input(altered, NEW_PIN))
    expect(screen).toEqual({ type: 'END', text: 'Sorry, this session cannot continue. Nothing was paid. Dial *123# to start again.' })
  })
})
