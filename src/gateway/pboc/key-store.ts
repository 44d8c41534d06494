/**
 * key-store.ts - the purse's master keys in one place: the platform's HSM and the terminals'
 * PSAMs, simulated. Everything else asks it for what it computes (a card's diversified keys for
 * personalisation, a session's MAC for a PSAM, a TAC for clearing) and never holds a master key;
 * the keys are private fields that neither JSON nor util.inspect shows, so a log line cannot
 * carry one. Exports KeyStore, MasterKeys, CardKeys, cardKeyFactor, testMasterKeys.
 */
import { inspect } from 'node:util'
import { diversify } from './keys.js'

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
  readonly version: number
  readonly index: number

  constructor(masters: MasterKeys) {
    this.#purchase = keyOf('purchase', masters.purchase)
    this.#load = keyOf('load', masters.load)
    this.#tac = keyOf('tac', masters.tac)
    this.#maintenance = keyOf('maintenance', masters.maintenance)
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

  toJSON(): string {
    return '[KeyStore]'
  }

  [inspect.custom](): string {
    return '[KeyStore]'
  }
}
