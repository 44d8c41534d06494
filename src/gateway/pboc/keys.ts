/**
 * keys.ts - how the purse's keys are made: a card's key diversified from the issuer's master key
 * by the card number (left half 3DES(MK, D), right half 3DES(MK, NOT D), D the rightmost 8 bytes
 * of the 10-byte application serial number), the single-DES session keys of a purchase and a
 * load, and the TAC key (the two halves of the card's TAC key XORed). Exports diversify,
 * purchaseSessionKey, loadSessionKey, tacKeyOf.
 */
import { tdesEncrypt, xorBytes } from './des.js'

/** A 16-byte card key from a 16-byte master key and an 8-byte diversification factor. */
export function diversify(master16: Uint8Array, factor8: Uint8Array): Buffer {
  if (factor8.length !== 8) throw new RangeError(`an 8-byte factor, not ${factor8.length}`)
  const inverted = Buffer.from(factor8).map((byte) => byte ^ 0xff)
  return Buffer.concat([tdesEncrypt(master16, factor8), tdesEncrypt(master16, inverted)])
}

/** A session key: 3DES(key, card random(4) ‖ card serial(2) ‖ tail(2)). */
function sessionKey(key16: Uint8Array, random4: Uint8Array, serial: number, tail: number): Buffer {
  const input = Buffer.alloc(8)
  Buffer.from(random4).copy(input, 0)
  input.writeUInt16BE(serial, 4)
  input.writeUInt16BE(tail, 6)
  return tdesEncrypt(key16, input)
}

/** SESPK = 3DES(DPK, card random(4) ‖ offline serial(2) ‖ terminal serial's last 2 bytes). */
export function purchaseSessionKey(
  dpk16: Uint8Array,
  random4: Uint8Array,
  offlineSerial: number,
  terminalSerial: number,
): Buffer {
  return sessionKey(dpk16, random4, offlineSerial, terminalSerial & 0xffff)
}

/** SESLK = 3DES(DLK, card random(4) ‖ online serial(2) ‖ 80 00). */
export function loadSessionKey(
  dlk16: Uint8Array,
  random4: Uint8Array,
  onlineSerial: number,
): Buffer {
  return sessionKey(dlk16, random4, onlineSerial, 0x8000)
}

/** The single-DES key a TAC is computed with: the card's TAC key, its halves XORed. */
export function tacKeyOf(dtk16: Uint8Array): Buffer {
  return xorBytes(dtk16.subarray(0, 8), dtk16.subarray(8, 16))
}
