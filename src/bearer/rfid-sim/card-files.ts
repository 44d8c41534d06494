/**
 * card-files.ts - what telepay's RFID-SIM purse holds in its files, in the layouts we chose
 * (issuers differ; notes A.1): the application's AID, the public information file 0015 (30
 * bytes) and the cyclic transaction log 0018 (records of 23 bytes, the most recent first).
 * docs/onsite.md documents both for terminal writers. Exports purseAid, publicFileSfi, logSfi,
 * PublicInfo, encodePublicInfo, LogRecord, encodeLogRecord, decodeLogRecord, logRecordsMax.
 */

import { bcd, fromBcd, u16, u32 } from '../../gateway/pboc/fields.js'
import { purseAid } from '../../gateway/pboc/load-host.js'

/** The purse application's AID, as the platform's load host selects it. */
export { purseAid }

/** The application's file id, for a SELECT by file id (00 A4 00 00 02 1001). */
export const purseFileId = 0x1001

/** Short file ids read by READ BINARY (P1 80|SFI) and READ RECORD (P2 SFI<<3|4). */
export const publicFileSfi = 0x15
export const logSfi = 0x18

/** The transit record's file (composite purchases write it: tap in, tap out). */
export const transitSfi = 0x19

/** The transit record's length in file 0019 (card-files' layout: transit-record.ts). */
export const transitRecordBytes = 16

/** The log keeps this many records, the oldest overwritten (PBOC cards keep 10). */
export const logRecordsMax = 10

export interface PublicInfo {
  /** 4 digits: the issuer (86 for China, 01 for telepay). */
  readonly issuer: string
  /** 0x01: anonymous (a cap, no loss reporting); 0x02 named. */
  readonly cardType: number
  /** The application serial number: 20 digits, the card number clearing knows the card by. */
  readonly cardNumber: string
  /** YYYYMMDD */
  readonly validFrom: string
  readonly validTo: string
}

/**
 * File 0015, 30 bytes: issuer (2, BCD) ‖ card type (1) ‖ version (1) ‖ card number (10, BCD) ‖
 * valid from (4, BCD) ‖ valid to (4, BCD) ‖ 8 bytes reserved (00).
 */
export function encodePublicInfo(info: PublicInfo): Buffer {
  return Buffer.concat([
    bcd(info.issuer),
    Buffer.of(info.cardType, 0x01),
    bcd(info.cardNumber),
    bcd(info.validFrom),
    bcd(info.validTo),
    Buffer.alloc(8),
  ])
}

export interface LogRecord {
  /** The card's serial this transaction used: offline for a purchase, online for a load. */
  readonly serial: number
  readonly amountFen: number
  /** 06 purchase, 02 load. */
  readonly type: number
  /** 12 digits. */
  readonly terminalId: string
  readonly date: string
  readonly time: string
}

/**
 * A record of 0018, 23 bytes: serial (2) ‖ overdraft limit (3, zero: the purse has none) ‖
 * amount (4) ‖ type (1) ‖ terminal id (6, BCD) ‖ date (4, BCD) ‖ time (3, BCD).
 */
export function encodeLogRecord(record: LogRecord): Buffer {
  return Buffer.concat([
    u16(record.serial),
    Buffer.alloc(3),
    u32(record.amountFen),
    Buffer.of(record.type),
    bcd(record.terminalId),
    bcd(record.date),
    bcd(record.time),
  ])
}

export function decodeLogRecord(bytes: Uint8Array): LogRecord | null {
  if (bytes.length !== 23) return null
  const buffer = Buffer.from(bytes)
  const terminalId = fromBcd(buffer.subarray(10, 16))
  const date = fromBcd(buffer.subarray(16, 20))
  const time = fromBcd(buffer.subarray(20, 23))
  if (terminalId === null || date === null || time === null) return null
  return {
    serial: buffer.readUInt16BE(0),
    amountFen: buffer.readUInt32BE(5),
    type: buffer[9] ?? 0,
    terminalId,
    date,
    time,
  }
}
