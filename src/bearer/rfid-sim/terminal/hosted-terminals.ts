/**
 * hosted-terminals.ts - the simulator's own terminals (the default world's gates and till,
 * contract section 11), each with its PSAM and its record file under the data directory
 * (terminals/<name>.sqlite), tapped by name: the web handset's gate, the CLI and the conformance
 * steps reach them through the simulator's HTTP. Exports HostedTerminals.
 */
import { join } from 'node:path'
import type { KeyStore } from '../../../gateway/pboc/key-store.js'
import type { TerminalSpec } from './fares.js'
import type { CardLink, TapResult } from './offline-terminal.js'
import { OfflineTerminal } from './offline-terminal.js'
import { Psam } from './psam.js'
import type { PurchaseRecord } from './record-store.js'
import { TerminalRecordStore } from './record-store.js'

interface Hosted {
  readonly spec: TerminalSpec
  readonly terminal: OfflineTerminal
  readonly records: TerminalRecordStore
}

export class HostedTerminals {
  private readonly hosted = new Map<string, Hosted>()

  constructor(
    specs: readonly TerminalSpec[],
    keys: KeyStore,
    directory: string,
    /** China's zone by default: the purse's dates are local. */
    zoneOffsetMs: number,
    blacklist: () => ReadonlySet<string>,
  ) {
    for (const spec of specs) {
      const records = new TerminalRecordStore(join(directory, `${spec.name}.sqlite`))
      const terminal = new OfflineTerminal({
        psam: new Psam(keys, spec.terminalId),
        fare: spec.fare,
        records,
        blacklist,
        zoneOffsetMs,
      })
      this.hosted.set(spec.name, { spec, terminal, records })
    }
  }

  specs(): TerminalSpec[] {
    return [...this.hosted.values()].map((hosted) => hosted.spec)
  }

  /** The named terminal's spec; null when there is no such terminal. */
  specOf(name: string): TerminalSpec | null {
    return this.hosted.get(name)?.spec ?? null
  }

  /** A tap at the named terminal; null when there is no such terminal. */
  tap(
    name: string,
    card: CardLink,
    atMs: number,
    typedFen: number | null,
  ): Promise<TapResult> | null {
    return this.hosted.get(name)?.terminal.tap(card, atMs, typedFen) ?? null
  }

  /** The records the terminal keeps, not yet uploaded, oldest first. */
  pending(name: string, limit: number): PurchaseRecord[] {
    return this.hosted.get(name)?.records.pending(limit) ?? []
  }

  close(): void {
    for (const hosted of this.hosted.values()) hosted.records.close()
  }
}
