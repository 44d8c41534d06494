/**
 * sim-cards.ts - every subscriber's RFID-SIM in the simulator: the card number made from the
 * MSISDN ("8601" and the MSISDN padded to 16 digits: 20 digits, the application serial number),
 * personalised with keys the key store diversifies, its purse in the card store. A card's open
 * transaction lives in its PurseCard object, so one object per card is kept while it is in use
 * (a bounded number; one dropped is as a card taken out of the field). Exports SimCards,
 * cardNumberOf, simCardLimits.
 */
import { cardNumberOf } from '../../core/index.js'
import type { KeyStore } from '../../gateway/pboc/key-store.js'
import type { CardStore } from './card-state.js'
import { PurseCard } from './purse-card.js'

/** The card number is the platform's to give (src/core/purse.ts); the simulator uses the same. */
export { cardNumberOf }

export const simCardLimits = {
  /**
   * Cards held in memory with their open transaction: those being tapped now. Past it the least
   * recently used is dropped, which only ends a transaction a terminal left open.
   */
  cardsInMemoryMax: 10_000,
  /**
   * Every simulated card's validity: fixed, so that it reads the same after any restart; an
   * anonymous purse is valid at least three years (PBOC's 2012 rule, notes F.2).
   */
  validFrom: '20260101',
  validTo: '20351231',
} as const

export class SimCards {
  private readonly cards = new Map<string, PurseCard>()

  constructor(
    private readonly store: CardStore,
    private readonly keys: KeyStore,
  ) {}

  /** The subscriber's card (issued with an empty purse the first time). */
  cardOf(msisdn: string): PurseCard {
    const cardNumber = cardNumberOf(msisdn)
    const known = this.cards.get(cardNumber)
    if (known !== undefined) {
      this.cards.delete(cardNumber)
      this.cards.set(cardNumber, known)
      return known
    }
    const card = new PurseCard({
      info: {
        issuer: '8601',
        cardType: 0x01,
        cardNumber,
        validFrom: simCardLimits.validFrom,
        validTo: simCardLimits.validTo,
      },
      keys: this.keys.cardKeys(cardNumber),
      store: this.store,
    })
    this.cards.set(cardNumber, card)
    while (this.cards.size > simCardLimits.cardsInMemoryMax) {
      const oldest = this.cards.keys().next()
      if (oldest.done === true) break
      this.cards.delete(oldest.value)
    }
    return card
  }

  /** The purse as the card store has it (no APDU: the simulator's own look at the SIM). */
  stateOf(msisdn: string) {
    return this.store.read(cardNumberOf(msisdn))
  }
}
