/**
 * tshark.test.ts - Wireshark's SMPP and GSM SMS dissectors as an independent judge of what our
 * SMSC simulator puts on the wire: a live capture on loopback of a PhoneEsme session (BAL, a
 * PAY/YES payment, a Chinese MO and the Chinese help text, which comes back in two parts, all
 * with delivery receipts requested) must decode without malformed packets, every request must
 * have its response, replies must carry the data_coding and esm_class their text needs, and the
 * dissector's reassembly of our concatenated reply must give the text PhoneEsme reassembled.
 * Skipped, with the reason in the name, when tshark is missing or capture on lo is not permitted.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PhoneMt } from '../../../../src/tools/phones/phone-esme.js'
import { PhoneEsme } from '../../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { HAN, LI, LI_PIN, startTestGateway } from '../../../support/gateway-fixture.js'
import { stopProcess, tsharkMissing, waitFor } from '../../../support/kannel.js'

/** How long the capture may take to go live or to write out what it saw. */
const captureTimeoutMs = 10_000
const replyTimeoutMs = 5_000

/** pcapng block types (draft-ietf-opsawg-pcapng): section header and enhanced packet. */
const sectionHeaderBlock = 0x0a0d0d0a
const enhancedPacketBlock = 0x00000006

/** The TCP ports of every packet in a pcapng stream (lo: Ethernet framing, IPv4 or IPv6). */
function tcpPortsIn(stream: Buffer): Set<number> {
  const ports = new Set<number>()
  if (stream.length < 12 || stream.readUInt32LE(0) !== sectionHeaderBlock) return ports
  const littleEndian = stream.readUInt32LE(8) === 0x1a2b3c4d
  const read = (offset: number): number =>
    littleEndian ? stream.readUInt32LE(offset) : stream.readUInt32BE(offset)
  for (let offset = 0; offset + 12 <= stream.length; ) {
    const length = read(offset + 4)
    if (length < 12 || offset + length > stream.length) break
    if (read(offset) === enhancedPacketBlock) {
      const data = stream.subarray(offset + 28, offset + 28 + read(offset + 20))
      const etherType = data.length >= 14 ? data.readUInt16BE(12) : 0
      const ip = data.subarray(14)
      const tcp =
        etherType === 0x0800 && ip[9] === 6
          ? ip.subarray(((ip[0] ?? 0) & 0x0f) * 4)
          : etherType === 0x86dd && ip[6] === 6
            ? ip.subarray(40)
            : null
      if (tcp !== null && tcp.length >= 4) {
        ports.add(tcp.readUInt16BE(0))
        ports.add(tcp.readUInt16BE(2))
      }
    }
    offset += length
  }
  return ports
}

/**
 * tshark capturing one TCP port on lo into a pipe (dumpcap flushes a pipe per packet, not a
 * file). "Capturing on" comes before the kernel filter is live, so sync() knocks on the port
 * until a knock shows up in the stream: everything sent after it is in the capture.
 */
class LoopbackCapture {
  private readonly chunks: Buffer[] = []
  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.chunks.push(chunk))
  }

  static async start(port: number): Promise<LoopbackCapture> {
    const child = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const capture = new LoopbackCapture(child, port)
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    try {
      await waitFor(
        'tshark to say "Capturing on"',
        () => {
          if (child.exitCode !== null) throw new Error(`tshark exited ${child.exitCode}: ${stderr}`)
          return stderr.includes('Capturing on')
        },
        captureTimeoutMs,
      )
      await capture.sync()
    } catch (error) {
      await capture.kill()
      throw error
    }
    return capture
  }

  /**
   * Knocks (connect, then close) until the capture shows one of the knock's own packets (by its
   * local port): lo delivers in order, so everything sent before the knock is captured by then.
   * Waiting for any new packet was not enough: under load the last packets of the session itself
   * (an unbind_resp) could be that packet, and the capture stopped before the rest of them.
   */
  async sync(): Promise<void> {
    const deadline = Date.now() + captureTimeoutMs
    const knocks: number[] = []
    const seen = (): boolean => {
      const ports = tcpPortsIn(Buffer.concat(this.chunks))
      return knocks.some((port) => ports.has(port))
    }
    while (!seen()) {
      if (Date.now() > deadline)
        throw new Error(
          `the capture saw no knock on port ${this.port} within ${captureTimeoutMs} ms`,
        )
      await new Promise<void>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: this.port }, () => {
          knocks.push(socket.localPort ?? 0)
          socket.destroy()
        })
        socket.once('error', () => resolve())
        socket.once('close', () => resolve())
      })
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Stops tshark and writes what it captured to `path`. */
  async stop(path: string): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve()
      else this.child.once('exit', () => resolve())
    })
    this.child.kill('SIGINT')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), captureTimeoutMs)
    await exited
    clearTimeout(timer)
    writeFileSync(path, Buffer.concat(this.chunks))
  }

  kill(): Promise<void> {
    return stopProcess(this.child)
  }
}

/** One SMPP PDU as tshark decoded it: its field values by name (opt params flattened in). */
type DecodedPdu = Readonly<Record<string, string>>

interface DecodedFrame {
  readonly frame: number
  readonly srcPort: number
  readonly pdus: readonly DecodedPdu[]
  /** GSM SMS user data layers (UDH, reassembly), in the order of the PDUs that carry a UDH. */
  readonly userData: readonly DecodedPdu[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Every leaf field under a JSON layer, by its name (the first occurrence wins). */
function flatten(layer: unknown, into: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(layer)) {
    for (const item of layer) flatten(item, into)
  } else if (isRecord(layer)) {
    for (const [key, value] of Object.entries(layer)) {
      if (typeof value === 'string') into[key] ??= value
      else if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
        into[key] ??= value.join(',')
      else flatten(value, into)
    }
  }
  return into
}

/** A layer that occurs once is an object, several times an array (with --no-duplicate-keys). */
function layersOf(value: unknown): unknown[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

const fieldNumber = (pdu: DecodedPdu, name: string): number => Number(pdu[name] ?? Number.NaN)

/**
 * esm_class rebuilt from tshark's three sub-fields (mode bits 1-0, type bits 5-2, features bits
 * 7-6).
 */
function esmClassOf(pdu: DecodedPdu): number {
  return (
    fieldNumber(pdu, 'smpp.esm.submit.msg_mode') |
    (fieldNumber(pdu, 'smpp.esm.submit.msg_type') << 2) |
    (fieldNumber(pdu, 'smpp.esm.submit.features') << 6)
  )
}

function hexOctets(colonHex: string): Buffer {
  return Buffer.from(colonHex.replace(/:/g, ''), 'hex')
}

/** UCS-2 (UTF-16BE) decoded without our own codec: Node knows only little-endian. */
function fromUtf16be(octets: Buffer): string {
  return Buffer.from(octets).swap16().toString('utf16le')
}

const commandIds = { submitSm: 0x00000004, deliverSm: 0x00000005, responseBit: 0x80000000 } as const

const missing = tsharkMissing()
const skipNote = missing === null ? '' : ` (skipped: ${missing})`
let gw: GatewayFixture | null = null
let phones: PhoneEsme | null = null
let capture: LoopbackCapture | null = null
let directory: string | null = null
let pcapPath = ''
let smscPort = 0

/** What the phones sent and got, to compare with what tshark saw. */
interface SessionRecord {
  readonly msisdn: string
  readonly text: string
  readonly messageIds: readonly string[]
  readonly reply: PhoneMt
}
const session: SessionRecord[] = []
/** Delivery receipts PhoneEsme received for the session's MOs. */
let receiptsReceived = 0

/**
 * SMPP on our ephemeral port, and data_coding 0 read as GSM-7 one septet per octet, which is
 * what we send (the dissector leaves DCS 0 undecoded by default).
 */
function tsharkSmpp(): string[] {
  return [
    '-d',
    `tcp.port==${smscPort},smpp`,
    '-o',
    'smpp.decode_sms_over_smpp:GSM 7-bit',
    '-o',
    'smpp.gsm7_unpacked:TRUE',
  ]
}

function tshark(args: readonly string[]): string {
  const result = spawnSync('tshark', ['-r', pcapPath, ...tsharkSmpp(), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  expect(result.status, `tshark ${args.join(' ')}: ${result.stderr}`).toBe(0)
  return result.stdout
}

let decodedFrames: DecodedFrame[] | null = null
function decoded(): DecodedFrame[] {
  if (decodedFrames !== null) return decodedFrames
  const json = JSON.parse(
    tshark(['-Y', 'smpp', '-T', 'json', '--no-duplicate-keys', '-J', 'frame tcp smpp gsm_sms_ud']),
  ) as unknown
  if (!Array.isArray(json)) throw new Error('tshark -T json did not give an array')
  decodedFrames = json.map((packet): DecodedFrame => {
    const layers =
      isRecord(packet) && isRecord(packet['_source']) && isRecord(packet['_source']['layers'])
        ? packet['_source']['layers']
        : {}
    const frame = flatten(layers['frame'])
    const tcp = flatten(layers['tcp'])
    return {
      frame: Number(frame['frame.number']),
      srcPort: Number(tcp['tcp.srcport']),
      pdus: layersOf(layers['smpp']).map((layer) => flatten(layer)),
      userData: layersOf(layers['gsm_sms_ud']).map((layer) => flatten(layer)),
    }
  })
  return decodedFrames
}

/** Every PDU in capture order, with the direction it went. */
function allPdus(): {
  readonly fromSmsc: boolean
  readonly frame: number
  readonly pdu: DecodedPdu
}[] {
  return decoded().flatMap((frame) =>
    frame.pdus.map((pdu) => ({ fromSmsc: frame.srcPort === smscPort, frame: frame.frame, pdu })),
  )
}

function deliverSms(): DecodedPdu[] {
  return allPdus()
    .filter(
      (item) => item.fromSmsc && fieldNumber(item.pdu, 'smpp.command_id') === commandIds.deliverSm,
    )
    .map((item) => item.pdu)
}

const isReceipt = (pdu: DecodedPdu): boolean => (esmClassOf(pdu) & 0x3c) === 0x04

async function send(msisdn: string, text: string): Promise<PhoneMt> {
  if (phones === null) throw new Error('the phones are not bound')
  const sent = await phones.send(msisdn, text, { receipt: true })
  if (!sent.ok) throw new Error(`MO ${text.length} characters from ${msisdn}: ${sent.error}`)
  const reply = await phones.next(msisdn, replyTimeoutMs)
  if (reply === null) throw new Error(`no reply to ${msisdn} within ${replyTimeoutMs} ms`)
  session.push({ msisdn, text, messageIds: sent.messageIds, reply })
  return reply
}

describe.skipIf(missing !== null)(
  `a live capture of an SMPP session, judged by tshark${skipNote}`,
  () => {
    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), 'telepay-tshark-'))
      pcapPath = join(directory, 'session.pcapng')
      gw = await startTestGateway()
      const smpp = gw.gateway.smpp
      if (smpp === null) throw new Error('the SMSC simulator did not start')
      smscPort = smpp.port
      capture = await LoopbackCapture.start(smscPort)
      phones = new PhoneEsme({ host: smpp.host, port: smpp.port })
      const bindError = await phones.bind()
      if (bindError !== null) throw new Error(`bind: ${bindError}`)
      expect((await send(LI, 'BAL')).text).toContain('500.00')
      expect((await send(LI, 'PAY 1001 25')).text).toMatch(/YES <PIN>/)
      expect((await send(LI, `YES ${LI_PIN}`)).text).toMatch(/Paid CNY 25\.00/)
      expect((await send(HAN, '余额')).text).toContain('20.00')
      // The Chinese help text is longer than one UCS-2 SMS (70 characters).
      expect((await send(HAN, '帮助')).parts).toBeGreaterThan(1)
      const mos = session.reduce((sum, record) => sum + record.messageIds.length, 0)
      const phoneEsme = phones
      await waitFor(
        'a receipt for every MO',
        () => phoneEsme.receipts.length >= mos,
        replyTimeoutMs,
      )
      await phones.close()
      receiptsReceived = phoneEsme.receipts.length
      phones = null
      // A knock after the unbind: once it is in the stream, so is everything before it.
      await capture.sync()
      await capture.stop(pcapPath)
      capture = null
    }, 40_000)

    afterAll(async () => {
      try {
        await capture?.kill()
        await phones?.close()
        await gw?.close()
      } finally {
        if (directory !== null) rmSync(directory, { recursive: true, force: true })
      }
    }, 20_000)

    it('finds no malformed packet and no expert error', () => {
      const expert = tshark(['-q', '-z', 'expert'])
      expect(expert).not.toMatch(/Malformed/)
      expect(expert).not.toMatch(/^Errors \(/m)
      expect(tshark(['-Y', '_ws.malformed || _ws.expert.severity == error'])).toBe('')
    })

    it('decodes every TCP payload as SMPP, and every request has its answer with status 0', () => {
      expect(
        tshark([
          '-Y',
          'tcp.len > 0 && !smpp && !tcp.reassembled_in',
          '-T',
          'fields',
          '-e',
          'frame.number',
        ]),
      ).toBe('')
      const pdus = allPdus()
      const requests = pdus.filter(
        (item) => fieldNumber(item.pdu, 'smpp.command_id') < commandIds.responseBit,
      )
      const responses = pdus.filter(
        (item) => fieldNumber(item.pdu, 'smpp.command_id') >= commandIds.responseBit,
      )
      expect(requests.length).toBeGreaterThan(0)
      for (const request of requests) {
        const id = fieldNumber(request.pdu, 'smpp.command_id')
        const sequence = request.pdu['smpp.sequence_number']
        const answer = responses.filter(
          (item) =>
            item.fromSmsc !== request.fromSmsc &&
            fieldNumber(item.pdu, 'smpp.command_id') === (id | commandIds.responseBit) >>> 0 &&
            item.pdu['smpp.sequence_number'] === sequence,
        )
        expect(
          answer.map((item) => fieldNumber(item.pdu, 'smpp.command_status')),
          `answer to frame ${request.frame} (0x${id.toString(16)} #${sequence})`,
        ).toEqual([0])
      }
      // As many submit_sm and deliver_sm as the phones sent and received, no more, no less.
      const submits = requests.filter(
        (item) =>
          !item.fromSmsc && fieldNumber(item.pdu, 'smpp.command_id') === commandIds.submitSm,
      )
      expect(submits).toHaveLength(
        session.reduce((sum, record) => sum + record.messageIds.length, 0),
      )
      const replyParts = session.reduce((sum, record) => sum + record.reply.parts, 0)
      expect(deliverSms()).toHaveLength(replyParts + receiptsReceived)
    })

    it('codes GSM replies with data_coding 0, Chinese with 8; tshark reads the same text', () => {
      const replies = deliverSms().filter((pdu) => !isReceipt(pdu))
      for (const record of session) {
        const mine = replies.filter((pdu) => pdu['smpp.destination_addr'] === record.msisdn)
        const codings = new Set(mine.map((pdu) => fieldNumber(pdu, 'smpp.data_coding')))
        expect(codings, `replies to ${record.msisdn}`).toEqual(
          new Set([record.msisdn === HAN ? 8 : 0]),
        )
        expect(mine.every((pdu) => pdu['smpp.source_addr'] === '12588')).toBe(true)
      }
      // Single-part replies: Wireshark's decoding of the short_message is the text the phone got.
      const singles = session
        .filter((record) => record.reply.parts === 1)
        .map((record) => record.reply.text)
      const decodedTexts = replies
        .filter((pdu) => (esmClassOf(pdu) & 0x40) === 0)
        .map((pdu) => pdu['smpp.message_text'])
      expect(decodedTexts).toEqual(singles)
    })

    it('marks long-reply parts UDHI (esm_class 0x40), receipts 0x04 for the right ids', () => {
      const long = session.find((record) => record.reply.parts > 1)
      expect(long).toBeDefined()
      const parts = deliverSms().filter(
        (pdu) =>
          !isReceipt(pdu) &&
          pdu['smpp.destination_addr'] === long?.msisdn &&
          (esmClassOf(pdu) & 0x40) !== 0,
      )
      expect(parts).toHaveLength(long?.reply.parts ?? 0)
      expect(parts.map(esmClassOf)).toEqual(parts.map(() => 0x40))
      const receipts = deliverSms().filter(isReceipt)
      expect(receipts.map(esmClassOf)).toEqual(receipts.map(() => 0x04))
      // Each MO was asked a receipt (registered_delivery 1) and got one quoting its submit_sm_resp
      // id.
      for (const record of session) {
        for (const messageId of record.messageIds) {
          const receipt = receipts.find((pdu) => pdu['smpp.receipted_message_id'] === messageId)
          expect(receipt, `receipt for ${messageId}`).toBeDefined()
          expect(receipt?.['smpp.destination_addr']).toBe(record.msisdn)
          expect(receipt?.['smpp.message'] ?? '').toContain(
            Buffer.from(`id:${messageId}`)
              .toString('hex')
              .replace(/(..)(?!$)/g, '$1:'),
          )
        }
      }
    })

    it('reassembles our concatenated reply to the text PhoneEsme reassembled', () => {
      const long = session.find((record) => record.reply.parts > 1)
      if (long === undefined) throw new Error('the session had no multi-part reply')
      const reassembled = decoded()
        .flatMap((frame) => frame.userData)
        .filter((layer) => layer['gsm_sms_ud.reassembled.length'] !== undefined)
      expect(reassembled).toHaveLength(1)
      const layer = reassembled[0] ?? {}
      expect(layer['gsm_sms.udh.mm.msg_parts']).toBe(String(long.reply.parts))
      const octets = hexOctets(layer['gsm_sms_ud.short_msg'] ?? '')
      expect(Number(layer['gsm_sms_ud.reassembled.length'])).toBe(octets.length)
      expect(fromUtf16be(octets)).toBe(long.reply.text)
    })

    it('puts only 7-bit octets in GSM-coded deliver_sm, receipts of Chinese MOs included', () => {
      const gsmCoded = deliverSms().filter(
        (candidate) => fieldNumber(candidate, 'smpp.data_coding') === 0,
      )
      expect(gsmCoded.length).toBeGreaterThan(0)
      // An octet above 0x7F is no GSM-7 septet: a handset or SMSC shows garbage or rejects it.
      const offenders = gsmCoded.flatMap((pdu) => {
        const wide = [...hexOctets(pdu['smpp.message'] ?? '')].filter((octet) => octet > 0x7f)
        if (wide.length === 0) return []
        const octets = wide.map((octet) => `0x${octet.toString(16)}`).join(' ')
        return [
          `deliver_sm #${pdu['smpp.sequence_number']} to ${pdu['smpp.destination_addr']} ` +
            `esm_class 0x${esmClassOf(pdu).toString(16)}: ${octets}`,
        ]
      })
      expect(offenders).toEqual([])
    })
  },
)
