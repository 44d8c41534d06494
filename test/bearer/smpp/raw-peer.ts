/**
 * raw-peer.ts - test helpers that speak SMPP over raw sockets without our session layer:
 * RawPeer (a client socket that writes any octets and reads PDUs with its own header split)
 * and startRawSmsc (a scripted fake SMSC). They play misbehaving peers: silent, slow, hostile.
 */
import type { Server, Socket } from 'node:net'
import { connect, createServer } from 'node:net'
import type { Pdu, PduParams } from '../../../src/bearer/smpp/pdu.js'
import { decodePdu, encodePdu } from '../../../src/bearer/smpp/pdu.js'

export interface RawPdu {
  readonly commandId: number
  readonly status: number
  readonly sequence: number
  /** Our decoder's view, when it could decode the PDU. */
  readonly pdu: Pdu | null
}

/** Splits received octets into PDUs by command_length alone (no checks: we test the server). */
class RawStream {
  private buffered = Buffer.alloc(0)
  private readonly received: RawPdu[] = []
  private waiters: (() => void)[] = []
  closed = false

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk])
      while (this.buffered.length >= 16) {
        const length = this.buffered.readUInt32BE(0)
        if (this.buffered.length < length) break
        const frame = this.buffered.subarray(0, length)
        this.buffered = this.buffered.subarray(length)
        const decoded = decodePdu(frame)
        this.received.push({
          commandId: frame.readUInt32BE(4),
          status: frame.readUInt32BE(8),
          sequence: frame.readUInt32BE(12),
          pdu: decoded.ok ? decoded.pdu : null,
        })
      }
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => {})
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** The next PDU, or null when the socket closed (or nothing came in timeoutMs). */
  async next(timeoutMs = 2_000): Promise<RawPdu | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const pdu = this.received.shift()
      if (pdu !== undefined) return pdu
      const leftMs = deadline - Date.now()
      if (this.closed || leftMs <= 0) return null
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, leftMs)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  async waitClosed(timeoutMs = 2_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now())
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.closed
  }
}

export class RawPeer {
  private sequence = 0
  private constructor(
    readonly socket: Socket,
    readonly stream: RawStream,
  ) {}

  /** localAddress picks the source address (127.0.0.2, 127.0.0.3... are all loopback on Linux). */
  static connect(port: number, localAddress = '127.0.0.1'): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress })
      socket.once('error', reject)
      socket.once('connect', () => resolve(new RawPeer(socket, new RawStream(socket))))
    })
  }

  write(octets: Buffer): void {
    this.socket.write(octets)
  }

  /** Sends a well-formed PDU; returns its sequence_number. */
  send(command: string, params: PduParams = {}, sequence = ++this.sequence): number {
    this.write(encodePdu(command, sequence, params))
    return sequence
  }

  /** Sends a request and returns the next PDU that comes back. */
  async request(command: string, params: PduParams = {}): Promise<RawPdu | null> {
    this.send(command, params)
    return this.stream.next()
  }

  next(timeoutMs?: number): Promise<RawPdu | null> {
    return this.stream.next(timeoutMs)
  }

  waitClosed(timeoutMs?: number): Promise<boolean> {
    return this.stream.waitClosed(timeoutMs)
  }

  close(): void {
    this.socket.destroy()
  }
}

export const telepayAccount = { systemId: 'telepay', password: 'telepay' } as const

export function bindParams(
  systemId: string = telepayAccount.systemId,
  password: string = telepayAccount.password,
): PduParams {
  return {
    system_id: systemId,
    password,
    system_type: '',
    addr_ton: 0,
    addr_npi: 0,
    address_range: '',
  }
}

/** A 16-octet header with any values, for hand-made malformed PDUs. */
export function header(
  length: number,
  commandId: number,
  status: number,
  sequence: number,
): Buffer {
  const octets = Buffer.alloc(16)
  octets.writeUInt32BE(length >>> 0, 0)
  octets.writeUInt32BE(commandId >>> 0, 4)
  octets.writeUInt32BE(status >>> 0, 8)
  octets.writeUInt32BE(sequence >>> 0, 12)
  return octets
}

export function submitParams(text = 'BAL', source = '8613800138000'): PduParams {
  return {
    source_addr: source,
    destination_addr: '12588',
    short_message: Buffer.from(text, 'latin1'),
    data_coding: 0,
  }
}

/** One connection to the fake SMSC: what it received, and a way to answer. */
export interface RawSmscConnection {
  readonly socket: Socket
  respond(to: RawPdu, status?: number, params?: PduParams): void
}

export interface RawSmsc {
  readonly port: number
  readonly connections: RawSmscConnection[]
  close(): Promise<void>
}

/**
 * A fake SMSC: onPdu sees every PDU of every connection and answers (or not) via respond.
 * `answerControl` answers binds and unbinds with ESME_ROK; onPdu sees everything else.
 */
export async function startRawSmsc(
  onPdu: (pdu: RawPdu, connection: RawSmscConnection) => void,
  answerControl = true,
): Promise<RawSmsc> {
  const connections: RawSmscConnection[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const stream = new RawStream(socket)
    const connection: RawSmscConnection = {
      socket,
      respond(to, status = 0, params = {}) {
        const command = to.pdu?.command
        if (command === undefined || socket.destroyed) return
        socket.write(encodePdu(`${command}_resp`, to.sequence, params, status))
      },
    }
    connections.push(connection)
    void (async () => {
      for (;;) {
        const pdu = await stream.next(60_000)
        if (pdu === null) return
        const command = pdu.pdu?.command ?? ''
        if (answerControl && command.startsWith('bind_'))
          connection.respond(pdu, 0, { system_id: 'fake' })
        else if (answerControl && command === 'unbind') connection.respond(pdu)
        else onPdu(pdu, connection)
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    port,
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

export function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve) => {
    const poll = (): void => {
      if (condition()) resolve(true)
      else if (Date.now() > deadline) resolve(false)
      else setTimeout(poll, 10)
    }
    poll()
  })
}
