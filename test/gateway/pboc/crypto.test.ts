/**
 * crypto.test.ts - the purse's cryptography against published vectors (../notes B.4: the
 * slj_win / ncuisine.com examples under the key 11223344556677888877665544332211, which each
 * vector uses as the card's key), single DES against the FIPS "Now is t" vector, and
 * diversification against OpenSSL's command line (`openssl enc -des-ede-ecb -nopad`).
 */
import { describe, expect, it } from 'vitest'
import { DesBlocks, desEncrypt, tdesDecrypt, tdesEncrypt } from '../../../src/gateway/pboc/des.js'
import { bcd, fromBcd, purseTimeOf } from '../../../src/gateway/pboc/fields.js'
import {
  diversify,
  loadSessionKey,
  purchaseSessionKey,
  tacKeyOf,
} from '../../../src/gateway/pboc/keys.js'
import { pad80, pbocMac, retailMac } from '../../../src/gateway/pboc/mac.js'
import {
  loadMac1,
  loadMac2,
  purchaseMac1,
  purchaseMac2,
} from '../../../src/gateway/pboc/purse-macs.js'

const hex = (text: string): Buffer => Buffer.from(text, 'hex')
const cardKey = hex('11223344556677888877665544332211')
const random = hex('11223344')
const terminalId = '001122334455'

describe('DES', () => {
  it('encrypts the FIPS vector with single DES (triple DES with the key three times)', () => {
    const out = desEncrypt(hex('0123456789ABCDEF'), hex('4E6F772069732074'))
    expect(out.toString('hex')).toBe('3fa40e8a984d4815')
  })

  it('decrypts what two-key triple DES encrypted; refuses a short key or a partial block', () => {
    const block = hex('0011223344556677')
    expect(tdesDecrypt(cardKey, tdesEncrypt(cardKey, block))).toEqual(block)
    expect(() => tdesEncrypt(cardKey.subarray(0, 8), block)).toThrow('16-byte key')
    expect(() => desEncrypt(cardKey.subarray(0, 8), hex('0011'))).toThrow('8-byte blocks')
  })
})

describe('the PBOC MAC', () => {
  it('pads with 80 then zeros, a whole block when the data fills its last', () => {
    expect(pad80(hex('0102')).toString('hex')).toBe('0102800000000000')
    expect(pad80(hex('0102030405060708')).toString('hex')).toBe('01020304050607088000000000000000')
  })

  it('is 4 bytes and changes with any byte of the data', () => {
    const key = hex('0123456789ABCDEF')
    const mac = pbocMac(key, hex('00001000'))
    expect(mac).toHaveLength(4)
    expect(pbocMac(key, hex('00001001'))).not.toEqual(mac)
  })

  it('is the same from a key made ready for many MACs, at every length of the data', () => {
    const key = hex('0123456789ABCDEF')
    const ready = new DesBlocks(key)
    for (let length = 0; length <= 33; length += 1) {
      const data = Buffer.from(Array.from({ length }, (_, index) => (index * 37 + length) & 0xff))
      expect(pbocMac(ready, data).toString('hex')).toBe(pbocMac(key, data).toString('hex'))
    }
    // The FIPS vector again through the ready key: a block after many is still plain DES.
    expect(new DesBlocks(hex('0123456789ABCDEF')).encrypt(hex('4E6F772069732074'))).toEqual(
      hex('3fa40e8a984d4815'),
    )
    expect(() => ready.encrypt(hex('0011'))).toThrow('one 8-byte block')
  })
})

describe('the retail MAC (line protection)', () => {
  // Computed with OpenSSL's command line: DES-CBC under the key's left half from the IV
  // (-provider legacy), the last block with two-key triple DES (des-ede-ecb).
  const iv = hex('1122334400000000')
  it('gives the one-block vector', () => {
    expect(retailMac(cardKey, hex('841E000004'), iv).toString('hex')).toBe('92d7297d')
  })

  it('gives the two-block vector', () => {
    expect(retailMac(cardKey, hex('841E000004AABBCCDDEE'), iv).toString('hex')).toBe('c9d7b89c')
  })
})

describe('keys', () => {
  it("diversifies a master key by a card's factor as OpenSSL computes both halves", () => {
    const key = diversify(cardKey, hex('1122334455667788'))
    expect(key.toString('hex')).toBe('8523c3706d94ea48640a48656a986207')
  })

  it('derives the load session key of the published example', () => {
    expect(loadSessionKey(cardKey, random, 0).toString('hex')).toBe('9b1d924e05595603')
  })

  it('derives the purchase session key of the published example', () => {
    expect(purchaseSessionKey(cardKey, random, 0, 1).toString('hex')).toBe('003238abc57659dd')
  })

  it('makes the TAC key by XORing the halves', () => {
    expect(tacKeyOf(hex('00112233445566778899AABBCCDDEEFF')).toString('hex')).toBe(
      '8888888888888888',
    )
  })
})

describe('purse MACs', () => {
  it('gives the published load MAC1 and MAC2', () => {
    const session = loadSessionKey(cardKey, random, 0)
    const fields = { amountFen: 0x1000, terminalId, at: { date: '20111221', time: '214822' } }
    // The example is an ED load (type 01); a purse load is 02.
    expect(loadMac1(session, 0, fields, 0x01).toString('hex')).toBe('2988ae5a')
    expect(loadMac2(session, fields, 0x01).toString('hex')).toBe('3a845bf0')
  })

  it('gives the published purchase MAC1 and MAC2', () => {
    const session = purchaseSessionKey(cardKey, random, 0, 1)
    const fields = {
      amountFen: 0x1000,
      terminalId,
      terminalSerial: 1,
      at: { date: '20120229', time: '135100' },
    }
    expect(purchaseMac1(session, fields).toString('hex')).toBe('f15cab75')
    expect(purchaseMac2(session, 0x1000).toString('hex')).toBe('56988a13')
  })
})

describe('fields', () => {
  it('packs and reads BCD, refusing odd lengths and non-digits', () => {
    expect(bcd('20120229').toString('hex')).toBe('20120229')
    expect(fromBcd(hex('001122334455'))).toBe('001122334455')
    expect(fromBcd(hex('0A'))).toBeNull()
    expect(() => bcd('123')).toThrow('even count')
  })

  it("writes a terminal's local date and time in China's zone", () => {
    const atMs = Date.UTC(2026, 11, 6, 16, 30, 5)
    expect(purseTimeOf(atMs, 8 * 3_600_000)).toEqual({ date: '20261207', time: '003005' })
  })
})
