/**
 * render.test.ts - renderPage in the three markups over every page shape: content types and
 * charsets, escaping (XML entities, WML `$$`), forms (postfields, input masks, password fields,
 * the token), accesskeys on every link, Shift_JIS bytes that decode back, no-cache markers, and
 * the programmer errors (budgets, duplicate keys and names) that must throw.
 */
import assert from 'node:assert/strict'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import type { Markup, PageModel } from '../../../../channels/wap/contract.js'
import {
  defaultRenderLimits,
  formTokenField,
  measurePage,
  negotiate,
  renderPage,
} from '../../../../channels/wap/render/index.js'
import { pattern } from '../../../support/pattern.js'
import { everyKindForm, pageModels } from './pages.js'

const markups: readonly Markup[] = ['wml', 'xhtml', 'chtml']
const text = (model: PageModel, markup: Markup): string =>
  renderPage(model, markup).body.toString('utf8')

/** Text between tags, entities decoded: what the reader sees. */
function visibleText(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

describe('content types', () => {
  it('names the markup and charset of each page', () => {
    const model = pageModels['home'] as PageModel
    expect(renderPage(model, 'wml').contentType).toBe('text/vnd.wap.wml; charset=utf-8')
    expect(renderPage(model, 'xhtml').contentType).toBe(
      'application/vnd.wap.xhtml+xml; charset=utf-8',
    )
    expect(renderPage(model, 'xhtml', { mediaType: 'application/xhtml+xml' }).contentType).toBe(
      'application/xhtml+xml; charset=utf-8',
    )
    expect(renderPage(model, 'chtml').contentType).toBe('text/html; charset=utf-8')
    expect(renderPage(model, 'chtml', 'Shift_JIS').contentType).toBe('text/html; charset=Shift_JIS')
  })

  it('takes the result of negotiate() as options', () => {
    const model = pageModels['home'] as PageModel
    const imode = negotiate({ userAgent: 'DoCoMo/1.0/F501i' })
    assert.ok(imode !== null)
    expect(renderPage(model, imode.markup, imode).contentType).toBe('text/html; charset=Shift_JIS')
    const browser = negotiate({ accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
    assert.ok(browser !== null)
    expect(renderPage(model, browser.markup, browser).contentType).toBe(
      'application/xhtml+xml; charset=utf-8',
    )
  })

  it('declares the right document type', () => {
    const model = pageModels['balance'] as PageModel
    expect(text(model, 'wml')).toMatch(
      pattern(
        /^<\?xml version="1.0" encoding="utf-8"\?>\n/,
        /<!DOCTYPE wml PUBLIC "-\/\/WAPFORUM\/\/DTD WML 1.3\/\/EN"/,
      ),
    )
    expect(text(model, 'xhtml')).toMatch(
      pattern(
        /^<\?xml version="1.0" encoding="utf-8"\?>\n/,
        /<!DOCTYPE html PUBLIC "-\/\/W3C\/\/DTD XHTML Basic 1.1\/\/EN"/,
      ),
    )
    expect(text(model, 'chtml')).toMatch(
      /^<!DOCTYPE HTML PUBLIC "-\/\/W3C\/\/DTD Compact HTML 1.0 Draft\/\/EN">/,
    )
  })
})

describe('escaping', () => {
  const model = pageModels['dollars'] as PageModel

  it('doubles every $ in WML text, attributes and URLs, showing the same text as the model', () => {
    const wml = text(model, 'wml')
    expect(wml).toContain('You paid $$5.00 (USD $$5) to A&amp;B &lt;Shop&gt;.')
    expect(wml).toContain('Costs $$(fee) and $$amount are not variables.')
    expect(wml).toContain('title="Paid $$5 &lt;ok&gt; &amp; &quot;done&quot;"')
    expect(wml).toContain('href="/wap/s/Zx81kQ/?next=$$home&amp;x=1"')
    // Every `$` left single is one of ours: a $(variable) in a postfield (none on this page).
    expect(wml.replace(/\$\$/g, '')).not.toContain('$')
    expect(visibleText(wml).replace(/\$\$/g, '$')).toContain(model.paragraphs[0])
  })

  it('leaves $ alone in XHTML-MP and cHTML and escapes markup characters', () => {
    for (const markup of ['xhtml', 'chtml'] as const) {
      const page = text(model, markup)
      expect(page).toContain('You paid $5.00 (USD $5) to A&amp;B &lt;Shop&gt;.')
      expect(page).not.toContain('<Shop>')
      for (const paragraph of model.paragraphs) expect(visibleText(page)).toContain(paragraph)
    }
  })
})

describe('forms', () => {
  const model = pageModels['payMerchant'] as PageModel
  const fieldNames = [
    ...everyKindForm.fields.map((f) => f.name),
    ...everyKindForm.choices.map((c) => c.name),
  ]

  it('WML: an accept softkey posting every field by variable and the token literally', () => {
    const wml = text(model, 'wml')
    expect(wml).toMatch(
      pattern(
        /<do type="accept" label="Pay">\s*<go method="post" href="\/wap\/s\/Zx81kQ\/pay-merchant\?/,
        /step=confirm&amp;from=home">/,
      ),
    )
    for (const name of fieldNames)
      expect(wml).toContain(`<postfield name="${name}" value="$(${name})"/>`)
    expect(wml).toContain(`<postfield name="${formTokenField}" value="tk_5f2a9c"/>`)
    expect(wml).toMatch(
      /<input name="pin" type="password" format="\*N" maxlength="6" emptyok="false"\/>/,
    )
    expect(wml).toMatch(/<input name="merchant" format="\*N" maxlength="8"/)
    expect(wml).toMatch(
      /<input name="amount" format="\*n" maxlength="10" emptyok="false" value="12.50"\/>/,
    )
    expect(wml).toContain('<setvar name="pin" value=""/>')
    expect(wml).toMatch(
      /<select name="funding" value="card">\s*<option value="wallet">Wallet<\/option>/,
    )
    // The text field's value is user data: its `$` must not read a variable.
    expect(wml).toContain('value="INV-7 &amp; $$x"')
  })

  it('XHTML-MP and cHTML: a password input, the token hidden, the chosen option selected', () => {
    const xhtml = text(model, 'xhtml')
    expect(xhtml).toMatch(
      pattern(
        /<input type="password" name="pin" id="f_pin" maxlength="6" inputmode="numeric" /,
        /style="-wap-input-format:'\*N'"\/>/,
      ),
    )
    expect(xhtml).toContain(`<input type="hidden" name="${formTokenField}" value="tk_5f2a9c"/>`)
    expect(xhtml).toContain('<option value="card" selected="selected">')
    const chtml = text(model, 'chtml')
    expect(chtml).toMatch(/<input type="password" name="pin" maxlength="6" istyle="4">/)
    expect(chtml).toContain(`<input type="hidden" name="${formTokenField}" value="tk_5f2a9c">`)
    expect(chtml).toContain('<option value="card" selected>')
    for (const page of [xhtml, chtml]) {
      for (const name of fieldNames) expect(page).toContain(`name="${name}"`)
      expect(page).toContain(
        'action="/wap/s/Zx81kQ/pay-merchant?step=confirm&amp;from=home" method="post"',
      )
    }
  })

  it('XHTML-MP: a keypad per field kind touch browsers honour, the WCSS mask, a viewport', () => {
    const xhtml = text(model, 'xhtml')
    expect(xhtml).toMatch(
      pattern(
        /<input type="text" name="merchant" id="f_merchant" maxlength="8" inputmode="numeric" /,
        /style="-wap-input-format:'\*N'"/,
      ),
    )
    expect(xhtml).toMatch(
      pattern(
        /<input type="text" name="amount" id="f_amount" maxlength="10" inputmode="decimal" /,
        /style="-wap-input-format:'\*n'"/,
      ),
    )
    expect(xhtml).toMatch(
      pattern(
        /<input type="text" name="msisdn" id="f_msisdn" maxlength="15" inputmode="tel" /,
        /style="-wap-input-format:'\*n'"/,
      ),
    )
    // Free text gets the keyboard it would get anyway.
    expect(xhtml).toMatch(
      /<input type="text" name="reference" id="f_reference" maxlength="20" style=/,
    )
    expect(xhtml).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>')
    // cHTML and WML cannot carry either: i-mode keeps istyle, WML its format masks, no viewport.
    expect(text(model, 'chtml')).not.toMatch(/inputmode|viewport/)
    expect(text(model, 'wml')).not.toMatch(/inputmode|viewport/)
  })

  it('never writes a PIN back into a page', () => {
    const withPin: PageModel = {
      ...model,
      form: {
        ...everyKindForm,
        fields: everyKindForm.fields.map((f) => (f.kind === 'pin' ? { ...f, value: '987123' } : f)),
      },
    }
    for (const markup of markups) expect(text(withPin, markup)).not.toContain('987123')
  })
})

describe('links', () => {
  it("gives every link an accesskey, keeping the page's keys, handing out free ones", () => {
    const model = pageModels['home'] as PageModel
    for (const markup of markups) {
      const links = [...text(model, markup).matchAll(/<a [^>]*>/g)].map((m) => m[0])
      expect(links).toHaveLength(model.links.length)
      const keys = links.map((a) => /accesskey="([^"]+)"/.exec(a)?.[1])
      // Keys 1..7 and 0 were taken by the page; the keyless Help link gets the first free key, 8.
      expect(keys).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'])
    }
  })

  it('rejects two links on one key and more links than keys', () => {
    const model = pageModels['home'] as PageModel
    const twice: PageModel = {
      ...model,
      links: [...model.links, { label: 'Again', href: '/wap/x', key: '1' }],
    }
    expect(() => renderPage(twice, 'chtml')).toThrow(/used twice/)
    const many: PageModel = {
      ...model,
      links: Array.from({ length: 13 }, (_, i) => ({
        label: `L${String(i)}`,
        href: `/wap/${String(i)}`,
        key: null,
      })),
    }
    expect(() => renderPage(many, 'xhtml')).toThrow(/page the list/)
  })
})

describe('no-store pages', () => {
  it('mark themselves uncacheable in every markup, and other pages do not', () => {
    const balance = pageModels['balance'] as PageModel
    const home = pageModels['home'] as PageModel
    expect(text(balance, 'wml')).toContain(
      '<meta http-equiv="Cache-Control" content="max-age=0" forua="true"/>',
    )
    expect(text(balance, 'xhtml')).toContain(
      '<meta http-equiv="Cache-Control" content="no-cache, no-store, max-age=0"/>',
    )
    expect(text(balance, 'chtml')).toContain('<meta http-equiv="Pragma" content="no-cache">')
    for (const markup of markups) expect(text(home, markup)).not.toMatch(/Cache-Control|Pragma/)
  })
})

describe('cHTML in Shift_JIS', () => {
  it('encodes Japanese text as Shift_JIS bytes that decode back', () => {
    const model = pageModels['japanese'] as PageModel
    const body = renderPage(model, 'chtml', 'Shift_JIS').body
    expect(body.includes(Buffer.from('残高', 'utf8'))).toBe(false)
    const decoded = iconv.decode(body, 'Shift_JIS')
    expect(decoded).toContain('charset=Shift_JIS')
    for (const paragraph of model.paragraphs) expect(decoded).toContain(`<p>${paragraph}</p>`)
  })

  it('writes Chinese missing from Shift_JIS as numeric references, read back whole', () => {
    const model = pageModels['chinese'] as PageModel
    const decoded = iconv.decode(renderPage(model, 'chtml', 'Shift_JIS').body, 'Shift_JIS')
    expect(decoded).not.toContain('?')
    expect(decoded).toMatch(/&#\d+;/)
    for (const paragraph of model.paragraphs) expect(visibleText(decoded)).toContain(paragraph)
  })
})

describe('budgets', () => {
  it('keeps every page within its markup budget', () => {
    for (const [name, model] of Object.entries(pageModels)) {
      for (const markup of markups) {
        const size = measurePage(model, markup)
        expect(size.bytes, `${name} as ${markup}`).toBeLessThanOrEqual(size.bytesMax)
      }
    }
  })

  it('throws on a page whose list was not paged, in every markup', () => {
    const statement = pageModels['statement'] as PageModel
    const unpaged: PageModel = {
      ...statement,
      paragraphs: Array.from({ length: 12 }, () => statement.paragraphs).flat(),
    }
    expect(() => renderPage(unpaged, 'wml')).toThrow(/over its budget of 1400/)
    expect(() => renderPage(unpaged, 'chtml')).toThrow(/over its budget of 5120/)
    expect(() =>
      renderPage(unpaged, 'xhtml', { limits: { ...defaultRenderLimits, xhtmlBytesMax: 4_000 } }),
    ).toThrow(/over its budget of 4000/)
  })

  it('counts a cHTML page in the bytes it is sent in', () => {
    const model = pageModels['japanese'] as PageModel
    expect(measurePage(model, 'chtml', 'Shift_JIS').bytes).toBe(
      renderPage(model, 'chtml', 'Shift_JIS').body.length,
    )
    expect(measurePage(model, 'chtml').bytes).toBeGreaterThan(
      measurePage(model, 'chtml', 'Shift_JIS').bytes,
    )
  })
})

describe('programmer errors in the model', () => {
  it('rejects field names that are not WML variable names or that repeat', () => {
    const model = pageModels['payMerchant'] as PageModel
    const badName: PageModel = {
      ...model,
      form: {
        ...everyKindForm,
        fields: [{ name: 'to-phone', label: 'To', kind: 'msisdn', lengthMax: 15, value: '' }],
      },
    }
    expect(() => renderPage(badName, 'xhtml')).toThrow(/not a WML variable name/)
    const tokenName: PageModel = {
      ...model,
      form: {
        ...everyKindForm,
        fields: [{ name: formTokenField, label: 'T', kind: 'text', lengthMax: 5, value: '' }],
      },
    }
    expect(() => renderPage(tokenName, 'wml')).toThrow(/used twice/)
  })

  it('renders WML and XHTML-MP only in UTF-8', () => {
    expect(() => renderPage(pageModels['home'] as PageModel, 'wml', 'Shift_JIS')).toThrow(
      /utf-8 only/,
    )
  })
})
