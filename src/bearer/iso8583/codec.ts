/**
 * codec.ts - one ISO 8583:1987 message to bytes and back in a dialect (dialects.ts): the CUP
 * TPDU and header if the dialect has them, the MTI, the primary bitmap (and the secondary one
 * when a field above 64 is present), then each present field in order as its FieldSpec says.
 * Decoding checks every length against the bytes there are and every character against its
 * content type, and names the field it stopped at; nothing is guessed. Exports encodeMessage,
 * decodeMessage, Iso8583Message, FieldValue, Iso8583Error.
 *
 * Reading is lenient where terminals differ (a pad nibble of F or 0, a secondary bitmap with no
 * field set), so a message read and written again may differ in those bytes: a MAC is checked
 * over the bytes as received, never over a message written again.
 */
import type { Dialect, FieldSpec } from './field-spec.js'

/** Digits and text as strings (z with D as its separator); b fields as bytes. */
export type FieldValue = string | Buffer

export interface Iso8583Message {
  /** Four digits: 0200, 0210, 0800, ... */
  readonly mti: string
  readonly fields: ReadonlyMap<number, FieldValue>
  /** CUP's TPDU and application header, as they came (empty in the ASCII dialect). */
  readonly tpdu: Buffer
  readonly header: Buffer
}

/** Where a message broke: a field's number, 0 for the MTI, 1 for the bitmap, -1 for the rest. */
export class Iso8583Error extends Error {
  constructor(
    readonly field: number,
    message: string,
  ) {
    super(field > 1 ? `field ${field}: ${message}` : message)
  }
}

const contentPatterns: Readonly<Record<FieldSpec['type'], RegExp>> = {
  n: /^[0-9]*$/,
  z: /^[0-9D=]*$/,
  an: /^[A-Za-z0-9 ]*$/,
  // Printable ASCII: text beyond it (a GBK merchant name) is not ours to write.
  ans: /^[\x20-\x7E]*$/,
  b: /^$/,
}

export function encodeMessage(message: Iso8583Message, dialect: Dialect): Buffer {
  const parts: Buffer[] = []
  if (message.tpdu.length !== dialect.tpduBytes || message.header.length !== dialect.headerBytes)
    throw new Iso8583Error(
      -1,
      `the ${dialect.name} dialect has a ${dialect.tpduBytes}-byte TPDU and a ` +
        `${dialect.headerBytes}-byte header`,
    )
  parts.push(message.tpdu, message.header)
  if (!/^[0-9]{4}$/.test(message.mti)) throw new Iso8583Error(0, 'the MTI is four digits')
  parts.push(dialect.mti === 'ascii' ? Buffer.from(message.mti, 'latin1') : packBcd(message.mti))
  const numbers = [...message.fields.keys()].sort((a, b) => a - b)
  const secondary = numbers.some((field) => field > 64)
  const bitmap = Buffer.alloc(secondary ? 16 : 8)
  if (secondary) bitmap[0] = 0x80
  for (const field of numbers) {
    if (!Number.isInteger(field) || field < 2 || field > 128)
      throw new Iso8583Error(field, 'no such field')
    bitmap[(field - 1) >> 3] = (bitmap[(field - 1) >> 3] ?? 0) | (0x80 >> ((field - 1) & 7))
  }
  parts.push(bitmap)
  for (const field of numbers) {
    const spec = dialect.fields[field]
    if (spec === undefined)
      throw new Iso8583Error(field, `not a field of the ${dialect.name} dialect`)
    parts.push(encodeField(field, spec, message.fields.get(field) ?? '', dialect))
  }
  return Buffer.concat(parts)
}

function encodeField(field: number, spec: FieldSpec, value: FieldValue, dialect: Dialect): Buffer {
  let data: Buffer
  let count: number
  if (spec.type === 'b') {
    if (!Buffer.isBuffer(value)) throw new Iso8583Error(field, 'bytes, not text')
    data = value
    count = value.length
  } else {
    if (typeof value !== 'string') throw new Iso8583Error(field, 'text, not bytes')
    if (!contentPatterns[spec.type].test(value))
      throw new Iso8583Error(field, `not ${spec.type} content`)
    count = value.length
    const digits = spec.type === 'n' || spec.type === 'z'
    data =
      digits && spec.packing !== 'ascii'
        ? packBcd(value.replace(/=/g, 'D'), spec.packing)
        : Buffer.from(value, 'latin1')
  }
  if (spec.lengthKind === 'fixed') {
    if (count !== spec.length) throw new Iso8583Error(field, `${spec.length} long, not ${count}`)
    return data
  }
  if (count > spec.length)
    throw new Iso8583Error(field, `at most ${spec.length} long, not ${count}`)
  const width = spec.lengthKind === 'LLVAR' ? 2 : 3
  const prefix = String(count).padStart(width, '0')
  return Buffer.concat([
    dialect.lengthPrefix === 'ascii' ? Buffer.from(prefix, 'latin1') : packBcd(prefix, 'bcd-right'),
    data,
  ])
}

/** Digits (and D) two to a byte; an odd count padded with a zero nibble where `packing` says. */
function packBcd(digits: string, packing: FieldSpec['packing'] = 'bcd-left'): Buffer {
  const even =
    digits.length % 2 === 0 ? digits : packing === 'bcd-right' ? `0${digits}` : `${digits}0`
  return Buffer.from(even, 'hex')
}

/** Reads a message's bytes; the position moves as fields are read. */
class Reader {
  position = 0
  constructor(private readonly bytes: Buffer) {}

  take(count: number, field: number): Buffer {
    if (this.position + count > this.bytes.length)
      throw new Iso8583Error(
        field,
        `needs ${count} bytes, ${this.bytes.length - this.position} left`,
      )
    const taken = this.bytes.subarray(this.position, this.position + count)
    this.position += count
    return taken
  }

  get left(): number {
    return this.bytes.length - this.position
  }
}

export function decodeMessage(bytes: Buffer, dialect: Dialect): Iso8583Message {
  const reader = new Reader(bytes)
  const tpdu = Buffer.from(reader.take(dialect.tpduBytes, -1))
  const header = Buffer.from(reader.take(dialect.headerBytes, -1))
  const mti =
    dialect.mti === 'ascii'
      ? reader.take(4, 0).toString('latin1')
      : unpackBcd(reader.take(2, 0), 4, 'bcd-left', 0, false)
  if (!/^[0-9]{4}$/.test(mti)) throw new Iso8583Error(0, 'the MTI is not four digits')
  let bitmap = reader.take(8, 1)
  if (((bitmap[0] ?? 0) & 0x80) !== 0) bitmap = Buffer.concat([bitmap, reader.take(8, 1)])
  const fields = new Map<number, FieldValue>()
  for (let field = 2; field <= bitmap.length * 8; field += 1) {
    if (((bitmap[(field - 1) >> 3] ?? 0) & (0x80 >> ((field - 1) & 7))) === 0) continue
    const spec = dialect.fields[field]
    if (spec === undefined)
      throw new Iso8583Error(field, `not a field of the ${dialect.name} dialect`)
    fields.set(field, decodeField(reader, field, spec, dialect))
  }
  if (reader.left > 0) throw new Iso8583Error(-1, `${reader.left} bytes after the last field`)
  return { mti, fields, tpdu, header }
}

function decodeField(reader: Reader, field: number, spec: FieldSpec, dialect: Dialect): FieldValue {
  const count = spec.lengthKind === 'fixed' ? spec.length : readLength(reader, field, spec, dialect)
  if (spec.type === 'b') return Buffer.from(reader.take(count, field))
  const digits = spec.type === 'n' || spec.type === 'z'
  const value =
    digits && spec.packing !== 'ascii'
      ? unpackBcd(
          reader.take(Math.ceil(count / 2), field),
          count,
          spec.packing,
          field,
          spec.type === 'z',
        )
      : reader.take(count, field).toString('latin1')
  if (!contentPatterns[spec.type].test(value))
    throw new Iso8583Error(field, `not ${spec.type} content`)
  return value
}

function readLength(reader: Reader, field: number, spec: FieldSpec, dialect: Dialect): number {
  const width = spec.lengthKind === 'LLVAR' ? 2 : 3
  const text =
    dialect.lengthPrefix === 'ascii'
      ? reader.take(width, field).toString('latin1')
      : unpackBcd(reader.take(Math.ceil(width / 2), field), width, 'bcd-right', field, false)
  if (!/^[0-9]+$/.test(text)) throw new Iso8583Error(field, 'its length is not digits')
  const count = Number(text)
  if (count > spec.length)
    throw new Iso8583Error(field, `at most ${spec.length} long, not ${count}`)
  return count
}

/**
 * `count` digits from BCD bytes, dropping the pad nibble (zero or F) where `packing` puts it; a
 * nibble above 9 is refused, but for D in track data.
 */
function unpackBcd(
  bytes: Buffer,
  count: number,
  packing: FieldSpec['packing'],
  field: number,
  track: boolean,
): string {
  const nibbles = bytes.toString('hex').toUpperCase()
  const odd = nibbles.length > count
  const pad = odd ? (packing === 'bcd-right' ? nibbles[0] : nibbles[nibbles.length - 1]) : '0'
  if (pad !== '0' && pad !== 'F') throw new Iso8583Error(field, 'a pad nibble that is not 0 or F')
  const digits = odd
    ? packing === 'bcd-right'
      ? nibbles.slice(1)
      : nibbles.slice(0, count)
    : nibbles
  if (!(track ? /^[0-9D]*$/ : /^[0-9]*$/).test(digits))
    throw new Iso8583Error(field, 'BCD with a nibble that is not a digit')
  return digits
}
