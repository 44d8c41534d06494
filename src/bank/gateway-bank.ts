/**
 * gateway-bank.ts - the bank the gateway is started with (startGateway's `bank`): the issuing
 * bank the payment service calls, plus what the rest of the product asks of it. The admin API
 * shows and sets its behaviour (GET and POST /admin/api/bank, for tests and demos), the seeding
 * of a world into an empty ledger opens the world's cards there, and the gateway closes it on
 * stop. Whoever starts the gateway builds it (`telepay start` and the tests: the simulated bank
 * of src/tools/bank), so the product names this port and imports no tool.
 * Exports bankModes, BankMode, BankBehaviour, CardOpening, GatewayBank.
 */
import type { IssuingBank } from './issuing-bank.js'

/** How the bank answers: as asked, no, late, never, or not at all (configuration key bank.mode). */
export const bankModes = ['approve', 'decline', 'slow', 'timeout', 'down'] as const
export type BankMode = (typeof bankModes)[number]

export interface BankBehaviour {
  readonly mode: BankMode
  /** Delay of every answer in `slow` mode. */
  readonly slowMs: number
}

/** A card a seeded world's subscriber holds at the bank, with its balance. */
export interface CardOpening {
  readonly token: string
  readonly bank: string
  readonly last4: string
  readonly balanceMinor: bigint
}

export interface GatewayBank extends IssuingBank {
  /** Its behaviour now, as GET /admin/api/bank shows it. */
  readonly mode: BankBehaviour
  /** Changes its behaviour (POST /admin/api/bank); what is not given stays. */
  setBehaviour(behaviour: Partial<BankBehaviour>): void
  /** Opens a card with a balance, unless the bank already has it (a world's seeding). */
  openCard(card: CardOpening): void
  /** Releases its files; the gateway calls it last on stop. */
  close(): void
}
