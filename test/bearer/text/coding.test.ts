/**
 * coding.test.ts - data_coding choice on the way out (GSM-7 or UCS-2, always explicit) and
 * decoding of every data_coding a peer may send, including GSM DCS class groups and values we
 * do not understand.
 */
import { describe, expect, it } from 'vitest'
import { alphabetOf, decodeText, encodeText } from '../../../src/bearer/text/coding.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

describe('encodeText', () => {
  it.each([
    ['BAL', 0x00, '42414c'],
    ['PAY 1001 @shop_x $5', 0x00, '5041592031303031200073686f701178200235'],
    ['{€}', 0x00, '1b281b651b29'],
    ['你好', 0x08, '4f60597d'],
    ['余额 12.50', 0x08, '4f59989d002000310032002e00350030'],
    ['😀', 0x08, 'd83dde00'],
    ['ç', 0x08, '00e7'],
    ['', 0x00, ''],
  ])('%j -> data_coding %i bytes %s', (text, dataCoding, bytes) => {
    const encoded = encodeText(text)
    expect(encoded.dataCoding).toBe(dataCoding)
    expect(hex(encoded.bytes)).toBe(bytes)
    expect(decodeText(encoded.dataCoding, encoded.bytes).text).toBe(text)
  })

  it('answers a Chinese MO in Chinese: decode UCS-2, reply encodes back to UCS-2', () => {
    const mo = decodeText(0x08, Buffer.from('67e58be24f59989d', 'hex'))
    expect(mo).toMatchObject({ text: '查询余额', alphabet: 'ucs2', known: true })
    const reply = encodeText(`${mo.text}: 100.00 元`)
    expect(reply.dataCoding).toBe(0x08)
    expect(decodeText(reply.dataCoding, reply.bytes).text).toBe('查询余额: 100.00 元')
  })
})

describe('decodeText', () => {
  it.each([
    ['0x00 GSM-7 unpacked', 0x00, '00021124', '@$_¤', 'gsm7'],
    ['0x01 IA5 is ASCII', 0x01, '40245f7b', '@$_{', 'ascii'],
    ['0x01 octets above 0x7F are replaced', 0x01, '41e9', 'A\uFFFD', 'ascii'],
    ['0x03 Latin-1', 0x03, '6e61ef7665', 'naïve', 'latin1'],
    ['0x08 UCS-2 with a surrogate pair', 0x08, '4f60d83dde00', '你😀', 'ucs2'],
    ['0x08 an odd trailing octet is replaced', 0x08, '004100', 'A\uFFFD', 'ucs2'],
    [
      '0x02 binary keeps every octet as Latin-1',
      0x02,
      '00ff7f80',
      '\u0000\u00ff\u007f\u0080',
      'binary',
    ],
    ['0x04 binary', 0x04, 'c0de', '\u00c0\u00de', 'binary'],
    ['0x10 GSM class 0 (flash)', 0x10, '48690011', 'Hi@_', 'gsm7'],
    ['0x11 GSM class 1', 0x11, '4869', 'Hi', 'gsm7'],
    ['0x18 UCS-2 class 0', 0x18, '4f60', '你', 'ucs2'],
    ['0x19 UCS-2 class 1', 0x19, '4f60', '你', 'ucs2'],
    ['0x15 8-bit class 1', 0x15, 'ff', '\u00ff', 'binary'],
    ['0x48 automatic deletion UCS-2', 0x48, '4f60', '你', 'ucs2'],
    ['0xF0 GSM class 0', 0xf0, '00', '@', 'gsm7'],
    ['0xF1 GSM class 1', 0xf1, '02', '$', 'gsm7'],
    ['0xF4 8-bit class 0', 0xf4, '41', 'A', 'binary'],
    ['0xF6 8-bit class 2 (SIM data)', 0xf6, '41', 'A', 'binary'],
    ['0xC0 MWI discard, GSM', 0xc0, '11', '_', 'gsm7'],
    ['0xD8 MWI store, GSM', 0xd8, '11', '_', 'gsm7'],
    ['0xE0 MWI store, UCS-2', 0xe0, '4f60', '你', 'ucs2'],
  ])('%s', (_name, dataCoding, bytes, text, alphabet) => {
    expect(decodeText(dataCoding, Buffer.from(bytes, 'hex'))).toMatchObject({
      text,
      alphabet,
      known: true,
    })
  })

  it.each([
    ['0x05 JIS', 0x05],
    ['0x06 Cyrillic', 0x06],
    ['0x07 Hebrew', 0x07],
    ['0x09 pictogram', 0x09],
    ['0x0E KS C 5601', 0x0e],
    ['0x1C reserved alphabet', 0x1c],
    ['0x24 compressed', 0x24],
    ['0x80 reserved group', 0x80],
    ['0xBF reserved group', 0xbf],
  ])('%s is read as GSM-7 and flagged unknown', (_name, dataCoding) => {
    expect(decodeText(dataCoding, Buffer.from('4100', 'hex'))).toMatchObject({
      text: 'A@',
      alphabet: 'gsm7',
      known: false,
    })
  })

  it('reads data_coding 0 as ASCII or Latin-1 on links configured so', () => {
    expect(
      decodeText(0x00, Buffer.from('40245f', 'hex'), { smscDefaultAlphabet: 'ascii' }).text,
    ).toBe('@$_')
    expect(decodeText(0x00, Buffer.from('e9', 'hex'), { smscDefaultAlphabet: 'latin1' }).text).toBe(
      'é',
    )
  })

  it('reports the GSM message class when the DCS carries one', () => {
    expect(alphabetOf(0x10).messageClass).toBe(0)
    expect(alphabetOf(0x1b).messageClass).toBe(3)
    expect(alphabetOf(0xf2).messageClass).toBe(2)
    expect(alphabetOf(0x00).messageClass).toBeNull()
    expect(alphabetOf(0x40).messageClass).toBeNull()
  })
})
