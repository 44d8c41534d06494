/**
 * pos-client.ts - an online shop terminal as the ISO 8583 host meets it: one TCP connection, a
 * message at a time (2-byte length; the ASCII dialect, or CUP's with its TPDU and header),
 * purchases with the PIN as a format 0
 * block under the terminal's PIN key, every message but the sign-on MACed under its MAC key, the
 * answers' MACs checked. For the tests and the conformance steps. Exports PosClient,
 * PosAnswer, connectPos, purchaseFieldsOf.
 */
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import { encryptPinBlock, pinBlockOf } from '../../gateway/pos/pin-block.js'
import { encodeWithMac, macMatches } from '../../gateway/pos/pos-mac.js'
import type { FieldValue } from '../iso8583/codec.js'
import { decodeMessage, encodeMessage } from '../iso8583/codec.js'
import type { DialectName } from '../iso8583/dialects.js'
import { dialects } from '../iso8583/dialects.js'
import { FrameReader, frameOf } from '../iso8583/framing.js'

export interface PosAnswer {
  readonly mti: string
  readonly fields: ReadonlyMap<number, FieldValue>
  /** Field 39. */
  readonly code: string
  /** Whether the answer carries the host's MAC (a sign-on's answer carries none and is true). */
  readonly macValid: boolean
}

export interface PosClient {
  /** Sends `fields` as `mti` (MACed unless a sign-on) and waits for the answer. */
  send(mti: string, fields: ReadonlyMap<number, FieldValue>): Promise<PosAnswer>
  readonly dialect: DialectName
  /** Sends bytes as one frame, as they are (a hostile message), and waits for an answer. */
  sendRaw(body: Buffer): Promise<PosAnswer | null>
  /** A purchase's fields: the card, amount in fen, STAN, and the PIN typed on the PIN pad. */
  purchaseFields(pan: string, amountFen: bigint, stan: number, pin: string | null): Fields
  close(): void
}

type Fields = Map<number, FieldValue>

/**
 * A purchase's fields as a terminal writes them: the card, field 3 for the default account, the
 * amount in fen, the STAN, a keyed entry (021) in normal conditions (00), CNY, and the PIN typed
 * on the PIN pad as a format 0 block under the terminal's PIN key.
 */
export function purchaseFieldsOf(
  pinKey: Uint8Array,
  pan: string,
  amountFen: bigint,
  stan: number,
  pin: string | null,
): Fields {
  const fields: Fields = new Map<number, FieldValue>([
    [2, pan],
    [3, '000000'],
    [4, amountFen.toString().padStart(12, '0')],
    [11, String(stan).padStart(6, '0')],
    [22, '021'],
    [25, '00'],
    [49, '156'],
  ])
  if (pin !== null) fields.set(52, encryptPinBlock(pinKey, pinBlockOf(pin, pan)))
  return fields
}

export async function connectPos(options: {
  readonly host: string
  readonly port: number
  readonly terminalId: string
  readonly keys: { readonly pin: Uint8Array; readonly mac: Uint8Array }
  /** The terminal's dialect (default ascii). */
  readonly dialect?: DialectName
  /** How long an answer may take (default 5 s). */
  readonly answerTimeoutMs?: number
}): Promise<PosClient> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const opened = connect(options.port, options.host, () => resolve(opened))
    opened.once('error', reject)
  })
  const dialect = dialects[options.dialect ?? 'ascii']
  // CUP's TPDU (ID 60, to the host's NII 0003) and the application header of the capture the
  // codec's tests decode; the host answers them turned round.
  const tpdu = dialect.tpduBytes === 0 ? Buffer.alloc(0) : Buffer.from('6000030000', 'hex')
  const header = dialect.headerBytes === 0 ? Buffer.alloc(0) : Buffer.from('603100311003', 'hex')
  const reader = new FrameReader()
  const waiting: ((frame: Buffer | null) => void)[] = []
  socket.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) waiting.shift()?.(frame)
  })
  socket.on('close', () => {
    for (const resolve of waiting.splice(0)) resolve(null)
  })
  socket.on('error', () => undefined)
  const next = (): Promise<Buffer | null> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A late answer would be taken for the next message's: the connection is given up.
        socket.destroy()
        reject(new Error('no answer from the POS host'))
      }, options.answerTimeoutMs ?? 5_000)
      waiting.push((frame) => {
        clearTimeout(timer)
        resolve(frame)
      })
    })
  const read = (frame: Buffer): PosAnswer => {
    const answer = decodeMessage(frame, dialect)
    const mac = answer.fields.get(64)
    // Only a sign-on's answer goes without a MAC; any other without one is not the host's word.
    const macValid = Buffer.isBuffer(mac)
      ? macMatches(options.keys.mac, frame, dialect, mac)
      : answer.mti === '0810'
    const code = answer.fields.get(39)
    return { ...answer, code: typeof code === 'string' ? code : '', macValid }
  }
  const client: PosClient = {
    dialect: options.dialect ?? 'ascii',
    async send(mti, fields) {
      const all = new Map(fields)
      all.set(41, options.terminalId.padEnd(8))
      const message = { mti, fields: all, tpdu, header }
      const bytes =
        mti === '0800'
          ? encodeMessage(message, dialect)
          : encodeWithMac(message, dialect, options.keys.mac)
      const answered = next()
      socket.write(frameOf(bytes))
      const frame = await answered
      if (frame === null) throw new Error('the POS host closed the connection')
      return read(frame)
    },
    async sendRaw(body) {
      const answered = next()
      socket.write(frameOf(body))
      const frame = await answered
      return frame === null ? null : read(frame)
    },
    purchaseFields: (pan, amountFen, stan, pin) =>
      purchaseFieldsOf(options.keys.pin, pan, amountFen, stan, pin),
    close: () => socket.destroy(),
  }
  return client
}
