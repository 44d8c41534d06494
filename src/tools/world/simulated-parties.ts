/**
 * simulated-parties.ts - the parties outside the gateway that `telepay start`, the conformance
 * runner, the benchmarks and the tests start it with: the simulated bank (its file and behaviour
 * from the configuration's bankFile and bank keys) and the world to load into an empty ledger:
 * the default fixture world (with its PINs' shipped hashes), a world file the configuration
 * names, or none. The product only names their ports (src/bank/gateway-bank.ts,
 * src/world/world.ts); the simulators stay tools.
 * Exports simulatedParties, SimulatedParties.
 */
import type { Config } from '../../config.js'
import type { WorldSpec } from '../../world/world.js'
import { readWorldFile } from '../../world/world-file.js'
import { SimulatedBank } from '../bank/simulated-bank.js'
import { defaultPinHashCost, defaultPinHashes } from './default-pin-hashes.js'
import { defaultWorld } from './default-world.js'

export interface SimulatedParties {
  readonly bank: SimulatedBank
  /** Seeded into an empty ledger; null: nothing is. */
  readonly world: WorldSpec | null
  /** The default world's PIN hashes when they are made at the configured cost; else none. */
  readonly pinHashes?: ReadonlyMap<string, string>
}

export function simulatedParties(
  config: Pick<Config, 'bankFile' | 'bank' | 'world' | 'pinHashCost'>,
): SimulatedParties {
  const bank = new SimulatedBank(config.bankFile)
  bank.setBehaviour(config.bank)
  // A world file with problems stops start-up here, naming every problem (WorldFileError).
  const world =
    config.world === 'default'
      ? defaultWorld
      : config.world === 'none'
        ? null
        : readWorldFile(config.world)
  return config.world === 'default' && config.pinHashCost === defaultPinHashCost
    ? { bank, world, pinHashes: defaultPinHashes }
    : { bank, world }
}
