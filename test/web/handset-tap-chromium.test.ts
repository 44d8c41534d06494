/**
 * handset-tap-chromium.test.ts - the web handset's Tap app in headless Chromium: the phone's
 * RFID-SIM held to the simulator's bus gate and a shop's till; the purse shown, the receipt after
 * a paid tap and the refusal (nothing charged) after a tap the purse cannot pay, in English and in
 * Chinese; the shop counter, online (terminal POS10012 over ISO 8583): the amount, the account and
 * the PIN, approved and the wallet charged once, a wrong PIN declined; on a phone's width, with no
 * console error and no serious accessibility violation.
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
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { HAN, LI, LI_PIN, startTestGateway } from '../support/gateway-fixture.js'
import { loadCardAsHost } from '../support/rfid-sim.js'

const installed = chromiumInstalled
const skipped = installed ? '' : `(skipped without ${chromiumPath})`
const shots = join('test-artifacts', 'handset')
const waitMs = 10_000

let gw: GatewayFixture
let browser: Browser

beforeAll(async () => {
  if (!installed) return
  gw = await startTestGateway()
  await loadCardAsHost(gw, LI, 1_000)
  browser = await launchChromium()
  mkdirSync(shots, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

async function openTap(
  msisdn: string,
  lang: 'en' | 'zh',
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // A refused tap is a 422 the page asked for; the browser reports it as an error line.
    if (message.type() === 'error' && !message.text().includes('status of 422'))
      errors.push(message.text())
  })
  await page.goto(`${gw.url}/handset?lang=${lang}&msisdn=${msisdn}`)
  await page.locator('#phone-1 .app-tab[data-app="tap"]').click()
  await page.locator('#phone-1 .tap-purse', { hasText: 'CNY' }).waitFor({ timeout: waitMs })
  return { page, errors }
}

describe('the Tap app of the web handset', () => {
  it.skipIf(!installed)(`pays the bus gate and a till from the purse ${skipped}`, async () => {
    const { page, errors } = await openTap(LI, 'en')
    const phone = page.locator('#phone-1')
    expect(await phone.locator('.tap-purse').textContent()).toContain('E-purse CNY 10.00')
    await phone.locator('.tap-terminal').selectOption('BUS00001')
    expect(await phone.locator('.tap-amount-row').isHidden()).toBe(true)
    await phone.locator('.tap-button').click()
    await phone.locator('.tap-paid', { hasText: 'Paid CNY 2.00' }).waitFor({ timeout: waitMs })
    expect(await phone.locator('.tap-result').textContent()).not.toContain('null')
    await phone.locator('.tap-purse', { hasText: 'CNY 8.00' }).waitFor({ timeout: waitMs })
    await page.screenshot({ path: join(shots, 'tap-bus-390.png'), fullPage: true })

    await phone.locator('.tap-terminal').selectOption('POS10011')
    expect(await phone.locator('.tap-amount-row').isVisible()).toBe(true)
    await phone.locator('.tap-amount').fill('3.50')
    await phone.locator('.tap-button').click()
    await phone.locator('.tap-paid', { hasText: 'Paid CNY 3.50' }).waitFor({ timeout: waitMs })
    await phone.locator('.tap-purse', { hasText: 'CNY 4.50' }).waitFor({ timeout: waitMs })
    expect((await gw.request('GET', `/sim/cards/${LI}`)).json.balance).toBe('4.50')
    expect(await seriousViolations(page)).toEqual([])
    expect(errors).toEqual([])
  })

  it.skipIf(!installed)(`refuses an empty purse, in Chinese ${skipped}`, async () => {
    const { page, errors } = await openTap(HAN, 'zh')
    const phone = page.locator('#phone-1')
    expect(await phone.locator('.tap-purse').textContent()).toContain('电子钱包 CNY 0.00')
    await phone.locator('.tap-terminal').selectOption('BUS00001')
    await phone.locator('.tap-button').click()
    await phone.locator('.tap-refused', { hasText: '已拒绝' }).waitFor({ timeout: waitMs })
    expect(await phone.locator('.tap-result').textContent()).toContain('电子钱包余额不足。')
    await page.screenshot({ path: join(shots, 'tap-refused-zh-390.png'), fullPage: true })
    expect((await gw.request('GET', `/sim/cards/${HAN}`)).json.balance).toBe('0.00')
    expect(await seriousViolations(page)).toEqual([])
    expect(errors).toEqual([])
  })

  it.skipIf(!installed)(`pays at the shop counter online, with the PIN ${skipped}`, async () => {
    const { page, errors } = await openTap(LI, 'en')
    const phone = page.locator('#phone-1')
    const wallet = Number(await gw.balance(LI, 'wallet'))
    await phone.locator('.tap-terminal').selectOption('counter')
    expect(await phone.locator('.tap-pin').isVisible()).toBe(true)
    await phone.locator('.tap-amount').fill('6.00')
    await phone.locator('.tap-account').selectOption('wallet')
    await phone.locator('.tap-pin').fill(LI_PIN)
    await phone.locator('.tap-button').click()
    await phone.locator('.tap-paid', { hasText: 'Approved CNY 6.00' }).waitFor({ timeout: waitMs })
    expect(await phone.locator('.tap-result').textContent()).toContain('POS10012 · 00 approved')
    expect(await phone.locator('.tap-pin').inputValue()).toBe('')
    expect(Number(await gw.balance(LI, 'wallet'))).toBeCloseTo(wallet - 6, 2)
    await page.screenshot({ path: join(shots, 'tap-counter-390.png'), fullPage: true })

    await phone.locator('.tap-pin').fill('0000')
    await phone.locator('.tap-button').click()
    await phone.locator('.tap-refused', { hasText: 'Declined' }).waitFor({ timeout: waitMs })
    expect(await phone.locator('.tap-result').textContent()).toContain('55 wrong PIN')
    expect(await phone.locator('.tap-result').textContent()).not.toContain('null')
    expect(Number(await gw.balance(LI, 'wallet'))).toBeCloseTo(wallet - 6, 2)
    expect(await seriousViolations(page)).toEqual([])
    expect(errors).toEqual([])
  })
})
