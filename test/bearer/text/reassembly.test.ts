/**
 * reassembly.test.ts - finding concatenation data in a deliver_sm (UDH 8/16-bit, among other
 * IEs, SAR TLVs, message_payload) and joining long MOs: any order, duplicates, missing parts
 * with expiry, the pending bound, parts in different codings and sloppy cuts.
 */
import { describe, expect, it } from 'vitest'
import { smsTextLimits } from '../../../src/bearer/text/limits.js'
import type { ReassemblyPart } from '../../../src/bearer/text/reassembly.js'
import { concatInfo, Reassembler, userDataOf } from '../../../src/bearer/text/reassembly.js'
import { splitText } from '../../../src/bearer/text/segment.js'

const sender = '8613800000001'
const receiver = '10086'
const timeoutMs = smsTextLimits.reassemblyTimeoutMs

function partsOf(text: string, reference: number, from = sender): ReassemblyPart[] {
  const split = splitText(text, reference)
  expect(split.esmClassUdhi).toBe(true)
  return split.parts.map((shortMessage) => {
    const info = concatInfo({ esmClass: 0x40, shortMessage })
    if (info === null) throw new Error('test setup: a part without concatenation data')
    return { ...info, sender: from, receiver, dataCoding: split.dataCoding }
  })
}

function rawPart(
  ref: number,
  total: number,
  seq: number,
  dataCoding: number,
  bodyHex: string,
): ReassemblyPart {
  return {
    ref,
    total,
    seq,
    body: Buffer.from(bodyHex, 'hex'),
    scheme: 'udh8',
    sender,
    receiver,
    dataCoding,
  }
}

function feed(reassembler: Reassembler, parts: readonly ReassemblyPart[], nowMs = 0) {
  return parts.map((part) => reassembler.add(part, nowMs))
}

describe('concatInfo', () => {
  it.each([
    [
      'UDH IEI 0x00, 8-bit reference',
      0x40,
      '0500032a0302414243',
      { ref: 0x2a, total: 3, seq: 2, scheme: 'udh8', body: '414243' },
    ],
    [
      'UDH IEI 0x08, 16-bit reference',
      0x40,
      '060804beef0201ff',
      { ref: 0xbeef, total: 2, seq: 1, scheme: 'udh16', body: 'ff' },
    ],
    [
      'after a port-addressing IE',
      0x40,
      '0b05040b8423f00003070201cafe',
      { ref: 7, total: 2, seq: 1, scheme: 'udh8', body: 'cafe' },
    ],
    [
      'before another IE',
      0x43,
      '0900030902020a020000aa',
      { ref: 9, total: 2, seq: 2, scheme: 'udh8', body: 'aa' },
    ],
    [
      'with UDHI among other esm_class bits',
      0xc3,
      '050003010101',
      { ref: 1, total: 1, seq: 1, scheme: 'udh8', body: '' },
    ],
  ])('%s', (_name, esmClass, shortMessage, expected) => {
    const info = concatInfo({ esmClass, shortMessage: Buffer.from(shortMessage, 'hex') })
    expect(info && { ...info, body: info.body.toString('hex') }).toEqual(expected)
  })

  it.each([
    ['no UDHI', 0x00, '0500032a0302414243'],
    ['UDHI without a concatenation IE', 0x40, '06050400000000' + '41'],
    ['seq 0', 0x40, '0500032a020041'],
    ['seq above total', 0x40, '0500032a020341'],
    ['total 0', 0x40, '0500032a000041'],
    ['IEI 0x00 with a wrong length', 0x40, '0600040102030441'],
    ['a UDH longer than the message', 0x40, '0a000301020341'],
    ['an IE overrunning its UDH', 0x40, '040003010241'],
    ['an empty message with UDHI', 0x40, ''],
  ])('is null for %s', (_name, esmClass, shortMessage) => {
    expect(concatInfo({ esmClass, shortMessage: Buffer.from(shortMessage, 'hex') })).toBeNull()
  })

  it('reads SAR TLVs when there is no UDH', () => {
    const info = concatInfo({
      esmClass: 0,
      shortMessage: Buffer.from('4869', 'hex'),
      sarMsgRefNum: 513,
      sarTotalSegments: 3,
      sarSegmentSeqnum: 3,
    })
    expect(info).toMatchObject({
      ref: 513,
      total: 3,
      seq: 3,
      scheme: 'sar',
      body: Buffer.from('4869', 'hex'),
    })
  })

  it('ignores incomplete or invalid SAR TLVs', () => {
    const shortMessage = Buffer.from('4869', 'hex')
    expect(
      concatInfo({ esmClass: 0, shortMessage, sarMsgRefNum: 1, sarTotalSegments: 2 }),
    ).toBeNull()
    expect(
      concatInfo({
        esmClass: 0,
        shortMessage,
        sarMsgRefNum: 1,
        sarTotalSegments: 2,
        sarSegmentSeqnum: 3,
      }),
    ).toBeNull()
    expect(
      concatInfo({
        esmClass: 0,
        shortMessage,
        sarMsgRefNum: 70000,
        sarTotalSegments: 2,
        sarSegmentSeqnum: 1,
      }),
    ).toBeNull()
  })

  it('reads message_payload instead of an empty short_message', () => {
    const info = concatInfo({
      esmClass: 0x40,
      shortMessage: Buffer.alloc(0),
      messagePayload: Buffer.from('050003050201616263', 'hex'),
    })
    expect(info).toMatchObject({ ref: 5, total: 2, seq: 1, body: Buffer.from('616263', 'hex') })
  })
})

describe('userDataOf', () => {
  it('strips a UDH that carries no concatenation and lists its IEs', () => {
    const userData = userDataOf({
      esmClass: 0x40,
      shortMessage: Buffer.from('0605040b8423f0414243', 'hex'),
    })
    expect(userData.udhMalformed).toBe(false)
    expect(userData.body.toString('hex')).toBe('414243')
    expect(userData.elements.map((element) => [element.iei, element.data.toString('hex')])).toEqual(
      [[0x05, '0b8423f0']],
    )
  })

  it('keeps the whole user data and says so when the UDH is malformed', () => {
    const userData = userDataOf({ esmClass: 0x40, shortMessage: Buffer.from('ff4142', 'hex') })
    expect(userData).toMatchObject({ udhMalformed: true, elements: [] })
    expect(userData.body.toString('hex')).toBe('ff4142')
  })

  it('is the whole short_message without UDHI', () => {
    expect(
      userDataOf({ esmClass: 0, shortMessage: Buffer.from('050003', 'hex') }).body.toString('hex'),
    ).toBe('050003')
  })
})

const longGsm = `PAY 1001 25.00 @shop_x {ref} ${'0123456789'.repeat(40)} end`
const longChinese = `查询余额 😀 ${'转账给朋友'.repeat(40)} 完`

describe('Reassembler: parts in any order', () => {
  it.each([
    ['in order', (n: number) => [...Array(n).keys()]],
    ['in reverse', (n: number) => [...Array(n).keys()].reverse()],
    [
      'shuffled (middle, last, first...)',
      (n: number) => [1, n - 1, 0, ...[...Array(n).keys()].slice(2, n - 1)],
    ],
  ])('joins a GSM and a Chinese message whose parts come %s', (_name, order) => {
    for (const text of [longGsm, longChinese]) {
      const parts = partsOf(text, 77)
      expect(parts.length).toBeGreaterThanOrEqual(3)
      const reassembler = new Reassembler()
      const outcomes = feed(
        reassembler,
        order(parts.length).map((index) => parts[index] as ReassemblyPart),
      )
      expect(outcomes.slice(0, -1).every((outcome) => outcome.status === 'pending')).toBe(true)
      expect(outcomes.at(-1)).toMatchObject({
        status: 'complete',
        message: { text, sender, receiver, ref: 77 },
      })
      expect(reassembler.pendingCount).toBe(0)
    }
  })

  it('ignores a duplicate part and completes once', () => {
    const parts = partsOf(longGsm, 5)
    const [first, second] = parts as [ReassemblyPart, ReassemblyPart]
    const outcomes = feed(new Reassembler(), [first, second, first, ...parts.slice(2)])
    expect(outcomes[2]).toEqual({ status: 'duplicate' })
    expect(outcomes.filter((outcome) => outcome.status === 'complete')).toHaveLength(1)
    expect(outcomes.at(-1)).toMatchObject({ status: 'complete', message: { text: longGsm } })
  })

  it('treats a part re-sent by the SMSC after completion as a duplicate, not a new message', () => {
    const parts = partsOf(longGsm, 5)
    const reassembler = new Reassembler()
    feed(reassembler, parts)
    expect(reassembler.add(parts[0] as ReassemblyPart, 1_000)).toEqual({ status: 'duplicate' })
    expect(reassembler.pendingCount).toBe(0)
  })

  it('starts a new message when the reference is reused with other content', () => {
    const reassembler = new Reassembler()
    feed(reassembler, partsOf(longGsm, 5))
    const again = partsOf(longGsm.replace('PAY', 'BAL'), 5)
    const outcomes = feed(reassembler, again, 2_000)
    expect(outcomes.at(-1)).toMatchObject({
      status: 'complete',
      message: { text: longGsm.replace('PAY', 'BAL') },
    })
  })

  it('keeps messages of different senders with the same reference apart', () => {
    const reassembler = new Reassembler()
    const fromA = partsOf(longGsm, 9, '8613800000001')
    const fromB = partsOf(longChinese, 9, '8613800000002')
    const interleaved = fromA
      .flatMap((part, index) => [part, fromB[index]])
      .filter((part) => part !== undefined)
    const complete = feed(reassembler, [...interleaved, ...fromB.slice(fromA.length)]).filter(
      (outcome) => outcome.status === 'complete',
    )
    expect(
      complete.map(
        (outcome) =>
          outcome.status === 'complete' && [outcome.message.sender, outcome.message.text],
      ),
    ).toEqual(
      expect.arrayContaining([
        ['8613800000001', longGsm],
        ['8613800000002', longChinese],
      ]),
    )
    expect(complete).toHaveLength(2)
  })
})

describe('Reassembler: missing parts and bounds', () => {
  it('reports a message with a missing part once its first part is older than the timeout', () => {
    const parts = partsOf(longChinese, 12)
    const reassembler = new Reassembler()
    reassembler.add(parts[0] as ReassemblyPart, 1_000)
    reassembler.add(parts[2] as ReassemblyPart, 5_000)
    expect(reassembler.expire(1_000 + timeoutMs - 1)).toEqual([])
    const expired = reassembler.expire(1_000 + timeoutMs)
    expect(expired).toHaveLength(1)
    expect(expired[0]).toMatchObject({
      sender,
      receiver,
      ref: 12,
      total: parts.length,
      receivedSeqs: [1, 3],
      reason: 'timeout',
      firstPartAtMs: 1_000,
    })
    expect(reassembler.pendingCount).toBe(0)
    expect(reassembler.expire(1_000 + 2 * timeoutMs)).toEqual([])
  })

  it('puts the parts that did arrive in partialText', () => {
    const reassembler = new Reassembler()
    reassembler.add(rawPart(1, 3, 3, 0x00, '2121'), 0)
    reassembler.add(rawPart(1, 3, 1, 0x00, '4142'), 0)
    expect(reassembler.expire(timeoutMs)[0]?.partialText).toBe('AB!!')
  })

  it('drops the oldest incomplete message when pending is full and reports it', () => {
    const reassembler = new Reassembler({ ...smsTextLimits, reassemblyPendingMax: 2 })
    expect(reassembler.add(rawPart(1, 2, 1, 0x00, '41'), 0)).toMatchObject({
      status: 'pending',
      evicted: null,
    })
    expect(reassembler.add(rawPart(2, 2, 1, 0x00, '42'), 1)).toMatchObject({
      status: 'pending',
      evicted: null,
    })
    expect(reassembler.add(rawPart(2, 2, 2, 0x00, '43'), 2)).toMatchObject({ status: 'complete' })
    expect(reassembler.add(rawPart(3, 2, 2, 0x00, '44'), 3)).toMatchObject({
      status: 'pending',
      evicted: null,
    })
    const outcome = reassembler.add(rawPart(4, 2, 1, 0x00, '45'), 4)
    expect(outcome).toMatchObject({
      status: 'pending',
      evicted: { ref: 1, reason: 'evicted', receivedSeqs: [1], partialText: 'A' },
    })
    expect(reassembler.pendingCount).toBe(2)
  })

  it('refuses a part announcing more parts than reassemblyPartsMax', () => {
    const reassembler = new Reassembler()
    const total = smsTextLimits.reassemblyPartsMax + 1
    expect(reassembler.add(rawPart(1, total, 1, 0x00, '41'), 0)).toEqual({
      status: 'rejected',
      reason: 'too_many_parts',
    })
    expect(reassembler.pendingCount).toBe(0)
  })

  it('completes a one-part "concatenated" message at once, without evicting anyone', () => {
    const reassembler = new Reassembler({ ...smsTextLimits, reassemblyPendingMax: 1 })
    reassembler.add(rawPart(1, 2, 1, 0x00, '41'), 0)
    expect(reassembler.add(rawPart(2, 1, 1, 0x00, '4869'), 0)).toMatchObject({
      status: 'complete',
      message: { text: 'Hi' },
    })
    expect(reassembler.pendingCount).toBe(1)
    expect(reassembler.add(rawPart(1, 2, 2, 0x00, '42'), 0)).toMatchObject({
      status: 'complete',
      message: { text: 'AB' },
    })
  })

  it('refuses a limits set whose relations do not hold', () => {
    expect(() => new Reassembler({ ...smsTextLimits, reassemblyPendingMax: 0 })).toThrow(
      /reassemblyPendingMax/,
    )
    expect(() => splitText('hi', 1, { ...smsTextLimits, partSeptetsMax: 170 })).toThrow(
      /part holds less/,
    )
  })
})

describe('Reassembler: references, SAR and codings', () => {
  it('joins parts with a 16-bit UDH reference', () => {
    const reassembler = new Reassembler()
    const messages = ['060804abcd0202' + '576f726c64', '060804abcd0201' + '48656c6c6f20'].map(
      (hex) => {
        const info = concatInfo({ esmClass: 0x40, shortMessage: Buffer.from(hex, 'hex') })
        if (info === null) throw new Error('test setup')
        return { ...info, sender, receiver, dataCoding: 0x00 }
      },
    )
    expect(feed(reassembler, messages).at(-1)).toMatchObject({
      status: 'complete',
      message: { text: 'Hello World', ref: 0xabcd },
    })
  })

  it('joins parts carried with SAR TLVs, also mixed with a UDH part of the same message', () => {
    const reassembler = new Reassembler()
    const sar = (seq: number, hex: string) => {
      const info = concatInfo({
        esmClass: 0,
        shortMessage: Buffer.from(hex, 'hex'),
        sarMsgRefNum: 300 % 256,
        sarTotalSegments: 3,
        sarSegmentSeqnum: seq,
      })
      if (info === null) throw new Error('test setup')
      return { ...info, sender, receiver, dataCoding: 0x08 }
    }
    const udh = concatInfo({
      esmClass: 0x40,
      shortMessage: Buffer.from('0500032c0302' + '597d', 'hex'),
    })
    if (udh === null) throw new Error('test setup')
    const outcomes = feed(reassembler, [
      sar(3, '0021'),
      { ...udh, sender, receiver, dataCoding: 0x08 },
      sar(1, '4f60'),
    ])
    expect(outcomes.at(-1)).toMatchObject({
      status: 'complete',
      message: { text: '你好!', alphabet: 'ucs2' },
    })
  })

  it('joins bytes when a sloppy sender cut between ESC and its extension septet', () => {
    const outcomes = feed(new Reassembler(), [
      rawPart(3, 2, 1, 0x00, '50617920311b'),
      rawPart(3, 2, 2, 0x00, '6521'),
    ])
    expect(outcomes.at(-1)).toMatchObject({ status: 'complete', message: { text: 'Pay 1€!' } })
  })

  it('joins bytes when a sloppy sender cut a surrogate pair, even across 0x08 and 0x18', () => {
    const outcomes = feed(new Reassembler(), [
      rawPart(3, 2, 2, 0x18, 'de00597d'),
      rawPart(3, 2, 1, 0x08, '4f60d83d'),
    ])
    expect(outcomes.at(-1)).toMatchObject({
      status: 'complete',
      message: { text: '你😀好', alphabet: 'ucs2', known: true },
    })
  })

  it('decodes each part in its own coding when the parts differ', () => {
    const outcomes = feed(new Reassembler(), [
      rawPart(4, 3, 1, 0x00, '42414c20'),
      rawPart(4, 3, 2, 0x08, '4f59989d'),
      rawPart(4, 3, 3, 0x03, '20e9'),
    ])
    expect(outcomes.at(-1)).toMatchObject({
      status: 'complete',
      message: { text: 'BAL 余额 é', dataCoding: 0x00, known: true },
    })
  })

  it('flags the message when one part had a coding we do not understand', () => {
    const outcomes = feed(new Reassembler(), [
      rawPart(4, 2, 1, 0x00, '41'),
      rawPart(4, 2, 2, 0x06, '42'),
    ])
    expect(outcomes.at(-1)).toMatchObject({
      status: 'complete',
      message: { text: 'AB', known: false },
    })
  })
})
