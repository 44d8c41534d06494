/**
 * harness.ts - a gateway on loopback with a UssdPhone bound to its SMSC simulator, for the USSD
 * over SMPP tests, and small helpers to walk a dialogue.
 */
import { expect } from 'vitest'
import type { UssdScreen } from '../../../../src/tools/phones/ussd-phone.js'
import { UssdPhone } from '../../../../src/tools/phones/ussd-phone.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { startTestGateway } from '../../../support/gateway-fixture.js'

export interface UssdWorld {
  readonly gw: GatewayFixture
  readonly phone: UssdPhone
  close(): Promise<void>
}

export async function startUssdWorld(
  options: { readonly overrides?: Readonly<Record<string, unknown>> } = {},
): Promise<UssdWorld> {
  const gw = await startTestGateway(
    options.overrides === undefined ? {} : { overrides: options.overrides },
  )
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator does not run')
  const phone = new UssdPhone({ host: smpp.host, port: smpp.port })
  const bound = await phone.bind()
  if (bound !== null) throw new Error(`bind: ${bound}`)
  return {
    gw,
    phone,
    async close() {
      await phone.close()
      await gw.close()
    },
  }
}

/** The next screen to `msisdn`, failing the test when none comes within 5 s. */
export async function screenFor(phone: UssdPhone, msisdn: string): Promise<UssdScreen> {
  const screen = await phone.nextScreen(msisdn, 5_000)
  if (screen === null) throw new Error(`no USSD screen reached ${msisdn}`)
  return screen
}

/**
 * Sends the answer in the dialogue `info`, expecting the PDU to be accepted, and returns the next
 * screen.
 */
export async function typeIn(
  phone: UssdPhone,
  msisdn: string,
  text: string,
  info: Buffer | null,
): Promise<UssdScreen> {
  const sent = await phone.answer(msisdn, text, info)
  expect(sent.ok).toBe(true)
  return screenFor(phone, msisdn)
}

/** Polls until `probe` gives a value (real time; the gateway sweeps every second). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  for (let waited = 0; waited <= timeoutMs; waited += 25) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}
