/**
 * chromium.ts - the real browser of the browser tests: Debian's `chromium`, headless, driven by
 * playwright-core (nothing downloaded), with the flags a machine whose network is closed needs.
 * Also the accessibility check every page's test runs (axe-core, injected from node_modules).
 * Exports chromiumPath, chromiumInstalled, launchChromium and seriousViolations.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { chromium } from 'playwright-core'

export const chromiumPath = '/usr/bin/chromium'
/** CI installs it; without it the browser tests skip, saying so. */
export const chromiumInstalled = existsSync(chromiumPath)

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // The machine's network is closed: background services would only fail to connect.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  })
}

const axePath = join('node_modules', 'axe-core', 'axe.min.js')

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath })
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  )) as { id: string; impact: string; nodes: { target: string[] }[] }[]
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
