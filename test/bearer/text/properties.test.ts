/**
 * properties.test.ts - fast-check properties: for random texts of GSM basic, GSM extension,
 * Latin non-GSM, Chinese, emoji and arbitrary Unicode characters, splitting then reassembling
 * the parts in a random order gives the original text, with UDH and with SAR; every part fits
 * one SM and ends on a whole character; and a cut text is a prefix plus "...".
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeText } from '../../../src/bearer/text/coding.js'
import type { SmsTextLimits } from '../../../src/bearer/text/limits.js'
import { smsTextLimits } from '../../../src/bearer/text/limits.js'
import type { ReassemblyPart } from '../../../src/bearer/text/reassembly.js'
import { concatInfo, Reassembler } from '../../../src/bearer/text/reassembly.js'
import { splitText, splitTextSar } from '../../../src/bearer/text/segment.js'

const gsmBasic = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà',
]
const gsmExtension = [...'\f^{}\\[~]|€']
const latinNotGsm = [...'çáíóúâêîôûãõ`']

const charArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...gsmBasic) },
  { weight: 3, arbitrary: fc.constantFrom(...gsmExtension) },
  { weight: 1, arbitrary: fc.constantFrom(...latinNotGsm) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0x4e00, max: 0x9fff }).map((code) => String.fromCodePoint(code)),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0x1f300, max: 0x1faff }).map((code) => String.fromCodePoint(code)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
)
// Pure-GSM texts exercise the septet path (one foreign character turns a text into UCS-2);
// size 'max' because fast-check otherwise keeps strings to a few characters, one SM.
const textArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...gsmBasic, ...gsmExtension), maxLength: 1200, size: 'max' }),
  fc.string({ unit: charArb, maxLength: 1200, size: 'max' }),
)
const unbounded: SmsTextLimits = { ...smsTextLimits, segmentPartsMax: 255, reassemblyPartsMax: 255 }
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const sender = '8613800000001'
const receiver = '10086'

function shuffle<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, index) => ({ item, key: keys[index % Math.max(1, keys.length)] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item)
}

function reassemble(parts: readonly ReassemblyPart[]): string | null {
  const reassembler = new Reassembler(unbounded)
  let text: string | null = null
  for (const part of parts) {
    const outcome = reassembler.add(part, 0)
    if (outcome.status === 'complete') text = outcome.message.text
  }
  return text
}

describe('split then reassemble', () => {
  it('gives back the original text with UDH parts in any order', () => {
    fc.assert(
      fc.property(
        textArb,
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 40 }),
        (text, reference, keys) => {
          const split = splitText(text, reference, unbounded)
          expect(split.truncated).toBe(false)
          if (!split.esmClassUdhi) {
            expect(split.parts).toHaveLength(1)
            expect(decodeText(split.dataCoding, split.parts[0] ?? Buffer.alloc(0)).text).toBe(text)
            return
          }
          const parts = split.parts.map((shortMessage) => {
            const info = concatInfo({ esmClass: 0x40, shortMessage })
            expect(info).not.toBeNull()
            return {
              ...(info as NonNullable<typeof info>),
              sender,
              receiver,
              dataCoding: split.dataCoding,
            }
          })
          expect(reassemble(shuffle(parts, keys))).toBe(text)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives back the original text with SAR parts in any order', () => {
    fc.assert(
      fc.property(
        textArb,
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 40 }),
        (text, reference, keys) => {
          const split = splitTextSar(text, reference, unbounded)
          const parts = split.parts.map(({ body, sar }) => {
            const info = concatInfo({
              esmClass: 0,
              shortMessage: body,
              sarMsgRefNum: sar?.sarMsgRefNum,
              sarTotalSegments: sar?.sarTotalSegments,
              sarSegmentSeqnum: sar?.sarSegmentSeqnum,
            })
            return info === null
              ? null
              : { ...info, sender, receiver, dataCoding: split.dataCoding }
          })
          if (parts.length === 1) {
            expect(parts[0]).toBeNull()
            expect(decodeText(split.dataCoding, split.parts[0]?.body ?? Buffer.alloc(0)).text).toBe(
              text,
            )
            return
          }
          expect(
            reassemble(
              shuffle(
                parts.filter((part) => part !== null),
                keys,
              ),
            ),
          ).toBe(text)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('every part', () => {
  it('fits one SM and ends on a whole character', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const split = splitText(text, 1)
        for (const part of split.parts) {
          const body = split.esmClassUdhi ? part.subarray(6) : part
          // Unpacked GSM: 160 septets alone, or a 6-octet UDH and 153 septets; UCS-2: 140 octets.
          expect(part.length).toBeLessThanOrEqual(
            split.dataCoding === 0x00 ? (split.esmClassUdhi ? 159 : 160) : 140,
          )
          // A cut surrogate pair leaves a lone surrogate; a cut escape pair leaves a trailing ESC.
          expect(decodeText(split.dataCoding, body).text).not.toMatch(loneSurrogate)
          if (split.dataCoding === 0x00) expect(body.at(-1)).not.toBe(0x1b)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('with the default bound, a cut text is a prefix of the original plus "..."', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: charArb, minLength: 600, maxLength: 2500, size: 'max' }),
        (text) => {
          const split = splitText(text, 1)
          const joined = decodeText(
            split.dataCoding,
            Buffer.concat(
              split.parts.map((part) => (split.esmClassUdhi ? part.subarray(6) : part)),
            ),
          ).text
          if (!split.truncated) {
            expect(joined).toBe(text)
            return
          }
          expect(split.parts).toHaveLength(smsTextLimits.segmentPartsMax)
          expect(joined.endsWith('...')).toBe(true)
          expect(text.startsWith(joined.slice(0, -3))).toBe(true)
        },
      ),
      { numRuns: 100 },
    )
  })
})
