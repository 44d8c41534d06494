/**
 * key-store.ts - the purse's master keys in one place: the platform's HSM and the terminals'
 * PSAMs, simulated. Everything else asks it for what it computes (a card's diversified keys for
 * personalisation, a session's MAC for a PSAM, a TAC for clearing) and never holds a master key;
 * the keys are private fields that neither JSON nor util.inspect shows, so a log line cannot
 * carry one. Exports KeyStore, MasterKeys, CardKeys, cardKeyFactor, testMasterKeys.
 */

import { createHmac, timingSafeEqual } from 'node:crypto'
import { inspect } from 'node:util'
import type { OtaKeys } from '../ota/secured-packet.js'
import { DesBlocks } from './des.js'
import { diversify, loadSessionKey, tacKeyOf } from './keys.js'
import type { LoadFields, PurchaseFields } from './purse-macs.js'
import { loadMac1, loadMac2, loadTac, purchaseTac } from './purse-macs.js'

/**
 * Cards whose TAC key the store keeps made, ready to encrypt (clearing and top-ups ask again and
 * again): a day's upload meets each card a few times, and each made key is an OpenSSL cipher of
 * about 1.1 KB (measured), so 20,000 take about 22 MB (a store on the gateway's thread and one on
 * the record checker's); past it the longest kept goes first, one at a time.
 */
const tacKeysCachedMax = 20_000

/** A card's own keys, diversified from the issuer's master keys by its card number. */
export interface CardKeys {
  /** Purchase key (DPK), 16 bytes. */
  readonly purchase: Buffer
  /** Load key (DLK), 16 bytes. */
  readonly load: Buffer
  /** TAC key (DTK), 16 bytes. */
  readonly tac: Buffer
  /** Application maintenance key (DAMK), 16 bytes: line protection of APPLICATION BLOCK. */
  readonly maintenance: Buffer
  /** The version a terminal's PSAM must hold (INIT answers it). */
  readonly version: number
  /** The key index terminals name in INIT (others: 9403). */
  readonly index: number
}

export interface MasterKeys {
  /** 16 bytes each, hex. */
  readonly purchase: string
  readonly load: string
  readonly tac: string
  /** The application maintenance key (DAMK): line protection of APPLICATION BLOCK. */
  readonly maintenance: string
  /**
   * The terminals' upload key: each terminal signs its clearing batches under its own key, the
   * HMAC-SHA256 of its 12-digit terminal id under this one (the PSAM holds its own at issue).
   */
  readonly terminal: string
  /** The SIM's OTA keys (KIc, KID) of the purse applet, diversified per card like the others. */
  readonly otaCipher: string
  readonly otaChecksum: string
  /** The key version and index the cards are personalised with and terminals name. */
  readonly version: number
  readonly index: number
}

/**
 * The default world's test keys (docs/onsite.md): public, for the simulator and the conformance
 * scripts only. The purchase key is the one of the published vectors (notes B.4).
 */
export const testMasterKeys: MasterKeys = {
  purchase: '11223344556677888877665544332211',
  load: '2233445566778899AABBCCDDEEFF0011',
  tac: '00112233445566778899AABBCCDDEEFF',
  maintenance: '33445566778899AABBCCDDEEFF001122',
  terminal: '5566778899AABBCCDDEEFF0011223344',
  otaCipher: '6677889900AABBCCDDEEFF0011223344',
  otaChecksum: '778899AABBCCDDEEFF00112233445566',
  version: 0x01,
  index: 0x01,
}

/** The diversification factor of a card: the rightmost 8 bytes of its 20-digit card number. */
export function cardKeyFactor(cardNumber: string): Buffer {
  if (!/^\d{20}$/.test(cardNumber)) throw new RangeError('a card number is 20 digits')
  return Buffer.from(cardNumber.slice(4), 'hex')
}

function keyOf(name: string, hex: string): Buffer {
  if (!/^[0-9a-fA-F]{32}$/.test(hex))
    throw new RangeError(`the ${name} master key is 16 bytes of hex`)
  return Buffer.from(hex, 'hex')
}

export class KeyStore {
  readonly #purchase: Buffer
  readonly #load: Buffer
  readonly #tac: Buffer
  readonly #maintenance: Buffer
  readonly #terminal: Buffer
  readonly #otaCipher: Buffer
  readonly #otaChecksum: Buffer
  /** TAC keys of the cards clearing met lately: a card's is two 3DES blocks to make. */
  readonly #tacKeys = new Map<string, DesBlocks>()
  readonly version: number
  readonly index: number

  constructor(masters: MasterKeys) {
    this.#purchase = keyOf('purchase', masters.purchase)
    this.#load = keyOf('load', masters.load)
    this.#tac = keyOf('tac', masters.tac)
    this.#maintenance = keyOf('maintenance', masters.maintenance)
    this.#terminal = keyOf('terminal', masters.terminal)
    this.#otaCipher = keyOf('otaCipher', masters.otaCipher)
    this.#otaChecksum = keyOf('otaChecksum', masters.otaChecksum)
    this.version = masters.version
    this.index = masters.index
  }

  /** A card's own keys, for personalising it (and for the PSAM's and clearing's computations). */
  cardKeys(cardNumber: string): CardKeys {
    const factor = cardKeyFactor(cardNumber)
    return {
      purchase: diversify(this.#purchase, factor),
      load: diversify(this.#load, factor),
      tac: diversify(this.#tac, factor),
      maintenance: diversify(this.#maintenance, factor),
      version: this.version,
      index: this.index,
    }
  }

  /** A card's OTA keys: the SIM holds them from personalisation, the platform makes them here. */
  otaKeys(cardNumber: string): OtaKeys {
    const factor = cardKeyFactor(cardNumber)
    return {
      cipher: diversify(this.#otaCipher, factor),
      checksum: diversify(this.#otaChecksum, factor),
    }
  }

  /** A terminal's upload key (32 bytes), for signing and checking its clearing batches. */
  terminalKey(terminalId: string): Buffer {
    return createHmac('sha256', this.#terminal).update(terminalId).digest()
  }

  /**
   * An online POS terminal's working keys (16 bytes each): the PIN key its PIN pad encrypts
   * field 52 under, and the MAC key of its messages. Made from the terminal master key and the
   * terminal's id (field 41), as the upload key is; a real acquirer hands them out at sign-on
   * under the terminal's master key, which here is the same one.
   */
  posKeys(terminalId: string): { readonly pin: Buffer; readonly mac: Buffer } {
    const keyOf = (use: string) =>
      createHmac('sha256', this.#terminal).update(`${use}:${terminalId}`).digest().subarray(0, 16)
    return { pin: keyOf('pos-pin'), mac: keyOf('pos-mac') }
  }

  /**
   * Whether a purchase's TAC is the one the card's TAC key makes: clearing's check that a record
   * is the card's, not a terminal's invention. The key never leaves the store.
   */
  verifyPurchaseTac(cardNumber: string, fields: PurchaseFields, tacHex: string): boolean {
    const tac = purchaseTac(this.#tacKeyOf(cardNumber), fields)
    const given = Buffer.from(tacHex, 'hex')
    return given.length === tac.length && timingSafeEqual(given, tac)
  }

  /**
   * The host's half of an online load: checks the card's MAC1 (its balance, the amount, the
   * host's terminal id, under the card's load session key) and makes MAC2 for CREDIT FOR LOAD.
   * Null when MAC1 is not the card's: nothing is authorised.
   */
  hostLoadMac2(
    cardNumber: string,
    init: {
      readonly random: Uint8Array
      readonly onlineSerial: number
      readonly balanceFen: number
      readonly mac1: Uint8Array
    },
    fields: LoadFields,
  ): Buffer | null {
    const load = diversify(this.#load, cardKeyFactor(cardNumber))
    const session = loadSessionKey(load, init.random, init.onlineSerial)
    const mac1 = loadMac1(session, init.balanceFen, fields)
    if (!mac1.equals(Buffer.from(init.mac1))) return null
    return loadMac2(session, fields)
  }

  /** Whether a load's TAC is the card's (its new balance, online serial and the load's fields). */
  verifyLoadTac(
    cardNumber: string,
    newBalanceFen: number,
    onlineSerial: number,
    fields: LoadFields,
    tac: Uint8Array,
  ): boolean {
    const expected = loadTac(this.#tacKeyOf(cardNumber), newBalanceFen, onlineSerial, fields)
    return tac.length === expected.length && timingSafeEqual(Buffer.from(tac), expected)
  }

  /** A card's single-DES TAC key, kept for the cards met lately. */
  #tacKeyOf(cardNumber: string): DesBlocks {
    let key = this.#tacKeys.get(cardNumber)
    if (key === undefined) {
      key = new DesBlocks(tacKeyOf(diversify(this.#tac, cardKeyFactor(cardNumber))))
      if (this.#tacKeys.size >= tacKeysCachedMax) {
        const oldest = this.#tacKeys.keys().next().value
        if (oldest !== undefined) this.#tacKeys.delete(oldest)
      }
      this.#tacKeys.set(cardNumber, key)
    }
    return key
  }

  toJSON(): string {
    return '[KeyStore]'
  }

  [inspect.custom](): string {
    return '[KeyStore]'
  }
}
