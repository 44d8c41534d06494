/**
 * start.ts - the simulator's on-site part: every subscriber's RFID-SIM (its purse in
 * rfid-sim.sqlite) and the default world's terminals (terminals/<name>.sqlite), on the test keys
 * (docs/channels/onsite.md). Exports startOnsiteSimulator, OnsiteSimulator.
 */
import { join } from 'node:path'
import { KeyStore, testMasterKeys } from '../../gateway/pboc/key-store.js'
import { SimCards } from './sim-cards.js'
import { SqliteCardStore } from './sqlite-card-store.js'
import { defaultTerminals } from './terminal/fares.js'
import { HostedTerminals } from './terminal/hosted-terminals.js'

/** The purse's dates are China's local time. */
const chinaOffsetMs = 8 * 3_600_000

export interface OnsiteSimulator {
  readonly cards: SimCards
  readonly terminals: HostedTerminals
  close(): void
}

export function startOnsiteSimulator(dataDir: string): OnsiteSimulator {
  const keys = new KeyStore(testMasterKeys)
  const store = new SqliteCardStore(join(dataDir, 'rfid-sim.sqlite'))
  const cards = new SimCards(store, keys)
  const terminals = new HostedTerminals(
    defaultTerminals,
    keys,
    join(dataDir, 'terminals'),
    chinaOffsetMs,
    // The blacklist comes with clearing; until then no card is listed.
    () => new Set<string>(),
  )
  return {
    cards,
    terminals,
    close() {
      terminals.close()
      store.close()
    },
  }
}
