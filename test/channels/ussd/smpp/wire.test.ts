/**
 * wire.test.ts - USSD over SMPP on the wire, byte by byte, independent of the npm `smpp` codec's
 * own view: the ussd_service_op TLV (0x0501, 1 octet) and its_session_info (0x1383, 2 octets)
 * of a screen we send, a phone's PSSR indication and a USSDC's PSSR indication without
 * its_session_info read back, and the PDUs we refuse before reading them.
 */
import { describe, expect, it } from 'vitest'
import {
  defaultUssdSmppLimits,
  dialOf,
  namesService,
  readUssdPdu,
  screenParams,
} from '../../../../channels/ussd/smpp/index.js'
import type { Pdu } from '../../../../src/bearer/smpp/pdu.js'
import { decodePdu, encodePdu } from '../../../../src/bearer/smpp/pdu.js'
import { sessionInfoKey, ussdOp } from '../../../../src/bearer/smpp/ussd-op.js'

const cstring = (text: string): Buffer =>
  Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])])

/** A whole PDU from its command id, sequence and body. */
function frame(commandId: number, sequence: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16)
  header.writeUInt32BE(16 + body.length, 0)
  header.writeUInt32BE(commandId, 4)
  header.writeUInt32BE(0, 8)
  header.writeUInt32BE(sequence, 12)
  return Buffer.concat([header, body])
}

/** The mandatory body of a submit_sm / deliver_sm, as SMPP 3.4 section 4.4.1 lays it out. */
function smBody(fields: {
  serviceType: string
  from: string
  fromTon: number
  to: string
  toTon: number
  dataCoding: number
  text: Buffer
}): Buffer {
  return Buffer.concat([
    cstring(fields.serviceType),
    Buffer.from([fields.fromTon, fields.fromTon === 1 ? 1 : 0]),
    cstring(fields.from),
    Buffer.from([fields.toTon, fields.toTon === 1 ? 1 : 0]),
    cstring(fields.to),
    Buffer.from([0, 0, 0]),
    cstring(''),
    cstring(''),
    Buffer.from([0, 0, fields.dataCoding, 0, fields.text.length]),
    fields.text,
  ])
}

function tlv(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt16BE(tag, 0)
  head.writeUInt16BE(value.length, 2)
  return Buffer.concat([head, value])
}

function decoded(bytes: Buffer): Pdu {
  const result = decodePdu(bytes)
  if (!result.ok) throw new Error(result.detail)
  return result.pdu
}

describe('USSD TLVs on the wire', () => {
  it('writes a USSR request as deliver_sm, ussd_service_op 02, its its_session_info', () => {
    const info = Buffer.from([0x2a, 0x10])
    const bytes = encodePdu(
      'deliver_sm',
      7,
      screenParams({
        op: ussdOp.ussrRequest,
        sessionInfo: info,
        source: '*123#',
        msisdn: '8613800138000',
        text: 'telepay\n1 Balance',
        gsmDataCoding: 0x0f,
      }),
    )
    const text = Buffer.from('telepay\n1 Balance', 'latin1')
    const expected = frame(
      0x00000005,
      7,
      Buffer.concat([
        smBody({
          serviceType: 'USSD',
          from: '*123#',
          fromTon: 0,
          to: '8613800138000',
          toTon: 1,
          dataCoding: 0x0f,
          text,
        }),
        tlv(0x0501, Buffer.from([0x02])),
        tlv(0x1383, info),
      ]),
    )
    expect(bytes.toString('hex')).toBe(expected.toString('hex'))
  })

  it('writes a PSSR response in UCS-2 (0x08) as submit_sm, no its_session_info if none', () => {
    const bytes = encodePdu(
      'submit_sm',
      9,
      screenParams({
        op: ussdOp.pssrResponse,
        sessionInfo: null,
        source: '123',
        msisdn: '8613800138001',
        text: '余额',
        gsmDataCoding: 0x0f,
      }),
    )
    const expected = frame(
      0x00000004,
      9,
      Buffer.concat([
        smBody({
          serviceType: 'USSD',
          from: '123',
          fromTon: 0,
          to: '8613800138001',
          toTon: 1,
          dataCoding: 0x08,
          text: Buffer.from([0x4f, 0x59, 0x98, 0x9d]),
        }),
        tlv(0x0501, Buffer.from([0x11])),
      ]),
    )
    expect(bytes.toString('hex')).toBe(expected.toString('hex'))
  })

  it("reads a phone's PSSR indication: op, its_session_info, dial, addresses, coding", () => {
    const bytes = frame(
      0x00000004,
      3,
      Buffer.concat([
        smBody({
          serviceType: 'USSD',
          from: '8613800138000',
          fromTon: 1,
          to: '*123#',
          toTon: 0,
          dataCoding: 0x0f,
          text: Buffer.from('*123*2*1001#', 'latin1'),
        }),
        tlv(0x0501, Buffer.from([0x01])),
        tlv(0x1383, Buffer.from([0x00, 0x03])),
      ]),
    )
    const read = readUssdPdu(decoded(bytes), defaultUssdSmppLimits)
    expect(read).toEqual({
      ok: true,
      pdu: {
        op: 0x01,
        sessionInfo: Buffer.from([0x00, 0x03]),
        source: '8613800138000',
        destination: '*123#',
        dataCoding: 0x0f,
        text: '*123*2*1001#',
        sequence: 3,
      },
    })
  })

  it("reads a USSDC's PSSR indication as they come: service_type P2, no its_session_info", () => {
    // The shape of the deliver_sm in jookies/jasmin issue 842 (a USSDC that Jasmin could not read).
    const bytes = frame(
      0x00000005,
      1,
      Buffer.concat([
        smBody({
          serviceType: 'P2',
          from: '66977091205',
          fromTon: 1,
          to: '4006',
          toTon: 0,
          dataCoding: 0x0f,
          text: Buffer.from('*4006#', 'latin1'),
        }),
        tlv(0x0501, Buffer.from([0x01])),
      ]),
    )
    const read = readUssdPdu(decoded(bytes), defaultUssdSmppLimits)
    expect(read).toMatchObject({
      ok: true,
      pdu: { op: ussdOp.pssrIndication, sessionInfo: null, text: '*4006#', dataCoding: 0x0f },
    })
    expect(sessionInfoKey(null)).toBe('-')
  })

  it('refuses its_session_info that is not two octets, and text longer than a USSD string', () => {
    const wrongInfo = frame(
      0x00000004,
      4,
      Buffer.concat([
        smBody({
          serviceType: '',
          from: '8613800138000',
          fromTon: 1,
          to: '*123#',
          toTon: 0,
          dataCoding: 0,
          text: Buffer.from('*123#', 'latin1'),
        }),
        tlv(0x0501, Buffer.from([0x01])),
        tlv(0x1383, Buffer.from([0x00, 0x01, 0x02])),
      ]),
    )
    expect(readUssdPdu(decoded(wrongInfo), defaultUssdSmppLimits)).toMatchObject({
      ok: false,
      status: 0xc4,
    })
    const long = frame(
      0x00000004,
      5,
      Buffer.concat([
        smBody({
          serviceType: '',
          from: '8613800138000',
          fromTon: 1,
          to: '*123#',
          toTon: 0,
          dataCoding: 0,
          text: Buffer.alloc(200, 0x31),
        }),
        tlv(0x0501, Buffer.from([0x12])),
      ]),
    )
    expect(readUssdPdu(decoded(long), defaultUssdSmppLimits)).toMatchObject({
      ok: false,
      status: 0x01,
    })
  })

  it('keys a dialogue by its_session_info without the end-of-session bit', () => {
    expect(sessionInfoKey(Buffer.from([0x2a, 0x11]))).toBe(
      sessionInfoKey(Buffer.from([0x2a, 0x10])),
    )
    expect(sessionInfoKey(Buffer.from([0x2a, 0x12]))).not.toBe(
      sessionInfoKey(Buffer.from([0x2a, 0x10])),
    )
  })

  it('finds the service in destination_addr and the dial string in either field', () => {
    for (const destination of ['*123#', '123', '*123*2*1001#', ''])
      expect(namesService(destination, '*123#')).toBe(true)
    for (const destination of ['*124#', '1234', '12588'])
      expect(namesService(destination, '*123#')).toBe(false)
    expect(dialOf('*123*2#', '123', '*123#')).toBe('*123*2#')
    expect(dialOf('', '*123*7#', '*123#')).toBe('*123*7#')
    expect(dialOf('', '123', '*123#')).toBe('*123#')
  })
})
