/**
 * pin-block.test.ts - ISO 9564 format 0 against its published vectors (the notes, E.6: IDTech's
 * PIN 1234 for card 43219876543210987 is 0412AC89ABCDEF67; the Thales-style PIN 92389 for card
 * 4000001234562 is 0592789FFFEDCBA9), read back through the terminal's PIN key, and refused
 * when it is not a block: another format, a length out of range, a digit that is not one, a pad
 * that is not F, another card.
 */
import { describe, expect, it } from 'vitest'
import {
  decryptPinBlock,
  encryptPinBlock,
  pinBlockOf,
  pinOfBlock,
} from '../../../src/gateway/pos/pin-block.js'

const hex = (text: string): Buffer => Buffer.from(text, 'hex')

describe('the ISO 9564 format 0 PIN block', () => {
  it('gives the published vectors and reads them back', () => {
    expect(pinBlockOf('1234', '43219876543210987').toString('hex').toUpperCase()).toBe(
      '0412AC89ABCDEF67',
    )
    expect(pinBlockOf('92389', '4000001234562').toString('hex').toUpperCase()).toBe(
      '0592789FFFEDCBA9',
    )
    expect(pinOfBlock(hex('0412AC89ABCDEF67'), '43219876543210987')).toBe('1234')
    expect(pinOfBlock(hex('0592789FFFEDCBA9'), '4000001234562')).toBe('92389')
  })

  it('travels under the terminal PIN key and back', () => {
    const pinKey = hex('0123456789ABCDEFFEDCBA9876543210')
    const sent = encryptPinBlock(pinKey, pinBlockOf('123456', '6212348613800138000'))
    expect(sent).toHaveLength(8)
    expect(sent.toString('hex')).not.toContain('123456')
    expect(pinOfBlock(decryptPinBlock(pinKey, sent), '6212348613800138000')).toBe('123456')
  })

  it('gives no PIN for a block that is not one', () => {
    const pan = '43219876543210987'
    const good = pinBlockOf('1234', pan)
    const twisted = (index: number, xor: number) => {
      const copy = Buffer.from(good)
      copy[index] = (copy[index] ?? 0) ^ xor
      return copy
    }
    expect(pinOfBlock(twisted(0, 0x10), pan)).toBeNull() // format 1
    expect(pinOfBlock(twisted(0, 0x02), pan)).toBeNull() // length 6: two F read as digits
    expect(pinOfBlock(twisted(0, 0x0d), pan)).toBeNull() // length 9 reaches the padding
    expect(pinOfBlock(twisted(1, 0x08), pan)).toBeNull() // the digit 2 became A
    expect(pinOfBlock(twisted(7, 0x01), pan)).toBeNull() // the last pad nibble is not F
    expect(pinOfBlock(good, '4000001234562')).toBeNull() // another card
    expect(pinOfBlock(good.subarray(0, 7), pan)).toBeNull()
    // A hostile message's field 2 of a few digits: no PIN, no exception.
    expect(pinOfBlock(good, '123')).toBeNull()
    expect(() => pinBlockOf('12', pan)).toThrow('4 to 12 digits')
  })
})
