/**
 * response-codes.test.ts - the one table from the core's refusals to field 39: the codes the
 * issue names for each kind of refusal, every code one a CUP terminal knows, and no refusal
 * answered as approved.
 */
import { describe, expect, it } from 'vitest'
import { reasons } from '../../../src/core/index.js'
import { responseCodeOf } from '../../../src/gateway/pos/response-codes.js'

describe('response codes', () => {
  it('answer each kind of refusal as a terminal expects', () => {
    expect(responseCodeOf('insufficient_funds')).toBe('51')
    expect(responseCodeOf('pin_incorrect')).toBe('55')
    expect(responseCodeOf('pin_attempts_exceeded')).toBe('75')
    expect(responseCodeOf('subscriber_locked')).toBe('75')
    expect(responseCodeOf('amount_above_payment_max')).toBe('61')
    expect(responseCodeOf('daily_limit_exceeded')).toBe('61')
    expect(responseCodeOf('account_not_offered')).toBe('12')
    expect(responseCodeOf('amount_not_positive')).toBe('13')
    expect(responseCodeOf('payer_not_registered')).toBe('14')
    expect(responseCodeOf('bank_unavailable')).toBe('91')
    expect(responseCodeOf('idempotency_key_reused')).toBe('94')
    expect(responseCodeOf('system_busy')).toBe('96')
    expect(responseCodeOf(null)).toBe('96')
  })

  it('use only codes a CUP terminal knows, and never approve a refusal', () => {
    const known = new Set([
      '03',
      '05',
      '12',
      '13',
      '14',
      '25',
      '51',
      '55',
      '61',
      '75',
      '91',
      '94',
      '96',
    ])
    for (const reason of reasons) {
      expect(known.has(responseCodeOf(reason)), reason).toBe(true)
      expect(responseCodeOf(reason)).not.toBe('00')
    }
  })
})
