/**
 * virtual-pan.test.ts - the 19-digit card number that stands for a phone at a shop terminal:
 * 880, the MSISDN in 15 digits, a Luhn digit; read back to the MSISDN, and any other number, a
 * wrong check digit or a bank's card refused.
 */
import { describe, expect, it } from 'vitest'
import { msisdnOfPan, panOfMsisdn } from '../../../src/gateway/pos/virtual-pan.js'

describe('the virtual card number of a phone', () => {
  it('is 880, the MSISDN and a Luhn digit, and reads back to the MSISDN', () => {
    const pan = panOfMsisdn('8613800138000')
    // The Luhn digit checked by hand: the doubled digits of 880008613800138000 sum to 45.
    expect(pan).toBe('8800086138001380005')
    expect(msisdnOfPan(pan)).toBe('8613800138000')
  })

  it('refuses a wrong check digit, a bank card, and an MSISDN that does not fit', () => {
    expect(msisdnOfPan('8800086138001380004')).toBeNull()
    expect(msisdnOfPan('6222021234567890123')).toBeNull()
    expect(msisdnOfPan('8800000000000000000')).toBeNull()
    expect(() => panOfMsisdn('1234567890123456')).toThrow('1 to 15 digits')
  })
})
