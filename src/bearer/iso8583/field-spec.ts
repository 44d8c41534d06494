/**
 * field-spec.ts - how one ISO 8583:1987 data element is written in a dialect: its content type
 * (n digits, an / ans text, z track data, b bytes), its length (fixed, or LLVAR / LLLVAR with a
 * maximum), and how its digits and its length prefix are packed (ASCII characters, or BCD
 * nibbles as China UnionPay packs them, left- or right-aligned in whole bytes). Exports
 * FieldSpec, ContentType, LengthKind, Packing, Dialect.
 */

/** n: digits; an / ans: text; z: track 2 or 3 (digits and the separator D); b: bytes. */
export type ContentType = 'n' | 'an' | 'ans' | 'z' | 'b'

/** fixed: always `length`; LLVAR / LLLVAR: a prefix of two / three digits, at most `length`. */
export type LengthKind = 'fixed' | 'LLVAR' | 'LLLVAR'

/**
 * ascii: one character a digit; bcd-left / bcd-right: two digits a byte, an odd count padded with
 * a zero nibble on the right (left-aligned) or on the left (right-aligned). Text and bytes are
 * written as they are whatever the packing.
 */
export type Packing = 'ascii' | 'bcd-left' | 'bcd-right'

export interface FieldSpec {
  readonly type: ContentType
  readonly lengthKind: LengthKind
  /** The length (fixed) or the maximum (variable): digits or characters, bytes for b. */
  readonly length: number
  /** How n and z digits are packed. */
  readonly packing: Packing
  /** What the field is, for errors and logs ("2 primary account number"). */
  readonly name: string
}

export interface Dialect {
  readonly name: string
  /** The MTI's four digits: as characters, or in two BCD bytes. */
  readonly mti: 'ascii' | 'bcd'
  /** A variable field's length prefix: as characters, or BCD (LL in one byte, LLL in two). */
  readonly lengthPrefix: 'ascii' | 'bcd'
  /**
   * Bytes before the MTI that the host echoes: CUP's TPDU (5 bytes, its addresses swapped in the
   * answer) and its application header (6 bytes); none in the ASCII dialect.
   */
  readonly tpduBytes: number
  readonly headerBytes: number
  /** The data elements this dialect knows, by number (2-128); others are refused. */
  readonly fields: Readonly<Record<number, FieldSpec>>
}
