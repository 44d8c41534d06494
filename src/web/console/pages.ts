/**
 * pages.ts - the operator console's pages, in the order of its side menu. Exports consolePages.
 */
import { operationsPage } from './operations-page.js'
import { overviewPage } from './overview-page.js'
import type { ConsolePage } from './page.js'

export const consolePages: readonly ConsolePage[] = [overviewPage, operationsPage]
