/**
 * secured-packet.ts - the secured packets of SIM OTA over SMS-PP (3GPP TS 31.115 / ETSI TS
 * 102 225): a command packet to the SIM (CPL ‖ CHL ‖ SPI ‖ KIc ‖ KID ‖ TAR ‖ CNTR ‖ PCNTR ‖ CC ‖
 * data, CNTR onward ciphered) and its response packet, the proof of receipt (RPL ‖ RHL ‖ TAR ‖
 * CNTR ‖ PCNTR ‖ status ‖ CC ‖ data). telepay's profile: two-key triple DES in CBC for both the
 * cryptographic checksum (an 8-byte CBC-MAC from a zero IV over the packet from CPL, zero padded)
 * and the ciphering, a counter the card processes only when higher than its last, and a PoR
 * always, checksummed, ciphered and sent back as an SMS-SUBMIT (so that it reaches the platform
 * as an MO). Checked against pySim's published command packet. Exports commandPacket,
 * openCommandPacket, responsePacket, openResponsePacket, otaProfile, porStatus, OtaKeys,
 * commandPacketHeader, porHeader.
 */
import { tdesDecryptCbc, tdesEncryptCbc } from '../pboc/des.js'

export interface OtaKeys {
  /** KIc: the ciphering key, 16 bytes. */
  readonly cipher: Uint8Array
  /** KID: the checksum key, 16 bytes. */
  readonly checksum: Uint8Array
}

export const otaProfile = {
  /** CC, ciphered, counter must be higher. */
  spi1: 0x16,
  /** PoR always, with CC, ciphered, as SMS-SUBMIT. */
  spi2: 0x39,
  /** Key 1, triple DES with two keys, DES family. */
  kic: 0x15,
  kid: 0x15,
  /** The purse applet's toolkit application reference: "TEL". */
  tar: Buffer.from('54454C', 'hex'),
} as const

/** The PoR status codes (TS 102 225 table 5.2). */
export const porStatus = {
  ok: 0x00,
  checksumFailed: 0x01,
  counterLow: 0x02,
  counterHigh: 0x03,
  counterBlocked: 0x04,
  cipheringError: 0x05,
  securityError: 0x06,
  tarUnknown: 0x09,
} as const

const ccBytes = 8

/**
 * The user data headers of the two packets (IEI 70: a command packet; 71: a response packet).
 * A PoR's checksum covers its header too, as pySim computes it.
 */
export const commandPacketHeader = Buffer.from('027000', 'hex')
export const porHeader = Buffer.from('027100', 'hex')

function mac(key16: Uint8Array, data: Buffer): Buffer {
  const padded = Buffer.concat([data, Buffer.alloc((8 - (data.length % 8)) % 8)])
  return tdesEncryptCbc(key16, padded).subarray(-8)
}

function counterOf(counter: bigint): Buffer {
  const out = Buffer.alloc(5)
  out.writeUIntBE(Number(counter), 0, 5)
  return out
}

export interface CommandHeader {
  readonly spi1: number
  readonly spi2: number
  readonly kic: number
  readonly kid: number
  readonly tar: Uint8Array
}

/** A command packet carrying `data` (the APDUs, each length-prefixed by the caller's format). */
export function commandPacket(
  keys: OtaKeys,
  counter: bigint,
  data: Uint8Array,
  header: CommandHeader = otaProfile,
): Buffer {
  // CNTR ‖ PCNTR ‖ CC ‖ data ‖ padding is what is ciphered: a whole number of blocks.
  const padding = (8 - ((5 + 1 + ccBytes + data.length) % 8)) % 8
  const chl = 13 + ccBytes
  const head = Buffer.concat([
    Buffer.alloc(2),
    Buffer.of(chl, header.spi1, header.spi2, header.kic, header.kid),
    Buffer.from(header.tar),
  ])
  // CPL counts from CHL to the end: CHL itself, the header it counts, the data and padding.
  head.writeUInt16BE(1 + chl + data.length + padding, 0)
  const counterPart = Buffer.concat([counterOf(counter), Buffer.of(padding)])
  const body = Buffer.concat([Buffer.from(data), Buffer.alloc(padding)])
  const cc = mac(keys.checksum, Buffer.concat([head, counterPart, body]))
  const ciphered = tdesEncryptCbc(keys.cipher, Buffer.concat([counterPart, cc, body]))
  return Buffer.concat([head, ciphered])
}

export type Opened =
  | { readonly ok: true; readonly counter: bigint; readonly tar: Buffer; readonly data: Buffer }
  | {
      readonly ok: false
      readonly status: number
      readonly counter: bigint | null
      readonly tar: Buffer | null
    }

/** What the card does with a command packet: checks it and takes out the data. */
export function openCommandPacket(keys: OtaKeys, packet: Uint8Array): Opened {
  const bytes = Buffer.from(packet)
  if (bytes.length < 16 || bytes.readUInt16BE(0) !== bytes.length - 2)
    return { ok: false, status: porStatus.securityError, counter: null, tar: null }
  const tar = bytes.subarray(7, 10)
  if (!tar.equals(otaProfile.tar))
    return { ok: false, status: porStatus.tarUnknown, counter: null, tar }
  const ciphered = bytes.subarray(10)
  if (ciphered.length % 8 !== 0)
    return { ok: false, status: porStatus.cipheringError, counter: null, tar }
  const plain = tdesDecryptCbc(keys.cipher, ciphered)
  const counterPart = plain.subarray(0, 6)
  const counter = BigInt(plain.readUIntBE(0, 5))
  const padding = plain[5] ?? 0
  const cc = plain.subarray(6, 6 + ccBytes)
  const body = plain.subarray(6 + ccBytes)
  const expected = mac(keys.checksum, Buffer.concat([bytes.subarray(0, 10), counterPart, body]))
  if (!expected.equals(cc)) return { ok: false, status: porStatus.checksumFailed, counter, tar }
  if (padding > body.length) return { ok: false, status: porStatus.securityError, counter, tar }
  return { ok: true, counter, tar, data: body.subarray(0, body.length - padding) }
}

/** The card's proof of receipt: status and data, checksummed and ciphered as asked. */
export function responsePacket(
  keys: OtaKeys,
  tar: Uint8Array,
  counter: bigint,
  status: number,
  data: Uint8Array,
): Buffer {
  const padding = (8 - ((5 + 1 + 1 + ccBytes + data.length) % 8)) % 8
  const rhl = 0x0a + ccBytes
  const head = Buffer.concat([Buffer.alloc(2), Buffer.of(rhl), Buffer.from(tar)])
  head.writeUInt16BE(1 + rhl + data.length + padding, 0)
  const counterPart = Buffer.concat([counterOf(counter), Buffer.of(padding, status)])
  const body = Buffer.concat([Buffer.from(data), Buffer.alloc(padding)])
  const cc = mac(keys.checksum, Buffer.concat([porHeader, head, counterPart, body]))
  return Buffer.concat([head, tdesEncryptCbc(keys.cipher, Buffer.concat([counterPart, cc, body]))])
}

export type OpenedResponse =
  | { readonly ok: true; readonly counter: bigint; readonly status: number; readonly data: Buffer }
  | { readonly ok: false; readonly why: string }

/** What the platform does with a PoR: checks its checksum and takes out status and data. */
export function openResponsePacket(keys: OtaKeys, packet: Uint8Array): OpenedResponse {
  const bytes = Buffer.from(packet)
  if (bytes.length < 6 || bytes.readUInt16BE(0) !== bytes.length - 2)
    return { ok: false, why: 'the response packet length is wrong' }
  const ciphered = bytes.subarray(6)
  if (ciphered.length % 8 !== 0) return { ok: false, why: 'the response is not whole blocks' }
  const plain = tdesDecryptCbc(keys.cipher, ciphered)
  const counterPart = plain.subarray(0, 7)
  const cc = plain.subarray(7, 7 + ccBytes)
  const body = plain.subarray(7 + ccBytes)
  const expected = mac(
    keys.checksum,
    Buffer.concat([porHeader, bytes.subarray(0, 6), counterPart, body]),
  )
  if (!expected.equals(cc)) return { ok: false, why: 'the response checksum is wrong' }
  const padding = plain[5] ?? 0
  if (padding > body.length) return { ok: false, why: 'the response padding is wrong' }
  return {
    ok: true,
    counter: BigInt(plain.readUIntBE(0, 5)),
    status: plain[6] ?? 0xff,
    data: body.subarray(0, body.length - padding),
  }
}
