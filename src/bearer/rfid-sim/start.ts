/**
 * start.ts - the simulator's on-site part: every subscriber's RFID-SIM (its purse in
 * rfid-sim.sqlite) and the default world's terminals (terminals/<name>.sqlite), on the test keys
 * (docs/channels/onsite.md). Exports startOnsiteSimulator, OnsiteSimulator.
 */
import { join } from 'node:path'
import type { KeyStore } from '../../gateway/pboc/key-store.js'
import type { Logger } from '../../service/log.js'
import { SimCards } from './sim-cards.js'
import { SimToolkit } from './sim-toolkit.js'
import { SqliteCardStore } from './sqlite-card-store.js'
import { defaultTerminals } from './terminal/fares.js'
import { HostedTerminals } from './terminal/hosted-terminals.js'
import { VpcdBridge } from './vpcd-bridge.js'

/** The purse's dates are China's local time. */
const chinaOffsetMs = 8 * 3_600_000

export interface OnsiteSimulator {
  readonly cards: SimCards
  readonly terminals: HostedTerminals
  /** The SIMs' side of OTA: data downloads to the purse applet, answered with a PoR. */
  readonly toolkit: SimToolkit
  close(): Promise<void>
}

/** Which subscribers' cards go in vpcd's readers (its port, then the next), and where it is. */
export interface PcscReaders {
  readonly pcscCards: readonly string[]
  readonly vpcd: { readonly host: string; readonly port: number }
}

export function startOnsiteSimulator(
  dataDir: string,
  /** The simulated HSM the platform clears with: the cards and PSAMs are personalised from it. */
  keys: KeyStore,
  readers: PcscReaders = { pcscCards: [], vpcd: { host: '127.0.0.1', port: 35_963 } },
  log: Logger | null = null,
): OnsiteSimulator {
  const store = new SqliteCardStore(join(dataDir, 'rfid-sim.sqlite'))
  const cards = new SimCards(store, keys)
  const terminals = new HostedTerminals(
    defaultTerminals,
    join(dataDir, 'terminals'),
    chinaOffsetMs,
    keys,
  )
  // A card in a reader is the same card as over HTTP: one object, one purse.
  const bridges = readers.pcscCards.map((msisdn, slot) => {
    const bridge = new VpcdBridge(
      cards.cardOf(msisdn),
      { host: readers.vpcd.host, port: readers.vpcd.port + slot },
      log,
    )
    bridge.start()
    return bridge
  })
  return {
    cards,
    terminals,
    toolkit: new SimToolkit(cards, keys, store),
    async close() {
      for (const bridge of bridges) await bridge.stop()
      terminals.close()
      store.close()
    },
  }
}
