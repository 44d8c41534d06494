/**
 * seed.ts - loads a world (world.ts) into an empty ledger as the gateway starts, and opens its
 * subscribers' cards at the bank, so that a fresh data directory can take payments at once. The
 * world is given by whoever starts the gateway (`telepay start`: the default fixture world of
 * src/tools/world unless the configuration says `world: none`; the tests: the same), so the
 * product seeds a world without knowing one. A ledger that holds anything is left as it is: a
 * restart never seeds twice. Exports seedEmptyLedger, SeedPorts.
 */
import type { CardOpening } from '../bank/gateway-bank.js'
import type { World, WorldSpec } from './world.js'
import { prepareWorld } from './world.js'

/**
 * What seeding writes to: the ledger, the bank's cards, and the PIN hasher it asks once per PIN.
 */
export interface SeedPorts {
  readonly ledger: {
    isEmpty(): Promise<boolean>
    seedWorld(world: World, nowMs: number): Promise<void>
  }
  readonly bank: { openCard(card: CardOpening): void }
  hashPin(pin: string): Promise<string>
}

/** Seeds `spec` when the ledger is empty; the world as loaded, or null when it was not. */
export async function seedEmptyLedger(
  spec: WorldSpec,
  ports: SeedPorts,
  nowMs: number,
): Promise<World | null> {
  if (!(await ports.ledger.isEmpty())) return null
  const world = await prepareWorld(spec, ports.hashPin)
  await ports.ledger.seedWorld(world, nowMs)
  for (const subscriber of world.subscribers) {
    const card = subscriber.card
    if (card !== null)
      ports.bank.openCard({
        token: card.token,
        bank: card.bank,
        last4: card.last4,
        balanceMinor: card.bankBalanceMinor,
      })
  }
  return world
}
