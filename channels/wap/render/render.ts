/**
 * render.ts - renderPage: a PageModel as a WML 1.3 deck, an XHTML Basic 1.1 / XHTML-MP page or
 * an i-mode cHTML page, encoded in the negotiated charset, with its Content-Type; and the size
 * budget of each markup, checked on every render.
 */
import assert from 'node:assert/strict'
import iconv from 'iconv-lite'
import type { Markup, PageModel, RenderedPage } from '../contract.js'
import type { RenderLimits } from './limits.js'
import { defaultRenderLimits } from './limits.js'
import type { Charset } from './negotiate.js'
import { mediaTypes } from './negotiate.js'
import { defaultTemplatesDir, templateFor } from './templates.js'
import { buildView } from './view-model.js'
import { wbxmlSize } from './wbxml.js'

export interface RenderOptions {
  /** Default utf-8; Shift_JIS only for cHTML. */
  readonly charset?: Charset
  /** XHTML-MP media type from negotiate() (application/vnd.wap.xhtml+xml by default). */
  readonly mediaType?: string
  readonly limits?: RenderLimits
  readonly templatesDir?: string
}

export interface PageSize {
  /** WML: compiled WBXML bytes (our count); others: bytes of the body. */
  readonly bytes: number
  readonly bytesMax: number
}

interface Rendered {
  readonly contentType: string
  readonly body: Buffer
  readonly size: PageSize
}

const xhtmlMediaTypes: readonly string[] = [mediaTypes.xhtmlWap, mediaTypes.xhtml, mediaTypes.html]

function optionsOf(options: Charset | RenderOptions | undefined): RenderOptions {
  return typeof options === 'string' ? { charset: options } : (options ?? {})
}

function renderSized(model: PageModel, markup: Markup, options: RenderOptions): Rendered {
  const charset = options.charset ?? 'utf-8'
  const limits = options.limits ?? defaultRenderLimits
  assert.ok(
    charset === 'utf-8' || markup === 'chtml',
    `${markup} is rendered in utf-8 only, not ${charset}`,
  )
  const text = templateFor(
    markup,
    options.templatesDir ?? defaultTemplatesDir,
  )(buildView(model, markup, charset))
  switch (markup) {
    case 'wml': {
      const body = Buffer.from(text, 'utf8')
      return {
        contentType: `${mediaTypes.wml}; charset=utf-8`,
        body,
        size: { bytes: wbxmlSize(text), bytesMax: limits.wbxmlBytesMax },
      }
    }
    case 'xhtml': {
      const mediaType = options.mediaType ?? mediaTypes.xhtmlWap
      assert.ok(xhtmlMediaTypes.includes(mediaType), `not an XHTML media type: ${mediaType}`)
      const body = Buffer.from(text, 'utf8')
      return {
        contentType: `${mediaType}; charset=utf-8`,
        body,
        size: { bytes: body.length, bytesMax: limits.xhtmlBytesMax },
      }
    }
    case 'chtml': {
      // Escaping already turned every character Shift_JIS lacks into a numeric reference.
      const body =
        charset === 'Shift_JIS' ? iconv.encode(text, 'Shift_JIS') : Buffer.from(text, 'utf8')
      return {
        contentType: `${mediaTypes.html}; charset=${charset}`,
        body,
        size: { bytes: body.length, bytesMax: limits.chtmlBytesMax },
      }
    }
  }
}

/** The page's size against its markup's budget, for a page deciding how many list rows fit. */
export function measurePage(
  model: PageModel,
  markup: Markup,
  options?: Charset | RenderOptions,
): PageSize {
  return renderSized(model, markup, optionsOf(options)).size
}

/**
 * Renders the page. A model that breaks the budget of its markup, names a field twice or gives
 * two links one key is a programmer error of the page (contract.ts rule 2): it throws.
 */
export function renderPage(
  model: PageModel,
  markup: Markup,
  options?: Charset | RenderOptions,
): RenderedPage {
  const { contentType, body, size } = renderSized(model, markup, optionsOf(options))
  assert.ok(
    size.bytes <= size.bytesMax,
    `page ${model.page} as ${markup} is ${size.bytes} bytes, ` +
      `over its budget of ${size.bytesMax}: page the list`,
  )
  return { contentType, body }
}
