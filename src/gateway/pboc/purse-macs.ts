/**
 * purse-macs.ts - what MAC1, MAC2 and the TAC of a purse purchase and load cover (notes B.4: the
 * MAC1 and MAC2 fields checked against public vectors; the TAC fields as PBOC lists them from
 * memory of the standard, unconfirmed, and used alike by the card and by clearing, so a change is
 * made here once). Amounts are fen, terminal ids 12 BCD digits. Exports purchaseMac1,
 * purchaseMac2, purchaseTac, loadMac1, loadMac2, loadTac, PurchaseFields, LoadFields.
 */
import { bcd, type PurseTime, transactionTypes, u16, u32 } from './fields.js'
import { type MacKey, pbocMac } from './mac.js'

export interface PurchaseFields {
  readonly amountFen: number
  /** 06 (the default) or 09 for a composite purchase. */
  readonly type?: number
  /** 12 digits. */
  readonly terminalId: string
  /** The PSAM's terminal transaction serial. */
  readonly terminalSerial: number
  readonly at: PurseTime
}

export interface LoadFields {
  readonly amountFen: number
  readonly terminalId: string
  readonly at: PurseTime
}

const loadType = Buffer.of(transactionTypes.load)

/** amount ‖ type ‖ terminal id ‖ date ‖ time: what a purchase's MAC1 and a load's MAC2 cover. */
function creditedFields(fields: LoadFields, type: number): Buffer {
  return Buffer.concat([
    u32(fields.amountFen),
    Buffer.of(type),
    bcd(fields.terminalId),
    bcd(fields.at.date),
    bcd(fields.at.time),
  ])
}

/** Purchase MAC1, PSAM to card: amount ‖ type ‖ terminal id ‖ date ‖ time, under SESPK. */
export function purchaseMac1(sessionKey8: Uint8Array, fields: PurchaseFields): Buffer {
  return pbocMac(sessionKey8, creditedFields(fields, fields.type ?? transactionTypes.purchase))
}

/** Purchase MAC2, card to PSAM: the amount, under SESPK. */
export function purchaseMac2(sessionKey8: Uint8Array, amountFen: number): Buffer {
  return pbocMac(sessionKey8, u32(amountFen))
}

/** A purchase's TAC: amount ‖ type ‖ terminal id ‖ terminal serial(4) ‖ date ‖ time. */
export function purchaseTac(tacKey: MacKey, fields: PurchaseFields): Buffer {
  return pbocMac(
    tacKey,
    Buffer.concat([
      u32(fields.amountFen),
      Buffer.of(fields.type ?? transactionTypes.purchase),
      bcd(fields.terminalId),
      u32(fields.terminalSerial),
      bcd(fields.at.date),
      bcd(fields.at.time),
    ]),
  )
}

/** Load MAC1, card to host: balance before ‖ amount ‖ type ‖ terminal id, under SESLK. */
export function loadMac1(
  sessionKey8: Uint8Array,
  balanceFen: number,
  fields: Omit<LoadFields, 'at'>,
  type: number = transactionTypes.load,
): Buffer {
  return pbocMac(
    sessionKey8,
    Buffer.concat([
      u32(balanceFen),
      u32(fields.amountFen),
      Buffer.of(type),
      bcd(fields.terminalId),
    ]),
  )
}

/** Load MAC2, host to card: amount ‖ type ‖ terminal id ‖ date ‖ time, under SESLK. */
export function loadMac2(
  sessionKey8: Uint8Array,
  fields: LoadFields,
  type: number = transactionTypes.load,
): Buffer {
  return pbocMac(sessionKey8, creditedFields(fields, type))
}

/**
 * A load's TAC: new balance ‖ online serial (the one the load used) ‖ amount ‖ type ‖ terminal
 * id ‖ date ‖ time.
 */
export function loadTac(
  tacKey: MacKey,
  newBalanceFen: number,
  onlineSerial: number,
  fields: LoadFields,
): Buffer {
  return pbocMac(
    tacKey,
    Buffer.concat([
      u32(newBalanceFen),
      u16(onlineSerial),
      u32(fields.amountFen),
      loadType,
      bcd(fields.terminalId),
      bcd(fields.at.date),
      bcd(fields.at.time),
    ]),
  )
}
