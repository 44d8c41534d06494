/**
 * browser-chromium.test.ts - a real browser on the XHTML-MP pages: headless Chromium (Debian
 * `chromium`, driven by playwright-core) pays a merchant from the wallet with the PIN, as a
 * handset behind a trusted WAP gateway would (the gateway adds the MSISDN header), and a
 * screenshot of every page is kept under test-artifacts/wap/; and on a modern phone (390 x 844
 * CSS px, 3 device px per CSS px, touch) the pay and confirm pages are laid out for the phone:
 * the viewport meta is honoured, text is at least 16 CSS px, every link, field and button is at
 * least 44 CSS px high, and the keypad of each field suits it. Skipped, saying so, when Chromium
 * is not installed (CI installs it).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumInstalled, chromiumPath, launchChromium } from '../../support/chromium.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'

const installed = chromiumInstalled
const shots = join('test-artifacts', 'wap')

let gw: GatewayFixture
let browser: Browser

beforeAll(async () => {
  if (!installed) return
  gw = await startTestGateway()
  browser = await launchChromium()
  mkdirSync(shots, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

/** Fills the pay merchant form with 25.00 to the Ringtone Store from the wallet and submits it. */
async function payRingtonesFromWallet(page: Page): Promise<void> {
  await page.locator('input[name="merchant"]').fill('1001')
  await page.locator('input[name="amount"]').fill('25')
  await page.locator('select[name="account"]').selectOption('wallet')
  await page.locator('input[type="submit"], button[type="submit"]').first().click()
}

describe('headless Chromium on the XHTML-MP pages', () => {
  it.skipIf(!installed)(
    `pays a merchant with the PIN and keeps a screenshot of each page ` +
      `(skipped without ${chromiumPath})`,
    async () => {
      const context = await browser.newContext({
        extraHTTPHeaders: { 'X-WAP-Network-Client-MSISDN': LI },
        viewport: { width: 240, height: 320 },
      })
      const page = await context.newPage()
      const seen: string[] = []
      page.on('response', (response) => {
        if (response.url().includes('/wap/') && response.status() === 200)
          seen.push(response.headers()['content-type'] ?? '')
      })

      await page.goto(`${gw.url}/wap/`)
      await page.screenshot({ path: join(shots, '1-home.png') })
      expect(await page.textContent('body')).toContain('Pay merchant')
      await page.getByRole('link', { name: /Pay merchant/ }).click()
      await page.screenshot({ path: join(shots, '2-pay-merchant.png') })
      await payRingtonesFromWallet(page)
      // The test is typed for Node (no DOM library): the page-side check is a string.
      await page.waitForFunction("document.body.textContent.includes('Pay CNY 25.00')")
      await page.screenshot({ path: join(shots, '3-confirm.png') })
      expect(await page.textContent('body')).toMatch(/Pay CNY 25\.00 to .+ from your wallet\?/)
      await page.locator('input[name="pin"]').fill('1234')
      await page.locator('input[type="submit"], button[type="submit"]').first().click()
      await page.waitForFunction("document.body.textContent.includes('Paid')")
      await page.screenshot({ path: join(shots, '4-result.png') })
      expect(await page.textContent('body')).toMatch(
        /Paid CNY 25\.00 to Ringtone Store from your wallet\. Ref T[0-9A-Z]{6}/,
      )
      expect(await gw.balance(LI, 'wallet')).toBe('475.00')
      // Chromium names application/xhtml+xml, not the WAP type: XHTML-MP comes as
      // application/xhtml+xml.
      expect(seen.filter((type) => !type.startsWith('application/xhtml+xml'))).toEqual([])
      for (const name of ['1-home', '2-pay-merchant', '3-confirm', '4-result'])
        expect(existsSync(join(shots, `${name}.png`))).toBe(true)
      await context.close()
    },
    60_000,
  )
})

/**
 * What a user checks on a phone page, measured in the page (the test has no DOM types: a string).
 */
const phoneLayout = `(() => {
  const visible = (element) =>
    element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden'
  const texts = [...document.body.querySelectorAll('h1, p, label, a, input, select, option')]
    .filter(visible)
  const targets = [...document.querySelectorAll('a, input:not([type=hidden]), select')]
    .filter(visible)
  const inputs = document.querySelectorAll('input:not([type=hidden]):not([type=submit])')
  return {
    layoutWidth: document.documentElement.clientWidth,
    scrollWidth: document.documentElement.scrollWidth,
    smallestTextPx: Math.min(
      ...texts.map((element) => parseFloat(getComputedStyle(element).fontSize)),
    ),
    lowTargets: targets
      .map((element) => ({
        what: element.outerHTML.slice(0, 60),
        height: element.getBoundingClientRect().height,
      }))
      .filter((target) => target.height < 44),
    keypads: Object.fromEntries([...inputs].map((input) => [input.name, input.inputMode])),
  }
})()`

interface PhoneLayout {
  readonly layoutWidth: number
  readonly scrollWidth: number
  readonly smallestTextPx: number
  readonly lowTargets: readonly { readonly what: string; readonly height: number }[]
  readonly keypads: Readonly<Record<string, string>>
}

describe('headless Chromium as a modern phone on the pay and confirm pages', () => {
  it.skipIf(!installed)(
    `lays them out for a 390 px wide touch screen (skipped without ${chromiumPath})`,
    async () => {
      const context = await browser.newContext({
        extraHTTPHeaders: { 'X-WAP-Network-Client-MSISDN': LI },
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
      })
      const page = await context.newPage()
      await page.goto(`${gw.url}/wap/`)
      await page.getByRole('link', { name: /Pay merchant/ }).click()
      await page.waitForSelector('input[name="amount"]')
      await page.screenshot({ path: join(shots, 'phone-1-pay.png') })
      const pay = await page.evaluate<PhoneLayout>(phoneLayout)
      await payRingtonesFromWallet(page)
      await page.waitForSelector('input[name="pin"]')
      await page.screenshot({ path: join(shots, 'phone-2-confirm.png') })
      const confirm = await page.evaluate<PhoneLayout>(phoneLayout)
      await context.close()

      for (const layout of [pay, confirm]) {
        // The viewport meta is honoured: the page is laid out 390 px wide, not at a desktop's 980
        // px.
        expect(layout.layoutWidth).toBe(390)
        expect(layout.scrollWidth).toBeLessThanOrEqual(390)
        expect(layout.smallestTextPx).toBeGreaterThanOrEqual(16)
        expect(layout.lowTargets).toEqual([])
      }
      // Chromium reports only the HTML keywords it honours: a digits keypad, one with a point, a
      // phone keypad.
      expect(pay.keypads).toMatchObject({ merchant: 'numeric', amount: 'decimal' })
      expect(confirm.keypads).toEqual({ pin: 'numeric' })
    },
    60_000,
  )
})
