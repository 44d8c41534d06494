/**
 * card-state.ts - what a purse card keeps across taps and power cuts, and the store that keeps
 * it. A command that changes the purse (a purchase, a load) builds the whole next state and hands
 * it to the store in one commit: a card pulled from the field before the commit has not changed
 * (no half-debited purse, no counter without its log record), and one pulled after it can prove
 * the transaction (GET TRANSACTION PROVE reads lastProof). Exports CardState, CardStore,
 * MemoryCardStore, OtaCounterStore, CardKeys, emptyCardState.
 */
import type { CardKeys } from '../../gateway/pboc/key-store.js'
import type { LogRecord } from './card-files.js'

export type { CardKeys }

export interface CardState {
  readonly balanceFen: number
  /** Purchases made: the serial the next purchase uses (2 bytes, as the card answers it). */
  readonly offlineSerial: number
  /** Loads made: the serial the next load uses. */
  readonly onlineSerial: number
  /** Blocked by a terminal that found the card on the blacklist: every purse command is refused. */
  readonly blocked: boolean
  /** The transit record (file 0019, hex) the last composite purchase wrote; null: none yet. */
  readonly transit: string | null
  /** The transaction log, most recent first, at most logRecordsMax. */
  readonly log: readonly LogRecord[]
  /** The last purchase's or load's MAC and TAC, which a terminal asks for after a torn answer. */
  readonly lastProof: {
    readonly type: number
    readonly serial: number
    /** hex, 4 bytes: MAC2 of a purchase, or the host's MAC2 the card accepted for a load. */
    readonly mac: string
    readonly tac: string
  } | null
}

export const emptyCardState: CardState = {
  balanceFen: 0,
  offlineSerial: 0,
  onlineSerial: 0,
  blocked: false,
  transit: null,
  log: [],
  lastProof: null,
}

export interface CardStore {
  /** The card's state; the empty purse when it was never written. */
  read(cardNumber: string): CardState
  /** Replaces the card's state at once, or throws and leaves it as it was. */
  commit(cardNumber: string, state: CardState): void
}

/** The SIM's OTA replay counters: a packet is taken only with a counter above the last one. */
export interface OtaCounterStore {
  /** The last counter the SIM took; -1 when it took none. */
  lastCounter(cardNumber: string): number
  takeCounter(cardNumber: string, counter: number): void
}

/** A store in memory: for tests and the terminal simulator's own cards. */
export class MemoryCardStore implements CardStore {
  private readonly states = new Map<string, CardState>()

  read(cardNumber: string): CardState {
    return this.states.get(cardNumber) ?? emptyCardState
  }

  commit(cardNumber: string, state: CardState): void {
    this.states.set(cardNumber, state)
  }
}
