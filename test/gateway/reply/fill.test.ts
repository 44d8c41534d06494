/**
 * fill.test.ts - the one placeholder rule: values in, `{x:digits}` key by key, a missing value
 * dropped and the gap mended, a complete text left exactly as written.
 */
import { describe, expect, it } from 'vitest'
import { fillTemplate, lookupIn, placeholdersOf } from '../../../src/gateway/reply/index.js'

describe('fillTemplate', () => {
  it('fills values and leaves a complete text as written, spaces and all', () => {
    expect(
      fillTemplate('Pay  {amount} to {payee} .', lookupIn({ amount: '5.00', payee: 'Metro' })),
    ).toBe('Pay  5.00 to Metro .')
  })

  it('speaks {x:digits} key by key', () => {
    expect(fillTemplate('Order {order:digits}.', lookupIn({ order: '880001' }))).toBe(
      'Order 8 8 0 0 0 1.',
    )
  })

  it('drops a missing or empty value and mends the gap', () => {
    const lookup = lookupIn({ amount: '5.00', payee: '' })
    expect(fillTemplate('Pay CNY {amount} to {payee} ({ref}).', lookup)).toBe('Pay CNY 5.00 to.')
    expect(fillTemplate('已支付{amount}元（{ref}）。', lookup)).toBe('已支付5.00元。')
  })

  it('takes no value from the object prototype and leaves non-identifiers in braces alone', () => {
    expect(fillTemplate('Hi {constructor}!', lookupIn({}))).toBe('Hi!')
    expect(fillTemplate('{1} {a b}', lookupIn({}))).toBe('{1} {a b}')
  })

  it('names the placeholders of a text, a modifier aside', () => {
    expect(placeholdersOf('{payee} {order:digits} {1}')).toEqual(['payee', 'order'])
  })
})
