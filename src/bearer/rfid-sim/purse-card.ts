/**
 * purse-card.ts - the RFID-SIM's electronic purse as a card: ISO 7816-4 command APDUs in,
 * responses out, after the PBOC 2.0 electronic purse (notes A, B). SELECT the application, READ
 * BINARY of the public file, READ RECORD of the log, GET BALANCE, INITIALIZE and DEBIT FOR
 * PURCHASE (MAC1 checked, TAC and MAC2 returned), INITIALIZE FOR LOAD and CREDIT FOR LOAD (MAC2
 * checked, TAC returned), GET TRANSACTION PROVE, GET CHALLENGE and APPLICATION BLOCK (line
 * protected: the blacklist's block). The card is transport-free: the terminal
 * simulator calls transmit() in process, the PC/SC bridge hands it what pcscd sends.
 *
 * An INITIALIZE opens a transaction that only the matching next command may finish; any other
 * command, a power cut or a reset drops it. Whatever changes the purse is committed in one step
 * (card-state.ts), so a card torn from the field is either untouched or done and provable.
 * Exports PurseCard, PurseCardOptions, purseLimits.
 */
import { randomBytes } from 'node:crypto'
import { amountMaxFen, fromBcd, transactionTypes, u16, u32 } from '../../gateway/pboc/fields.js'
import { loadSessionKey, purchaseSessionKey, tacKeyOf } from '../../gateway/pboc/keys.js'
import { retailMac } from '../../gateway/pboc/mac.js'
import {
  loadMac1,
  loadMac2,
  loadTac,
  purchaseMac1,
  purchaseMac2,
  purchaseTac,
} from '../../gateway/pboc/purse-macs.js'
import type { CommandApdu } from './apdu.js'
import { parseApdu, responseApdu, statusWords } from './apdu.js'
import type { LogRecord, PublicInfo } from './card-files.js'
import {
  encodeLogRecord,
  encodePublicInfo,
  logRecordsMax,
  logSfi,
  publicFileSfi,
  purseAid,
  purseFileId,
  transitRecordBytes,
  transitSfi,
} from './card-files.js'
import type { CardKeys, CardState, CardStore } from './card-state.js'

export const purseLimits = {
  /**
   * The most an anonymous purse holds (PBOC's 2012 rule for anonymous prepaid cards, notes F.2):
   * a load past it is refused by the card as well as by the host.
   */
  balanceMaxFen: 100_000,
  /** Serials are 2 bytes: a card that used them all is refused further transactions. */
  serialMax: 0xffff,
} as const

/** The algorithm id INIT answers: 00, the DES family of the PBOC purse. */
const algorithmId = 0x00

export interface PurseCardOptions {
  readonly info: PublicInfo
  readonly keys: CardKeys
  readonly store: CardStore
  /** The card's challenge for each INIT (tests give a fixed one). */
  readonly random?: () => Buffer
  readonly balanceMaxFen?: number
}

type Pending =
  | {
      readonly kind: 'purchase'
      /** 06, or 09 for a composite purchase that writes the transit record. */
      readonly type: number
      readonly amountFen: number
      readonly terminalId: string
      readonly random: Buffer
      readonly state: CardState
      /** The transit record UPDATE CAPP DATA CACHE gave, written by DEBIT; null: none yet. */
      readonly transit: Buffer | null
    }
  | {
      readonly kind: 'load'
      readonly amountFen: number
      readonly terminalId: string
      readonly random: Buffer
      readonly state: CardState
    }

/** The state with a transaction in its log and as the one GET TRANSACTION PROVE answers for. */
function recorded(
  state: CardState,
  record: LogRecord,
  mac: Uint8Array,
  tac: Uint8Array,
): CardState {
  return {
    ...state,
    log: [record, ...state.log].slice(0, logRecordsMax),
    lastProof: {
      type: record.type,
      serial: record.serial,
      mac: Buffer.from(mac).toString('hex'),
      tac: Buffer.from(tac).toString('hex'),
    },
  }
}

export class PurseCard {
  private selected = false
  private pending: Pending | null = null
  /** The card's last GET CHALLENGE answer: the start of a line-protected command's MAC. */
  private challenge: Buffer | null = null
  private readonly random: () => Buffer
  private readonly balanceMaxFen: number

  constructor(private readonly options: PurseCardOptions) {
    this.random = options.random ?? (() => randomBytes(4))
    this.balanceMaxFen = options.balanceMaxFen ?? purseLimits.balanceMaxFen
  }

  get cardNumber(): string {
    return this.options.info.cardNumber
  }

  /** Power off, power on or reset: the selection and any open transaction are gone. */
  power(): void {
    this.selected = false
    this.pending = null
    this.challenge = null
  }

  /** One command APDU; its response (data and status word). Never throws for what it is sent. */
  transmit(bytes: Uint8Array): Buffer {
    const command = parseApdu(bytes)
    if (command === null) return responseApdu(statusWords.wrongLength)
    // Only the command that finishes a transaction may follow its INIT.
    const pending = this.pending
    this.pending = null
    // A challenge is good for the one command that follows it.
    const challenge = this.challenge
    this.challenge = null
    return this.answer(command, pending, challenge)
  }

  private answer(command: CommandApdu, pending: Pending | null, challenge: Buffer | null): Buffer {
    if (command.cla === 0x00) {
      if (command.ins === 0xa4) return this.select(command)
      if (command.ins === 0xb0) return this.readBinary(command)
      if (command.ins === 0xb2) return this.readRecord(command)
      if (command.ins === 0x84) return this.getChallenge(command)
      return responseApdu(statusWords.insUnsupported)
    }
    if (command.cla === 0x84 && command.ins === 0x1e) return this.block(command, challenge)
    if (command.cla !== 0x80) return responseApdu(statusWords.claUnsupported)
    if (!this.selected) return responseApdu(statusWords.conditionsNotSatisfied)
    const state = this.options.store.read(this.cardNumber)
    if (state.blocked) return responseApdu(statusWords.applicationLocked)
    switch (command.ins) {
      case 0x5c:
        return this.getBalance(command, state)
      case 0x50:
        return this.initialize(command, state)
      case 0x54:
        return this.debit(command, pending)
      case 0x52:
        return this.credit(command, pending)
      case 0x5a:
        return this.prove(command, state)
      case 0xdc:
        return this.updateCappCache(command, pending)
      default:
        return responseApdu(statusWords.insUnsupported)
    }
  }

  private select(command: CommandApdu): Buffer {
    this.selected = false
    const byName = command.p1 === 0x04 && command.p2 === 0x00
    const byId = command.p1 === 0x00 && command.p2 === 0x00 && command.data.length === 2
    if (!byName && !byId) return responseApdu(statusWords.wrongP1P2)
    const found = byName
      ? command.data.equals(purseAid)
      : command.data.readUInt16BE(0) === purseFileId
    if (!found) return responseApdu(statusWords.fileNotFound)
    this.selected = true
    // FCI: the DF name (84) and an empty proprietary template (A5).
    const fci = Buffer.concat([Buffer.of(0x84, purseAid.length), purseAid, Buffer.of(0xa5, 0)])
    return responseApdu(statusWords.ok, Buffer.concat([Buffer.of(0x6f, fci.length), fci]))
  }

  private readBinary(command: CommandApdu): Buffer {
    if (!this.selected) return responseApdu(statusWords.conditionsNotSatisfied)
    if ((command.p1 & 0xe0) !== 0x80) return responseApdu(statusWords.wrongP1P2)
    if ((command.p1 & 0x1f) !== publicFileSfi) return responseApdu(statusWords.fileNotFound)
    const file = encodePublicInfo(this.options.info)
    if (command.p2 > file.length) return responseApdu(statusWords.offsetBeyondFile)
    const wanted = command.le === null || command.le === 0 ? file.length : command.le
    return responseApdu(statusWords.ok, file.subarray(command.p2, command.p2 + wanted))
  }

  private readRecord(command: CommandApdu): Buffer {
    if (!this.selected) return responseApdu(statusWords.conditionsNotSatisfied)
    if ((command.p2 & 0x07) !== 0x04) return responseApdu(statusWords.wrongP1P2)
    const state = this.options.store.read(this.cardNumber)
    if (command.p2 >> 3 === transitSfi) {
      if (command.p1 !== 1 || state.transit === null)
        return responseApdu(statusWords.recordNotFound)
      return responseApdu(statusWords.ok, Buffer.from(state.transit, 'hex'))
    }
    if (command.p2 >> 3 !== logSfi) return responseApdu(statusWords.fileNotFound)
    const record = state.log[command.p1 - 1]
    if (command.p1 === 0 || record === undefined) return responseApdu(statusWords.recordNotFound)
    return responseApdu(statusWords.ok, encodeLogRecord(record))
  }

  /** GET CHALLENGE (00 84 00 00 04): 4 random bytes for the next line-protected command. */
  private getChallenge(command: CommandApdu): Buffer {
    if (command.p1 !== 0x00 || command.p2 !== 0x00) return responseApdu(statusWords.wrongP1P2)
    if (command.le !== 0x04) return responseApdu(statusWords.wrongLength)
    this.challenge = this.random()
    return responseApdu(statusWords.ok, this.challenge)
  }

  /**
   * APPLICATION BLOCK (84 1E 00 00 04 MAC): what a terminal sends a card on its blacklist. The
   * MAC is the retail MAC of the header (with Lc) from the challenge, under the card's
   * maintenance key; a wrong or missing one is 6988 and blocks nothing.
   */
  private block(command: CommandApdu, challenge: Buffer | null): Buffer {
    if (!this.selected) return responseApdu(statusWords.conditionsNotSatisfied)
    if (command.p1 !== 0x00 || command.p2 !== 0x00) return responseApdu(statusWords.wrongP1P2)
    if (command.data.length !== 4) return responseApdu(statusWords.wrongLength)
    if (challenge === null) return responseApdu(statusWords.securityNotSatisfied)
    const header = Buffer.of(command.cla, command.ins, command.p1, command.p2, 0x04)
    const iv = Buffer.concat([challenge, Buffer.alloc(4)])
    const expected = retailMac(this.options.keys.maintenance, header, iv)
    if (!expected.equals(command.data)) return responseApdu(statusWords.secureMessagingMacInvalid)
    this.commit({ ...this.options.store.read(this.cardNumber), blocked: true })
    return responseApdu(statusWords.ok)
  }

  private getBalance(command: CommandApdu, state: CardState): Buffer {
    if (command.p1 !== 0x00 || command.p2 !== 0x02) return responseApdu(statusWords.wrongP1P2)
    return responseApdu(statusWords.ok, u32(state.balanceFen))
  }

  /**
   * INITIALIZE FOR PURCHASE (P1 01), FOR CAPP PURCHASE (P1 03: a composite purchase, which may be
   * of nothing, as a subway's tap in) or FOR LOAD (P1 00), on the purse (P2 02).
   */
  private initialize(command: CommandApdu, state: CardState): Buffer {
    if (![0x00, 0x01, 0x03].includes(command.p1) || command.p2 !== 0x02)
      return responseApdu(statusWords.wrongP1P2)
    if (command.data.length !== 11) return responseApdu(statusWords.wrongLength)
    const keys = this.options.keys
    if (command.data[0] !== keys.index) return responseApdu(statusWords.keyIndexUnsupported)
    const amountFen = command.data.readUInt32BE(1)
    const terminalId = fromBcd(command.data.subarray(5, 11))
    const composite = command.p1 === 0x03
    if (terminalId === null || (amountFen === 0 && !composite))
      return responseApdu(statusWords.wrongData)
    const random = this.random()
    if (command.p1 !== 0x00) {
      if (state.offlineSerial >= purseLimits.serialMax)
        return responseApdu(statusWords.conditionsNotSatisfied)
      if (amountFen > state.balanceFen) return responseApdu(statusWords.insufficientBalance)
      const type = composite ? transactionTypes.composite : transactionTypes.purchase
      this.pending = { kind: 'purchase', type, amountFen, terminalId, random, state, transit: null }
      return responseApdu(
        statusWords.ok,
        Buffer.concat([
          u32(state.balanceFen),
          u16(state.offlineSerial),
          Buffer.alloc(3),
          Buffer.of(keys.version, algorithmId),
          random,
        ]),
      )
    }
    if (state.onlineSerial >= purseLimits.serialMax)
      return responseApdu(statusWords.conditionsNotSatisfied)
    if (state.balanceFen + amountFen > Math.min(this.balanceMaxFen, amountMaxFen))
      return responseApdu(statusWords.conditionsNotSatisfied)
    this.pending = { kind: 'load', amountFen, terminalId, random, state }
    const session = loadSessionKey(keys.load, random, state.onlineSerial)
    const mac1 = loadMac1(session, state.balanceFen, { amountFen, terminalId })
    return responseApdu(
      statusWords.ok,
      Buffer.concat([
        u32(state.balanceFen),
        u16(state.onlineSerial),
        Buffer.of(keys.version, algorithmId),
        random,
        mac1,
      ]),
    )
  }

  /**
   * DEBIT FOR PURCHASE: terminal serial (4) ‖ date (4) ‖ time (3) ‖ MAC1 (4). Answers TAC (4) ‖
   * MAC2 (4): the order is unconfirmed in the notes; ours is documented in docs/onsite.md.
   */
  private debit(command: CommandApdu, pending: Pending | null): Buffer {
    if (pending?.kind !== 'purchase') return responseApdu(statusWords.conditionsNotSatisfied)
    if (command.p1 !== 0x01 || command.p2 !== 0x00) return responseApdu(statusWords.wrongP1P2)
    if (command.data.length !== 15) return responseApdu(statusWords.wrongLength)
    const terminalSerial = command.data.readUInt32BE(0)
    const date = fromBcd(command.data.subarray(4, 8))
    const time = fromBcd(command.data.subarray(8, 11))
    if (date === null || time === null) return responseApdu(statusWords.wrongData)
    const { state, amountFen, terminalId, type } = pending
    // A composite purchase writes its transit record with the debit, or not at all.
    if (type === transactionTypes.composite && pending.transit === null)
      return responseApdu(statusWords.conditionsNotSatisfied)
    const keys = this.options.keys
    const session = purchaseSessionKey(
      keys.purchase,
      pending.random,
      state.offlineSerial,
      terminalSerial,
    )
    const fields = { amountFen, type, terminalId, terminalSerial, at: { date, time } }
    if (!purchaseMac1(session, fields).equals(command.data.subarray(11, 15)))
      return responseApdu(statusWords.macInvalid)
    const mac2 = purchaseMac2(session, amountFen)
    const tac = purchaseTac(tacKeyOf(keys.tac), fields)
    const record = { serial: state.offlineSerial, amountFen, type }
    this.commit({
      ...recorded(state, { ...record, terminalId, date, time }, mac2, tac),
      balanceFen: state.balanceFen - amountFen,
      offlineSerial: state.offlineSerial + 1,
      transit: pending.transit === null ? state.transit : pending.transit.toString('hex'),
    })
    return responseApdu(statusWords.ok, Buffer.concat([tac, mac2]))
  }

  /**
   * UPDATE CAPP DATA CACHE (80 DC 01 C8, the transit record of file 0019): between a composite
   * INIT and its DEBIT, the record DEBIT is to write. The transaction stays open.
   */
  private updateCappCache(command: CommandApdu, pending: Pending | null): Buffer {
    if (pending?.kind !== 'purchase' || pending.type !== transactionTypes.composite)
      return responseApdu(statusWords.conditionsNotSatisfied)
    if (command.p1 !== 0x01 || command.p2 !== transitSfi << 3) {
      this.pending = pending
      return responseApdu(statusWords.wrongP1P2)
    }
    if (command.data.length !== transitRecordBytes) {
      this.pending = pending
      return responseApdu(statusWords.wrongLength)
    }
    this.pending = { ...pending, transit: Buffer.from(command.data) }
    return responseApdu(statusWords.ok)
  }

  /** CREDIT FOR LOAD: date (4) ‖ time (3) ‖ MAC2 (4). Answers the TAC (4). */
  private credit(command: CommandApdu, pending: Pending | null): Buffer {
    if (pending?.kind !== 'load') return responseApdu(statusWords.conditionsNotSatisfied)
    if (command.p1 !== 0x00 || command.p2 !== 0x00) return responseApdu(statusWords.wrongP1P2)
    if (command.data.length !== 11) return responseApdu(statusWords.wrongLength)
    const date = fromBcd(command.data.subarray(0, 4))
    const time = fromBcd(command.data.subarray(4, 7))
    if (date === null || time === null) return responseApdu(statusWords.wrongData)
    const { state, amountFen, terminalId } = pending
    const keys = this.options.keys
    const session = loadSessionKey(keys.load, pending.random, state.onlineSerial)
    const fields = { amountFen, terminalId, at: { date, time } }
    const mac2 = command.data.subarray(7, 11)
    if (!loadMac2(session, fields).equals(mac2)) return responseApdu(statusWords.macInvalid)
    const balanceFen = state.balanceFen + amountFen
    const tac = loadTac(tacKeyOf(keys.tac), balanceFen, state.onlineSerial, fields)
    const record = { serial: state.onlineSerial, amountFen, type: transactionTypes.load }
    this.commit({
      ...recorded(state, { ...record, terminalId, date, time }, mac2, tac),
      balanceFen,
      onlineSerial: state.onlineSerial + 1,
    })
    return responseApdu(statusWords.ok, tac)
  }

  /** GET TRANSACTION PROVE (P2: the type; data: the serial): MAC (4) ‖ TAC (4) of that one. */
  private prove(command: CommandApdu, state: CardState): Buffer {
    if (command.p1 !== 0x00) return responseApdu(statusWords.wrongP1P2)
    if (command.data.length !== 2) return responseApdu(statusWords.wrongLength)
    const proof = state.lastProof
    const serial = command.data.readUInt16BE(0)
    if (proof === null || proof.type !== command.p2 || proof.serial !== serial)
      return responseApdu(statusWords.macNotAvailable)
    return responseApdu(
      statusWords.ok,
      Buffer.concat([Buffer.from(proof.mac, 'hex'), Buffer.from(proof.tac, 'hex')]),
    )
  }

  private commit(state: CardState): void {
    this.options.store.commit(this.cardNumber, state)
  }
}
