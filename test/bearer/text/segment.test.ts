/**
 * segment.test.ts - splitting replies into SMS parts: single-message bounds (160 / 70), part
 * bounds (153 / 67), escape pairs and surrogate pairs never cut, the UDH bytes, the bound on
 * parts with the "..." cut, and the SAR variant.
 */
import { describe, expect, it } from 'vitest'
import { decodeText } from '../../../src/bearer/text/coding.js'
import { smsTextLimits } from '../../../src/bearer/text/limits.js'
import { splitText, splitTextSar } from '../../../src/bearer/text/segment.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const bodyOf = (part: Buffer): Buffer => part.subarray(6)
const joinedText = (split: ReturnType<typeof splitText>): string =>
  decodeText(
    split.dataCoding,
    Buffer.concat(split.parts.map((part) => (split.esmClassUdhi ? bodyOf(part) : part))),
  ).text

describe('single message or parts', () => {
  it.each([
    ['160 GSM characters fit one SM', 'a'.repeat(160), 0x00, [160]],
    ['161 GSM characters need two parts', 'a'.repeat(161), 0x00, [153, 8]],
    ['159 + an extension character is 161 septets', `${'a'.repeat(159)}€`, 0x00, [153, 8]],
    ['158 + an extension character is 160 septets', `${'a'.repeat(158)}€`, 0x00, [160]],
    ['70 UCS-2 units fit one SM', '你'.repeat(70), 0x08, [140]],
    ['71 UCS-2 units need two parts', '你'.repeat(71), 0x08, [134, 8]],
    ['68 Chinese + one emoji is 70 units', `${'你'.repeat(68)}😀`, 0x08, [140]],
    ['69 Chinese + one emoji is 71 units', `${'你'.repeat(69)}😀`, 0x08, [134, 8]],
    [
      '66 Chinese + emoji + 5 Chinese: the emoji would straddle unit 67',
      `${'你'.repeat(66)}😀${'你'.repeat(5)}`,
      0x08,
      [132, 14],
    ],
    ['306 GSM characters are exactly two parts', 'a'.repeat(306), 0x00, [153, 153]],
    ['307 GSM characters need three parts', 'a'.repeat(307), 0x00, [153, 153, 1]],
    ['the empty text is one empty SM', '', 0x00, [0]],
  ])('%s', (_name, text, dataCoding, bodyLengths) => {
    const split = splitText(text, 7)
    expect(split.dataCoding).toBe(dataCoding)
    expect(split.esmClassUdhi).toBe(bodyLengths.length > 1)
    expect(split.truncated).toBe(false)
    const bodies = split.esmClassUdhi ? split.parts.map(bodyOf) : split.parts
    expect(bodies.map((body) => body.length)).toEqual(bodyLengths)
    expect(joinedText(split)).toBe(text)
  })
})

describe('the UDH', () => {
  it('is 05 00 03 ref total seq on every part, bytes exact', () => {
    const split = splitText('x'.repeat(400), 0xab)
    expect(split.parts.map((part) => hex(part.subarray(0, 6)))).toEqual([
      '050003ab0301',
      '050003ab0302',
      '050003ab0303',
    ])
    expect(split.parts.map((part) => part.length)).toEqual([159, 159, 100])
  })

  it('carries references 0 and 255', () => {
    expect(hex(splitText('x'.repeat(200), 0).parts[0]?.subarray(0, 6) ?? Buffer.alloc(0))).toBe(
      '050003000201',
    )
    expect(hex(splitText('x'.repeat(200), 255).parts[1]?.subarray(0, 6) ?? Buffer.alloc(0))).toBe(
      '050003ff0202',
    )
  })

  it.each([-1, 256, 1.5, Number.NaN])('refuses reference %d as a programmer error', (reference) => {
    expect(() => splitText('hi', reference)).toThrow(/reference/)
  })
})

describe('characters are never cut', () => {
  it('an escape pair straddling septet 153 moves whole to the next part (152 septets)', () => {
    const split = splitText(`${'a'.repeat(152)}€${'b'.repeat(10)}`, 1)
    const bodies = split.parts.map(bodyOf)
    expect(bodies.map((body) => body.length)).toEqual([152, 12])
    expect(hex(bodies[1]?.subarray(0, 2) ?? Buffer.alloc(0))).toBe('1b65')
    expect(bodies[0]?.at(-1)).toBe(0x61)
  })

  it('an escape pair ending exactly at septet 153 stays in the first part', () => {
    const split = splitText(`${'a'.repeat(151)}{${'b'.repeat(10)}`, 1)
    const bodies = split.parts.map(bodyOf)
    expect(bodies.map((body) => body.length)).toEqual([153, 10])
    expect(hex(bodies[0]?.subarray(151) ?? Buffer.alloc(0))).toBe('1b28')
  })

  it('a surrogate pair straddling unit 67 moves whole to the next part (66 units)', () => {
    const split = splitText(`${'你'.repeat(66)}😀${'好'.repeat(10)}`, 1)
    const bodies = split.parts.map(bodyOf)
    expect(bodies.map((body) => body.length)).toEqual([132, 24])
    expect(hex(bodies[1]?.subarray(0, 4) ?? Buffer.alloc(0))).toBe('d83dde00')
  })

  it('no part of an emoji-only text ends in a high surrogate', () => {
    const split = splitText('😀🎉👍'.repeat(40), 3)
    const bodies = split.parts.map(bodyOf)
    expect(bodies.map((body) => body.length)).toEqual([132, 132, 132, 84])
    for (const body of bodies) {
      const lastUnit = body.readUInt16BE(body.length - 2)
      expect(lastUnit >= 0xd800 && lastUnit <= 0xdbff).toBe(false)
    }
  })
})

describe('the bound on parts', () => {
  it('cuts a text longer than segmentPartsMax parts and ends it in "..."', () => {
    const text = 'a'.repeat(153 * smsTextLimits.segmentPartsMax + 1)
    const split = splitText(text, 9)
    expect(split.truncated).toBe(true)
    expect(split.parts).toHaveLength(smsTextLimits.segmentPartsMax)
    expect(split.parts.every((part) => part[4] === smsTextLimits.segmentPartsMax)).toBe(true)
    const joined = joinedText(split)
    expect(joined).toBe(`${'a'.repeat(153 * smsTextLimits.segmentPartsMax - 3)}...`)
  })

  it('does not cut a UCS-2 text that fills the parts exactly', () => {
    const split = splitText('你'.repeat(67 * smsTextLimits.segmentPartsMax), 9)
    expect(split.truncated).toBe(false)
    expect(split.parts).toHaveLength(smsTextLimits.segmentPartsMax)
  })

  it('cuts a UCS-2 text without leaving half an emoji before "..."', () => {
    const text = '😀'.repeat(400)
    const split = splitText(text, 9)
    expect(split.truncated).toBe(true)
    const joined = joinedText(split)
    expect(joined.endsWith('...')).toBe(true)
    expect(text.startsWith(joined.slice(0, -3))).toBe(true)
    expect(joined.slice(0, -3).length % 2).toBe(0)
  })

  it('with a one-part bound sends a single cut SM without UDH', () => {
    const split = splitText('b'.repeat(500), 9, { ...smsTextLimits, segmentPartsMax: 1 })
    expect(split).toMatchObject({ esmClassUdhi: false, truncated: true })
    expect(split.parts).toHaveLength(1)
    expect(joinedText(split)).toBe(`${'b'.repeat(157)}...`)
  })
})

describe('splitTextSar', () => {
  it('gives bodies without UDH plus the SAR values', () => {
    const split = splitTextSar(`${'a'.repeat(152)}€${'b'.repeat(10)}`, 0x1234)
    expect(split.dataCoding).toBe(0x00)
    expect(split.parts.map((part) => part.body.length)).toEqual([152, 12])
    expect(split.parts.map((part) => part.sar)).toEqual([
      { sarMsgRefNum: 0x1234, sarTotalSegments: 2, sarSegmentSeqnum: 1 },
      { sarMsgRefNum: 0x1234, sarTotalSegments: 2, sarSegmentSeqnum: 2 },
    ])
  })

  it('sends no SAR values when one SM suffices', () => {
    const split = splitTextSar('你好', 1)
    expect(split.parts).toEqual([{ body: Buffer.from('4f60597d', 'hex'), sar: null }])
  })

  it.each([-1, 65536])('refuses sar_msg_ref_num %d', (reference) => {
    expect(() => splitTextSar('hi', reference)).toThrow(/reference/)
  })
})
