/**
 * console-chromium.test.ts - the operator console's Subscribers and Payments pages in a real
 * browser (headless Chromium driven by playwright-core) on a real gateway: log in with the admin
 * token, find a subscriber, top one up and see the balance change, see a refusal in the API's
 * words, bind a card, lift a PIN lock; search payments and open one paid by SMS: its sequence
 * diagram shows the steps, its ledger legs sum to zero, its SMS show the PIN as stars and no
 * page shows a PIN. Every page loads without a console error and axe-core finds no serious or
 * critical violation; screenshots at 1280x800 and 390x844 are kept in test-artifacts/console/.
 * Skipped, saying so, when Chromium is not installed.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chromiumInstalled,
  chromiumPath,
  launchChromium,
  seriousViolations,
} from '../support/chromium.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  CINEMA,
  HAN,
  HAN_PIN,
  LI,
  startTestGateway,
  ZHANG,
  ZHANG_PIN,
} from '../support/gateway-fixture.js'
import { ussdHop } from '../support/ussd-http.js'

const installed = chromiumInstalled
const skipped = installed ? '' : `(skipped without ${chromiumPath})`
const shots = join('test-artifacts', 'console')
const waitMs = 10_000
const desktop = { width: 1280, height: 800 }
const phoneSize = { width: 390, height: 844 }

let gw: GatewayFixture
let browser: Browser
/** The payment Han Meimei made by SMS (PAY, then YES with her PIN). */
let smsPaymentId = ''
/** The payment Zhang Wei made in a USSD session (*123#, Pay merchant, his card, his PIN). */
let ussdPaymentId = ''

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + waitMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function sms(from: string, text: string): Promise<void> {
  const answer = await gw.request('POST', '/sim/mo', { body: { from, text } })
  expect(answer.status, answer.text).toBeLessThan(300)
}

/** One hop of Zhang Wei's USSD session, as Africa's Talking posts it. */
async function ussd(text: string): Promise<void> {
  const answer = await ussdHop(gw.url, 'console-ussd', ZHANG, text)
  expect(answer.status, answer.text).toBe(200)
}

beforeAll(async () => {
  if (!installed) return
  gw = await startTestGateway()
  browser = await launchChromium()
  mkdirSync(shots, { recursive: true })
  // A payment by SMS, so that the payment's page has messages to show.
  await sms(HAN, `PAY ${CINEMA} 5`)
  await until(async () => (await gw.subscriber(HAN)).pendingPaymentId !== null, 'the payment')
  smsPaymentId = String((await gw.subscriber(HAN)).pendingPaymentId)
  await sms(HAN, `YES ${HAN_PIN}`)
  await until(
    async () =>
      (await gw.admin('GET', `/admin/api/payments/${smsPaymentId}`)).json.payment.state ===
      'completed',
    'the payment to complete',
  )
  // A payment in a USSD session, so that a payment's page has screens to show.
  for (const text of ['', '2', `2*${CINEMA}`, `2*${CINEMA}*8`, `2*${CINEMA}*8*3`]) await ussd(text)
  await ussd(`2*${CINEMA}*8*3*${ZHANG_PIN}`)
  ussdPaymentId = String((await gw.admin('GET', '/admin/api/payments/last')).json.payment.id)
  // Zhang Wei types three wrong PINs: locked.
  for (let attempt = 0; attempt < 3; attempt += 1)
    await gw.phone({ kind: 'verify_pin', msisdn: ZHANG }, { pin: '0000' })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

interface Session {
  readonly context: BrowserContext
  readonly page: Page
  /** Console errors and page errors so far. */
  readonly errors: string[]
}

/** Logs in through the console's form, as an operator does. */
async function logIn(viewport = desktop): Promise<Session> {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(`${gw.url}/console/subscribers`)
  await page.locator('#secret').fill(ADMIN_TOKEN)
  await page.locator('#secret').press('Enter')
  await page.waitForURL(`${gw.url}/console/subscribers`)
  return { context, page, errors }
}

/** No PIN of the world is on the page (Han's and Zhang's: Li's 1234 is also his card's digits). */
async function expectNoPin(page: Page): Promise<void> {
  const text = (await page.locator('body').textContent()) + (await page.content())
  expect(text).not.toContain(HAN_PIN)
  expect(text).not.toContain('YES 4321')
  expect(text).not.toMatch(/\b1111\b/)
}

/**
 * The browser reports an answer of 4xx as a console error; a refusal the test asked for is the
 * one such error allowed, and is taken off the list.
 */
function expectOnly(errors: string[], status: number): void {
  expect(errors).toEqual([expect.stringContaining(`status of ${status}`)])
  errors.length = 0
}

const tileValue = (page: Page, label: string) =>
  page.locator('[data-accounts] .tile', { hasText: label }).locator('.value')

describe('the operator console in headless Chromium', () => {
  it.skipIf(!installed)(
    `finds a subscriber, tops up, shows a refusal, binds a card and unlocks ${skipped}`,
    async () => {
      const { context, page, errors } = await logIn()
      await page.locator('[data-recent] table').waitFor()
      expect(await seriousViolations(page)).toEqual([])
      await page.screenshot({ path: join(shots, 'subscribers-1280.png'), fullPage: true })

      // Not registered: said so, and the register form is filled in.
      await page.locator('[data-find] input[name="msisdn"]').fill('8613700137000')
      await page.locator('[data-find] button').click()
      await page.locator('[data-find-notice]', { hasText: 'payer_not_registered' }).waitFor()
      expectOnly(errors, 404)

      await page.locator('[data-find] input[name="msisdn"]').fill(LI)
      await page.locator('[data-find] button').click()
      await page.waitForURL(`${gw.url}/console/subscribers/${LI}`)
      await expect.poll(() => tileValue(page, 'Wallet').textContent()).toBe('CNY 500.00')
      await page.locator('[data-history] table').waitFor()

      await page.locator('#topup-amount').fill('25.00')
      await page.locator('[data-topup] button[type="submit"]').click()
      await page.locator('[data-topup-notice].alert-ok').waitFor({ timeout: waitMs })
      await expect.poll(() => tileValue(page, 'Wallet').textContent()).toBe('CNY 525.00')
      expect(await gw.balance(LI, 'wallet')).toBe('525.00')

      // A refusal in the API's words: the wallet's cap.
      await page.locator('#topup-amount').fill('9999.00')
      await page.locator('[data-topup] button[type="submit"]').click()
      const refusal = page.locator('[data-topup-notice].alert-danger')
      await refusal.waitFor({ timeout: waitMs })
      expect(await refusal.textContent()).toContain('wallet_cap_exceeded')
      expectOnly(errors, 422)
      expect(await gw.balance(LI, 'wallet')).toBe('525.00')
      expect(await seriousViolations(page)).toEqual([])
      await page.screenshot({ path: join(shots, 'subscriber-1280.png'), fullPage: true })

      // Han binds a card: its bank and last four digits, nothing more.
      await page.goto(`${gw.url}/console/subscribers/${HAN}`)
      await page.locator('#card-bank').fill('ABC')
      await page.locator('#card-last4').fill('7788')
      await page.locator('#card-balance').fill('300.00')
      await page.locator('[data-card] button[type="submit"]').click()
      await page.locator('[data-card-notice].alert-ok').waitFor({ timeout: waitMs })
      await page.locator('[data-accounts] .tile', { hasText: 'ABC ···· 7788' }).waitFor()
      expect(await tileValue(page, 'Bank card').textContent()).toBe('CNY 300.00')
      await page.locator('[data-messages] table').waitFor()
      await expectNoPin(page)

      // Zhang is locked: the operator lifts the lock.
      await page.goto(`${gw.url}/console/subscribers/${ZHANG}`)
      await page.locator('[data-lock] .pill.bad', { hasText: 'PIN locked' }).waitFor()
      await page.screenshot({ path: join(shots, 'subscriber-locked-1280.png'), fullPage: true })
      await page.locator('[data-unlock]').click()
      await page.locator('[data-lock] .pill.ok', { hasText: 'PIN not locked' }).waitFor()
      expect((await gw.subscriber(ZHANG)).locked).toBe(false)
      expect(await page.locator('[data-unlock]').isHidden()).toBe(true)
      await expectNoPin(page)

      expect(errors).toEqual([])
      await context.close()
    },
    90_000,
  )

  it.skipIf(!installed)(
    `searches payments and shows one: the trail's diagram, legs summing to zero, its SMS ` +
      skipped,
    async () => {
      const { context, page, errors } = await logIn()
      await page.goto(`${gw.url}/console/payments`)
      await page.locator('[data-results] table').waitFor()
      await page.locator('select[name="channel"]').selectOption('sms')
      await page.locator('[data-filters] button[type="submit"]').click()
      await page.waitForURL(/channel=sms/)
      const link = page.locator('[data-results] a', { hasText: smsPaymentId })
      await link.waitFor()
      expect(await page.locator('[data-results] tbody tr').count()).toBe(1)
      expect(await seriousViolations(page)).toEqual([])
      await page.screenshot({ path: join(shots, 'payments-1280.png'), fullPage: true })

      await link.click()
      await page.waitForURL(`${gw.url}/console/payments/${smsPaymentId}`)
      await page.locator('[data-sequence] svg').waitFor()
      // Steps 1-8 happened (5 asked for the PIN, 3 and 4 asked the wallet's holder); 9 did not.
      expect(await page.locator('[data-sequence] .arrow.done').count()).toBe(8)
      expect(await page.locator('[data-sequence] .arrow.unreached').count()).toBe(1)
      expect(await page.locator('[data-steps] li').count()).toBe(9)
      expect(await page.locator('[data-sequence] svg title').textContent()).toContain(smsPaymentId)
      const totals = await page
        .locator('[data-transfer]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-total')))
      expect(totals).toEqual(['0.00'])
      await page.locator('[data-messages] table').waitFor()
      expect(await page.locator('[data-messages]').textContent()).toContain('YES ****')
      await expectNoPin(page)
      expect(await seriousViolations(page)).toEqual([])
      await page.screenshot({ path: join(shots, 'payment-1280.png'), fullPage: true })
      expect(errors).toEqual([])
      await context.close()
    },
    90_000,
  )

  it.skipIf(!installed)(
    `shows the USSD screens that made a payment, the PIN masked ${skipped}`,
    async () => {
      const { context, page, errors } = await logIn()
      await page.goto(`${gw.url}/console/payments/${ussdPaymentId}`)
      const rows = page.locator('[data-exchange] table.transcript tbody tr')
      await rows.first().waitFor({ timeout: waitMs })
      expect(await rows.count()).toBe(6)
      expect(await rows.first().textContent()).toContain('*123#')
      expect(await rows.last().locator('td').nth(1).textContent()).toBe('****')
      expect(await rows.last().locator('pre').textContent()).toMatch(/^END Paid CNY 8\.00/)
      const text = (await page.locator('body').textContent()) ?? ''
      expect(text).not.toContain(`*${ZHANG_PIN}`)
      await expectNoPin(page)
      expect(await seriousViolations(page)).toEqual([])
      await page.screenshot({ path: join(shots, 'payment-ussd-1280.png'), fullPage: true })
      expect(errors).toEqual([])
      await context.close()
    },
    60_000,
  )

  it.skipIf(!installed)(
    `fits a phone's width (390x844) ${skipped}`,
    async () => {
      const { context, page, errors } = await logIn(phoneSize)
      await page.goto(`${gw.url}/console/subscribers/${LI}`)
      await page.locator('[data-history] table').waitFor()
      await page.screenshot({ path: join(shots, 'subscriber-390.png'), fullPage: true })
      await page.goto(`${gw.url}/console/payments/${smsPaymentId}`)
      await page.locator('[data-messages] table').waitFor()
      await page.screenshot({ path: join(shots, 'payment-390.png'), fullPage: true })
      // Nothing wider than the screen but what scrolls in its own box (tables, the diagram).
      const overflow = (await page.evaluate('document.documentElement.scrollWidth')) as number
      expect(overflow).toBeLessThanOrEqual(390)
      expect(errors).toEqual([])
      await context.close()
    },
    60_000,
  )
})
