/**
 * sim-toolkit.ts - the simulated SIMs' side of OTA: an SMS-PP data download (TP-PID 0x7F, user
 * data 02 70 00 and a command packet) for the purse applet's TAR is checked with the card's OTA
 * keys and replay counter, its script of APDUs run on the card in order until one fails, and the
 * proof of receipt built: the count of commands run ‖ the last status word ‖ the last response's
 * data (TS 102 226's compact form), checksummed and ciphered. The script is telepay's purse
 * applet's format: each C-APDU preceded by its length in one byte (docs/channels/onsite.md).
 * Exports SimToolkit, OtaFault.
 */
import { cardNumberOf } from '../../core/index.js'
import { parseScript } from '../../gateway/ota/applet-script.js'
import {
  commandPacketHeader,
  openCommandPacket,
  porHeader,
  porStatus,
  responsePacket,
} from '../../gateway/ota/secured-packet.js'
import type { KeyStore } from '../../gateway/pboc/key-store.js'
import type { SimSide } from '../simulated-network.js'
import type { OtaCounterStore } from './card-state.js'
import type { SimCards } from './sim-cards.js'

const none = Buffer.alloc(0)

/**
 * Faults a tester puts on a SIM (the simulator's /sim/cards/:msisdn/ota): `off`, a phone out of
 * reach (nothing arrives, nothing answers); `lose_credit_answer`, the next CREDIT FOR LOAD runs on
 * the card but its proof of receipt is lost on the way back (once).
 */
export type OtaFault = 'off' | 'lose_credit_answer'

export class SimToolkit implements SimSide {
  private readonly faults = new Map<string, OtaFault>()

  constructor(
    private readonly cards: SimCards,
    private readonly keys: KeyStore,
    private readonly counters: OtaCounterStore,
  ) {}

  /** Puts a fault on the SIM of `msisdn`, or (null) takes it off. */
  setFault(msisdn: string, fault: OtaFault | null): void {
    if (fault === null) this.faults.delete(msisdn)
    else this.faults.set(msisdn, fault)
  }

  faultOf(msisdn: string): OtaFault | null {
    return this.faults.get(msisdn) ?? null
  }

  download(msisdn: string, userData: Buffer): Buffer | null {
    if (!userData.subarray(0, 3).equals(commandPacketHeader)) return null
    if (this.faults.get(msisdn) === 'off') return null
    let cardNumber: string
    try {
      cardNumber = cardNumberOf(msisdn)
    } catch {
      return null
    }
    const keys = this.keys.otaKeys(cardNumber)
    const opened = openCommandPacket(keys, userData.subarray(3))
    const por = (tar: Uint8Array, counter: bigint, status: number, data: Uint8Array): Buffer =>
      Buffer.concat([porHeader, responsePacket(keys, tar, counter, status, data)])
    if (!opened.ok)
      return opened.tar === null ? null : por(opened.tar, opened.counter ?? 0n, opened.status, none)
    const counter = Number(opened.counter)
    if (counter <= this.counters.lastCounter(cardNumber))
      return por(opened.tar, opened.counter, porStatus.counterLow, none)
    this.counters.takeCounter(cardNumber, counter)
    const apdus = parseScript(opened.data)
    if (apdus === null) return por(opened.tar, opened.counter, porStatus.securityError, none)
    const card = this.cards.cardOf(msisdn)
    const credits = apdus.some((apdu) => apdu[0] === 0x80 && apdu[1] === 0x52)
    let run = 0
    let last: Buffer = Buffer.from([0x6f, 0x00])
    for (const apdu of apdus) {
      last = card.transmit(apdu)
      run += 1
      if (!last.subarray(-2).equals(Buffer.from([0x90, 0x00]))) break
    }
    if (credits && this.faults.get(msisdn) === 'lose_credit_answer') {
      this.faults.delete(msisdn)
      return null
    }
    const data = Buffer.concat([Buffer.of(run), last.subarray(-2), last.subarray(0, -2)])
    return por(opened.tar, opened.counter, porStatus.ok, data)
  }
}
