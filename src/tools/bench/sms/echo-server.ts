/**
 * echo-server.ts - the benchmark's baseline: a bare SMSC written with the npm `smpp` package's
 * own Server and Session (no window, no timers, no bind checks, no throttle), that accepts any
 * bind and answers each submit_sm with submit_sm_resp, then a deliver_sm echoing the text back
 * to the sender from the number it was sent to. Whatever telepay does beyond this (session
 * layer, channel, grammar, core, durable commit) is what the ratio prices.
 * Exports startEchoServer and EchoServer.
 */
import type { Server, Socket } from 'node:net'
import smpp from 'smpp'
// The global codec patch (short_message decoded as raw bytes) must be in place: the echo sends
// back the octets it got, whatever their coding.
import '../../../bearer/smpp/pdu.js'

/** The parts of npm smpp 0.5.1's PDU the echo touches (the package ships no types). */
interface BarePdu {
  readonly command: string
  response(options?: Record<string, unknown>): BarePdu
  readonly [field: string]: unknown
}

/** The parts of npm smpp 0.5.1's Session the echo uses. */
interface BareSession {
  readonly socket: Socket
  on(event: 'pdu', listener: (pdu: BarePdu) => void): void
  on(event: 'error' | 'close', listener: () => void): void
  send(pdu: BarePdu): boolean
  deliver_sm(options: Record<string, unknown>): boolean
  close(): void
  destroy(): void
}

interface BareServer extends Server {
  readonly sessions: BareSession[]
}

const bareSmpp = smpp as unknown as {
  createServer(listener: (session: BareSession) => void): BareServer
}

export interface EchoServer {
  readonly host: string
  readonly port: number
  /** submit_sm answered and echoed; submit_sm whose text was not raw bytes (refused). */
  readonly counters: { echoed: number; refused: number }
  close(): Promise<void>
}

const bindCommands: ReadonlySet<string> = new Set([
  'bind_transceiver',
  'bind_transmitter',
  'bind_receiver',
])
/** ESME_RSYSERR: the codec patch was missing, so the text is not the bytes that came. */
const systemError = 0x08

export async function startEchoServer(host: string): Promise<EchoServer> {
  const counters = { echoed: 0, refused: 0 }
  let messageId = 0
  const server = bareSmpp.createServer((session) => {
    // As telepay's server does: without it Nagle holds small PDUs back for the peer's delayed
    // ACK (40 ms) whenever few are in flight, and the baseline would measure that instead.
    session.socket.setNoDelay(true)
    // A client that resets the connection must not take the process down.
    session.on('error', () => session.destroy())
    session.on('pdu', (pdu) => {
      if (bindCommands.has(pdu.command)) session.send(pdu.response({ system_id: 'echo' }))
      else if (pdu.command === 'enquire_link') session.send(pdu.response())
      else if (pdu.command === 'unbind') {
        session.send(pdu.response())
        session.close()
      } else if (pdu.command === 'submit_sm') echo(session, pdu)
    })
  })
  const echo = (session: BareSession, pdu: BarePdu): void => {
    const text = pdu['short_message']
    if (!Buffer.isBuffer(text)) {
      counters.refused += 1
      session.send(pdu.response({ command_status: systemError }))
      return
    }
    messageId += 1
    session.send(pdu.response({ message_id: String(messageId) }))
    session.deliver_sm({
      source_addr_ton: pdu['dest_addr_ton'],
      source_addr_npi: pdu['dest_addr_npi'],
      source_addr: pdu['destination_addr'],
      dest_addr_ton: pdu['source_addr_ton'],
      dest_addr_npi: pdu['source_addr_npi'],
      destination_addr: pdu['source_addr'],
      esm_class: pdu['esm_class'],
      data_coding: pdu['data_coding'],
      short_message: text,
    })
    counters.echoed += 1
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      server.off('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : 0)
    })
  })
  return {
    host,
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const session of [...server.sessions]) session.destroy()
      }),
  }
}
