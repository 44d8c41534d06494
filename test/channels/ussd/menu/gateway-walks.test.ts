/**
 * gateway-walks.test.ts - end-to-end walks of the menus against a real gateway: each command
 * the engine produces runs through the PaymentService (as the USSD channel hands it in, keyed
 * by session and hop), and the closing screen is built from the real result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Language } from '../../../../src/core/index.js'
import type { EngineStep } from '../../../../channels/ussd/contract.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { HAN, LI, LI_PIN, ZHANG, ZHANG_PIN, startTestGateway } from '../../../support/gateway-fixture.js'
import { engine, fitsOnePage, screenOf } from './drive.js'

let t: GatewayFixture
let sessions = 0

beforeAll(async () => {
  t = await startTestGateway()
})

afterAll(async () => {
  await t.close()
})

/** Runs the commands of a step through the payment service until a screen comes back. */
async function settle(from: EngineStep): Promise<EngineStep> {
  let step = from
  for (let guard = 0; step.kind === 'command'; guard += 1) {
    expect(guard).toBeLessThan(2)
    const { session, run } = step
    const result = await t.phone(run.command, { pin: run.pin, newPin: run.newPin, channel: 'ussd', key: `ussd:${session.sessionId}:${session.hop}` })
    step = engine.resume(session, result)
  }
  return step
}

/** Dials, types each input, and returns the final screen after the commands ran. */
async function walk(msisdn: string, language: Language, dialString: string, ...inputs: string[]): Promise<EngineStep> {
  sessions += 1
  let step = await settle(engine.start(`e2e-${sessions}`, msisdn, language, dialString))
  for (const input of inputs) {
    expect(screenOf(step).type).toBe('CON')
    step = await settle(engine.input(step.session, input))
  }
  expect(fitsOnePage(screenOf(step).text)).toBe(true)
  return step
}

describe('walks against a real gateway', () => {
  it('pays a merchant from the wallet with the PIN on the confirm screen', async () => {
    const step = await walk(LI, 'en', '*123#', '2', '1001', '25', '1', LI_PIN)
    expect(screenOf(step).type).toBe('END')
    expect(screenOf(step).text).toMatch(/^Paid CNY 25\.00 to Ringtone Store from your wallet\. Ref T[0-9A-Z]{6}\.$/)
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })

  it('pays on the phone bill from a shortcut with 1 Confirm and no PIN', async () => {
    const step = await walk(LI, 'en', '*123*2*1001*10#', '2', '1')
    expect(screenOf(step).text).toMatch(/^Paid CNY 10\.00 to Ringtone Store from your phone bill\./)
    expect(await t.balance(LI, 'phone_bill')).toBe('40.00')
  })

  it('refuses a wrong PIN and moves no money', async () => {
    const step = await walk(LI, 'en', '*123#', '5', HAN, '5', '9999')
    expect(screenOf(step)).toEqual({ type: 'END', text: 'Wrong PIN. 2 tries left before your account is locked.' })
    expect(await t.balance(LI, 'wallet')).toBe('475.00')
  })

  it('shows the mini statement with the payments made', async () => {
    let step = await walk(LI, 'en', '*123*7#')
    const pages = [screenOf(step).text]
    while (screenOf(step).type === 'CON') {
      step = engine.input(step.session, '98')
      pages.push(screenOf(step).text)
    }
    const all = pages.join('\n')
    expect(all).toContain('-25.00 Ringtone Store')
    expect(all).toContain('-10.00 Ringtone Store')
  })

  it('answers a Chinese subscriber in Chinese', async () => {
    const step = await walk(HAN, 'zh', '*123*1#')
    expect(screenOf(step)).toEqual({ type: 'END', text: '余额：钱包20.00元，话费20.00元。' })
  })

  it('changes a PIN, after which the old one is wrong', async () => {
    const changed = await walk(ZHANG, 'en', '*123#', '8', '1', ZHANG_PIN, '2468', '2468')
    expect(screenOf(changed)).toEqual({ type: 'END', text: 'Your PIN has been changed. Never share it with anyone.' })
    const again = await walk(ZHANG, 'en', '*123#', '8', '1', ZHANG_PIN, '1357', '1357')
    expect(screenOf(again).text).toMatch(/^Wrong PIN\./)
  })
})
