/**
 * transit-record.ts - the transit record a subway gate writes on the card (file 0019, record 1,
 * 16 bytes, our layout): state (1: 01 in a ride, 00 out) ‖ the gate's terminal id (6, BCD) ‖
 * date (4, BCD) ‖ time (3, BCD) ‖ reserved (2). The entry gate writes "in, here, now" with a
 * composite purchase of nothing; the exit gate reads where the ride began, charges the fare
 * between the two, and writes "out". Exports TransitRecord, encodeTransitRecord,
 * decodeTransitRecord.
 */
import { bcd, fromBcd } from '../../../gateway/pboc/fields.js'
import { transitRecordBytes } from '../card-files.js'

export interface TransitRecord {
  readonly inRide: boolean
  readonly terminalId: string
  readonly date: string
  readonly time: string
}

export function encodeTransitRecord(record: TransitRecord): Buffer {
  const out = Buffer.concat([
    Buffer.of(record.inRide ? 0x01 : 0x00),
    bcd(record.terminalId),
    bcd(record.date),
    bcd(record.time),
    Buffer.alloc(2),
  ])
  if (out.length !== transitRecordBytes) throw new RangeError('a transit record is 16 bytes')
  return out
}

export function decodeTransitRecord(bytes: Uint8Array): TransitRecord | null {
  if (bytes.length !== transitRecordBytes) return null
  const buffer = Buffer.from(bytes)
  const terminalId = fromBcd(buffer.subarray(1, 7))
  const date = fromBcd(buffer.subarray(7, 11))
  const time = fromBcd(buffer.subarray(11, 14))
  if (terminalId === null || date === null || time === null) return null
  return { inRide: buffer[0] === 0x01, terminalId, date, time }
}
