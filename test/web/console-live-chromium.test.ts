/**
 * console-live-chromium.test.ts - the operator console's Overview and Operations pages in a real
 * browser (headless Chromium) on a real gateway: the overview goes live from its stream and shows
 * the commands just made; setting the bank down on the Operations page raises the bank alarm on
 * the overview (and setting it back clears it); the test clock moves from the page; the day's
 * settlement lists the merchant paid, with its CSV; a webhook that failed is resent from the
 * page and arrives; an ESME's bind is ended from the page. No console error, no serious axe
 * violation; screenshots in test-artifacts/console/. Skipped, saying so, without Chromium.
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
import { bindEsme } from '../support/esme.js'
import type { CallbackServer, GatewayFixture } from '../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  CINEMA,
  LI,
  LI_PIN,
  requestPayment,
  startCallbackServer,
  startTestGateway,
} from '../support/gateway-fixture.js'
import { ussdHop } from '../support/ussd-http.js'

const installed = chromiumInstalled
const skipped = installed ? '' : `(skipped without ${chromiumPath})`
const shots = join('test-artifacts', 'console')
const waitMs = 10_000

let gw: GatewayFixture
let browser: Browser
let hooks: CallbackServer

beforeAll(async () => {
  if (!installed) return
  gw = await startTestGateway()
  browser = await launchChromium()
  mkdirSync(shots, { recursive: true })
  // The merchant's endpoint fails the first delivery and takes the next ones.
  hooks = await startCallbackServer(
    () => gw.nowMs(),
    (count) => (count === 1 ? 500 : 200),
  )
  await requestPayment(gw, CINEMA, {
    msisdn: LI,
    amount: '12.00',
    reference: 'LIVE-1',
    callbackUrl: hooks.url,
  })
  const confirmed = await gw.confirm(LI, LI_PIN)
  expect(confirmed.ok).toBe(true)
  await hooks.arrival(1)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await hooks?.close()
  await gw?.close()
})

interface Session {
  readonly context: BrowserContext
  readonly page: Page
  readonly errors: string[]
}

async function logIn(path: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(`${gw.url}${path}`)
  await page.locator('#secret').fill(ADMIN_TOKEN)
  await page.locator('#secret').press('Enter')
  await page.waitForURL(`${gw.url}${path}`)
  return { context, page, errors }
}

describe('the console overview and operations in headless Chromium', () => {
  it.skipIf(!installed)(
    `goes live, and shows the bank alarm set from the operations page ${skipped}`,
    async () => {
      const { context, page, errors } = await logIn('/console')
      await page.locator('[data-live-state][data-state="live"]').waitFor({ timeout: waitMs })
      const commands = page.locator('.tile', { hasText: 'Commands / s' }).locator('.sub')
      await expect.poll(() => commands.textContent()).toMatch(/^[1-9]\d* in the last minute$/)
      await page.locator('[data-alarms] .alarm-ok').waitFor()
      await page.locator('[data-chart="rate"] svg path.series').first().waitFor()
      expect(await seriousViolations(page)).toEqual([])
      await page.screenshot({ path: join(shots, 'overview-1280.png'), fullPage: true })

      const operations = await context.newPage()
      await operations.goto(`${gw.url}/console/operations`)
      await operations.locator('[data-bank-now]', { hasText: 'approve' }).waitFor()
      await operations.locator('[data-bank-form] select').selectOption('down')
      await operations.getByRole('button', { name: 'Set' }).click()
      await operations.locator('[data-flash]', { hasText: 'is set to down' }).waitFor()
      expect((await gw.admin('GET', '/admin/api/bank')).json.mode).toBe('down')

      // The overview, still open, raises the alarm within a second or two of its stream.
      const alarm = page.locator('[data-alarm="bank_down"]')
      await alarm.waitFor({ timeout: waitMs })
      expect(await alarm.textContent()).toMatch(/bank is down/)
      await page.screenshot({ path: join(shots, 'overview-bank-down.png'), fullPage: true })

      await operations.locator('[data-bank-form] select').selectOption('approve')
      await operations.getByRole('button', { name: 'Set' }).click()
      await alarm.waitFor({ state: 'detached', timeout: waitMs })
      expect(errors).toEqual([])

      // Logged out in the other tab: the overview's stream ends and its page asks to log in.
      await operations.getByRole('button', { name: 'Log out' }).click()
      await operations.waitForURL(/\/console\/login/)
      await page.waitForURL(`${gw.url}/console/login?next=%2Fconsole`, { timeout: waitMs })
      await context.close()
    },
    60_000,
  )

  it.skipIf(!installed)(
    `moves the clock, settles the day with its CSV, resends a webhook, unbinds ${skipped}`,
    async () => {
      const esme = await bindEsme(gw)
      const { context, page, errors } = await logIn('/console/operations')
      try {
        // The settlement of the gateway's day lists the cinema and its payment of 12.00.
        const cinema = page.locator('[data-settlement] tr', { hasText: CINEMA })
        await cinema.waitFor({ timeout: waitMs })
        expect(await cinema.textContent()).toContain('12.00')
        const href = await page.locator('[data-settlement-csv]').getAttribute('href')
        const csv = await page.request.get(`${gw.url}${href}`)
        expect(csv.status()).toBe(200)
        expect(await csv.text()).toMatch(new RegExp(`,merchant,${CINEMA},,1,12\\.00,`))

        // The webhook that got a 500 waits for its retry: resent now, it arrives.
        const row = page.locator('[data-webhooks] tbody tr').first()
        await row.locator('.pill', { hasText: 'pending' }).waitFor({ timeout: waitMs })
        expect(await row.textContent()).toContain('HTTP 500')
        await row.getByRole('button', { name: /Resend webhook/ }).click()
        await page.locator('[data-flash]', { hasText: 'is due again now' }).waitFor()
        await gw.advance(0)
        const second = await hooks.arrival(2)
        expect(second.headers['x-telepay-signature']).toMatch(/^[0-9a-f]{64}$/)

        // The test clock moves an hour from the page.
        const before = gw.nowMs()
        await page.getByRole('button', { name: '+1 hour' }).click()
        await page.locator('[data-flash]', { hasText: 'The clock moved 3600 s.' }).waitFor()
        expect(gw.nowMs() - before).toBe(3_600_000)

        // The ESME's bind is listed and ended from the page.
        await page.reload()
        const bind = page.locator('[data-binds] tbody tr', { hasText: 'telepay' })
        await bind.waitFor({ timeout: waitMs })
        expect(await seriousViolations(page)).toEqual([])
        await page.screenshot({ path: join(shots, 'operations-1280.png'), fullPage: true })
        await bind.getByRole('button', { name: /Unbind/ }).click()
        await page.locator('[data-flash]', { hasText: 'was unbound' }).waitFor()
        await expect.poll(() => esme.ready(), { timeout: waitMs }).toBe(false)
        expect(errors).toEqual([])
      } finally {
        await context.close()
        await esme.close()
      }
    },
    60_000,
  )

  it.skipIf(!installed)(
    `ends a USSD session and a call from the page ${skipped}`,
    async () => {
      const dial = await ussdHop(gw.url, 'console-end-1', LI, '')
      expect(dial.status).toBe(200)
      const call = await gw.request('POST', '/ivr/calls', { body: { from: LI, to: '12588' } })
      expect(call.status).toBeLessThan(300)
      const { context, page, errors } = await logIn('/console/operations')
      try {
        const session = page.locator('[data-ussd] tbody tr', { hasText: '86*******8000' })
        await session.waitFor({ timeout: waitMs })
        await session.getByRole('button', { name: /End the session/ }).click()
        await page.locator('[data-flash]', { hasText: 'The USSD session was ended.' }).waitFor()
        await session.waitFor({ state: 'detached', timeout: waitMs })
        const inProgress = page.locator('[data-calls] tbody tr', { hasText: LI })
        await inProgress.getByRole('button', { name: /End the call/ }).click()
        await page.locator('[data-flash]', { hasText: 'The call was ended.' }).waitFor()
        await inProgress.waitFor({ state: 'detached', timeout: waitMs })
        expect(
          ((await gw.admin('GET', '/admin/api/calls/active')).json as { calls: [] }).calls,
        ).toEqual([])
        expect(await seriousViolations(page)).toEqual([])
        expect(errors).toEqual([])
      } finally {
        await context.close()
      }
    },
    60_000,
  )
})
