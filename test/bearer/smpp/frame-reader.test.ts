import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FrameEvent } from '../../../src/bearer/smpp/frame-reader.js'
import { FrameReader } from '../../../src/bearer/smpp/frame-reader.js'
import { encodePdu } from '../../../src/bearer/smpp/pdu.js'
import { header, submitParams } from './raw-peer.js'

const limit = 16_384

function feed(chunks: readonly Buffer[]): FrameEvent[] {
  const reader = new FrameReader(limit)
  return chunks.flatMap((chunk) => reader.push(chunk))
}

function summary(events: readonly FrameEvent[]): string[] {
  return events.map((event) =>
    event.kind === 'pdu'
      ? `pdu ${event.pdu.command} ${event.pdu.sequence_number}`
      : `${event.kind} ${event.status} ${event.sequence}`,
  )
}

const stream = Buffer.concat([
  encodePdu('enquire_link', 1),
  encodePdu('submit_sm', 2, submitParams('PAY 1001 25.00')),
  encodePdu('bind_transceiver', 3, { system_id: 'telepay', password: 'telepay' }),
  encodePdu('submit_sm_resp', 4, { message_id: 'abc' }),
])
const expected = [
  'pdu enquire_link 1',
  'pdu submit_sm 2',
  'pdu bind_transceiver 3',
  'pdu submit_sm_resp 4',
]

describe('FrameReader', () => {
  it('splits many PDUs in one chunk', () => {
    expect(summary(feed([stream]))).toEqual(expected)
  })

  it('joins PDUs sent one octet at a time', () => {
    expect(summary(feed([...stream].map((octet) => Buffer.from([octet]))))).toEqual(expected)
  })

  it('gives the same PDUs however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }),
        (cuts) => {
          const points = [0, ...[...cuts].sort((a, b) => a - b), stream.length]
          const chunks = points.slice(1).map((end, i) => stream.subarray(points[i], end))
          expect(summary(feed(chunks))).toEqual(expected)
        },
      ),
    )
  })

  it('gives up on command_length 8 and on 0xFFFFFFFF, and reads nothing after', () => {
    for (const length of [8, 0xffffffff]) {
      const reader = new FrameReader(limit)
      expect(summary(reader.push(header(length, 0x15, 0, 1)))).toEqual(['fatal 2 0'])
      expect(reader.push(encodePdu('enquire_link', 2))).toEqual([])
    }
  })

  it('nacks an unknown command_id with its sequence and skips exactly its octets', () => {
    const unknown = Buffer.concat([header(24, 0x00000999, 0, 41), Buffer.alloc(8, 0xee)])
    const events = feed([Buffer.concat([unknown, encodePdu('enquire_link', 42)])])
    expect(summary(events)).toEqual(['nack 3 41', 'pdu enquire_link 42'])
  })

  it('nacks a truncated submit_sm with ESME_RINVCMDLEN and goes on', () => {
    const truncated = Buffer.concat([header(22, 0x00000004, 0, 50), Buffer.from('\0\x01\x01861')])
    const events = feed([truncated, encodePdu('enquire_link', 51)])
    expect(summary(events)).toEqual(['nack 2 50', 'pdu enquire_link 51'])
  })

  it('never throws on random octets, cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.integer({ min: 1, max: 50 }),
        (octets, size) => {
          const reader = new FrameReader(limit)
          const all = Buffer.from(octets)
          for (let at = 0; at < all.length; at += size) reader.push(all.subarray(at, at + size))
          expect(reader.buffered).toBeLessThanOrEqual(limit)
        },
      ),
      { numRuns: 300 },
    )
  })
})
