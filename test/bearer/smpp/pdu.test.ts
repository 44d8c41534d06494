import { describe, expect, it } from 'vitest'
import {
  decodePdu,
  encodePdu,
  pduBuffer,
  pduNumber,
  pduString,
} from '../../../src/bearer/smpp/pdu.js'
import { header } from './raw-peer.js'

function decodeOk(octets: Buffer) {
  const decoded = decodePdu(octets)
  if (!decoded.ok) throw new Error(`expected a PDU: ${decoded.detail}`)
  return decoded.pdu
}

describe('encodePdu / decodePdu', () => {
  it('moves short_message as raw bytes with the data_coding we set (no charset guessing)', () => {
    // GSM 03.38 '@' is 0x00, '$' is 0x02, '_' is 0x11: the codec would have decoded them.
    const text = Buffer.from([0x50, 0x41, 0x59, 0x20, 0x00, 0x02, 0x11])
    const octets = encodePdu('submit_sm', 7, {
      source_addr: '8613800138000',
      destination_addr: '12588',
      short_message: text,
      data_coding: 0,
    })
    expect(octets.readUInt32BE(0)).toBe(octets.length)
    expect(octets.subarray(octets.length - text.length - 1)).toEqual(
      Buffer.concat([Buffer.from([text.length]), text]),
    )
    const pdu = decodeOk(octets)
    expect(pdu.command).toBe('submit_sm')
    expect(pdu.sequence_number).toBe(7)
    expect(pduBuffer(pdu, 'short_message')).toEqual(text)
    expect(pduNumber(pdu, 'data_coding')).toBe(0)
    expect(pduString(pdu, 'source_addr')).toBe('8613800138000')
  })

  it('keeps a UDH inside short_message and a 300-octet message_payload as bytes', () => {
    const udhAndText = Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01, 0x41, 0x42])
    const payload = Buffer.alloc(300, 0x61)
    const pdu = decodeOk(
      encodePdu('deliver_sm', 1, { esm_class: 0x40, short_message: udhAndText, data_coding: 0 }),
    )
    expect(pduBuffer(pdu, 'short_message')).toEqual(udhAndText)
    const long = decodeOk(encodePdu('submit_sm', 2, { message_payload: payload, data_coding: 8 }))
    expect(pduBuffer(long, 'message_payload')).toEqual(payload)
    expect(pduNumber(long, 'data_coding')).toBe(8)
  })

  it('binds with interface_version 0x34 unless told otherwise', () => {
    const pdu = decodeOk(
      encodePdu('bind_transceiver', 1, { system_id: 'telepay', password: 'telepay' }),
    )
    expect(pduNumber(pdu, 'interface_version')).toBe(0x34)
  })

  it('refuses text not bytes, text without data_coding, over 254 octets, unknown fields', () => {
    expect(() => encodePdu('submit_sm', 1, { short_message: 'BAL', data_coding: 0 })).toThrow(
      /Buffer/,
    )
    expect(() => encodePdu('submit_sm', 1, { short_message: Buffer.from('BAL') })).toThrow(
      /data_coding/,
    )
    expect(() =>
      encodePdu('submit_sm', 1, { short_message: Buffer.alloc(255), data_coding: 0 }),
    ).toThrow(/254/)
    expect(() => encodePdu('submit_sm', 1, { shortmessage: Buffer.from('x') })).toThrow(/no field/)
    expect(() => encodePdu('submit_sm', 0x80000000, {})).toThrow(RangeError)
  })

  it('sends the header alone for an error status', () => {
    const octets = encodePdu('submit_sm_resp', 9, { message_id: 'x' }, 0x58)
    expect(octets).toEqual(header(16, 0x80000004, 0x58, 9))
  })

  it('accepts responses without a body but not requests cut short', () => {
    expect(decodeOk(header(16, 0x80000005, 0, 3)).command).toBe('deliver_sm_resp')
    const cut = decodePdu(Buffer.concat([header(21, 0x00000004, 0, 5), Buffer.from('CMT\0\x01')]))
    expect(cut).toMatchObject({ ok: false, reason: 'bad_body', sequence: 5 })
  })

  it('refuses a body whose C-string, sm_length, TLV or tail does not add up', () => {
    const good = encodePdu('submit_sm', 4, {
      source_addr: '1',
      destination_addr: '2',
      short_message: Buffer.from('hi'),
      data_coding: 0,
    })
    const lyingSmLength = Buffer.from(good)
    lyingSmLength[lyingSmLength.length - 3] = 200
    expect(decodePdu(lyingSmLength)).toMatchObject({ ok: false, reason: 'bad_body' })
    const noNul = Buffer.concat([header(20, 0x80000004, 0, 6), Buffer.from('abcd')])
    expect(decodePdu(noNul)).toMatchObject({ ok: false, reason: 'bad_body' })
    const stray = Buffer.concat([good, Buffer.from([1, 2])])
    stray.writeUInt32BE(stray.length, 0)
    expect(decodePdu(stray)).toMatchObject({ ok: false, reason: 'bad_body' })
    const tlvTooLong = Buffer.concat([good, Buffer.from([0x04, 0x24, 0x00, 0x10, 0x61])])
    tlvTooLong.writeUInt32BE(tlvTooLong.length, 0)
    expect(decodePdu(tlvTooLong)).toMatchObject({ ok: false, reason: 'bad_body' })
  })

  it('reports an unknown command_id with its sequence_number', () => {
    expect(decodePdu(header(16, 0x00000999, 0, 77))).toMatchObject({
      ok: false,
      reason: 'unknown_command',
      sequence: 77,
    })
  })
})
