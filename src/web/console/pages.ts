/**
 * pages.ts - the operator console's pages, in the order of its side menu. Exports consolePages.
 */
import { operationsPage } from './operations-page.js'
import { overviewPage } from './overview-page.js'
import type { ConsolePage } from './page.js'
import { paymentPage } from './payment-page.js'
import { paymentsPage } from './payments-page.js'
import { subscriberPage } from './subscriber-page.js'
import { subscribersPage } from './subscribers-page.js'

export const consolePages: readonly ConsolePage[] = [
  overviewPage,
  subscribersPage,
  subscriberPage,
  paymentsPage,
  paymentPage,
  operationsPage,
]
