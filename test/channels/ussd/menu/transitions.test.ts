/**
 * transitions.test.ts - the engine's hops through the shipped menus equal a hand-written
 * expectation (what an answer means is the menus' walk's: test/gateway/menus/walk.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { dial, engine } from './drive.js'

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
