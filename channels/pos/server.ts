/**
 * server.ts - the TCP side of the ISO 8583 host: each connection's bytes framed into messages
 * (a 2-byte length each, src/bearer/iso8583/framing.ts), answered in the order they came, one at
 * a time per connection (a terminal waits for its answer before it sends the next; one that
 * sends more than posLimits.queuedPerConnectionMax ahead is closed). A frame over the bound, a
 * message that cannot be answered, or silence past the idle bound closes the connection; nothing
 * a connection sends is ever half-applied (each answer is one command's). Exports startPosServer,
 * PosServer, posLimits.
 */
import type { AddressInfo, Socket } from 'node:net'
import { createServer } from 'node:net'
import { FrameError, FrameReader, frameOf } from '../../src/bearer/iso8583/framing.js'
import type { Logger } from '../../src/service/log.js'

export const posLimits = {
  /** Terminals connected at once: a city's 5,500 POS terminals hold at most one each. */
  connectionsMax: 10_000,
  /** Messages a connection may send ahead of its answers (a terminal sends one at a time). */
  queuedPerConnectionMax: 8,
  /**
   * A connection silent this long is closed: terminals that keep one open send a keep-alive (a
   * zero length) well within a minute; one that connects per transaction closes it itself.
   */
  idleMs: 120_000,
  /**
   * Answers waiting in a connection's send buffer: a peer that sends without reading is cut off
   * here rather than held in memory (an answer is a few hundred bytes).
   */
  unsentBytesMax: 256 * 1024,
} as const

export interface PosServer {
  readonly port: number
  readonly connections: number
  close(): Promise<void>
}

export async function startPosServer(options: {
  readonly host: string
  readonly port: number
  readonly answer: (raw: Buffer) => Promise<Buffer | null>
  readonly log: Logger
}): Promise<PosServer> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    if (sockets.size >= posLimits.connectionsMax) {
      socket.destroy()
      return
    }
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.setTimeout(posLimits.idleMs, () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const reader = new FrameReader()
    let queued = 0
    let chain: Promise<void> = Promise.resolve()
    const answerOne = async (raw: Buffer) => {
      try {
        const answer = await options.answer(raw)
        if (answer === null) socket.destroy()
        else if (!socket.destroyed) {
          socket.write(frameOf(answer))
          if (socket.writableLength > posLimits.unsentBytesMax) socket.destroy()
        }
      } catch (error) {
        options.log.error('pos: a message failed', { error: String(error) })
        socket.destroy()
      } finally {
        queued -= 1
      }
    }
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[]
      try {
        messages = reader.push(chunk)
      } catch (error) {
        if (!(error instanceof FrameError)) throw error
        options.log.warn('pos: a frame over the bound', { error: error.message })
        socket.destroy()
        return
      }
      for (const raw of messages) {
        queued += 1
        if (queued > posLimits.queuedPerConnectionMax) {
          socket.destroy()
          return
        }
        chain = chain.then(() => answerOne(raw))
      }
    })
  })
  server.maxConnections = posLimits.connectionsMax
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      // An accept that fails (out of file descriptors) is an error event: logged, never thrown.
      server.on('error', (error) =>
        options.log.error('pos: the listener failed', { error: error.message }),
      )
      resolve()
    })
  })
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return sockets.size
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
