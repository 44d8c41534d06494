/**
 * load-host.ts - the platform as the purse's load host: the APDUs of an online load and what it
 * reads of the card's answers. The card answers INITIALIZE FOR LOAD with its balance, online
 * serial, a random and MAC1; the host checks MAC1 (the card is genuine and the amount the one
 * asked), and answers with CREDIT FOR LOAD carrying MAC2 (the host authorised it); the card
 * answers with the load's TAC. The MACs themselves are the key store's (it holds the keys).
 * Exports initForLoadApdu, parseInitForLoad, creditForLoadApdu, proveLoadApdu, InitForLoad,
 * selectPurseApdu, purseAid.
 */
import { bcd, type PurseTime, transactionTypes, u16, u32 } from './fields.js'

/**
 * The purse application's AID (docs/channels/onsite.md): F0 (a proprietary RID, ISO 7816-5),
 * "TELEPAY", version 01. The card answers to it (card-files.ts takes it from here).
 */
export const purseAid = Buffer.from('F054454C4550415901', 'hex')

export function selectPurseApdu(): Buffer {
  return Buffer.concat([Buffer.from('00A40400', 'hex'), Buffer.of(purseAid.length), purseAid])
}

/** INITIALIZE FOR LOAD: key index ‖ amount ‖ terminal id (the host's). */
export function initForLoadApdu(keyIndex: number, amountFen: number, terminalId: string): Buffer {
  return Buffer.concat([
    Buffer.from('805000020B', 'hex'),
    Buffer.of(keyIndex),
    u32(amountFen),
    bcd(terminalId),
    Buffer.of(0x10),
  ])
}

export interface InitForLoad {
  readonly balanceFen: number
  readonly onlineSerial: number
  readonly keyVersion: number
  readonly random: Buffer
  readonly mac1: Buffer
}

/** The card's answer to INITIALIZE FOR LOAD (data ‖ 9000); null for any other answer. */
export function parseInitForLoad(response: Uint8Array): InitForLoad | null {
  const answer = Buffer.from(response)
  if (answer.length !== 18 || answer.readUInt16BE(16) !== 0x9000) return null
  return {
    balanceFen: answer.readUInt32BE(0),
    onlineSerial: answer.readUInt16BE(4),
    keyVersion: answer[6] ?? 0,
    random: answer.subarray(8, 12),
    mac1: answer.subarray(12, 16),
  }
}

/** CREDIT FOR LOAD: date ‖ time ‖ MAC2. */
export function creditForLoadApdu(at: PurseTime, mac2: Uint8Array): Buffer {
  return Buffer.concat([
    Buffer.from('805200000B', 'hex'),
    bcd(at.date),
    bcd(at.time),
    Buffer.from(mac2),
    Buffer.of(0x04),
  ])
}

/** GET TRANSACTION PROVE of a load: did the load with this online serial happen? */
export function proveLoadApdu(onlineSerial: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x80, 0x5a, 0x00, transactionTypes.load, 0x02]),
    u16(onlineSerial),
    Buffer.of(0x08),
  ])
}
