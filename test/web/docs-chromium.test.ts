/**
 * docs-chromium.test.ts - the API reference (/docs) in a real browser: it loads nothing from
 * outside the gateway, its filter keeps only the operations typed (and hides groups left
 * empty), axe-core finds no serious or critical accessibility violation in English or Chinese,
 * and screenshots at 1280x2000 and 390x844 are kept in test-artifacts/docs/. Skipped, saying
 * so, when Chromium is not installed (CI installs it).
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
import { startTestGateway } from '../support/gateway-fixture.js'

const installed = chromiumInstalled
const skipped = installed ? '' : `(skipped without ${chromiumPath})`
const shots = join('test-artifacts', 'docs')

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

async function openDocs(query = '', width = 1280, height = 2000): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } })
  await page.goto(`${gw.url}/docs${query}`)
  return page
}

describe('the API reference in Chromium', () => {
  it.skipIf(!installed)(`asks nothing of any other address ${skipped}`, async () => {
    const page = await browser.newPage()
    const elsewhere: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(gw.url)) elsewhere.push(request.url())
    })
    await page.goto(`${gw.url}/docs`, { waitUntil: 'networkidle' })
    expect(elsewhere).toEqual([])
    await page.close()
  })

  it.skipIf(!installed)(`filters the operations as one types ${skipped}`, async () => {
    const page = await openDocs()
    await page.locator('[data-op-filter]').fill('refund')
    expect(await page.locator('article[data-op]:visible').count()).toBe(1)
    await expect.poll(() => page.locator('#op-refundPayment').isVisible()).toBe(true)
    // The admin group has no refund: gone from the page and from the sidebar.
    expect(await page.locator('#admin-api').isVisible()).toBe(false)
    await page.locator('[data-op-filter]').fill('no such operation')
    expect(await page.locator('[data-op-none]').isVisible()).toBe(true)
    await page.locator('[data-op-filter]').fill('')
    expect(await page.locator('article[data-op]:visible').count()).toBeGreaterThan(30)
    await page.close()
  })

  it.skipIf(!installed)(
    `has no serious or critical accessibility violation (axe-core) ${skipped}`,
    async () => {
      for (const query of ['', '?lang=zh']) {
        const page = await openDocs(query)
        expect(await seriousViolations(page)).toEqual([])
        await page.close()
      }
    },
    // axe reads every one of the page's tables: about 15 s a language on a loaded machine.
    120_000,
  )

  it.skipIf(!installed)(`keeps screenshots at 1280x2000 and 390x844 ${skipped}`, async () => {
    for (const [name, query, width, height] of [
      ['docs-1280-en.png', '', 1280, 2000],
      ['docs-390-zh.png', '?lang=zh', 390, 844],
    ] as const) {
      const page = await openDocs(query, width, height)
      await page.screenshot({ path: join(shots, name) })
      await page.close()
    }
  })
})
