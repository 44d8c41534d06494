/**
 * payment-exchange.test.ts - "the channel exchanges that made it": a payment made in a USSD
 * session or on WAP pages is read back from GET /admin/api/payments/:id with every screen shown
 * and every input given, the PIN masked and never present in any form; a payment made another way
 * has none. Also the journal's bounds, on a journal of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DialogJournal, journalLimits } from '../../src/gateway/dialog/index.js'
import { Browser } from '../channels/wap/browser.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../support/gateway-fixture.js'
import { ussdHop } from '../support/ussd-http.js'

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

interface ExchangeJson {
  channel: string
  dialog: string
  msisdn: string
  earlierSteps: number
  steps: { input: string | null; screen: string }[]
}

async function exchangeOf(paymentId: string): Promise<ExchangeJson | null> {
  const answer = await gw.admin('GET', `/admin/api/payments/${paymentId}`)
  expect(answer.status).toBe(200)
  return answer.json.exchange as ExchangeJson | null
}

async function hop(sessionId: string, msisdn: string, text: string): Promise<string> {
  return (await ussdHop(gw.url, sessionId, msisdn, text)).text
}

describe("a payment's channel exchange", () => {
  it('shows every screen of the USSD session that made it, the PIN masked', async () => {
    const texts = ['', '2', '2*1001', '2*1001*25', '2*1001*25*1', `2*1001*25*1*${LI_PIN}`]
    const screens: string[] = []
    for (const text of texts) screens.push(await hop('exchange-1', LI, text))
    expect(screens.at(-1)).toMatch(/^END Paid CNY 25\.00 to Ringtone Store/)
    const exchange = await exchangeOf('last')
    expect(exchange).toMatchObject({ channel: 'ussd', dialog: 'at:exchange-1', msisdn: LI })
    expect(exchange?.earlierSteps).toBe(0)
    expect(exchange?.steps.map((step) => step.input)).toEqual([
      '*123#',
      '2',
      '1001',
      '25',
      '1',
      '****',
    ])
    // Every screen the phone got, the receipt after the payment included.
    expect(exchange?.steps.map((step) => step.screen)).toEqual(screens)
    expect(JSON.stringify(exchange)).not.toContain(LI_PIN)
  })

  it('shows of a shortcut dial the parts the menus took, never a PIN typed past them', async () => {
    // The menus stop a shortcut at the PIN screen: the last part is a PIN they never read.
    const dialled = await fetch(`${gw.url}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        sessionId: 'exchange-shortcut',
        serviceCode: `*123*2*1001*7*1*${LI_PIN}#`,
        phoneNumber: `+${LI}`,
        networkCode: '46000',
        text: '',
      }).toString(),
    })
    expect(await dialled.text()).toMatch(/^CON .*Enter your PIN/s)
    // The dial itself asked the core for the payment: the exchange is the payment's already.
    const exchange = await exchangeOf('last')
    expect(exchange?.steps[0]?.input).toBe('*123*2*1001*7*1# (1 more parts not used)')
    expect(JSON.stringify(exchange)).not.toContain(LI_PIN)
  })

  it('shows the WAP pages of the visit that made it, the PIN field masked', async () => {
    const phone = new Browser(gw.url, 'chtml', { msisdn: LI })
    await phone.get('/wap/')
    await phone.follow('Pay merchant')
    await phone.submit({ merchant: RINGTONES, amount: '12.50', account: 'wallet' })
    await phone.submit({ pin: LI_PIN })
    expect(phone.text).toMatch(/Paid CNY 12\.50 to Ringtone Store/)
    const exchange = await exchangeOf('last')
    expect(exchange).toMatchObject({ channel: 'wap', msisdn: LI })
    const steps = exchange?.steps ?? []
    expect(steps.map((step) => step.input?.split(' ').slice(0, 2).join(' '))).toEqual([
      'GET /',
      'GET /pay/merchant',
      'POST /pay/merchant',
      'POST /confirm',
    ])
    expect(steps[2]?.input).toContain(`merchant=${RINGTONES}`)
    expect(steps[2]?.input).toContain('amount=12.50')
    expect(steps[2]?.screen).toContain('Pay CNY 12.50 to Ringtone Store from your wallet?')
    expect(steps[3]?.input).toBe('POST /confirm pin=****')
    expect(steps[3]?.screen).toMatch(/Paid CNY 12\.50 to Ringtone Store/)
    expect(JSON.stringify(exchange)).not.toContain(LI_PIN)
  })

  it('is null for a payment made through the merchant API', async () => {
    const id = await requestPayment(gw, RINGTONES, { msisdn: LI, amount: '3.00', reference: 'x' })
    expect(await exchangeOf(id)).toBeNull()
  })
})

describe('the journal', () => {
  const limits = { dialogsMax: 2, stepsMax: 3, screenCharsMax: 10, paymentsMax: 2 }
  const step = (atMs: number, input: string) => ({ atMs, input, screen: `screen of ${input}` })

  it('keeps the latest steps of a dialog, cut screens, and later steps under its payment', () => {
    const journal = new DialogJournal(limits)
    for (let index = 0; index < 4; index += 1)
      journal.step('ussd', 'd1', LI, step(index, `${index}`))
    journal.paid('d1', 'P1')
    journal.step('ussd', 'd1', LI, step(9, 'receipt'))
    const exchange = journal.ofPayment('P1')
    expect(exchange?.steps.map((s) => s.input)).toEqual(['2', '3', 'receipt'])
    expect(exchange?.dropped).toBe(2)
    expect(exchange?.steps[0]?.screen).toBe('screen of ')
    journal.end('d1')
    journal.step('ussd', 'd1', LI, step(10, 'again'))
    expect(journal.ofPayment('P1')?.steps.at(-1)?.input).toBe('receipt')
  })

  it('follows at most its dialogs and keeps at most its payments, the oldest dropped', () => {
    const journal = new DialogJournal(limits)
    for (const dialog of ['a', 'b', 'c']) journal.step('wap', dialog, LI, step(0, dialog))
    expect(journal.followed).toBe(2)
    journal.paid('a', 'Pa') // no longer followed: nothing to link
    expect(journal.ofPayment('Pa')).toBeNull()
    journal.paid('b', 'Pb')
    journal.paid('c', 'Pc')
    journal.step('wap', 'd', LI, step(0, 'd'))
    journal.paid('d', 'Pd')
    expect(journal.ofPayment('Pb')).toBeNull()
    expect(journal.ofPayment('Pc')?.dialog).toBe('c')
    expect(journal.ofPayment('Pd')?.dialog).toBe('d')
    expect(journalLimits.dialogsMax).toBeGreaterThan(journalLimits.stepsMax)
  })
})
