/**
 * drive.ts - test helpers for the USSD menu engine: one engine over the shipped menus, dialling
 * and typing as a phone would, and fake core results for the closing screens.
 */
import { expect } from 'vitest'
import type { CommandResult, Language, Message } from '../../../../src/core/index.js'
import { succeeded } from '../../../../src/core/index.js'
import type { EngineStep, Screen, UssdCommand, UssdSession } from '../../../../channels/ussd/contract.js'
import { loadUssdEngine } from '../../../../channels/ussd/menu/index.js'
import { gsm7Length } from '../../../../channels/sms/text/gsm7.js'

export const engine = loadUssdEngine()

export const LI = '8613800138000'
export const HAN = '8613800138001'
/** A PIN whose digits appear in no MSISDN, amount or code used in these tests. */
export const PIN = '7395'

export function dial(dialString = '*123#', language: Language = 'en', msisdn = LI): EngineStep {
  return engine.start('sess-1', msisdn, language, dialString)
}

export function screenOf(step: EngineStep): Screen {
  if (step.kind !== 'screen') throw new Error(`expected a screen, got command ${step.run.command.kind}`)
  return step.screen
}

export function commandOf(step: EngineStep): UssdCommand {
  if (step.kind !== 'command') throw new Error(`expected a command, got ${step.screen.type} "${step.screen.text}"`)
  return step.run
}

/** Types each input in turn; every step before the last must be a CON screen. */
export function type(from: EngineStep, ...inputs: string[]): EngineStep {
  let step = from
  for (const input of inputs) {
    const screen = screenOf(step)
    expect(screen.type, `screen before "${input}": ${screen.text}`).toBe('CON')
    step = engine.input(step.session, input)
  }
  return step
}

/** Whether a screen's text fits one USSD page: 182 GSM characters, or 80 with any UCS-2 character. */
export function fitsOnePage(text: string): boolean {
  const septets = gsm7Length(text)
  return septets === null ? text.length <= 80 : septets <= 182
}

export function fakeResult(message: Message, language: Language = 'en', reference: string | null = null): CommandResult {
  return succeeded(message, language, { reference })
}

export function sessionJson(session: UssdSession): string {
  return JSON.stringify(session)
}
