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
import type { UploadOutcome } from './uploader.js'
import { fetchBlacklist, uploadRecords } from './uploader.js'

interface Hosted {
  readonly spec: TerminalSpec
  readonly terminal: OfflineTerminal
  readonly records: TerminalRecordStore
  /** The cards the platform last told this terminal to block. */
  blacklist: ReadonlySet<string>
  /** The records of the last batch uploaded, for a tester's upload of the same batch again. */
  lastBatch: readonly PurchaseRecord[]
}

/**
 * A tester's faults on an upload: `again` sends the last batch once more (a terminal that lost
 * the platform's answer); `forge` raises each record's amount by 1 fen and keeps its TAC (a
 * terminal that cheats), which clearing must refuse.
 */
export interface SyncFaults {
  readonly again?: boolean
  readonly forge?: boolean
}

/** What a terminal's upload did: the platform's answer, and the blacklist it took after. */
export interface TerminalSync extends UploadOutcome {
  readonly uploaded: number
  readonly blacklisted: number
}

export class HostedTerminals {
  private readonly hosted = new Map<string, Hosted>()

  constructor(
    specs: readonly TerminalSpec[],
    directory: string,
    /** China's zone by default: the purse's dates are local. */
    zoneOffsetMs: number,
    private readonly keys: KeyStore,
  ) {
    for (const spec of specs) {
      const records = new TerminalRecordStore(join(directory, `${spec.name}.sqlite`))
      const hosted: Hosted = {
        spec,
        records,
        blacklist: new Set<string>(),
        lastBatch: [],
        terminal: new OfflineTerminal({
          psam: new Psam(keys, spec.terminalId),
          fare: spec.fare,
          records,
          blacklist: () => hosted.blacklist,
          zoneOffsetMs,
        }),
      }
      this.hosted.set(spec.name, hosted)
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

  /**
   * The terminal goes online: uploads what it keeps (at most `recordsMax`), marks what the
   * platform answered for, then takes the blacklist. Null when there is no such terminal.
   */
  async sync(
    name: string,
    gatewayUrl: string,
    recordsMax: number,
    faults: SyncFaults = {},
  ): Promise<TerminalSync | null> {
    const hosted = this.hosted.get(name)
    if (hosted === undefined) return null
    const key = this.keys.terminalKey(hosted.spec.terminalId)
    const pending = faults.again === true ? hosted.lastBatch : hosted.records.pending(recordsMax)
    const records =
      faults.forge === true
        ? pending.map((record) => ({ ...record, amountFen: record.amountFen + 1 }))
        : pending
    let outcome: UploadOutcome = { status: 204, answer: {} }
    if (records.length > 0) {
      outcome = await uploadRecords({
        gatewayUrl,
        name,
        terminalId: hosted.spec.terminalId,
        key,
        records,
      })
      // Every record of an answered batch was taken, refused or known: none is sent again.
      if (outcome.status === 200) {
        hosted.records.markUploaded(records.map((record) => record.terminalSerial))
        hosted.lastBatch = pending
      }
    }
    hosted.blacklist = new Set(await fetchBlacklist({ gatewayUrl, name, key }))
    return {
      ...outcome,
      uploaded: outcome.status === 200 ? records.length : 0,
      blacklisted: hosted.blacklist.size,
    }
  }

  close(): void {
    for (const hosted of this.hosted.values()) hosted.records.close()
  }
}
