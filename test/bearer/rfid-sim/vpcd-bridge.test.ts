/**
 * vpcd-bridge.test.ts - the bridge against a stand-in for vpcd (the real one is in pcsc.test.ts):
 * the ATR on request, APDUs answered whether TCP splits their frames or joins them, power
 * controls that end what the card had open, a message no reader sends dropping the connection,
 * and the bridge coming back to a reader that restarted.
 */
import type { Server, Socket } from 'node:net'
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { atr, VpcdBridge } from '../../../src/bearer/rfid-sim/vpcd-bridge.js'

class EchoCard {
  powered = 0
  transmit(apdu: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from(apdu).subarray(0, 2), Buffer.of(0x90, 0x00)])
  }
  power(): void {
    this.powered += 1
  }
}

interface Reader {
  readonly server: Server
  readonly port: number
  /** The bridge's connections, in order. */
  readonly sockets: Socket[]
  /** Everything the bridge sent, per connection. */
  readonly received: Buffer[]
}

async function startReader(port = 0): Promise<Reader> {
  const sockets: Socket[] = []
  const received: Buffer[] = []
  const server = createServer((socket) => {
    const index = sockets.push(socket) - 1
    received[index] = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      received[index] = Buffer.concat([received[index] ?? Buffer.alloc(0), chunk])
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { server, port: address.port, sockets, received }
}

const frame = (hex: string): Buffer => {
  const payload = Buffer.from(hex, 'hex')
  return Buffer.concat([Buffer.of(payload.length >> 8, payload.length & 0xff), payload])
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const open: { bridge?: VpcdBridge; reader?: Reader } = {}

/** A reader and a bridge connected to it, closed after the test. */
async function connected(card = new EchoCard()): Promise<{ reader: Reader; bridge: VpcdBridge }> {
  const reader = await startReader()
  const bridge = new VpcdBridge(card, { host: '127.0.0.1', port: reader.port })
  Object.assign(open, { bridge, reader })
  bridge.start()
  await until(() => reader.sockets.length === 1, 'the bridge to connect')
  return { reader, bridge }
}

afterEach(async () => {
  await open.bridge?.stop()
  for (const socket of open.reader?.sockets ?? []) socket.destroy()
  await new Promise((resolve) => open.reader?.server.close(resolve) ?? resolve(null))
})

describe('the vpcd bridge', () => {
  it('answers the ATR request and APDUs split across reads or joined in one', async () => {
    const { reader } = await connected()
    const socket = reader.sockets[0] as Socket
    socket.write(frame('04'))
    await until(() => (reader.received[0]?.length ?? 0) >= atr.length + 2, 'the ATR')
    expect(reader.received[0]).toEqual(Buffer.concat([Buffer.of(0, atr.length), atr]))

    // One APDU in two writes, then two APDUs in one.
    const apdu = frame('805c000204')
    socket.write(apdu.subarray(0, 3))
    await new Promise((resolve) => setTimeout(resolve, 20))
    socket.write(apdu.subarray(3))
    socket.write(Buffer.concat([frame('00b0950004'), frame('00a4000002')]))
    const expected = Buffer.concat([frame('805c9000'), frame('00b09000'), frame('00a49000')])
    await until(
      () => (reader.received[0]?.length ?? 0) >= atr.length + 2 + expected.length,
      'answers',
    )
    expect(reader.received[0]?.subarray(atr.length + 2)).toEqual(expected)
  })

  it('powers the card down and up on the controls, answering none of them', async () => {
    const card = new EchoCard()
    const { reader } = await connected(card)
    reader.sockets[0]?.write(Buffer.concat([frame('00'), frame('01'), frame('02')]))
    await until(() => card.powered === 3, 'three power events')
    expect(reader.received[0]).toEqual(Buffer.alloc(0))
  })

  it('drops a connection that sends an oversized message, and connects again', async () => {
    const { reader, bridge } = await connected()
    reader.sockets[0]?.write(Buffer.of(0xff, 0xff, 0x00))
    await until(() => reader.sockets.length === 2, 'the bridge to come back')
    expect(bridge.inserted).toBe(true)
  })

  it('comes back to a reader that restarts on the same port', async () => {
    const first = await startReader()
    const bridge = new VpcdBridge(new EchoCard(), { host: '127.0.0.1', port: first.port })
    Object.assign(open, { bridge, reader: first })
    bridge.start()
    await until(() => bridge.inserted, 'the first connection')
    for (const socket of first.sockets) socket.destroy()
    await new Promise((resolve) => first.server.close(resolve))
    await until(() => !bridge.inserted, 'the card to leave the reader')
    const second = await startReader(first.port)
    open.reader = second
    await until(() => second.sockets.length === 1, 'the bridge to reconnect')
  })
})
