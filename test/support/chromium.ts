/**
 * chromium.ts - the real browser of the browser tests: Debian's `chromium`, headless, driven by
 * playwright-core (nothing downloaded), with the flags a machine whose network is closed needs.
 * Exports chromiumPath, chromiumInstalled and launchChromium.
 */
import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'
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
