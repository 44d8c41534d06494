/**
 * ascii-interop.test.ts - the ASCII dialect against a codec we did not write, the npm iso_8583
 * package (2.6.7, zemuldo/iso_8583): over random messages (random fields of the dialect, random
 * values of each field's content and length), every message our codec writes the package reads
 * to the same field values, and every message the package writes ours reads to the same values.
 * Where the package's defaults are not ISO 8583:1987's (fields 64 and 128 as 4 bytes, 53 as 48
 * bytes), it is given the 1987 formats, as its custom formats allow; field 55, bytes of a
 * variable length, it has no way to read (it reads them as text), so the property leaves it out.
 */
import fc from 'fast-check'
import Iso8583 from 'iso_8583'
import { describe, expect, it } from 'vitest'
import type { FieldValue } from '../../../src/bearer/iso8583/codec.js'
import { decodeMessage, encodeMessage } from '../../../src/bearer/iso8583/codec.js'
import { asciiDialect } from '../../../src/bearer/iso8583/dialects.js'
import type { FieldSpec } from '../../../src/bearer/iso8583/field-spec.js'
import { FrameReader, frameOf } from '../../../src/bearer/iso8583/framing.js'

const formats = {
  53: { ContentType: 'n', Label: 'Security control', LenType: 'fixed', MaxLen: 16 },
  64: { ContentType: 'b', Label: 'MAC', LenType: 'fixed', MaxLen: 16 },
  128: { ContentType: 'b', Label: 'MAC', LenType: 'fixed', MaxLen: 16 },
} as const

const mtis = [
  '0200',
  '0210',
  '0220',
  '0230',
  '0320',
  '0400',
  '0410',
  '0500',
  '0510',
  '0800',
  '0810',
]

function valuesOf(spec: FieldSpec): fc.Arbitrary<FieldValue> {
  const min = spec.lengthKind === 'fixed' ? spec.length : 1
  const max = spec.length
  const chars = (alphabet: string) =>
    // size 'max': lengths over the whole range, up to each field's maximum (999 for some).
    fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max, size: 'max' })
  switch (spec.type) {
    case 'n':
      return chars('0123456789')
    case 'z':
      return chars('0123456789=')
    case 'an':
      return chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')
    case 'ans':
      // The package's special characters leave out # and @, which ISO counts among them.
      return chars('ABCXYZabcxyz0189 -./:,*()')
    case 'b':
      return fc
        .uint8Array({ minLength: min, maxLength: max, size: 'max' })
        .map((bytes) => Buffer.from(bytes))
  }
}

/** Field 55 (ICC data) is bytes of a variable length, which the package reads as text. */
const fieldNumbers = Object.keys(asciiDialect.fields)
  .map(Number)
  .filter((field) => field !== 55)

const messages = fc.record({
  mti: fc.constantFrom(...mtis),
  fields: fc
    .subarray(fieldNumbers, { minLength: 1 })
    .chain((numbers) =>
      fc
        .tuple(...numbers.map((field) => valuesOf(asciiDialect.fields[field] as FieldSpec)))
        .map(
          (values) => new Map(numbers.map((field, index) => [field, values[index] as FieldValue])),
        ),
    ),
})

/** Field values as the package gives them: text as it is, bytes as lowercase hex. */
function asPackage(mti: string, fields: ReadonlyMap<number, FieldValue>): Record<string, string> {
  const values: Record<string, string> = { 0: mti }
  for (const [field, value] of fields)
    values[field] = Buffer.isBuffer(value) ? value.toString('hex') : value
  return values
}

describe('the ASCII dialect and the npm iso_8583 package', () => {
  it('the package reads what we write to the same values', () => {
    fc.assert(
      fc.property(messages, ({ mti, fields }) => {
        const bytes = frameOf(
          encodeMessage(
            { mti, fields, tpdu: Buffer.alloc(0), header: Buffer.alloc(0) },
            asciiDialect,
          ),
        )
        const read = new Iso8583(undefined, formats).getIsoJSON(bytes, {})
        expect(read).toEqual(asPackage(mti, fields))
      }),
      { numRuns: 300 },
    )
  })

  it('we read what the package writes to the same values', () => {
    fc.assert(
      fc.property(messages, ({ mti, fields }) => {
        const written = new Iso8583(asPackage(mti, fields), formats).getBufferMessage()
        if (!Buffer.isBuffer(written)) throw new Error(`the package refused: ${written.error}`)
        const [body, ...rest] = new FrameReader().push(written)
        expect(rest).toEqual([])
        const read = decodeMessage(body ?? Buffer.alloc(0), asciiDialect)
        expect(read.mti).toBe(mti)
        expect(asPackage(read.mti, read.fields)).toEqual(asPackage(mti, fields))
      }),
      { numRuns: 300 },
    )
  })
})
