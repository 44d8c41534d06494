/**
 * texts.test.ts - the WAP page texts with a param missing (fixtures/wap/text-missing-param.json):
 * the placeholder is dropped and the gap mended, on its own and on a page in every markup, where
 * it used to stay on the page as a raw `{payee}`.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { confirmPage } from '../../../channels/wap/pages.js'
import { renderPage } from '../../../channels/wap/render/index.js'
import type { WapTextKey } from '../../../channels/wap/texts.js'
import { wapText } from '../../../channels/wap/texts.js'
import type { Language } from '../../../src/core/index.js'

interface MissingParamCase {
  readonly why: string
  readonly key: WapTextKey
  readonly language: Language
  readonly params: Readonly<Record<string, string>>
  readonly shows: string
}

const cases = JSON.parse(
  readFileSync(new URL('../../../fixtures/wap/text-missing-param.json', import.meta.url), 'utf8'),
) as readonly MissingParamCase[]

describe('a WAP text with a param missing', () => {
  for (const { why, key, language, params, shows } of cases) {
    it(`${key} (${language}): ${why}`, () => {
      const text = wapText(key, language, params)
      expect(text).toBe(shows)
      expect(text).not.toMatch(/[{}]/)
    })
  }

  it('never reaches a confirm page as a template, in any markup', () => {
    const question = wapText('confirm_question', 'en', { amount: '25.00', account: 'wallet' })
    const page = confirmPage(
      { base: '/wap/s/abc', entry: '/wap/' },
      'en',
      question,
      'wallet',
      'token1',
    )
    for (const markup of ['wml', 'xhtml', 'chtml'] as const) {
      const body = renderPage(page, markup).body.toString('utf8')
      expect(body, markup).toContain('Pay CNY 25.00 to from your wallet?')
      expect(body, markup).not.toContain('{payee}')
    }
  })
})
