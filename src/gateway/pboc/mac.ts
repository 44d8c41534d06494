/**
 * mac.ts - the PBOC MAC: ISO 9797-1 MAC algorithm 1 with single DES, padding method 2 (80 then
 * zeros, a whole block when the data already fills its last one), CBC from a zero IV, the
 * leftmost 4 bytes kept. MAC1, MAC2 and the TAC of a purse transaction are all this MAC, under
 * different keys and over different fields (purse-macs.ts). Commands sent with line protection
 * (CLA 84: APPLICATION BLOCK) carry the retail MAC instead (ISO 9797-1 algorithm 3: single DES
 * with the key's left half, the last block with the whole two-key triple DES key), from the
 * card's challenge. Exports pad80, pbocMac, MacKey, retailMac.
 */
import { DesBlocks, desEncrypt, desEncryptCbc, tdesEncrypt, xorBytes } from './des.js'

/** A single-DES key: its 8 bytes, or made ready for many MACs (DesBlocks). */
export type MacKey = Uint8Array | DesBlocks

/** ISO 9797-1 padding method 2. */
export function pad80(data: Uint8Array): Buffer {
  const padded = Buffer.alloc((Math.floor(data.length / 8) + 1) * 8)
  Buffer.from(data).copy(padded)
  padded[data.length] = 0x80
  return padded
}

/** The 4-byte retail MAC of `data` under a two-key triple DES key, chained from `iv8`. */
export function retailMac(key16: Uint8Array, data: Uint8Array, iv8: Uint8Array): Buffer {
  const padded = pad80(data)
  const left = key16.subarray(0, 8)
  let chain: Buffer = Buffer.from(iv8)
  const last = padded.length - 8
  for (let offset = 0; offset < last; offset += 8)
    chain = desEncrypt(left, xorBytes(chain, padded.subarray(offset, offset + 8)))
  return tdesEncrypt(key16, xorBytes(chain, padded.subarray(last))).subarray(0, 4)
}

/**
 * The 4-byte PBOC MAC of `data` under a single-DES key: the last block of a DES-CBC encryption
 * from a zero IV. From the key's bytes in one cipher call (a call per block, each making its own
 * cipher, took three times as long); with a key made ready, chained here a block at a time.
 */
export function pbocMac(key: MacKey, data: Uint8Array): Buffer {
  const padded = pad80(data)
  if (!(key instanceof DesBlocks)) {
    const encrypted = desEncryptCbc(key, padded)
    return encrypted.subarray(encrypted.length - 8, encrypted.length - 4)
  }
  const chain = Buffer.alloc(8)
  let last: Buffer = chain
  for (let offset = 0; offset < padded.length; offset += 8) {
    for (let index = 0; index < 8; index += 1)
      chain[index] = (last[index] ?? 0) ^ (padded[offset + index] ?? 0)
    last = key.encrypt(chain)
  }
  return last.subarray(0, 4)
}
