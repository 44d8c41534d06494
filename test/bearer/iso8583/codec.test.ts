/**
 * codec.test.ts - what the codec refuses and how it frames: a value of the wrong content or
 * length, a field the dialect does not know, a TPDU missing, and on reading a message cut short
 * in any field, a length over its maximum, a BCD nibble that is no digit, a field set in the
 * bitmap that the dialect does not know, bytes after the last field; each error names its field.
 * A field above 64 brings the secondary bitmap; framing collects chunks into messages, skips a
 * keep-alive and refuses a length over its bound.
 */
import { describe, expect, it } from 'vitest'
import type { FieldValue, Iso8583Message } from '../../../src/bearer/iso8583/codec.js'
import { decodeMessage, encodeMessage, Iso8583Error } from '../../../src/bearer/iso8583/codec.js'
import { asciiDialect, cupDialect } from '../../../src/bearer/iso8583/dialects.js'
import { FrameError, FrameReader, frameOf } from '../../../src/bearer/iso8583/framing.js'

function message(fields: Record<number, FieldValue>, cup = false): Iso8583Message {
  return {
    mti: '0200',
    fields: new Map(Object.entries(fields).map(([field, value]) => [Number(field), value])),
    tpdu: cup ? Buffer.from('6000060000', 'hex') : Buffer.alloc(0),
    header: cup ? Buffer.from('603100311003', 'hex') : Buffer.alloc(0),
  }
}

const purchase = {
  2: '6212348613800138000',
  3: '000000',
  4: '000000002500',
  11: '000123',
  22: '071',
  41: 'POS10011',
  52: Buffer.from('0412AC89ABCDEF67', 'hex'),
}

/** The field an error names, or null when none was thrown. */
function failedAt(run: () => unknown): number | null {
  try {
    run()
    return null
  } catch (error) {
    if (error instanceof Iso8583Error) return error.field
    throw error
  }
}

describe('writing a message', () => {
  it('refuses content, lengths and fields its dialect does not allow, naming the field', () => {
    expect(failedAt(() => encodeMessage(message({ ...purchase, 3: '00000A' }), asciiDialect))).toBe(
      3,
    )
    expect(failedAt(() => encodeMessage(message({ ...purchase, 4: '2500' }), asciiDialect))).toBe(4)
    expect(
      failedAt(() => encodeMessage(message({ ...purchase, 2: '1'.repeat(20) }), asciiDialect)),
    ).toBe(2)
    expect(failedAt(() => encodeMessage(message({ ...purchase, 52: '0412' }), asciiDialect))).toBe(
      52,
    )
    expect(
      failedAt(() => encodeMessage(message({ ...purchase, 41: 'POS1001€' }), asciiDialect)),
    ).toBe(41)
    expect(failedAt(() => encodeMessage(message({ ...purchase, 59: 'x' }), asciiDialect))).toBe(59)
    expect(failedAt(() => encodeMessage(message(purchase), cupDialect))).toBe(-1)
    expect(failedAt(() => encodeMessage({ ...message(purchase), mti: '200' }, asciiDialect))).toBe(
      0,
    )
  })

  it('adds the secondary bitmap only for a field above 64', () => {
    const primary = encodeMessage(message(purchase), asciiDialect)
    expect(primary.subarray(4, 12).toString('hex')).toBe('7020040000801000')
    const withMac = encodeMessage(message({ ...purchase, 128: Buffer.alloc(8, 1) }), asciiDialect)
    expect(withMac.subarray(4, 20).toString('hex')).toBe('f0200400008010000000000000000001')
    expect(decodeMessage(withMac, asciiDialect).fields.get(128)).toEqual(Buffer.alloc(8, 1))
  })
})

describe('reading a message', () => {
  const ascii = encodeMessage(message(purchase), asciiDialect)
  const cup = encodeMessage(message(purchase, true), cupDialect)

  it('reads back what it wrote in both dialects', () => {
    for (const [bytes, dialect] of [
      [ascii, asciiDialect],
      [cup, cupDialect],
    ] as const)
      expect(Object.fromEntries(decodeMessage(bytes, dialect).fields)).toEqual(purchase)
  })

  it('refuses a message cut short anywhere, naming where', () => {
    for (let length = 0; length < ascii.length; length += 1)
      expect(failedAt(() => decodeMessage(ascii.subarray(0, length), asciiDialect))).not.toBeNull()
    for (let length = 0; length < cup.length; length += 1)
      expect(failedAt(() => decodeMessage(cup.subarray(0, length), cupDialect))).not.toBeNull()
    // Cut inside field 41, the terminal id: the last field before the PIN block.
    expect(failedAt(() => decodeMessage(ascii.subarray(0, ascii.length - 10), asciiDialect))).toBe(
      41,
    )
  })

  it('refuses bad lengths, nibbles, unknown fields and trailing bytes', () => {
    // Field 2's LL says 20: over 19.
    const long = Buffer.from(ascii)
    long.write('20', 12, 'latin1')
    expect(failedAt(() => decodeMessage(long, asciiDialect))).toBe(2)
    // A nibble A in field 3 (CUP: BCD after the 11 header bytes, MTI, bitmap and field 2).
    const badNibble = Buffer.from(cup)
    badNibble[11 + 2 + 8 + 11] = 0x0a
    expect(failedAt(() => decodeMessage(badNibble, cupDialect))).toBe(3)
    // Bit 59 set: not a field of the ASCII dialect.
    const unknown = Buffer.from(ascii)
    unknown[4 + 7] = (unknown[4 + 7] ?? 0) | 0x20
    expect(failedAt(() => decodeMessage(unknown, asciiDialect))).toBe(59)
    expect(failedAt(() => decodeMessage(Buffer.concat([ascii, Buffer.of(0)]), asciiDialect))).toBe(
      -1,
    )
  })
})

describe('framing', () => {
  it('collects chunks into messages and skips a keep-alive', () => {
    const reader = new FrameReader()
    const two = Buffer.concat([
      frameOf(Buffer.from('ab')),
      Buffer.alloc(2),
      frameOf(Buffer.from('cde')),
    ])
    expect(reader.push(two.subarray(0, 3))).toEqual([])
    expect(reader.partialBytes).toBe(3)
    expect(reader.push(two.subarray(3)).map(String)).toEqual(['ab', 'cde'])
    expect(reader.partialBytes).toBe(0)
  })

  it('frames the largest message each dialect can carry: every field at its maximum', () => {
    for (const dialect of [asciiDialect, cupDialect]) {
      const fields = new Map<number, FieldValue>()
      for (const [field, spec] of Object.entries(dialect.fields))
        fields.set(
          Number(field),
          spec.type === 'b' ? Buffer.alloc(spec.length, 0xa5) : '1'.repeat(spec.length),
        )
      const largest = encodeMessage(
        {
          mti: '0200',
          fields,
          tpdu: Buffer.alloc(dialect.tpduBytes),
          header: Buffer.alloc(dialect.headerBytes),
        },
        dialect,
      )
      const [read] = new FrameReader().push(frameOf(largest))
      expect(read?.length).toBe(largest.length)
    }
  })

  it('refuses a length over its bound, and will not write one', () => {
    expect(() => new FrameReader().push(Buffer.from('ffff', 'hex'))).toThrow(FrameError)
    expect(() => frameOf(Buffer.alloc(9_000))).toThrow(FrameError)
  })
})
