/**
 * onsite-pcsc.ts - the PC/SC part of `telepay bench onsite`: taps at the bus gate with the card in
 * a real reader. A pcscd of our own with vsmartcard's vpcd reader, the RFID-SIM bridged into it,
 * and the offline terminal reaching it through scriptor (scriptor-link.ts): each tap crosses
 * terminal, scriptor, pcscd, the vpcd driver and the card, as at a desk reader. The baseline in
 * the same run is the path alone: one APDU (GET BALANCE) there and back, so a tap's time reads as
 * its APDUs' round trips plus the terminal's own work. Skipped, with the reason, where pcscd, the
 * driver or scriptor is missing. Exports measurePcscTaps, PcscTapRun, PcscTapFigures,
 * LatencyFigures, pcscTapsInBench.
 */
import type { SimCards } from '../../bearer/rfid-sim/sim-cards.js'
import type { CardLink, OfflineTerminal } from '../../bearer/rfid-sim/terminal/offline-terminal.js'
import { ScriptorLink } from '../../bearer/rfid-sim/terminal/scriptor-link.js'
import { VpcdBridge } from '../../bearer/rfid-sim/vpcd-bridge.js'
import { pcscSkipReason, startPcscd } from '../pcsc/pcscd.js'
import type { LatencySummary } from './measure.js'
import { summarizeLatency } from './measure.js'

/** Taps timed over PC/SC: each takes a few APDU round trips of pcscd's (tens of ms each). */
export const pcscTapsInBench = 40

export interface LatencyFigures extends LatencySummary {
  readonly count: number
}

export type PcscTapFigures =
  | {
      readonly ran: true
      readonly taps: LatencyFigures
      /** One GET BALANCE through the same path: the baseline. */
      readonly roundTrip: LatencyFigures
      readonly apdusPerTap: number
    }
  | { readonly ran: false; readonly reason: string }

function latencyOf(samples: readonly number[]): LatencyFigures {
  return { count: samples.length, ...summarizeLatency(Float64Array.from(samples)) }
}

const getBalance = Buffer.from('805C000204', 'hex')

/** What a PC/SC run taps: `msisdn`'s card at `terminal`, `count` times. */
export interface PcscTapRun {
  readonly cards: SimCards
  readonly msisdn: string
  readonly terminal: OfflineTerminal
  readonly count: number
  readonly progress: (line: string) => void
}

/** Taps through a real reader, alternating with the baseline. */
export async function measurePcscTaps(run: PcscTapRun): Promise<PcscTapFigures> {
  if (pcscSkipReason !== null) return { ran: false, reason: pcscSkipReason }
  // A PC/SC path that does not work here (a system pcscd holding /run/pcscd, a reader that never
  // shows the card) is reported, and the in-process figures stand.
  try {
    return await pcscTaps(run)
  } catch (error) {
    return { ran: false, reason: `(failed: ${error instanceof Error ? error.message : error})` }
  }
}

async function pcscTaps({
  cards,
  msisdn,
  terminal,
  count,
  progress,
}: PcscTapRun): Promise<PcscTapFigures> {
  // Another pcscd of ours (a test's) is waited for briefly; the system's would never stop.
  const pcscd = await startPcscd('telepay bench', 10_000)
  let bridge: VpcdBridge | null = null
  let link: ScriptorLink | null = null
  try {
    const inReader = new VpcdBridge(cards.cardOf(msisdn), { host: '127.0.0.1', port: pcscd.port })
    bridge = inReader
    inReader.start()
    await pcscd.waitForCard(() => inReader.inserted)
    const scriptor = await ScriptorLink.open(pcscd.readerName)
    link = scriptor
    let apdus = 0
    const counted: CardLink = {
      transmit: (apdu) => {
        apdus += 1
        return scriptor.transmit(apdu)
      },
    }
    const tap = async (): Promise<void> => {
      const result = await terminal.tap(counted, Date.now())
      if (result.kind !== 'paid') throw new Error(`a PC/SC tap was not paid: ${result.kind}`)
    }
    await tap()
    const taps: number[] = []
    const trips: number[] = []
    apdus = 0
    for (let index = 0; index < count; index += 1) {
      let started = performance.now()
      await tap()
      taps.push(performance.now() - started)
      started = performance.now()
      await scriptor.transmit(getBalance)
      trips.push(performance.now() - started)
    }
    progress(`onsite: ${count} taps over PC/SC`)
    return {
      ran: true,
      taps: latencyOf(taps),
      roundTrip: latencyOf(trips),
      apdusPerTap: apdus / count,
    }
  } finally {
    link?.close()
    await bridge?.stop()
    await pcscd.stop()
  }
}
