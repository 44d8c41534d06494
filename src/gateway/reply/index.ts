/**
 * index.ts - the gateway's reply renderer, src/gateway/reply: the last step of phone → channel →
 * gateway → core → ledger → reply. It lives in the gateway, not in a channel or beside the core,
 * because SMS, USSD, IVR, WAP and the web APIs all render through it (one catalogue lookup and
 * one placeholder rule, so a phone never sees a template or an internal error), and the gateway is
 * the part of src/ a channel may import. It does no I/O and imports only the core and the
 * catalogues in menus/. This file is its only import surface; it re-exports fill.ts and render.ts.
 */
export type { ValueLookup, Values } from './fill.js'
export { fillTemplate, lookupIn, placeholdersOf } from './fill.js'
export type { ByLanguage } from './render.js'
export {
  accountName,
  catalogueOf,
  inLanguage,
  renderMessage,
  renderResult,
  renderText,
} from './render.js'
