/**
 * deadline.test.ts - the answer deadline: with the simulated bank slow, a card payment confirmed
 * with the PIN cannot answer in time, so the user gets the menu's polite END at once; the
 * payment finishes in the background and its result reaches the phone by SMS, read by an ESME
 * bound to the gateway's SMSC simulator. The channel runs the gateway's own menus; the deadline is
 * shortened through the channel's limits.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadUssdEngine } from '../../../channels/ussd/menu/index.js'
import { PhoneEsme } from '../../../src/tools/phones/phone-esme.js'
import { ADMIN_TOKEN, LI, LI_PIN } from '../../support/gateway-fixture.js'
import type { UssdHarness } from './ussd-harness.js'
import { AtPhone, startUssdHarness } from './ussd-harness.js'

let h: UssdHarness
let phones: PhoneEsme
const deadlineMs = 300
const engine = loadUssdEngine()
const politeEnd = `END ${engine.timeoutScreen('en').text}`

beforeEach(async () => {
  h = await startUssdHarness({ engine, limits: { answerDeadlineMs: deadlineMs } })
  const smpp = h.gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator did not start')
  phones = new PhoneEsme({ host: smpp.host, port: smpp.port })
  expect(await phones.bind()).toBeNull()
})

afterEach(async () => {
  await phones.close()
  await h.close()
})

describe('the answer deadline', () => {
  it('answers a slow card payment with the polite END, then sends the result by SMS', async () => {
    // Each of the bank's three steps (authorize, reserve, capture) takes 250 ms: 750 ms in all.
    const bank = await h.gw.request('POST', '/admin/api/bank', {
      token: ADMIN_TOKEN,
      body: { mode: 'slow', slowMs: 250 },
    })
    expect(bank.status).toBe(200)
    const li = new AtPhone(h.url, LI, 'ATUid_deadline_1')
    expect(await li.dial('2*1001*40*3')).toMatch(/^CON .*PIN/s)
    expect(await li.type(LI_PIN)).toBe(politeEnd)
    // The provider retries the hop: the same END, and no second payment.
    expect(await li.send()).toBe(politeEnd)

    const sms = await phones.next(LI, 5_000)
    expect(sms?.text).toContain('40.00')
    expect(sms?.text).toMatch(/T[0-9A-Z]{6}/)
    expect(await h.gw.balance(LI, 'bank')).toBe('9960.00')
    expect(await phones.next(LI, 1_000)).toBeNull()
    const check = await h.gw.admin('GET', '/admin/api/ledger/check')
    expect(check.json).toMatchObject({ balanced: true })
    const metrics = await h.gw.admin('GET', '/metrics')
    expect(metrics.text).toMatch(/telepay_ussd_deadline_missed_total\{kind="confirm"\} 1/)
    expect(metrics.text).toMatch(/telepay_ussd_late_answers_total\{sent="true"\} 1/)
  })

  it('pays a confirm that missed the deadline in its PIN check, and says so by SMS', async () => {
    // A deadline far shorter than the PIN check (scrypt at the production cost, tens of ms): the
    // session ends on the polite END while the confirm is still on its way to the core. Nothing
    // may overtake it and cancel the payment.
    await h.close()
    h = await startUssdHarness({
      engine,
      limits: { answerDeadlineMs: 5 },
      gateway: { overrides: { pinHashCost: 16_384 } },
    })
    await phones.close()
    const smpp = h.gw.gateway.smpp
    if (smpp === null) throw new Error('the SMSC simulator did not start')
    phones = new PhoneEsme({ host: smpp.host, port: smpp.port })
    expect(await phones.bind()).toBeNull()
    const li = new AtPhone(h.url, LI, 'ATUid_deadline_3')
    expect(await li.dial('2*1001*40')).toMatch(/^CON /)
    await li.type('1')
    expect(await li.type(LI_PIN)).toBe(politeEnd)
    const sms = await phones.next(LI, 5_000)
    expect(sms?.text).toMatch(/Paid CNY 40\.00 to Ringtone Store/)
    expect(await h.gw.balance(LI, 'wallet')).toBe('460.00')
  })

  it('answers in time when the bank is quick: the result is the END, no SMS follows', async () => {
    const li = new AtPhone(h.url, LI, 'ATUid_deadline_2')
    await li.dial('2*1001*40*3')
    const final = await li.type(LI_PIN)
    expect(final).toMatch(/^END .*40\.00/s)
    expect(await phones.next(LI, 1_000)).toBeNull()
  })
})
