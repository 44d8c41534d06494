/**
 * terminal-load.ts - the POS benchmark's terminals: each a connection that sends its next 0200
 * (a wallet purchase of a random subscriber, PIN block and MAC under terminal POS10011's keys,
 * its own batch number so that its STANs are its own) when the answer to the last has come, and
 * counts the answers and their latency while measured. Exports TerminalLoad, openTerminals,
 * posBenchAmountMinor.
 */
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import { performance } from 'node:perf_hooks'
import { decodeMessage } from '../../../bearer/iso8583/codec.js'
import { asciiDialect } from '../../../bearer/iso8583/dialects.js'
import { FrameReader, frameOf } from '../../../bearer/iso8583/framing.js'
import { purchaseFieldsOf } from '../../../bearer/pos-terminal/pos-client.js'
import { KeyStore, testMasterKeys } from '../../../gateway/pboc/key-store.js'
import { encodeWithMac } from '../../../gateway/pos/pos-mac.js'
import { panOfMsisdn } from '../../../gateway/pos/virtual-pan.js'
import { benchMsisdn } from '../bench-world.js'
import type { Samples } from '../measure.js'
import { benchPin } from '../sms/flows.js'

/** Each purchase: 1.00, against the bench world's wallets of 5,000.00. */
export const posBenchAmountMinor = 100n

const keys = new KeyStore(testMasterKeys).posKeys('POS10011')

/** One terminal's connection, sending its next purchase when the last is answered. */
export class TerminalLoad {
  private readonly reader = new FrameReader()
  private stan = 0
  private sentAt = 0
  private stopAt = 0
  private measuring = false
  private done: (() => void) | null = null
  private closing = false
  messages = 0
  approved = 0
  approvedMinor = 0n
  readonly problems: string[] = []

  constructor(
    private readonly socket: Socket,
    /** Its own batch number: each connection's STANs are its own under the terminal's id. */
    private readonly batch: string,
    private readonly samples: Samples,
    private readonly subscribers: number,
    private readonly movesMoney: boolean,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.reader.push(chunk)) this.answered(frame)
    })
    socket.on('error', (error) => this.problems.push(error.message))
    // A connection the host closes ends this terminal's run (and says so) instead of hanging it.
    socket.on('close', () => {
      if (!this.closing) this.problems.push('the host closed the connection')
      const done = this.done
      this.done = null
      done?.()
    })
  }

  /** Runs until `untilMs` (performance.now), counting only when `measured`. */
  run(untilMs: number, measured: boolean): Promise<void> {
    this.stopAt = untilMs
    this.measuring = measured
    if (this.socket.destroyed) return Promise.resolve()
    return new Promise((resolve) => {
      this.done = resolve
      this.send()
    })
  }

  close(): void {
    this.closing = true
    this.socket.destroy()
  }

  private send(): void {
    this.stan = this.stan >= 999_999 ? 1 : this.stan + 1
    const msisdn = benchMsisdn(Math.floor(Math.random() * this.subscribers))
    const pan = panOfMsisdn(msisdn)
    const fields = purchaseFieldsOf(keys.pin, pan, posBenchAmountMinor, this.stan, benchPin)
    fields.set(3, '001000').set(13, '0101').set(41, 'POS10011').set(60, `22${this.batch}000`)
    const bytes = encodeWithMac(
      { mti: '0200', fields, tpdu: Buffer.alloc(0), header: Buffer.alloc(0) },
      asciiDialect,
      keys.mac,
    )
    this.sentAt = performance.now()
    this.socket.write(frameOf(bytes))
  }

  private answered(frame: Buffer): void {
    const now = performance.now()
    const answer = decodeMessage(frame, asciiDialect)
    const code = answer.fields.get(39)
    if (this.measuring) {
      this.messages += 1
      this.samples.push(now - this.sentAt)
    }
    if (this.movesMoney) {
      if (code === '00') {
        this.approved += 1
        this.approvedMinor += posBenchAmountMinor
      } else if (this.problems.length < 5) this.problems.push(`answered ${String(code)}`)
    } else if (this.measuring) this.approved += 1
    if (now >= this.stopAt) {
      const done = this.done
      this.done = null
      done?.()
    } else this.send()
  }
}

export async function openTerminals(
  port: number,
  options: { readonly terminals: number; readonly subscribers: number },
  samples: Samples,
  movesMoney: boolean,
): Promise<TerminalLoad[]> {
  const loads: TerminalLoad[] = []
  for (let index = 0; index < options.terminals; index += 1) {
    const socket: Socket = await new Promise((resolve, reject) => {
      const opened = connect(port, '127.0.0.1', () => resolve(opened))
      opened.once('error', reject)
    })
    const batch = String(index + 1).padStart(6, '0')
    loads.push(new TerminalLoad(socket, batch, samples, options.subscribers, movesMoney))
  }
  return loads
}
