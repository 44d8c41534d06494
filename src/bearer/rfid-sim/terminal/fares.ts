/**
 * fares.ts - what a terminal charges, as data: a bus gate's flat fare, a subway's entry gate
 * (charges nothing, writes where the ride began) and exit gate (the fare from the entry gate,
 * or the network's highest when the card shows no entry: it was not tapped in), and a shop's
 * till (the amount typed). Exports Fare, fareOf, defaultTerminals, TerminalSpec.
 */
import type { TransitRecord } from './transit-record.js'

export type Fare =
  | { readonly kind: 'flat'; readonly fareFen: number }
  | { readonly kind: 'entry' }
  | {
      readonly kind: 'exit'
      /** The fare from each entry gate, by its terminal id. */
      readonly fromEntryFen: Readonly<Record<string, number>>
      /** Charged when the card shows no ride begun (or one begun at a gate not listed). */
      readonly withoutEntryFen: number
    }
  | { readonly kind: 'till' }

/** What the tap costs at this terminal, given the card's transit record and the typed amount. */
export function fareOf(fare: Fare, transit: TransitRecord | null, typedFen: number | null): number {
  switch (fare.kind) {
    case 'flat':
      return fare.fareFen
    case 'entry':
      return 0
    case 'exit':
      return transit?.inRide === true
        ? (fare.fromEntryFen[transit.terminalId] ?? fare.withoutEntryFen)
        : fare.withoutEntryFen
    case 'till':
      return typedFen ?? 0
  }
}

export interface TerminalSpec {
  /** The name the contract, the console and the CLI use (SPEC section 11). */
  readonly name: string
  /** 12 digits: the PSAM's terminal id, on the card's log and in clearing. */
  readonly terminalId: string
  readonly merchantCode: string
  readonly fare: Fare
}

/** The default world's terminals (contract section 11). */
export const defaultTerminals: readonly TerminalSpec[] = [
  {
    name: 'BUS00001',
    terminalId: '300100000001',
    merchantCode: '3001',
    fare: { kind: 'flat', fareFen: 200 },
  },
  { name: 'SUB00001', terminalId: '300100000101', merchantCode: '3001', fare: { kind: 'entry' } },
  {
    name: 'SUB00002',
    terminalId: '300100000102',
    merchantCode: '3001',
    fare: { kind: 'exit', fromEntryFen: { '300100000101': 300 }, withoutEntryFen: 300 },
  },
  { name: 'POS10011', terminalId: '100100000011', merchantCode: '1001', fare: { kind: 'till' } },
]
