/**
 * index.ts - the WAP renderer's public face: negotiate() picks markup and charset from request
 * headers, renderPage() renders a PageModel (channels/wap/contract.ts) in it within the markup's
 * size budget, wbxmlSize() counts a WML deck's compiled size.
 */

export type { RenderLimits } from './limits.js'
export { defaultRenderLimits, linkKeys } from './limits.js'
export type { Charset, Negotiation, RequestHeaders } from './negotiate.js'
export { mediaTypes, negotiate, negotiationVary } from './negotiate.js'
export type { PageSize, RenderOptions } from './render.js'
export { measurePage, renderPage } from './render.js'
export { defaultTemplatesDir } from './templates.js'
export { formTokenField } from './view-model.js'
export { wbxmlSize } from './wbxml.js'
