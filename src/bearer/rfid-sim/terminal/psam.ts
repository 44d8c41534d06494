/**
 * psam.ts - a terminal's PSAM, simulated: it holds what the terminal may not (the purchase master
 * key, through the key store), counts the terminal's transactions (the 4-byte terminal serial,
 * kept by the terminal's record store so that a restart never reuses one), computes MAC1 for the
 * card (INIT SAM FOR PURCHASE), checks the card's MAC2 (CREDIT SAM FOR PURCHASE) and makes the
 * line-protection MAC that blocks a blacklisted card. Exports
 * Psam, PsamPurchase.
 */
import type { PurseTime } from '../../../gateway/pboc/fields.js'
import type { KeyStore } from '../../../gateway/pboc/key-store.js'
import { purchaseSessionKey } from '../../../gateway/pboc/keys.js'
import { retailMac } from '../../../gateway/pboc/mac.js'
import { purchaseMac1, purchaseMac2 } from '../../../gateway/pboc/purse-macs.js'

export interface PsamPurchase {
  readonly terminalSerial: number
  /** MAC1 for DEBIT FOR PURCHASE. */
  readonly mac1: Buffer
  /** Whether the card's MAC2 is the one this purchase's session key makes. */
  verifyMac2(mac2: Uint8Array): boolean
}

export class Psam {
  constructor(
    private readonly keys: KeyStore,
    /** 12 digits: the terminal id the PSAM is issued to (EF 0016 of a real PSAM). */
    readonly terminalId: string,
  ) {}

  /** The key version and index this PSAM can compute with. */
  get keyVersion(): number {
    return this.keys.version
  }

  get keyIndex(): number {
    return this.keys.index
  }

  /**
   * The MAC of APPLICATION BLOCK (84 1E 00 00 04) for a card on the blacklist: the retail MAC of
   * the header from the card's challenge, under its maintenance key.
   */
  blockMac(cardNumber: string, challenge4: Uint8Array): Buffer {
    const header = Buffer.from('841E000004', 'hex')
    const iv = Buffer.concat([Buffer.from(challenge4), Buffer.alloc(4)])
    return retailMac(this.keys.cardKeys(cardNumber).maintenance, header, iv)
  }

  /** INIT SAM FOR PURCHASE: from the card's INIT answer, MAC1 under the session key. */
  purchase(input: {
    readonly cardNumber: string
    readonly random: Uint8Array
    readonly offlineSerial: number
    /** 06, or 09 for a composite purchase. */
    readonly type: number
    readonly amountFen: number
    readonly terminalSerial: number
    readonly at: PurseTime
  }): PsamPurchase {
    const session = purchaseSessionKey(
      this.keys.cardKeys(input.cardNumber).purchase,
      input.random,
      input.offlineSerial,
      input.terminalSerial,
    )
    const fields = {
      amountFen: input.amountFen,
      type: input.type,
      terminalId: this.terminalId,
      terminalSerial: input.terminalSerial,
      at: input.at,
    }
    const mac2 = purchaseMac2(session, input.amountFen)
    return {
      terminalSerial: input.terminalSerial,
      mac1: purchaseMac1(session, fields),
      verifyMac2: (given) => mac2.equals(Buffer.from(given)),
    }
  }
}
