/**
 * pages.test.ts - every screen within one USSD page (182 GSM characters, 80 when any character
 * needs UCS-2): every state of the shipped menus in both languages with the longest values the
 * validators accept, options never split across pages, and random walks (fast-check) over the
 * whole tree with long inputs and long results.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EngineStep, UssdSession } from '../../../../channels/ussd/contract.js'
import { defaultMenuDir } from '../../../../channels/ussd/menu/index.js'
import { ussdMenuLimits } from '../../../../channels/ussd/menu/limits.js'
import { readMenus } from '../../../../channels/ussd/menu/load-menus.js'
import type { Language } from '../../../../src/core/index.js'
import { engine, fakeResult, fitsOnePage, PIN, screenOf } from './drive.js'

const menus = readMenus(defaultMenuDir, ussdMenuLimits).menus
const longValues = {
  merchant: '12345678',
  biller: '87654321',
  ref: 'W'.repeat(20),
  amount: '9999999.99',
  beneficiary: '123456789012345',
  payee: '123456789012345',
  order: '123456789012',
  account: 'phone_bill',
}

function sessionAt(state: string, language: Language, page: number): UssdSession {
  return {
    sessionId: 'pages',
    msisdn: '123456789012345',
    language,
    state,
    page,
    back: ['main'],
    values: longValues,
    trail: [],
    hop: 3,
    lastScreen: null,
    ended: false,
  }
}

/** All pages of a state's screen: shown through "0" from page 1 (back a page), then 98 after 98. */
function pagesOf(state: string, language: Language): string[] {
  let step: EngineStep = engine.input(sessionAt(state, language, 1), '0')
  const more = language === 'en' ? '98 More' : '98 更多'
  const pages = [screenOf(step).text]
  for (let guard = 0; guard < 20 && screenOf(step).text.split('\n').includes(more); guard += 1) {
    step = engine.input(step.session, '98')
    pages.push(screenOf(step).text)
  }
  return pages
}

describe('every screen of the shipped menus fits one page', () => {
  const states = [...menus.states.values()].filter((state) => state.kind !== 'command')
  it.each(
    states.flatMap((state) =>
      (['en', 'zh'] as const).map((language) => [state.name, language] as const),
    ),
  )('%s in %s', (name, language) => {
    const pages = pagesOf(name, language)
    for (const page of pages) expect(fitsOnePage(page), page).toBe(true)
    const state = menus.states.get(name)
    if (state?.kind !== 'options') return
    // Each option appears whole, as one line, on exactly one page.
    state.options.forEach((option, index) => {
      const line = `${index + 1} ${option.label[language]}`
      expect(
        pages.filter((page) => page.split('\n').includes(line)),
        line,
      ).toHaveLength(1)
    })
  })
})

describe('random walks', () => {
  const input = fc.oneof(
    fc.constantFrom('1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '00', '98', PIN, '5860'),
    fc.constantFrom(
      longValues.merchant,
      longValues.ref,
      longValues.amount,
      longValues.payee,
      longValues.order,
      '25',
      '880001',
      '2001',
    ),
    fc.string({ maxLength: 60 }),
  )
  const longRows = fc.array(
    fc.constantFrom(
      'T1A2B3C -1000.00 State Grid Power',
      'T9Z8Y7X +2000.00 8613800138001',
      'T0000AA -5.00 国家电网',
    ),
    { minLength: 1, maxLength: 5 },
  )

  it('never shows a page over the limit, and never keeps what was typed at a PIN screen', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Language>('en', 'zh'),
        fc.array(input, { maxLength: 25 }),
        longRows,
        (language, inputs, rows) => {
          let step = engine.start('walk', '8613800138000', language, '*123#')
          // A PIN typed at a PIN screen must not be in the session, unless the same digits were
          // also typed where they are an ordinary answer (a merchant code 7395, say).
          const secret = new Set<string>()
          const plain = new Set<string>()
          for (const text of inputs) {
            if (step.kind === 'command') {
              const result =
                step.run.command.kind === 'statement'
                  ? fakeResult(
                      { key: 'statement.list', params: { rows: rows.join('; ') } },
                      language,
                    )
                  : fakeResult(
                      {
                        key: 'payment.completed',
                        params: {
                          amount: '9999999.99',
                          payee: 'State Grid Power Supply',
                          account: 'bank',
                          ref: 'T1A2B3C',
                        },
                      },
                      language,
                    )
              step = engine.resume(step.session, result)
            }
            const screen = screenOf(step)
            expect(fitsOnePage(screen.text), screen.text).toBe(true)
            const json = JSON.stringify(step.session)
            for (const typed of secret) {
              const pin = typed.trim()
              if ([PIN, '5860'].includes(pin) && ![...plain].some((text) => text.includes(pin)))
                expect(json).not.toContain(pin)
            }
            expect(step.session.ended).toBe(screen.type === 'END')
            if (step.session.ended) break
            ;(/pin/.test(step.session.state) ? secret : plain).add(text)
            step = engine.input(step.session, text)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
