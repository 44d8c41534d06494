/**
 * purse.ts - a subscriber's RFID-SIM e-purse as the platform knows it. The card itself holds the
 * true balance and spends it offline; the platform learns of a spend only when a terminal's
 * records are cleared. So it keeps what it can know: the value the card was loaded with, less
 * the purchases cleared, and the loads sent over the air and not yet confirmed by the card. The
 * float account holds exactly these two sums over all cards (reconciliation checks it). Exports
 * Purse, emptyPurse, cardNumberOf, msisdnOfCard, purseRefusal.
 */
import type { Limits } from './limits.js'
import { formatAmount } from './money.js'
import type { Refusal } from './results.js'

export interface Purse {
  /** 20 digits: the card's application serial number, its key everywhere. */
  readonly cardNumber: string
  readonly msisdn: string
  /** Loads the card confirmed, less the purchases cleared: the card's balance as last known. */
  readonly balanceMinor: bigint
  /** Loads paid into the float and sent over the air, not yet confirmed by the card. */
  readonly loadingMinor: bigint
  /**
   * On the blacklist terminals enforce: blocked at its next tap. An anonymous purse cannot be
   * reported lost, so only the operator puts a card here (a forged TAC, a cloned card).
   */
  readonly blacklisted: boolean
}

/** The purse of a card the platform has not loaded yet: every SIM is issued empty. */
export function emptyPurse(msisdn: string): Purse {
  return {
    cardNumber: cardNumberOf(msisdn),
    msisdn,
    balanceMinor: 0n,
    loadingMinor: 0n,
    blacklisted: false,
  }
}

/**
 * The 20-digit card number of a subscriber's RFID-SIM: the issuer's "8601" and the MSISDN padded
 * to 16 digits. The platform issues the SIMs, so it derives the number rather than storing a
 * mapping; the rightmost 8 bytes are what the card's keys are diversified by.
 */
export function cardNumberOf(msisdn: string): string {
  if (!/^\d{1,16}$/.test(msisdn)) throw new RangeError('an MSISDN is at most 16 digits')
  return `8601${msisdn.padStart(16, '0')}`
}

/** The MSISDN a card number was made from; null for a number the platform did not issue. */
export function msisdnOfCard(cardNumber: string): string | null {
  if (!/^8601\d{16}$/.test(cardNumber)) return null
  const msisdn = cardNumber.slice(4).replace(/^0+/, '')
  return msisdn === '' ? null : msisdn
}

/**
 * Whether a purse may take `amountMinor` more: not listed, and within the cap with the loads on
 * their way (what a top-up is checked against, and a ticket office before it loads a card).
 */
export function purseRefusal(purse: Purse, amountMinor: bigint, limits: Limits): Refusal | null {
  if (purse.blacklisted) return { reason: 'card_blocked' }
  if (purse.balanceMinor + purse.loadingMinor + amountMinor > limits.purseHeldMaxMinor)
    return { reason: 'card_cap_exceeded', params: { max: formatAmount(limits.purseHeldMaxMinor) } }
  return null
}
