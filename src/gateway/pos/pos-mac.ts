/**
 * pos-mac.ts - the MAC a POS message carries in field 64, or in field 128 when it has a secondary
 * bitmap (a field above 64), as ISO 8583 places it: always the last field. ISO 9797-1 MAC
 * algorithm 3 (the retail MAC of ANSI X9.19: single-DES CBC under the key's left half
 * from a zero IV, the last block under the whole two-key triple DES key), padding method 1 (zeros
 * to a whole block), all 8 bytes kept. Over the message's bytes from the MTI to the last byte
 * before the MAC, as they came. CUP acquirers each name their own variant (the notes, E.2: XOR of
 * the blocks then one encryption, unconfirmed); this is the one the standards define, checked
 * against two published vectors. Exports posMac, macBytes, macFieldOf, encodeWithMac,
 * macMatches.
 */
import { timingSafeEqual } from 'node:crypto'
import type { Iso8583Message } from '../../bearer/iso8583/codec.js'
import { encodeMessage } from '../../bearer/iso8583/codec.js'
import type { Dialect } from '../../bearer/iso8583/field-spec.js'
import { desEncryptCbc, tdesBlocksOf, xorBytes } from '../pboc/des.js'

/** Bytes of field 64. */
export const macBytes = 8

export function posMac(key16: Uint8Array, data: Uint8Array): Buffer {
  if (key16.length !== 16) throw new RangeError('a POS MAC key is 16 bytes')
  const blocks = Math.max(1, Math.ceil(data.length / 8))
  const padded = Buffer.alloc(blocks * 8)
  Buffer.from(data).copy(padded)
  const last = padded.length - 8
  // The chain over every block but the last is single-DES CBC's last block: one cipher for the
  // message, not one a block (making a cipher costs several blocks' encryption).
  const chain =
    last === 0
      ? Buffer.alloc(8)
      : desEncryptCbc(key16.subarray(0, 8), padded.subarray(0, last)).subarray(last - 8)
  return tdesBlocksOf(key16).encrypt(xorBytes(chain, padded.subarray(last)))
}

/** The field a message's MAC goes in: 128 when it has any field above 64, else 64. */
export function macFieldOf(fields: ReadonlyMap<number, unknown>): 64 | 128 {
  for (const field of fields.keys()) if (field > 64 && field !== 128) return 128
  return 64
}

/** `message` (without a MAC) as bytes, its MAC under `key16` in its last field (64 or 128). */
export function encodeWithMac(
  message: Iso8583Message,
  dialect: Dialect,
  key16: Uint8Array,
): Buffer {
  const fields = new Map(message.fields)
  fields.delete(64)
  fields.delete(128)
  fields.set(macFieldOf(fields), Buffer.alloc(macBytes))
  const bytes = encodeMessage({ ...message, fields }, dialect)
  const start = dialect.tpduBytes + dialect.headerBytes
  posMac(key16, bytes.subarray(start, bytes.length - macBytes)).copy(bytes, bytes.length - macBytes)
  return bytes
}

/**
 * Whether `mac` (field 64 or 128 as received, the last 8 bytes of `raw`) is the MAC of the
 * message `raw`, over its bytes as they
 * came; compared in constant time.
 */
export function macMatches(key16: Uint8Array, raw: Buffer, dialect: Dialect, mac: Buffer): boolean {
  const signed = raw.subarray(dialect.tpduBytes + dialect.headerBytes, raw.length - macBytes)
  return mac.length === macBytes && timingSafeEqual(posMac(key16, signed), mac)
}
