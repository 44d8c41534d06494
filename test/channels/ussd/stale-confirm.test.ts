/**
 * stale-confirm.test.ts - a USSD confirm screen whose payment was replaced meanwhile from another
 * channel (SPEC section 4: one waiting payment per subscriber), in the gateway over Africa's
 * Talking: the PIN typed on it pays nothing and says so; leaving it (0, 00, a new dial) or its
 * session ending (idle timeout) cancels nothing; the newer payment still waits for its own YES.
 * The payment's id, which the channel keeps to name the payment, shows on no screen.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CommandResult } from '../../../src/core/index.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { CINEMA, LI, LI_PIN, startTestGateway } from '../../support/gateway-fixture.js'
import { AtPhone } from './ussd-harness.js'

let gw: GatewayFixture
let counter = 0

beforeEach(async () => {
  gw = await startTestGateway()
})

afterEach(async () => {
  await gw.close()
})

function phone(msisdn: string): AtPhone {
  counter += 1
  return new AtPhone(gw.url, msisdn, `ATUid_stale_${counter}_${process.pid}`)
}

/**
 * Li Lei sends `PAY 1002 300` by SMS: 300.00 to Cinema Tickets from the wallet, waiting for YES.
 */
async function payBySms(): Promise<string> {
  const result: CommandResult = await gw.phone(
    {
      kind: 'pay_merchant',
      msisdn: LI,
      merchantCode: CINEMA,
      amountMinor: 30_000n,
      funding: 'wallet',
      authorize: false,
    },
    { channel: 'sms' },
  )
  expect(result.payment?.state).toBe('awaiting_authorization')
  return result.payment?.id ?? ''
}

/**
 * Li Lei at the USSD PIN screen of 25.00 to Ringtone Store; its payment's id as the ledger has it.
 */
async function atConfirmScreen(li: AtPhone, screens: string[]): Promise<string> {
  screens.push(await li.dial('2*1001*25*1'))
  expect(screens.at(-1)).toMatch(
    /^CON Pay CNY 25\.00 to Ringtone Store from your wallet\.\nEnter your PIN to confirm/,
  )
  const shown = (await gw.subscriber(LI)).pendingPaymentId
  expect(shown).not.toBeNull()
  return shown ?? ''
}

describe('a USSD confirm screen whose payment was replaced from another channel', () => {
  it('pays nothing with its PIN, says it no longer waits; the new one awaits YES', async () => {
    const li = phone(LI)
    const screens: string[] = []
    const shown = await atConfirmScreen(li, screens)
    const bySms = await payBySms()
    expect(bySms).not.toBe(shown)
    screens.push(await li.type(LI_PIN))
    expect(screens.at(-1)).toBe(
      'END This payment is no longer waiting for you: it expired or was replaced. Nothing ' +
        'was paid. Dial *123# to pay again.',
    )
    expect(await gw.balance(LI, 'wallet')).toBe('500.00')
    expect((await gw.subscriber(LI)).pendingPaymentId).toBe(bySms)
    const yes = await gw.confirm(LI, LI_PIN)
    expect(yes.ok).toBe(true)
    expect(yes.payment?.id).toBe(bySms)
    expect(await gw.balance(LI, 'wallet')).toBe('200.00')
    for (const screen of screens) {
      expect(screen).not.toContain(shown)
      expect(screen).not.toContain(bySms)
    }
  })

  it.each([
    [
      '0 (back)',
      async (li: AtPhone) =>
        expect(await li.type('0')).toMatch(/^CON Pay CNY 25\.00 to merchant 1001 from:/),
    ],
    ['00 (home)', async (li: AtPhone) => expect(await li.type('00')).toMatch(/^CON .*1 Balance/s)],
    [
      'too many wrong entries',
      async (li: AtPhone) => {
        await li.type('12')
        await li.type('12')
        expect(await li.type('12')).toMatch(/^END Too many wrong entries\. Nothing was paid\./)
      },
    ],
    ['a new dial', async () => expect(await phone(LI).dial()).toMatch(/^CON .*1 Balance/s)],
    [
      'the idle timeout',
      async (li: AtPhone) => {
        await gw.advance(31)
        expect(await li.type(LI_PIN)).toBe('END Your session timed out. Please dial again.')
      },
    ],
  ])('cancels nothing when left by %s: the new payment still waits', async (_how, leave) => {
    const li = phone(LI)
    await atConfirmScreen(li, [])
    const bySms = await payBySms()
    await leave(li)
    expect((await gw.subscriber(LI)).pendingPaymentId).toBe(bySms)
    const yes = await gw.confirm(LI, LI_PIN)
    expect(yes.payment?.id).toBe(bySms)
    expect(await gw.balance(LI, 'wallet')).toBe('200.00')
  })

  it('still cancels its own payment when nothing replaced it', async () => {
    const li = phone(LI)
    await atConfirmScreen(li, [])
    await li.type('0')
    expect((await gw.subscriber(LI)).pendingPaymentId).toBeNull()
    expect((await gw.confirm(LI, LI_PIN)).reason).toBe('no_pending_payment')
  })
})
