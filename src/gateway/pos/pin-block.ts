/**
 * pin-block.ts - the PIN as a POS terminal sends it in field 52: an ISO 9564 format 0 block
 * (0, the PIN's length, its digits, F padding; XORed with 0000 and the rightmost twelve digits
 * of the card number before its check digit), encrypted under the terminal's PIN key with two-key
 * triple DES. The host decrypts it, undoes the XOR and reads the PIN, which is then checked as
 * every channel's PIN is; a block that is not well formed gives no PIN. Exports pinBlockOf,
 * pinOfBlock, encryptPinBlock, decryptPinBlock.
 */
import { tdesBlocksOf } from '../pboc/des.js'

/** Block 2: 0000 and the twelve card digits left of the check digit. */
function panBlock(pan: string): Buffer {
  if (!/^[0-9]{13,19}$/.test(pan)) throw new RangeError('a card number is 13 to 19 digits')
  return Buffer.from(`0000${pan.slice(-13, -1)}`, 'hex')
}

/** The clear format 0 block of `pin` (4-12 digits) for the card `pan`. */
export function pinBlockOf(pin: string, pan: string): Buffer {
  if (!/^[0-9]{4,12}$/.test(pin)) throw new RangeError('a PIN is 4 to 12 digits')
  const block1 = Buffer.from(`0${pin.length.toString(16)}${pin}`.padEnd(16, 'F'), 'hex')
  const block2 = panBlock(pan)
  return Buffer.from(block1.map((byte, index) => byte ^ (block2[index] ?? 0)))
}

/** The PIN in a clear format 0 block for `pan`; null when the block is not one. */
export function pinOfBlock(block: Uint8Array, pan: string): string | null {
  // A hostile message's field 2 may be any digits: no card number, no PIN.
  if (block.length !== 8 || !/^[0-9]{13,19}$/.test(pan)) return null
  const block2 = panBlock(pan)
  const nibbles = Buffer.from(Buffer.from(block).map((byte, index) => byte ^ (block2[index] ?? 0)))
    .toString('hex')
    .toUpperCase()
  const length = Number.parseInt(nibbles[1] ?? '', 16)
  if (nibbles[0] !== '0' || length < 4 || length > 12) return null
  const pin = nibbles.slice(2, 2 + length)
  const padding = nibbles.slice(2 + length)
  return /^[0-9]+$/.test(pin) && /^F*$/.test(padding) ? pin : null
}

/** The block as field 52 carries it: under the terminal's 16-byte PIN key. */
export function encryptPinBlock(pinKey16: Uint8Array, clear: Uint8Array): Buffer {
  return tdesBlocksOf(pinKey16).encrypt(clear)
}

export function decryptPinBlock(pinKey16: Uint8Array, encrypted: Uint8Array): Buffer {
  return tdesBlocksOf(pinKey16).decrypt(encrypted)
}
