/**
 * cup-capture.test.ts - the CUP dialect against a purchase captured from a real POS terminal and
 * published with its field-by-field reading: "POS调试8583报文-消费", codetd.com article 5053461
 * (from blog.csdn.net/MaxWoods/article/details/86490475). Decoded, every field is the one the
 * article reads (its field 22 "0710" is the three digits 071 left-aligned, its field 23 "0000"
 * the three digits 000 right-aligned); encoded again, the bytes are the captured bytes.
 */
import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from '../../../src/bearer/iso8583/codec.js'
import { cupDialect } from '../../../src/bearer/iso8583/dialects.js'
import { FrameReader, frameOf } from '../../../src/bearer/iso8583/framing.js'

const captured = Buffer.from(
  `01 AA 60 00 06 00 00 60 31 00 31 10 03 02 00 70 24 06 C0 20 C1 9A 31 16 62 24 24 29 00
   00 01 13 00 00 00 00 00 00 00 00 01 00 04 03 28 06 07 10 00 00 00 12 34 62 24 24 29 00
   00 01 13 D2 80 62 01 39 49 03 10 13 31 30 30 30 30 30 31 39 38 35 30 31 30 30 30 38 32
   34 31 30 30 30 32 00 01 00 31 35 36 D1 EE F4 19 D0 AE 26 09 26 00 00 00 00 00 00 00 01
   39 9F 26 08 95 BB E3 72 27 1D DA 7C 9F 27 01 80 9F 10 13 07 01 01 03 A0 00 00 01 0A 01
   00 00 00 00 00 ED 53 8F E4 9F 37 04 7F 9F 34 9E 9F 36 02 01 57 95 05 00 00 00 00 00 9A
   03 19 08 30 9C 01 00 9F 02 06 00 00 00 00 00 01 5F 2A 02 01 56 82 02 7C 00 9F 1A 02 01
   56 9F 03 06 00 00 00 00 00 00 9F 33 03 E0 E1 C8 9F 35 01 22 9F 1E 08 31 30 30 30 30 30
   31 39 84 08 A0 00 00 03 33 01 01 02 9F 09 02 00 8C 9F 41 04 00 00 04 03 01 53 31 32 32
   30 38 39 38 36 30 36 31 37 30 38 30 30 30 32 35 38 33 39 39 33 31 33 31 31 48 46 54 31
   37 30 38 30 33 30 31 31 34 31 34 32 30 31 39 30 38 33 30 30 39 33 34 33 35 31 35 30 32
   30 30 31 37 32 32 42 44 33 30 2E 36 32 31 35 35 35 2C 31 31 34 2E 33 36 31 39 35 34 41
   32 36 30 30 31 30 32 30 32 30 32 31 36 30 30 30 30 32 39 30 32 31 30 30 31 35 37 30 38
   30 33 30 36 30 30 30 31 31 33 30 34 30 38 30 34 32 34 37 32 39 32 30 35 30 38 48 37 30
   36 32 38 30 31 00 14 22 00 00 24 00 06 00 38 46 36 35 31 42 32 36`.replace(/\s+/g, ''),
  'hex',
)

describe('the CUP dialect', () => {
  it('reads a captured purchase field by field as its publisher read it', () => {
    const [body, ...more] = new FrameReader().push(captured)
    expect(more).toEqual([])
    const message = decodeMessage(body ?? Buffer.alloc(0), cupDialect)
    expect(message.mti).toBe('0200')
    expect(message.tpdu.toString('hex')).toBe('6000060000')
    expect(message.header.toString('hex')).toBe('603100311003')
    // The article reads the bitmap 702406C020C19A31 as these fields.
    expect([...message.fields.keys()]).toEqual([
      2, 3, 4, 11, 14, 22, 23, 25, 26, 35, 41, 42, 48, 49, 52, 53, 55, 59, 60, 64,
    ])
    expect(
      Object.fromEntries([...message.fields].filter(([, v]) => typeof v === 'string')),
    ).toMatchObject({
      2: '6224242900000113',
      3: '000000',
      4: '000000000001',
      11: '000403',
      14: '2806',
      22: '071',
      23: '000',
      25: '00',
      26: '12',
      35: '6224242900000113D28062013949031013',
      41: '10000019',
      42: '850100082410002',
      49: '156',
      53: '2600000000000000',
      // 60.1 22 a purchase, 60.2 batch 000024.
      60: '22000024000600',
    })
    expect((message.fields.get(52) as Buffer).toString('hex')).toBe('d1eef419d0ae2609')
    // Field 55: 139 bytes of the card's EMV data, a TLV list starting with the cryptogram.
    const icc = message.fields.get(55) as Buffer
    expect(icc).toHaveLength(139)
    expect(icc.subarray(0, 3).toString('hex')).toBe('9f2608')
    expect((message.fields.get(59) as string).length).toBe(153)
    expect((message.fields.get(64) as Buffer).toString('hex')).toBe('3846363531423236')
  })

  it('writes the same message back to the same bytes', () => {
    const [body] = new FrameReader().push(captured)
    const message = decodeMessage(body ?? Buffer.alloc(0), cupDialect)
    expect(frameOf(encodeMessage(message, cupDialect)).toString('hex')).toBe(
      captured.toString('hex'),
    )
  })
})
