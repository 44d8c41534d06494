/**
 * transitions.test.ts - differential checks of the ussd-menu-builder adapter: the library's
 * choice of rule equals a hand-written first-full-match resolver on random inputs, and the
 * engine's hops through the shipped menus equal a hand-written expectation.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TransitionRule } from '../../../../channels/ussd/menu/menu-builder.js'
import { resolveTransition } from '../../../../channels/ussd/menu/menu-builder.js'
import { dial, engine } from './drive.js'

/** What the adapter must do, written without the library. */
function expected<T>(rules: readonly TransitionRule<T>[], input: string, otherwise: T): T {
  if (input === '' || input.includes('*')) return otherwise
  return rules.find((rule) => new RegExp(rule.pattern).test(input))?.outcome ?? otherwise
}

const rules: TransitionRule<string>[] = [
  { pattern: '^00$', outcome: 'home' },
  { pattern: '^98$', outcome: 'more' },
  { pattern: '^0$', outcome: 'back' },
  { pattern: '^1$', outcome: 'one' },
  { pattern: '^2$', outcome: 'two' },
  { pattern: '^(?=[\\d.]*[1-9])\\d{1,7}(?:\\.\\d{1,2})?$', outcome: 'amount' },
]

describe('the library adapter', () => {
  it('matches the hand-written resolver on random inputs', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        '0',
        '00',
        '98',
        '1',
        '2',
        '12',
        '25.50',
        '5*0',
        'abc12',
        '12abc',
        '0.00',
        '*',
        '',
      ),
    )
    fc.assert(
      fc.property(input, (text) => {
        expect(resolveTransition(rules, text, 'invalid')).toBe(expected(rules, text, 'invalid'))
      }),
      { numRuns: 2000 },
    )
  })

  it('anchors every rule: the library alone would take "abc12" for an amount', () => {
    expect(resolveTransition([{ pattern: '^\\d+$', outcome: 'digits' }], 'abc12', 'invalid')).toBe(
      'invalid',
    )
    expect(() =>
      resolveTransition([{ pattern: '\\d+', outcome: 'digits' }], '12', 'invalid'),
    ).toThrow(/not anchored/)
  })

  it('gives the first matching rule, in order', () => {
    expect(resolveTransition(rules, '98', 'invalid')).toBe('more')
    expect(resolveTransition(rules, '1', 'invalid')).toBe('one')
    expect(resolveTransition(rules, '3', 'invalid')).toBe('amount')
  })
})

describe('engine hops against a hand-written expectation', () => {
  // [input, state after it], from *123# in English.
  const hops: readonly (readonly [string, string])[] = [
    ['2', 'pay_merchant'],
    ['1001', 'pay_merchant.amount'],
    ['0', 'pay_merchant'],
    ['1002', 'pay_merchant.amount'],
    ['abc', 'pay_merchant.amount'],
    ['40', 'pay_merchant.account'],
    ['7', 'pay_merchant.account'],
    ['0', 'pay_merchant.amount'],
    ['00', 'main'],
    ['8', 'settings'],
    ['1', 'settings.pin_current'],
    ['0', 'settings'],
    ['2', 'settings.language'],
    // Chinese: the session switches at once, and the core is asked to keep it.
    ['2', 'settings.language_set'],
  ]
  it('visits the expected states', () => {
    let step = dial()
    for (const [input, state] of hops) {
      step = engine.input(step.session, input)
      expect([input, step.session.state]).toEqual([input, state])
    }
    expect(step.kind).toBe('command')
    expect(step.session.language).toBe('zh')
    expect(step.session.values).toEqual({})
  })
})
