/**
 * mac.ts - the PBOC MAC: ISO 9797-1 MAC algorithm 1 with single DES, padding method 2 (80 then
 * zeros, a whole block when the data already fills its last one), CBC from a zero IV, the
 * leftmost 4 bytes kept. MAC1, MAC2 and the TAC of a purse transaction are all this MAC, under
 * different keys and over different fields (purse-macs.ts). Exports pad80, pbocMac.
 */
import { desEncrypt, xorBytes } from './des.js'

/** ISO 9797-1 padding method 2. */
export function pad80(data: Uint8Array): Buffer {
  const padded = Buffer.alloc((Math.floor(data.length / 8) + 1) * 8)
  Buffer.from(data).copy(padded)
  padded[data.length] = 0x80
  return padded
}

/** The 4-byte PBOC MAC of `data` under a single-DES key. */
export function pbocMac(key8: Uint8Array, data: Uint8Array): Buffer {
  const padded = pad80(data)
  let chain: Buffer = Buffer.alloc(8)
  for (let offset = 0; offset < padded.length; offset += 8)
    chain = desEncrypt(key8, xorBytes(chain, padded.subarray(offset, offset + 8)))
  return chain.subarray(0, 4)
}
