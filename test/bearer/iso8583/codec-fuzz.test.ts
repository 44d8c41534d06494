/**
 * codec-fuzz.test.ts - hostile bytes against the decoder: 100,000 messages made from valid ones
 * in both dialects by flipping bytes, cutting, growing, rewriting lengths and bitmaps, or made of
 * random bytes outright. Each is read or refused with an Iso8583Error naming where it broke;
 * nothing else is thrown, and what is read is written again to a message that reads the same.
 * The framing reader takes the same bytes in random chunks and gives whole messages or a
 * FrameError, never more bytes than it was given.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Iso8583Message } from '../../../src/bearer/iso8583/codec.js'
import { decodeMessage, encodeMessage, Iso8583Error } from '../../../src/bearer/iso8583/codec.js'
import { asciiDialect, cupDialect } from '../../../src/bearer/iso8583/dialects.js'
import type { Dialect } from '../../../src/bearer/iso8583/field-spec.js'
import { FrameError, FrameReader } from '../../../src/bearer/iso8583/framing.js'

function seed(dialect: Dialect): Buffer {
  const cup = dialect === cupDialect
  const message: Iso8583Message = {
    mti: '0200',
    fields: new Map<number, string | Buffer>([
      [2, '6210086138001380005'],
      [3, '000000'],
      [4, '000000002500'],
      [11, '000123'],
      [22, '071'],
      [25, '00'],
      [35, '6210086138001380005D2812'],
      [41, 'POS10011'],
      [42, '100100000011   '],
      [49, '156'],
      [52, Buffer.from('0412AC89ABCDEF67', 'hex')],
      [60, '22000001'],
      [64, Buffer.alloc(8, 0x5a)],
      // The ASCII dialect's second MAC: a secondary bitmap to break too.
      ...(cup ? [] : ([[128, Buffer.alloc(8, 0x3c)]] as const)),
    ]),
    tpdu: cup ? Buffer.from('6000060000', 'hex') : Buffer.alloc(0),
    header: cup ? Buffer.from('603100311003', 'hex') : Buffer.alloc(0),
  }
  return encodeMessage(message, dialect)
}

/** A hostile variant of `bytes`, whose bitmaps (`bitmapBytes` of them) start at `bitmapAt`. */
const mutations = (bytes: Buffer, bitmapAt: number, bitmapBytes: number) =>
  fc.oneof(
    // Flip up to eight bytes anywhere (lengths, bitmaps, nibbles, text).
    fc
      .array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((flips) => {
        const copy = Buffer.from(bytes)
        for (const [at, xor] of flips) copy[at] = (copy[at] ?? 0) ^ xor
        return copy
      }),
    // Cut short, or grown with garbage.
    fc.nat(bytes.length).map((length) => bytes.subarray(0, length)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => Buffer.concat([bytes, tail])),
    // Every bitmap bit at random.
    fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bitmap) => {
      const copy = Buffer.from(bytes)
      Buffer.from(bitmap).copy(copy, bitmapAt, 0, bitmapBytes)
      return copy
    }),
    // Random bytes.
    fc.uint8Array({ maxLength: 600 }).map((random) => Buffer.from(random)),
  )

const seedAscii = seed(asciiDialect)
const seedCup = seed(cupDialect)

function readOrRefuse(bytes: Buffer, dialect: Dialect): void {
  let message: Iso8583Message
  try {
    message = decodeMessage(bytes, dialect)
  } catch (error) {
    if (error instanceof Iso8583Error) return
    throw error
  }
  // What was read is a message: written again, it reads the same.
  const again = decodeMessage(encodeMessage(message, dialect), dialect)
  expect(again.mti).toBe(message.mti)
  expect(Object.fromEntries(again.fields)).toEqual(Object.fromEntries(message.fields))
}

describe('hostile bytes', () => {
  it('are read or refused with an Iso8583Error, 50,000 in each dialect', () => {
    // The bitmap follows the MTI: 4 characters; in CUP 2 bytes after the TPDU and header.
    for (const [bytes, dialect, bitmapAt, bitmapBytes] of [
      [seedAscii, asciiDialect, 4, 16],
      [seedCup, cupDialect, 13, 8],
    ] as const)
      fc.assert(
        fc.property(mutations(bytes, bitmapAt, bitmapBytes), (hostile) =>
          readOrRefuse(hostile, dialect),
        ),
        { numRuns: 50_000 },
      )
  })

  it('in random chunks give the framing reader whole messages or a FrameError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2_000 }),
        fc.array(fc.nat(2_000), { maxLength: 10 }),
        (stream, cuts) => {
          const reader = new FrameReader()
          const bytes = Buffer.from(stream)
          const points = [
            ...new Set([0, ...cuts.filter((cut) => cut < bytes.length), bytes.length]),
          ]
          points.sort((a, b) => a - b)
          let given = 0
          let taken = 0
          try {
            for (let index = 1; index < points.length; index += 1) {
              const chunk = bytes.subarray(points[index - 1], points[index])
              given += chunk.length
              for (const message of reader.push(chunk)) taken += message.length + 2
            }
          } catch (error) {
            if (error instanceof FrameError) return
            throw error
          }
          expect(taken + reader.partialBytes).toBeLessThanOrEqual(given)
        },
      ),
      { numRuns: 2_000 },
    )
  })
})
