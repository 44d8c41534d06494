/**
 * des.ts - the block ciphers of the PBOC electronic purse: single DES (session keys, MACs, the
 * TAC) and two-key triple DES (card keys, diversification, session-key derivation), ECB and CBC,
 * never padded here (each caller pads as its standard says). Node 20's OpenSSL 3 has no single
 * DES outside the legacy provider, so single DES is triple DES with the key three times
 * (K‖K‖K: encrypt, decrypt, encrypt with one key is one encryption). Exports desEncrypt,
 * desEncryptCbc, DesBlocks, TdesBlocks, tdesBlocksOf, tdesEncrypt, tdesDecrypt,
 * tdesEncryptCbc, tdesDecryptCbc, xorBytes.
 */
import { type Cipher, createCipheriv, createDecipheriv, type Decipher } from 'node:crypto'

function checkLengths(key: Uint8Array, keyBytes: number, data: Uint8Array): void {
  if (key.length !== keyBytes) throw new RangeError(`a ${keyBytes}-byte key, not ${key.length}`)
  if (data.length % 8 !== 0) throw new RangeError(`whole 8-byte blocks, not ${data.length} bytes`)
}

function run(
  mode: 'encrypt' | 'decrypt',
  cipher: 'des-ede3-ecb' | 'des-ede3-cbc' | 'des-ede-ecb' | 'des-ede-cbc',
  key: Uint8Array,
  data: Uint8Array,
  iv: Uint8Array | null,
): Buffer {
  const make = mode === 'encrypt' ? createCipheriv : createDecipheriv
  const engine = make(cipher, key, iv)
  engine.setAutoPadding(false)
  return Buffer.concat([engine.update(data), engine.final()])
}

/** Single DES, ECB, with an 8-byte key. */
export function desEncrypt(key8: Uint8Array, data: Uint8Array): Buffer {
  checkLengths(key8, 8, data)
  return run('encrypt', 'des-ede3-ecb', Buffer.concat([key8, key8, key8]), data, null)
}

/** Single DES, CBC from a zero IV, with an 8-byte key (K1 = K2 = K3 makes EDE single DES). */
export function desEncryptCbc(key8: Uint8Array, data: Uint8Array): Buffer {
  checkLengths(key8, 8, data)
  return run('encrypt', 'des-ede3-cbc', Buffer.concat([key8, key8, key8]), data, Buffer.alloc(8))
}

/**
 * A single-DES key made ready once to encrypt block after block (ECB: each block on its own, so
 * one cipher serves them all and is never finished). Why: OpenSSL 3 makes a cipher in about
 * 12 µs on this machine and encrypts a block in about 2, and clearing checks a million TACs under
 * ten thousand card keys.
 */
export class DesBlocks {
  readonly #engine: Cipher

  constructor(key8: Uint8Array) {
    checkLengths(key8, 8, Buffer.alloc(0))
    this.#engine = createCipheriv('des-ede3-ecb', Buffer.concat([key8, key8, key8]), null)
    this.#engine.setAutoPadding(false)
  }

  encrypt(block8: Uint8Array): Buffer {
    if (block8.length !== 8) throw new RangeError(`one 8-byte block, not ${block8.length} bytes`)
    return this.#engine.update(block8)
  }
}

/**
 * A two-key triple DES key made ready once, for block after block both ways (ECB, so the ciphers
 * are never finished): a POS terminal's MAC and PIN keys serve every message it sends.
 */
export class TdesBlocks {
  readonly #encrypt: Cipher
  readonly #decrypt: Decipher

  constructor(key16: Uint8Array) {
    checkLengths(key16, 16, Buffer.alloc(0))
    this.#encrypt = createCipheriv('des-ede-ecb', key16, null)
    this.#encrypt.setAutoPadding(false)
    this.#decrypt = createDecipheriv('des-ede-ecb', key16, null)
    this.#decrypt.setAutoPadding(false)
  }

  encrypt(block8: Uint8Array): Buffer {
    if (block8.length !== 8) throw new RangeError(`one 8-byte block, not ${block8.length} bytes`)
    return this.#encrypt.update(block8)
  }

  decrypt(block8: Uint8Array): Buffer {
    if (block8.length !== 8) throw new RangeError(`one 8-byte block, not ${block8.length} bytes`)
    return this.#decrypt.update(block8)
  }
}

const readyTdes = new WeakMap<Uint8Array, TdesBlocks>()

/** The ready key of `key16` (the same array object), made on first use and kept while it lives. */
export function tdesBlocksOf(key16: Uint8Array): TdesBlocks {
  let ready = readyTdes.get(key16)
  if (ready === undefined) {
    ready = new TdesBlocks(key16)
    readyTdes.set(key16, ready)
  }
  return ready
}

/** Two-key triple DES (EDE), ECB, with a 16-byte key. */
export function tdesEncrypt(key16: Uint8Array, data: Uint8Array): Buffer {
  checkLengths(key16, 16, data)
  return run('encrypt', 'des-ede-ecb', key16, data, null)
}

export function tdesDecrypt(key16: Uint8Array, data: Uint8Array): Buffer {
  checkLengths(key16, 16, data)
  return run('decrypt', 'des-ede-ecb', key16, data, null)
}

/** Two-key triple DES, CBC from a zero IV (an OTA packet's ciphering). */
export function tdesEncryptCbc(key16: Uint8Array, data: Uint8Array): Buffer {
  checkLengths(key16, 16, data)
  return run('encrypt', 'des-ede-cbc', key16, data, Buffer.alloc(8))
}

export function tdesDecryptCbc(key16: Uint8Array, data: Uint8Array): Buffer {
  checkLengths(key16, 16, data)
  return run('decrypt', 'des-ede-cbc', key16, data, Buffer.alloc(8))
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Buffer {
  if (a.length !== b.length) throw new RangeError('xor of unequal lengths')
  const out = Buffer.alloc(a.length)
  for (let index = 0; index < a.length; index += 1) out[index] = (a[index] ?? 0) ^ (b[index] ?? 0)
  return out
}
