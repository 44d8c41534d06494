/**
 * offline-terminal.ts - a gate or shop terminal paying from a card's e-purse without the network:
 * the real APDU sequence (SELECT, READ BINARY of the public file, INITIALIZE FOR PURCHASE, the
 * PSAM's MAC1, DEBIT FOR PURCHASE, the card's MAC2 checked by the PSAM), the record kept in the
 * terminal's own file before it says "paid". A purchase whose DEBIT got no answer (the phone
 * moved away) stays in flight; the card's next tap here asks it for the proof (GET TRANSACTION
 * PROVE): proven, the gate opens without charging again; not proven, it never happened and the
 * purchase starts afresh. The card is reached through a link (in process, PC/SC, the simulator's
 * HTTP), so one terminal works with any. Exports OfflineTerminal, CardLink, TapResult,
 * TapRefusal, OfflineTerminalOptions.
 */
import { fromBcd, purseTimeOf, transactionTypes, u16, u32 } from '../../../gateway/pboc/fields.js'
import { decodeLogRecord, logRecordsMax, purseAid } from '../card-files.js'
import type { Fare } from './fares.js'
import { fareOf } from './fares.js'
import type { Psam } from './psam.js'
import type { InFlightPurchase, PurchaseRecord, TerminalRecordStore } from './record-store.js'
import { decodeTransitRecord, encodeTransitRecord } from './transit-record.js'

/** How the terminal reaches the card: one APDU out, its response back (or a throw: no answer). */
export interface CardLink {
  transmit(apdu: Buffer): Promise<Buffer>
}

export type TapRefusal =
  | 'not_a_purse' // no purse application answered SELECT
  | 'card_expired'
  | 'blacklisted' // the platform's list names the card
  | 'card_blocked' // the card says so (9303)
  | 'insufficient_balance' // 9401
  | 'card_error' // any other answer the sequence does not expect
  | 'mac2_invalid' // the card answered a MAC2 the PSAM does not make: not our card's purse

export type TapResult =
  | {
      readonly kind: 'paid'
      readonly record: PurchaseRecord
      /** True when this tap found the purchase of an earlier tap done and charged nothing. */
      readonly recovered: boolean
    }
  | { readonly kind: 'refused'; readonly reason: TapRefusal; readonly statusWord: string | null }
  /** DEBIT got no answer: the purchase is in flight until the card's next tap proves it or not. */
  | { readonly kind: 'torn'; readonly terminalSerial: number }

export interface OfflineTerminalOptions {
  /** The terminal's PSAM: its terminal id (12 digits) and its keys. */
  readonly psam: Psam
  /** What a tap costs here: a flat fare, a subway entry or exit gate, a shop's till. */
  readonly fare: Fare
  readonly records: TerminalRecordStore
  /** The cards the terminal refuses (the platform's blacklist as last downloaded). */
  readonly blacklist: () => ReadonlySet<string>
  /** Local time's offset from UTC (China: +8 h). */
  readonly zoneOffsetMs: number
}

export const offlineTerminalLimits = {
  /**
   * A tap whose purchase is proven at the card's next tap counts as that same tap (the gate
   * opens, nothing charged) only this soon after it: a rider tapping again because the gate did
   * not open does so within seconds; a later tap is a new ride and pays.
   */
  sameTapWindowMs: 60_000,
} as const

const apdu = (hex: string): Buffer => Buffer.from(hex.replaceAll(' ', ''), 'hex')

interface Answer {
  readonly sw: string
  readonly data: Buffer
}

async function send(card: CardLink, command: Buffer): Promise<Answer> {
  const answer = await card.transmit(command)
  if (answer.length < 2) return { sw: '', data: Buffer.alloc(0) }
  return {
    sw: answer.subarray(-2).toString('hex').toUpperCase(),
    data: answer.subarray(0, -2),
  }
}

const refused = (reason: TapRefusal, statusWord: string | null = null): TapResult => ({
  kind: 'refused',
  reason,
  statusWord,
})

export class OfflineTerminal {
  constructor(private readonly options: OfflineTerminalOptions) {}

  get terminalId(): string {
    return this.options.psam.terminalId
  }

  /** One tap of a card at `atMs`; `typedFen` is the amount a shop's till asks for. */
  async tap(card: CardLink, atMs: number, typedFen: number | null = null): Promise<TapResult> {
    const select = await send(
      card,
      Buffer.concat([apdu('00A40400'), Buffer.of(purseAid.length), purseAid]),
    )
    if (select.sw !== '9000') return refused('not_a_purse', select.sw)
    const file = await send(card, apdu('00B095001E'))
    const cardNumber = file.sw === '9000' ? fromBcd(file.data.subarray(4, 14)) : null
    const validTo = file.sw === '9000' ? fromBcd(file.data.subarray(18, 22)) : null
    if (cardNumber === null || validTo === null) return refused('card_error', file.sw)
    const at = purseTimeOf(atMs, this.options.zoneOffsetMs)
    if (validTo < at.date) return refused('card_expired')
    if (this.options.blacklist().has(cardNumber)) return this.block(card, cardNumber)

    const fare = this.options.fare
    const earlier = this.options.records.inFlightOf(cardNumber)
    if (earlier !== null) {
      const proven = await this.prove(card, earlier)
      // The same tap again (the gate did not open): it was paid, so it opens now. An older
      // purchase proven now is kept, and this tap pays for itself.
      const sameTap =
        proven !== null &&
        atMs - earlier.atMs <= offlineTerminalLimits.sameTapWindowMs &&
        (fare.kind !== 'till' || typedFen === earlier.amountFen)
      if (proven !== null && sameTap) return { kind: 'paid', record: proven, recovered: true }
    }
    if (fare.kind !== 'entry' && fare.kind !== 'exit')
      return this.purchase(card, { cardNumber, amountFen: fareOf(fare, null, typedFen), at, atMs })
    // A subway gate reads where the ride began, and writes where it is now with the debit.
    const read = await send(card, apdu('00B201CC10'))
    const transit = read.sw === '9000' ? decodeTransitRecord(read.data) : null
    if (read.sw !== '9000' && read.sw !== '6A83') return refused('card_error', read.sw)
    return this.purchase(card, {
      cardNumber,
      amountFen: fareOf(fare, transit, null),
      at,
      atMs,
      transit: encodeTransitRecord({
        inRide: fare.kind === 'entry',
        terminalId: this.terminalId,
        ...at,
      }),
    })
  }

  /**
   * A card on the blacklist is blocked where it is tapped (APPLICATION BLOCK, line protected):
   * from then on every terminal finds it blocked, listed or not. Refused either way.
   */
  private async block(card: CardLink, cardNumber: string): Promise<TapResult> {
    const challenge = await send(card, apdu('0084000004'))
    if (challenge.sw === '9000' && challenge.data.length === 4) {
      const mac = this.options.psam.blockMac(cardNumber, challenge.data)
      const blocked = await send(card, Buffer.concat([apdu('841E000004'), mac]))
      return refused('blacklisted', blocked.sw)
    }
    return refused('blacklisted', challenge.sw)
  }

  /**
   * Asks the card for the proof of a purchase whose answer was lost: the record kept, or null.
   * The purchase is forgotten only when the card shows it never happened (no proof, and its log
   * has that serial for another purchase or has not reached it); otherwise it stays in flight
   * for the card's next tap (the card proves only its latest transaction: one made elsewhere
   * since hides the proof, not the debit).
   */
  private async prove(card: CardLink, earlier: InFlightPurchase): Promise<PurchaseRecord | null> {
    const command = Buffer.concat([
      apdu('805A00'),
      Buffer.of(earlier.type, 0x02),
      u16(earlier.cardSerial),
      Buffer.of(0x08),
    ])
    const proof = await send(card, command)
    if (proof.sw !== '9000' || proof.data.length !== 8) {
      if (proof.sw === '9406' && (await this.neverHappened(card, earlier)))
        this.options.records.abandon(earlier.terminalSerial)
      return null
    }
    const psam = this.options.psam.purchase({
      cardNumber: earlier.cardNumber,
      random: Buffer.from(earlier.random, 'hex'),
      offlineSerial: earlier.cardSerial,
      type: earlier.type,
      amountFen: earlier.amountFen,
      terminalSerial: earlier.terminalSerial,
      at: { date: earlier.date, time: earlier.time },
    })
    // A proof whose MAC2 is not this purchase's is not its proof: the purchase stays in flight.
    if (!psam.verifyMac2(proof.data.subarray(0, 4))) return null
    const record = this.recordOf(earlier, proof.data.subarray(4, 8))
    this.options.records.complete(record)
    return record
  }

  /** A purchase; with a transit record, a composite one that writes it (INIT P1 03). */
  /** Whether the card's log shows the purchase was not made: its serial unused or another's. */
  private async neverHappened(card: CardLink, earlier: InFlightPurchase): Promise<boolean> {
    let highest = -1
    for (let index = 1; index <= logRecordsMax; index += 1) {
      const read = await send(card, Buffer.concat([apdu('00B2'), Buffer.of(index, 0xc4, 0x17)]))
      if (read.sw === '6A83') break
      const record = read.sw === '9000' ? decodeLogRecord(read.data) : null
      if (record === null) return false
      // Loads count their own serial: only purchases and composite purchases are compared.
      if (record.type === transactionTypes.load) continue
      if (record.serial === earlier.cardSerial)
        return !(
          record.terminalId === this.terminalId &&
          record.amountFen === earlier.amountFen &&
          record.date === earlier.date &&
          record.time === earlier.time
        )
      highest = Math.max(highest, record.serial)
    }
    return highest < earlier.cardSerial
  }

  private async purchase(
    card: CardLink,
    order: {
      readonly cardNumber: string
      readonly amountFen: number
      readonly at: { readonly date: string; readonly time: string }
      readonly atMs: number
      readonly transit?: Buffer
    },
  ): Promise<TapResult> {
    const { cardNumber, amountFen, at } = order
    const psam = this.options.psam
    const composite = order.transit !== undefined
    const type = composite ? transactionTypes.composite : transactionTypes.purchase
    const init = await send(
      card,
      Buffer.concat([
        apdu(composite ? '80500302 0B' : '80500102 0B'),
        Buffer.of(psam.keyIndex),
        u32(amountFen),
        Buffer.from(psam.terminalId, 'hex'),
        Buffer.of(0x0f),
      ]),
    )
    if (init.sw === '9401') return refused('insufficient_balance', init.sw)
    if (init.sw === '9303') return refused('card_blocked', init.sw)
    if (init.sw !== '9000' || init.data.length !== 15) return refused('card_error', init.sw)
    const balanceBeforeFen = init.data.readUInt32BE(0)
    const cardSerial = init.data.readUInt16BE(4)
    const keyVersion = init.data[9] ?? 0
    const random = init.data.subarray(11, 15)
    if (keyVersion !== psam.keyVersion) return refused('card_error', init.sw)
    if (order.transit !== undefined) {
      const cache = await send(
        card,
        Buffer.concat([apdu('80DC01C8'), Buffer.of(order.transit.length), order.transit]),
      )
      if (cache.sw !== '9000') return refused('card_error', cache.sw)
    }

    const inFlight = this.options.records.begin({
      atMs: order.atMs,
      random: random.toString('hex'),
      cardNumber,
      cardSerial,
      type,
      amountFen,
      balanceBeforeFen,
      date: at.date,
      time: at.time,
      keyVersion,
    })
    const session = psam.purchase({
      cardNumber,
      random,
      offlineSerial: cardSerial,
      type,
      amountFen,
      terminalSerial: inFlight.terminalSerial,
      at,
    })
    let debit: Answer
    try {
      debit = await send(
        card,
        Buffer.concat([
          apdu('80540100 0F'),
          u32(inFlight.terminalSerial),
          Buffer.from(at.date + at.time, 'hex'),
          session.mac1,
          Buffer.of(0x08),
        ]),
      )
    } catch {
      return { kind: 'torn', terminalSerial: inFlight.terminalSerial }
    }
    if (debit.sw !== '9000') {
      // The card refused DEBIT: nothing was taken.
      this.options.records.abandon(inFlight.terminalSerial)
      return refused('card_error', debit.sw)
    }
    // Done by the card but not answered as it should be: in flight, for the proof at its next tap.
    if (debit.data.length !== 8) return refused('card_error', debit.sw)
    if (!session.verifyMac2(debit.data.subarray(4, 8))) return refused('mac2_invalid', debit.sw)
    const record = this.recordOf(inFlight, debit.data.subarray(0, 4))
    this.options.records.complete(record)
    return { kind: 'paid', record, recovered: false }
  }

  private recordOf(purchase: InFlightPurchase, tac: Uint8Array): PurchaseRecord {
    return {
      terminalSerial: purchase.terminalSerial,
      cardNumber: purchase.cardNumber,
      cardSerial: purchase.cardSerial,
      type: purchase.type,
      amountFen: purchase.amountFen,
      balanceAfterFen: purchase.balanceBeforeFen - purchase.amountFen,
      date: purchase.date,
      time: purchase.time,
      tac: Buffer.from(tac).toString('hex'),
      keyVersion: purchase.keyVersion,
    }
  }
}
