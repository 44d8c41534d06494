/**
 * record-check.ts - one uploaded purchase record checked before it is cleared: a key version the
 * store holds, a card number that is an RFID-SIM's, a purchase type, a real local date and time,
 * and the TAC the card's key makes over its fields. Pure but for the key store, so that it runs
 * alike on the gateway's thread and on the checking thread (record-checker.ts). Exports
 * checkRecord, RecordRefusal.
 */
import type { ClearingRecord } from '../../core/index.js'
import { msisdnOfCard } from '../../core/index.js'
import { transactionTypes } from '../pboc/fields.js'
import type { KeyStore } from '../pboc/key-store.js'
import type { BatchRecord } from './batch-file.js'

export type RecordRefusal =
  | 'key_version_unknown'
  | 'card_unknown'
  | 'type_unknown'
  | 'time_invalid'
  | 'tac_mismatch'

/** What a terminal clears: purchases (06) and composite ones (09); loads are the platform's. */
const purchaseTypes: ReadonlySet<number> = new Set([
  transactionTypes.purchase,
  transactionTypes.composite,
])

/** The instant of a record's local date and time; NaN when they are no real date. */
function instantOf(record: BatchRecord, zoneOffsetMs: number): number {
  const { date, time } = record
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(4, 6))
  const day = Number(date.slice(6, 8))
  const hour = Number(time.slice(0, 2))
  const minute = Number(time.slice(2, 4))
  const second = Number(time.slice(4, 6))
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls a 31 February over into March: a date that does not round-trip is none.
  const back = new Date(ms)
  if (
    month < 1 ||
    back.getUTCDate() !== day ||
    back.getUTCMonth() !== month - 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return Number.NaN
  return ms - zoneOffsetMs
}

/**
 * The record to clear, or why it is refused; its time is worked out once, here. `terminalId`
 * is the uploading terminal's PSAM id, which the TAC covers.
 */
export function checkRecord(
  keys: KeyStore,
  record: BatchRecord,
  terminalId: string,
  zoneOffsetMs: number,
): ClearingRecord | RecordRefusal {
  if (record.keyVersion !== keys.version) return 'key_version_unknown'
  if (msisdnOfCard(record.cardNumber) === null) return 'card_unknown'
  if (!purchaseTypes.has(record.type)) return 'type_unknown'
  const atMs = instantOf(record, zoneOffsetMs)
  if (Number.isNaN(atMs)) return 'time_invalid'
  const fields = {
    amountFen: record.amountFen,
    type: record.type,
    terminalId,
    terminalSerial: record.terminalSerial,
    at: { date: record.date, time: record.time },
  }
  if (!keys.verifyPurchaseTac(record.cardNumber, fields, record.tac)) return 'tac_mismatch'
  return {
    cardNumber: record.cardNumber,
    cardSerial: record.cardSerial,
    terminalSerial: record.terminalSerial,
    type: record.type,
    amountMinor: BigInt(record.amountFen),
    balanceAfterMinor: BigInt(record.balanceAfterFen),
    atMs,
    tac: record.tac,
  }
}
