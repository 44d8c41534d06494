/**
 * pos-fuzz.test.ts - hostile input at the ISO 8583 host over TCP: 100,000 messages, each a
 * genuine signed purchase with bytes flipped, cut short or lengthened, its bitmap or a length
 * prefix changed, or plain noise. Every one is answered or its connection closed within a second
 * (none hangs), the gateway keeps serving (a genuine purchase afterwards is approved), and no
 * money moved: the payer's and the merchant's balances are as before, and the ledger checks.
 */
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FieldValue } from '../../../src/bearer/iso8583/codec.js'
import { asciiDialect } from '../../../src/bearer/iso8583/dialects.js'
import { FrameReader, frameOf } from '../../../src/bearer/iso8583/framing.js'
import { connectPos } from '../../../src/bearer/pos-terminal/pos-client.js'
import { KeyStore, testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import { encryptPinBlock, pinBlockOf } from '../../../src/gateway/pos/pin-block.js'
import { encodeWithMac } from '../../../src/gateway/pos/pos-mac.js'
import { panOfMsisdn } from '../../../src/gateway/pos/virtual-pan.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  posPortOf,
  RINGTONES,
  startTestGateway,
} from '../../support/gateway-fixture.js'

const messages = 100_000
const answerTimeoutMs = 1_000
const keys = new KeyStore(testMasterKeys).posKeys('POS10011')
let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

/** A small deterministic generator (mulberry32): the same messages on every run. */
function randomOf(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function genuinePurchase(stan: number): Buffer {
  const pan = panOfMsisdn(LI)
  const fields = new Map<number, FieldValue>([
    [2, pan],
    [3, '001000'],
    [4, '000000000100'],
    [11, String(stan).padStart(6, '0')],
    [41, 'POS10011'],
    [49, '156'],
    [52, encryptPinBlock(keys.pin, pinBlockOf(LI_PIN, pan))],
  ])
  const message = { mti: '0200', fields, tpdu: Buffer.alloc(0), header: Buffer.alloc(0) }
  return encodeWithMac(message, asciiDialect, keys.mac)
}

/** The genuine message changed in one of several ways; never left as it was. */
function mutated(random: () => number, base: Buffer): Buffer {
  const changed = mutation(random, base)
  if (!changed.equals(base)) return changed
  // A byte set to what it was (a bitmap byte drawn again): flip the MTI's last digit instead.
  changed[3] = (changed[3] ?? 0) ^ 0x01
  return changed
}

function mutation(random: () => number, base: Buffer): Buffer {
  const pick = (n: number) => Math.floor(random() * n)
  const bytes = Buffer.from(base)
  switch (pick(6)) {
    case 0: {
      const flips = 1 + pick(4)
      for (let index = 0; index < flips; index += 1) {
        const at = pick(bytes.length)
        bytes[at] = (bytes[at] ?? 0) ^ (1 + pick(255))
      }
      return bytes
    }
    case 1:
      // Cut short, never to nothing: a length of zero is a keep-alive, which has no answer.
      return bytes.subarray(0, 1 + pick(bytes.length - 1))
    case 2:
      return Buffer.concat([
        bytes,
        Buffer.from(Array.from({ length: 1 + pick(64) }, () => pick(256))),
      ])
    case 3:
      // The bitmap (bytes 4-11 of the ASCII dialect: binary): fields promised or dropped.
      bytes[4 + pick(8)] = pick(256)
      return bytes
    case 4: {
      // An LL length prefix (field 2's, right after the bitmap) set to any two digits.
      const digits = String(pick(100)).padStart(2, '0')
      bytes.write(digits, 12, 'latin1')
      return digits === base.subarray(12, 14).toString('latin1') ? bytes.subarray(1) : bytes
    }
    default:
      return Buffer.from(Array.from({ length: 1 + pick(600) }, () => pick(256)))
  }
}

class Connection {
  private socket: Socket | null = null
  private reader = new FrameReader()
  private waiting: ((answered: boolean) => void) | null = null

  constructor(private readonly port: number) {}

  /** Sends one message; true when answered, false when the host closed the connection. */
  async exchange(body: Buffer): Promise<boolean> {
    const socket = this.socket ?? (await this.open())
    const settled = new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer and no close (hung) on ${body.toString('hex')}`)),
        answerTimeoutMs,
      )
      this.waiting = (answered) => {
        clearTimeout(timer)
        resolve(answered)
      }
    })
    socket.write(frameOf(body))
    return settled
  }

  close(): void {
    this.socket?.destroy()
  }

  private async open(): Promise<Socket> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const opened = connect(this.port, '127.0.0.1', () => resolve(opened))
      opened.once('error', reject)
    })
    this.reader = new FrameReader()
    socket.on('data', (chunk: Buffer) => {
      for (const _frame of this.reader.push(chunk)) this.settle(true)
    })
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null
      this.settle(false)
    })
    socket.on('error', () => undefined)
    this.socket = socket
    return socket
  }

  private settle(answered: boolean): void {
    const waiting = this.waiting
    this.waiting = null
    waiting?.(answered)
  }
}

describe('the ISO 8583 host under hostile input', () => {
  it(`answers or closes on each of ${messages} broken messages, moving nothing`, async () => {
    const before = {
      wallet: await gw.balance(LI, 'wallet'),
      merchant: (await gw.admin('GET', `/admin/api/merchants/${RINGTONES}`)).json.balance,
    }
    const random = randomOf(8583)
    const connection = new Connection(posPortOf(gw))
    let answered = 0
    let closed = 0
    try {
      for (let index = 0; index < messages; index += 1) {
        const body = mutated(random, genuinePurchase(index % 1_000_000))
        if (await connection.exchange(body)) answered += 1
        else closed += 1
      }
    } finally {
      connection.close()
    }
    expect(answered + closed).toBe(messages)
    expect(answered).toBeGreaterThan(messages / 2)
    expect(await gw.balance(LI, 'wallet')).toBe(before.wallet)
    expect((await gw.admin('GET', `/admin/api/merchants/${RINGTONES}`)).json.balance).toBe(
      before.merchant,
    )
    expect((await gw.admin('GET', '/admin/api/ledger/check')).json).toMatchObject({
      balanced: true,
    })
    // Still serving: a genuine purchase is approved.
    const terminal = await connectPos({
      host: '127.0.0.1',
      port: posPortOf(gw),
      terminalId: 'POS10011',
      keys,
    })
    try {
      const fields = terminal.purchaseFields(panOfMsisdn(LI), 100n, 999_999, LI_PIN)
      expect((await terminal.send('0200', fields.set(3, '001000'))).code).toBe('00')
    } finally {
      terminal.close()
    }
  }, 300_000)
})
