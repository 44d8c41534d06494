/**
 * fields.ts - the byte forms of a purse transaction's fields as the APDUs and MACs carry them:
 * amounts as 4-byte unsigned big-endian fen, serials as 2 or 4 bytes, the terminal id as 6 bytes
 * of BCD (12 digits), the date as 4 bytes BCD YYYYMMDD and the time as 3 bytes BCD hhmmss.
 * Exports bcd, fromBcd, u32, u16, PurseTime, purseTimeOf, transactionTypes, amountMaxFen.
 */

/** A purse holds at most what 4 unsigned bytes of fen count (about 42.9 million yuan). */
export const amountMaxFen = 0xffff_ffff

/**
 * PBOC transaction types (notes A.4): 02 a purse load, 06 a purse purchase, 09 a composite
 * purchase (one that also writes a transit record, JR/T 0025.9: the subway's tap in and out).
 */
export const transactionTypes = { load: 0x02, purchase: 0x06, composite: 0x09 } as const

/** Decimal digits (an even count) as packed BCD. */
export function bcd(digits: string): Buffer {
  if (!/^(\d\d)*$/.test(digits))
    throw new RangeError(`BCD needs an even count of digits: ${digits}`)
  return Buffer.from(digits, 'hex')
}

/** Packed BCD as its digits; null when a nibble is not a decimal digit. */
export function fromBcd(bytes: Uint8Array): string | null {
  const digits = Buffer.from(bytes).toString('hex')
  return /^\d*$/.test(digits) ? digits : null
}

export function u32(value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out
}

export function u16(value: number): Buffer {
  const out = Buffer.alloc(2)
  out.writeUInt16BE(value)
  return out
}

/** A terminal's local date and time of a transaction, as the card and the PSAM see them. */
export interface PurseTime {
  /** YYYYMMDD */
  readonly date: string
  /** hhmmss */
  readonly time: string
}

/** The purse time of an instant in a zone `offsetMs` from UTC (China: +8 h). */
export function purseTimeOf(atMs: number, offsetMs: number): PurseTime {
  const iso = new Date(atMs + offsetMs).toISOString()
  return {
    date: iso.slice(0, 10).replaceAll('-', ''),
    time: iso.slice(11, 19).replaceAll(':', ''),
  }
}
