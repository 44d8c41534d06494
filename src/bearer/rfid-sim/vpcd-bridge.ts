/**
 * vpcd-bridge.ts - puts a virtual card in a PC/SC reader: a TCP client of vsmartcard's vpcd (the
 * pcscd driver that serves "Virtual PCD 00 00" on port 35963, "00 01" on 35964), so that pcscd,
 * scriptor, opensc-tool or any PC/SC application sees a reader with our card in it. vpcd's
 * protocol (vsmartcard's doc/api.rst): every message is a 2-byte big-endian length and its
 * payload; a payload of one byte is a control (00 power off, 01 power on, 02 reset, 04 send the
 * ATR, the only one answered), any other is a command APDU answered with the response APDU. vpcd
 * passes APDUs unchanged, so the ATR announces T=1 only (no T=0 GET RESPONSE to play).
 * The bridge reconnects after a lost connection (vpcd or pcscd restarted), waiting longer each
 * time up to a bound. Exports VpcdBridge, VpcdCard, vpcdLimits, atr.
 */
import { Socket } from 'node:net'
import type { Logger } from '../../service/log.js'

/** What the bridge needs of a card. */
export interface VpcdCard {
  transmit(apdu: Uint8Array): Buffer
  power(): void
}

export const vpcdLimits = {
  /** The first wait before reconnecting, doubled after each failure up to reconnectMaxMs. */
  reconnectFirstMs: 250,
  /** pcscd restarting takes a second or two; ten keeps a stopped reader from busy retries. */
  reconnectMaxMs: 10_000,
  /**
   * The largest message vpcd sends: a short APDU is at most 261 bytes; anything larger is not a
   * reader talking, and the connection is dropped.
   */
  messageBytesMax: 512,
} as const

/**
 * The ATR: TS 3B, T0 89 (TD1 follows, 9 historical bytes), TD1 80 (TD2 follows), TD2 01 (T=1),
 * the historical bytes 80 (compact TLV) 57 (issuer's data, 7 bytes) "TELEPAY", then TCK.
 */
export const atr: Buffer = (() => {
  const body = Buffer.concat([Buffer.of(0x89, 0x80, 0x01, 0x80, 0x57), Buffer.from('TELEPAY')])
  const check = body.reduce((sum, byte) => sum ^ byte, 0)
  return Buffer.concat([Buffer.of(0x3b), body, Buffer.of(check)])
})()

export class VpcdBridge {
  private socket: Socket | null = null
  private buffered = Buffer.alloc(0)
  private stopped = false
  private waitMs: number = vpcdLimits.reconnectFirstMs
  private timer: NodeJS.Timeout | null = null
  private connected = false

  constructor(
    private readonly card: VpcdCard,
    private readonly address: { readonly host: string; readonly port: number },
    private readonly log: Logger | null = null,
  ) {}

  /** Whether vpcd has the card now (the reader shows it inserted). */
  get inserted(): boolean {
    return this.connected
  }

  start(): void {
    this.stopped = false
    this.connect()
  }

  /** Takes the card out of the reader; resolves once the connection is closed. */
  stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    const socket = this.socket
    this.socket = null
    if (socket === null || socket.destroyed) return Promise.resolve()
    return new Promise((resolve) => {
      socket.once('close', () => resolve())
      socket.destroy()
    })
  }

  private connect(): void {
    const socket = new Socket()
    this.socket = socket
    this.buffered = Buffer.alloc(0)
    socket.setNoDelay(true)
    socket.on('connect', () => {
      this.connected = true
      this.waitMs = vpcdLimits.reconnectFirstMs
      this.log?.info('rfid-sim card in the PC/SC reader', { port: this.address.port })
    })
    socket.on('data', (chunk: Buffer) => this.receive(socket, chunk))
    socket.on('error', () => {
      // 'close' follows and schedules the next attempt.
    })
    socket.on('close', () => {
      if (this.connected)
        this.log?.info('rfid-sim card out of the PC/SC reader', { port: this.address.port })
      this.connected = false
      this.card.power()
      if (this.stopped || this.socket !== socket) return
      this.timer = setTimeout(() => this.connect(), this.waitMs)
      this.timer.unref()
      this.waitMs = Math.min(this.waitMs * 2, vpcdLimits.reconnectMaxMs)
    })
    socket.connect(this.address.port, this.address.host)
  }

  /** Takes every whole message of what has arrived (TCP may split or join them). */
  private receive(socket: Socket, chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk])
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0)
      if (length === 0 || length > vpcdLimits.messageBytesMax) {
        this.log?.warn('vpcd sent a message the bridge cannot read; reconnecting', { length })
        socket.destroy()
        return
      }
      if (this.buffered.length < 2 + length) return
      const message = this.buffered.subarray(2, 2 + length)
      this.buffered = this.buffered.subarray(2 + length)
      let answer: Buffer | null
      try {
        answer = this.answer(message)
      } catch (error) {
        // The card could not keep what it did (its store failed): as a card torn from the
        // field, it answers nothing and leaves the reader; it comes back when the bridge does.
        this.log?.error('rfid-sim card failed; out of the reader', { error: String(error) })
        socket.destroy()
        return
      }
      if (answer !== null) socket.write(framed(answer))
    }
  }

  private answer(message: Buffer): Buffer | null {
    if (message.length !== 1) return this.card.transmit(message)
    const control = message[0]
    if (control === 0x04) return atr
    // Power off, power on and reset answer nothing; each ends what the card had open.
    this.card.power()
    return null
  }
}

function framed(payload: Buffer): Buffer {
  const out = Buffer.alloc(payload.length + 2)
  out.writeUInt16BE(payload.length, 0)
  payload.copy(out, 2)
  return out
}
