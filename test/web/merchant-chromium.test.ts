/**
 * merchant-chromium.test.ts - the merchant portal and the web checkout in a real browser
 * (headless Chromium, Debian `chromium`, driven by playwright-core, nothing downloaded): log in
 * with the API key, every page draws its data without a console error, a refund issued from a
 * payment's page shows in the operator's data (the admin API's transactions, which the operator
 * console reads), a payment request sent from the portal completes live when the phone confirms,
 * and a shopper buys on the demo shop, pays on the checkout with the phone and lands back on the
 * shop paid. axe-core finds no serious or critical violation; screenshots are kept in
 * test-artifacts/merchant/. Skipped, saying so, when Chromium is not installed.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chromiumInstalled,
  chromiumPath,
  launchChromium,
  seriousViolations,
} from '../support/chromium.js'
import type { CallbackServer, GatewayFixture } from '../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  CINEMA,
  HAN,
  HAN_PIN,
  LI,
  LI_PIN,
  requestPayment,
  startCallbackServer,
  startTestGateway,
  ZHANG,
  ZHANG_PIN,
} from '../support/gateway-fixture.js'

const installed = chromiumInstalled
const skipped = installed ? '' : `(skipped without ${chromiumPath})`
const shots = join('test-artifacts', 'merchant')
/** A page or a status comes within a second; a loaded CI machine gets ten. */
const waitMs = 10_000

let gw: GatewayFixture
let browser: Browser
let receiver: CallbackServer

/** A few days of Cinema Tickets' sales on several channels, so the overview has a shape. */
async function sellForAWeek(): Promise<void> {
  const payers = [
    [LI, LI_PIN],
    [HAN, HAN_PIN],
    [ZHANG, ZHANG_PIN],
  ] as const
  const channels = ['ussd', 'sms', 'wap', 'ivr'] as const
  for (let day = 0; day < 6; day += 1) {
    for (let sale = 0; sale < 1 + (day % 3); sale += 1) {
      const [msisdn, pin] = payers[(day + sale) % payers.length] ?? payers[0]
      await gw.phone(
        {
          kind: 'pay_merchant',
          msisdn,
          merchantCode: CINEMA,
          amountMinor: BigInt(1500 + day * 700 + sale * 450),
          funding: 'wallet',
          authorize: true,
        },
        { pin, channel: channels[(day + sale) % channels.length] ?? 'ussd' },
      )
    }
    await requestPayment(gw, CINEMA, {
      msisdn: LI,
      amount: `${20 + day * 3}.00`,
      reference: `web-${day}`,
      ...(day >= 4 ? { callbackUrl: receiver.url } : {}),
    })
    await gw.confirm(LI, LI_PIN)
    await gw.advance(86_400)
  }
}

beforeAll(async () => {
  if (!installed) return
  gw = await startTestGateway()
  // The shop's webhook endpoint: down for the first delivery's first attempt, then up.
  receiver = await startCallbackServer(gw.nowMs, (count) => (count === 1 ? 503 : 200))
  await sellForAWeek()
  browser = await launchChromium()
  mkdirSync(shots, { recursive: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await gw?.close()
  await receiver?.close()
})

type WatchedPage = Page & { errors: string[] }

async function openPage(viewport = { width: 1280, height: 860 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, acceptDownloads: true })
  const page = (await context.newPage()) as WatchedPage
  page.errors = []
  page.on('pageerror', (error) => page.errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text())
  })
  return page
}

async function logIn(page: Page): Promise<void> {
  await page.goto(`${gw.url}/merchant`)
  await page.locator('#secret').fill(`test_key_${CINEMA}`)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(`${gw.url}/merchant`)
  await page.locator('body[data-ready="true"]').waitFor({ timeout: waitMs })
}

async function visit(page: Page, path: string, shot: string): Promise<string[]> {
  await page.goto(`${gw.url}${path}`)
  await page.locator('body[data-ready="true"]').waitFor({ timeout: waitMs })
  await page.screenshot({ path: join(shots, shot), fullPage: true })
  return seriousViolations(page)
}

describe('the merchant portal in headless Chromium', () => {
  it.skipIf(!installed)(
    `logs in with the API key and draws every page without an error or a serious axe ` +
      `violation ${skipped}`,
    async () => {
      const page = await openPage()
      await logIn(page)
      await page.locator('[data-sales-chart] rect').first().waitFor({ timeout: waitMs })
      await page.locator('[data-parties] table').waitFor({ timeout: waitMs })
      const found: Record<string, string[]> = {}
      found['overview'] = await visit(page, '/merchant', 'overview.png')
      found['payments'] = await visit(page, '/merchant/payments', 'payments.png')
      found['orders'] = await visit(page, '/merchant/orders', 'orders.png')
      await page.goto(`${gw.url}/merchant/webhooks`)
      await page.locator('details.delivery summary').first().click()
      await page.locator('ol.attempts li').first().waitFor({ timeout: waitMs })
      await page.screenshot({ path: join(shots, 'webhooks.png'), fullPage: true })
      found['webhooks'] = await seriousViolations(page)
      await page.goto(`${gw.url}/merchant/settings`)
      await page.locator('body[data-ready="true"]').waitFor({ timeout: waitMs })
      await page.getByRole('button', { name: 'Reveal' }).click()
      await page.locator('[data-secret]', { hasText: `test_secret_${CINEMA}` }).waitFor()
      await page.screenshot({ path: join(shots, 'settings.png'), fullPage: true })
      found['settings'] = await seriousViolations(page)
      expect(found).toEqual({
        overview: [],
        payments: [],
        orders: [],
        webhooks: [],
        settings: [],
      })
      const text = (await page.content()) + (await page.context().cookies()).map((c) => c.value)
      expect(text).not.toContain(`test_key_${CINEMA}`)
      expect(page.errors).toEqual([])
      await page.context().close()
    },
    90_000,
  )

  it.skipIf(!installed)(
    `issues a refund from a payment's page, which the operator's data shows ${skipped}`,
    async () => {
      const page = await openPage()
      await logIn(page)
      await page.goto(`${gw.url}/merchant/payments?status=completed`)
      await page.locator('[data-filter] select').selectOption('completed')
      const first = page.locator('[data-payments] tbody a').first()
      await first.waitFor({ timeout: waitMs })
      const id = (await first.textContent()) ?? ''
      await first.click()
      await page.locator('[data-trail] table').waitFor({ timeout: waitMs })
      await page.locator('#refund-amount').fill('5.00')
      await page.getByRole('button', { name: 'Issue refund' }).click()
      await page.locator('[data-refunded]').waitFor({ timeout: waitMs })
      await page.screenshot({ path: join(shots, 'payment-refunded.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])
      // The operator's view of the same payment (the admin API the operator console reads).
      const payer = (await gw.merchant(CINEMA, 'GET', `/api/v1/payments/${id}`)).json as {
        payment: { msisdn: string; refunded: string }
      }
      expect(payer.payment.refunded).toBe('5.00')
      const operator = await gw.admin(
        'GET',
        `/admin/api/transactions?msisdn=${payer.payment.msisdn}&limit=50`,
      )
      const row = (
        operator.json as { transactions: { id: string; refunded: string }[] }
      ).transactions.find((transaction) => transaction.id === id)
      expect(row?.refunded).toBe('5.00')
      expect(page.errors).toEqual([])
      await page.context().close()
      // The operator console's page of that payment, in a browser of its own, shows the refund.
      const console_ = await openPage()
      await console_.goto(`${gw.url}/console/payments/${id}`)
      await console_.locator('#secret').fill(ADMIN_TOKEN)
      await console_.getByRole('button', { name: 'Log in' }).click()
      await console_.waitForURL(`${gw.url}/console/payments/${id}`)
      const refunded = console_.locator('[data-facts] dt', { hasText: 'Refunded' })
      await refunded.waitFor({ timeout: waitMs })
      expect(await refunded.locator('xpath=following-sibling::dd[1]').textContent()).toBe(
        'CNY 5.00',
      )
      await console_.screenshot({ path: join(shots, 'console-sees-refund.png'), fullPage: true })
      expect(console_.errors).toEqual([])
      await console_.context().close()
    },
    60_000,
  )

  it.skipIf(!installed)(
    `sends a payment request and watches it complete when the phone confirms ${skipped}`,
    async () => {
      const page = await openPage()
      await logIn(page)
      await page.goto(`${gw.url}/merchant/requests`)
      await page.locator('#msisdn').fill(HAN)
      await page.locator('#amount').fill('18.50')
      await page.locator('#reference').fill('box-office-7')
      await page.getByRole('button', { name: 'Send request' }).click()
      await page
        .locator('[data-request-status="pending_authorization"]')
        .waitFor({ timeout: waitMs })
      await page.screenshot({ path: join(shots, 'request-waiting.png'), fullPage: true })
      expect((await gw.confirm(HAN, HAN_PIN)).ok).toBe(true)
      await page.locator('[data-request-status="completed"]').waitFor({ timeout: waitMs })
      await page.screenshot({ path: join(shots, 'request-completed.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])
      expect(await page.locator('main').textContent()).not.toContain(HAN_PIN)
      expect(page.errors).toEqual([])
      await page.context().close()
    },
    60_000,
  )
})

describe('the web checkout in headless Chromium', () => {
  it.skipIf(!installed)(
    `buys on the demo shop, pays on the checkout with the phone and lands back paid ${skipped}`,
    async () => {
      const page = await openPage()
      await page.goto(`${gw.url}/shop`)
      await page.screenshot({ path: join(shots, 'shop.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])
      await page.getByRole('button', { name: 'Buy Evening ticket' }).click()
      await page.waitForURL(/\/checkout\/ck_/)
      await page.locator('#msisdn').waitFor()
      await page.screenshot({ path: join(shots, 'checkout-phone.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])
      await page.locator('#msisdn').fill(LI)
      await page.getByRole('button', { name: /Pay 45\.00 CNY/ }).click()
      await page.locator('[data-status="pending_authorization"]').waitFor({ timeout: waitMs })
      await page.screenshot({ path: join(shots, 'checkout-waiting.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])
      expect((await gw.confirm(LI, LI_PIN)).ok).toBe(true)
      await page.locator('[data-status="completed"]').waitFor({ timeout: waitMs })
      await page.screenshot({ path: join(shots, 'checkout-paid.png'), fullPage: true })
      await page.waitForURL(/\/shop\/return\?/, { timeout: waitMs })
      await page.locator('[data-shop-result="completed"]').waitFor()
      expect(await page.locator('h1').textContent()).toBe('Order paid')
      await page.screenshot({ path: join(shots, 'shop-return.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])
      expect(await page.locator('main').textContent()).not.toContain(LI_PIN)
      expect(page.errors).toEqual([])
      await page.context().close()
    },
    60_000,
  )

  it.skipIf(!installed)(
    `shows the checkout on a phone's screen, 390 wide ${skipped}`,
    async () => {
      const page = await openPage({ width: 390, height: 844 })
      const answer = await gw.merchant(CINEMA, 'POST', '/api/v1/checkouts', {
        amount: '30.00',
        reference: 'matinee-3',
        description: 'Matinee ticket',
        returnUrl: `${gw.url}/shop/return`,
      })
      await page.goto(`${gw.url}${(answer.json as { url: string }).url}`)
      await page.screenshot({ path: join(shots, 'checkout-390.png'), fullPage: true })
      expect(await seriousViolations(page)).toEqual([])
      expect(page.errors).toEqual([])
      await page.context().close()
    },
    30_000,
  )
})
