/**
 * fuzz.test.ts - hostile SMPP input against a real gateway's SMSC simulator, for a few seconds,
 * from a seeded generator (SMPP_FUZZ_SEED=n reproduces a run; every failure names its seed,
 * worker and case; FUZZ_LOG=warn shows the gateway's log). Workers on their own loopback addresses
 * send command_lengths too small, too large or lying about the body, unknown command_ids, requests
 * before bind, truncated PDUs, C-strings without a terminator, over-long fields, responses nobody
 * asked for and random octets. Each answer is checked against SMPP 3.4 (generic_nack
 * ESME_RINVCMDLEN / RINVCMDID with the sequence echoed, ESME_RINVBNDSTS before bind, the field's
 * own status for an over-long field, a close when the framing cannot be trusted) and, where the
 * stream must still be in step, an enquire_link afterwards must be answered with its own sequence.
 * Meanwhile an honest phone ESME keeps asking BAL and must keep getting its reply; afterwards
 * the ledger is unchanged, /healthz is 200 and a fresh ESME binds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PduParams } from '../../../src/bearer/smpp/pdu.js'
import { encodePdu } from '../../../src/bearer/smpp/pdu.js'
import { seededRandom } from '../../../src/tools/bench/bench-world.js'
import { PhoneEsme } from '../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'
import type { RawPdu } from './raw-peer.js'
import { bindParams, header, RawPeer } from './raw-peer.js'

const seed = Number(process.env['SMPP_FUZZ_SEED'] ?? 20_261_206)
/** Hostile connections at once; each worker has its own source addresses. */
const workers = 3
/** How long the hostile traffic runs: long enough for hundreds of cases, short enough for CI. */
const fuzzMs = 3_000
/** The simulator's default pduLengthMax. */
const pduLengthMax = 16_384

const GENERIC_NACK = 0x80000000
const ENQUIRE_LINK_RESP = 0x80000015
const DELIVER_SM = 0x00000005
const status = {
  ok: 0x00,
  invCmdLen: 0x02,
  invCmdId: 0x03,
  invBndSts: 0x04,
  alyBnd: 0x05,
  bindFail: 0x0d,
  invPaswd: 0x0e,
  invSysId: 0x0f,
  invSrcAdr: 0x0a,
  invDstAdr: 0x0b,
  throttled: 0x58,
  invMsgLen: 0x01,
  invTlvVal: 0xc4,
} as const

let gw: GatewayFixture
let port: number

beforeAll(async () => {
  gw = await startTestGateway({ overrides: { logLevel: process.env['FUZZ_LOG'] ?? 'silent' } })
  if (gw.gateway.smpp === null) throw new Error('the SMSC simulator did not start')
  port = gw.gateway.smpp.port
})

afterAll(async () => {
  await gw.close()
})

/** One worker's view: its generator, its addresses, and the label every assertion carries. */
interface Fuzzer {
  readonly random: () => number
  /** Only ever binds with the right password, so it is never locked out. */
  readonly boundAddress: string
  /** Sends wrong and malformed binds, so it may be locked out (ESME_RBINDFAIL). */
  readonly hostileAddress: string
  label: string
}

const int = (f: Fuzzer, below: number): number => Math.floor(f.random() * below)
const pick = <T>(f: Fuzzer, items: readonly T[]): T => items[int(f, items.length)] as T
/** Mostly SMPP 3.4's 1..0x7FFFFFFF; sometimes 0 or past it, which an answer must still echo. */
const sequenceOf = (f: Fuzzer): number =>
  f.random() < 0.9
    ? 1 + int(f, 0x7ffffffe)
    : pick(f, [0, 0x80000000 + int(f, 0x7fffffff), 0xffffffff])
const octets = (f: Fuzzer, length: number): Buffer =>
  Buffer.from(Array.from({ length }, () => int(f, 256)))
const digits = (f: Fuzzer, length: number): string =>
  Array.from({ length }, () => String(int(f, 10))).join('')
const letters = (f: Fuzzer, length: number): string =>
  Array.from({ length }, () => String.fromCharCode(97 + int(f, 26))).join('')

/**
 * A well-formed PDU numbered with any 32-bit sequence (encodePdu numbers ours up to 0x7FFFFFFF).
 */
function numbered(
  command: string,
  sequence: number,
  params: PduParams = {},
  commandStatus = 0,
): Buffer {
  const pdu = encodePdu(command, 1, params, commandStatus)
  pdu.writeUInt32BE(sequence >>> 0, 12)
  return pdu
}

function withLength(pdu: Buffer, length: number): Buffer {
  const copy = Buffer.from(pdu)
  copy.writeUInt32BE(length >>> 0, 0)
  return copy
}

/** An MO from a number nobody registered, so nothing it says can move money. */
function hostileSubmit(f: Fuzzer, extra: PduParams = {}): PduParams {
  return {
    source_addr: `999${digits(f, 8)}`,
    destination_addr: '12588',
    short_message: octets(f, int(f, 40)),
    data_coding: 4,
    ...extra,
  }
}

/** A request PDU with a body of mandatory fields, for truncation and lying lengths. */
function someRequest(f: Fuzzer, sequence: number): Buffer {
  return pick(f, [
    () => numbered('submit_sm', sequence, hostileSubmit(f)),
    () => numbered('bind_transceiver', sequence, bindParams(letters(f, 6), letters(f, 6))),
    () => numbered('query_sm', sequence, { message_id: digits(f, 6), source_addr: digits(f, 8) }),
  ])()
}

/** A fresh connection; bound (with the right password) as one of `binds` when asked. */
async function connect(
  f: Fuzzer,
  bound: boolean,
  binds = ['bind_transceiver', 'bind_transmitter', 'bind_receiver'],
): Promise<RawPeer> {
  const peer = await RawPeer.connect(port, bound ? f.boundAddress : f.hostileAddress)
  if (bound) {
    const resp = await peer.request(pick(f, binds), bindParams())
    expect(resp?.status, `${f.label}: the right bind`).toBe(status.ok)
  }
  return peer
}

/** A PDU as one readable line, so a mismatch shows all of it. */
function shown(
  pdu: { readonly commandId?: number; readonly status?: number; readonly sequence?: number } | null,
): string {
  if (pdu === null) return 'nothing (closed or silent)'
  const hex = (value: number | undefined): string =>
    value === undefined ? '?' : `0x${value.toString(16)}`
  return `command ${hex(pdu.commandId)} status ${hex(pdu.status)} sequence ${pdu.sequence ?? '?'}`
}

/**
 * The next PDU that answers us. A bound hostile session also gets deliver_sm: replies to MOs of
 * binds of the same system_id (the simulator's binds all stand for the phones); those are skipped.
 */
async function answerOf(peer: RawPeer, timeoutMs: number): Promise<RawPdu | null> {
  for (;;) {
    const pdu = await peer.next(timeoutMs)
    if (pdu === null || pdu.commandId !== DELIVER_SM) return pdu
  }
}

async function expectNext(
  f: Fuzzer,
  peer: RawPeer,
  want: Required<Pick<RawPdu, 'commandId' | 'status' | 'sequence'>>,
  why: string,
): Promise<void> {
  expect(shown(await answerOf(peer, 3_000)), `${f.label}: ${why}`).toBe(shown(want))
}

/** The stream is still in step: an enquire_link is answered with its own sequence_number. */
async function expectInStep(f: Fuzzer, peer: RawPeer): Promise<void> {
  const sequence = sequenceOf(f)
  peer.write(numbered('enquire_link', sequence))
  await expectNext(
    f,
    peer,
    { commandId: ENQUIRE_LINK_RESP, status: status.ok, sequence },
    'enquire_link after the case',
  )
}

async function expectNackAndClose(f: Fuzzer, peer: RawPeer, why: string): Promise<void> {
  await expectNext(f, peer, { commandId: GENERIC_NACK, status: status.invCmdLen, sequence: 0 }, why)
  expect(await peer.waitClosed(3_000), `${f.label}: closed after ${why}`).toBe(true)
}

/** Whatever comes back from octets nobody can predict is a response or generic_nack, or a close. */
async function expectOnlyResponses(f: Fuzzer, peer: RawPeer, why: string): Promise<void> {
  for (
    let answer = await answerOf(peer, 150);
    answer !== null;
    answer = await answerOf(peer, 150)
  ) {
    expect(
      answer.commandId >>> 31,
      `${f.label}: ${why} answered with command 0x${answer.commandId.toString(16)}`,
    ).toBe(1)
  }
}

type Case = (f: Fuzzer) => Promise<void>

/**
 * A case whose octets (built around a sequence_number) must get generic_nack with that status
 * and sequence, after which the stream is still in step.
 */
async function nackedInStep(
  f: Fuzzer,
  nackStatus: number,
  build: (sequence: number) => { readonly octets: Buffer; readonly why: string },
): Promise<void> {
  const peer = await connect(f, f.random() < 0.5)
  const sequence = sequenceOf(f)
  const { octets: sent, why } = build(sequence)
  peer.write(sent)
  await expectNext(f, peer, { commandId: GENERIC_NACK, status: nackStatus, sequence }, why)
  await expectInStep(f, peer)
  peer.close()
}

const cases: Readonly<Record<string, Case>> = {
  async lengthTooSmall(f) {
    const peer = await connect(f, f.random() < 0.5)
    peer.write(header(int(f, 16), pick(f, [0x04, 0x15, 0x09]), 0, sequenceOf(f)))
    await expectNackAndClose(f, peer, 'command_length under 16')
  },
  async lengthTooLarge(f) {
    const peer = await connect(f, f.random() < 0.5)
    const length = pick(f, [
      pduLengthMax + 1,
      pduLengthMax + 1 + int(f, 1_000_000),
      0xffffffff,
      0x47455420,
    ])
    peer.write(Buffer.concat([header(length, 0x04, 0, sequenceOf(f)), octets(f, int(f, 64))]))
    await expectNackAndClose(f, peer, `command_length ${length}`)
  },
  async unknownCommand(f) {
    const known = new Set([
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0103, 0x0111, 0x0112, 0x0113,
      0x15, 0x21, 0x102,
    ])
    await nackedInStep(f, status.invCmdId, (sequence) => {
      let commandId = int(f, 0x10000)
      while (known.has(commandId)) commandId += 0x200
      const body = octets(f, int(f, 64))
      return {
        octets: Buffer.concat([header(16 + body.length, commandId, 0, sequence), body]),
        why: `command_id 0x${commandId.toString(16)}`,
      }
    })
  },
  async requestBeforeBind(f) {
    const peer = await connect(f, false)
    const [command, params] = pick(f, [
      ['submit_sm', hostileSubmit(f)],
      ['data_sm', { source_addr: '1', destination_addr: '12588' }],
      ['query_sm', { message_id: '1' }],
      ['cancel_sm', { message_id: '1' }],
      ['replace_sm', { message_id: '1' }],
      ['unbind', {}],
      ['deliver_sm', hostileSubmit(f)],
    ] as const)
    const sequence = sequenceOf(f)
    peer.write(numbered(command, sequence, params))
    await expectNext(
      f,
      peer,
      {
        commandId: encodePdu(`${command}_resp`, 1).readUInt32BE(4),
        status: status.invBndSts,
        sequence,
      },
      `${command} before bind`,
    )
    await expectInStep(f, peer)
    peer.close()
  },
  async truncated(f) {
    await nackedInStep(f, status.invCmdLen, (sequence) => {
      const whole = someRequest(f, sequence)
      const cut = 16 + int(f, whole.length - 16)
      return {
        octets: withLength(whole.subarray(0, cut), cut),
        why: `a request cut to ${cut} of ${whole.length} octets`,
      }
    })
  },
  async unterminatedString(f) {
    await nackedInStep(f, status.invCmdLen, (sequence) => {
      const body = Buffer.from(letters(f, 1 + int(f, 40)), 'latin1')
      return {
        octets: Buffer.concat([
          header(16 + body.length, pick(f, [0x02, 0x04, 0x09]), 0, sequence),
          body,
        ]),
        why: 'a C-string without its terminator',
      }
    })
  },
  async lengthLongerThanBody(f) {
    // The enquire_link that follows is swallowed as the end of the first PDU's body.
    await nackedInStep(f, status.invCmdLen, (sequence) => {
      const whole = someRequest(f, sequence)
      return {
        octets: Buffer.concat([
          withLength(whole, whole.length + 16),
          numbered('enquire_link', sequenceOf(f)),
        ]),
        why: 'a length 16 past the body',
      }
    })
  },
  async lengthShorterThanBody(f) {
    // The rest of the body becomes the next PDU's header: anything may follow but a request.
    const peer = await connect(f, f.random() < 0.5)
    const sequence = sequenceOf(f)
    const whole = someRequest(f, sequence)
    const short = 16 + int(f, whole.length - 16)
    peer.write(withLength(whole, short))
    await expectNext(
      f,
      peer,
      { commandId: GENERIC_NACK, status: status.invCmdLen, sequence },
      `a length ${short} short of ${whole.length}`,
    )
    await expectOnlyResponses(f, peer, 'the rest of a lying PDU')
    peer.close()
  },
  async lengthThenSilence(f) {
    // Promises octets that never come, then hangs up: nothing to answer, nothing may break.
    const peer = await connect(f, f.random() < 0.5)
    const whole = someRequest(f, sequenceOf(f))
    peer.write(
      withLength(whole, whole.length + 1 + int(f, 1_000)).subarray(0, 4 + int(f, whole.length - 4)),
    )
    expect(await answerOf(peer, 50), `${f.label}: an answer to half a PDU`).toBeNull()
    peer.close()
  },
  async overlongBindFields(f) {
    const peer = await connect(f, false)
    const longId = f.random() < 0.5
    const params = longId
      ? bindParams(letters(f, 16 + int(f, 200)), 'telepay')
      : bindParams('telepay', letters(f, 9 + int(f, 200)))
    const resp = await peer.request('bind_transceiver', params)
    expect(
      [longId ? status.invSysId : status.invPaswd, status.bindFail],
      `${f.label}: an over-long ${longId ? 'system_id' : 'password'}`,
    ).toContain(resp?.status)
    expect(await peer.waitClosed(3_000), `${f.label}: closed after a refused bind`).toBe(true)
  },
  async overlongAddress(f) {
    const peer = await connect(f, true, ['bind_transceiver', 'bind_transmitter'])
    const sequence = sequenceOf(f)
    const source = f.random() < 0.5
    const long = `999${digits(f, 18 + int(f, 200))}`
    peer.write(
      numbered(
        'submit_sm',
        sequence,
        hostileSubmit(f, source ? { source_addr: long } : { destination_addr: long }),
      ),
    )
    await expectNext(
      f,
      peer,
      { commandId: 0x80000004, status: source ? status.invSrcAdr : status.invDstAdr, sequence },
      `an over-long ${source ? 'source' : 'destination'}_addr`,
    )
    await expectInStep(f, peer)
    peer.close()
  },
  async secondBind(f) {
    const peer = await connect(f, true)
    const sequence = sequenceOf(f)
    peer.write(numbered('bind_transceiver', sequence, bindParams(letters(f, 5), letters(f, 5))))
    await expectNext(
      f,
      peer,
      { commandId: 0x80000009, status: status.alyBnd, sequence },
      'a second bind',
    )
    await expectInStep(f, peer)
    peer.close()
  },
  async unsolicitedResponse(f) {
    const peer = await connect(f, f.random() < 0.5)
    const command = pick(f, [
      'submit_sm_resp',
      'deliver_sm_resp',
      'bind_transceiver_resp',
      'enquire_link_resp',
      'generic_nack',
      'unbind_resp',
      'data_sm_resp',
    ])
    peer.write(numbered(command, sequenceOf(f), {}, pick(f, [0, 0x08, 0x58, int(f, 0x100)])))
    await expectInStep(f, peer)
    peer.close()
  },
  async randomOctets(f) {
    const peer = await connect(f, f.random() < 0.5)
    const garbage = octets(f, 1 + int(f, 300))
    // Half keep a sane length so the octets reach the command and body checks.
    if (f.random() < 0.5 && garbage.length >= 16) garbage.writeUInt32BE(garbage.length, 0)
    peer.write(garbage)
    await expectOnlyResponses(f, peer, 'random octets')
    peer.close()
  },
  async randomMo(f) {
    // Well framed, hostile inside: any coding, UDH flags over random octets, stray TLVs.
    const peer = await connect(f, true, ['bind_transceiver', 'bind_transmitter'])
    const command = pick(f, ['submit_sm', 'submit_sm', 'data_sm'])
    const tlvs: PduParams = pick(f, [
      {},
      { message_payload: octets(f, int(f, 600)) },
      {
        sar_msg_ref_num: int(f, 0x10000),
        sar_total_segments: int(f, 256),
        sar_segment_seqnum: int(f, 256),
      },
      { user_message_reference: int(f, 0x10000), ussd_service_op: int(f, 256) },
    ])
    const body =
      command === 'data_sm'
        ? {
            source_addr: `999${digits(f, 8)}`,
            destination_addr: '12588',
            esm_class: int(f, 256),
            data_coding: int(f, 256),
            ...tlvs,
          }
        : {
            ...hostileSubmit(f),
            short_message: octets(f, int(f, 255)),
            esm_class: pick(f, [0, 0x40, int(f, 256)]),
            data_coding: pick(f, [0, 1, 3, 4, 8, 0xf0, int(f, 256)]),
            registered_delivery: int(f, 4),
            ...tlvs,
          }
    const sequence = sequenceOf(f)
    peer.write(numbered(command, sequence, body))
    const response = await answerOf(peer, 3_000)
    expect(response?.sequence, `${f.label}: ${command} answered`).toBe(sequence)
    expect(
      [
        status.ok,
        status.throttled,
        status.invDstAdr,
        status.invSrcAdr,
        status.invMsgLen,
        status.invTlvVal,
      ],
      `${f.label}: ${command} status 0x${response?.status.toString(16)}`,
    ).toContain(response?.status)
    peer.close()
  },
  async dribbleAndBurst(f) {
    // One octet per write, then many PDUs in one write: every one answered, in order.
    const peer = await connect(f, f.random() < 0.5)
    const sequences = Array.from({ length: 1 + int(f, 40) }, () => sequenceOf(f))
    const pdus = sequences.map((sequence) => numbered('enquire_link', sequence))
    const first = pdus[0] as Buffer
    for (const octet of first) peer.write(Buffer.from([octet]))
    peer.write(Buffer.concat(pdus.slice(1)))
    for (const sequence of sequences)
      await expectNext(
        f,
        peer,
        { commandId: ENQUIRE_LINK_RESP, status: status.ok, sequence },
        'an enquire_link of a burst',
      )
    peer.close()
  },
  async manyWrongBinds(f) {
    const peer = await connect(f, false)
    const resp = await peer.request(
      'bind_transmitter',
      bindParams(pick(f, ['telepay', letters(f, 8)]), letters(f, 8)),
    )
    expect(
      [status.invPaswd, status.invSysId, status.bindFail],
      `${f.label}: a wrong bind`,
    ).toContain(resp?.status)
    expect(await peer.waitClosed(3_000), `${f.label}: closed after a refused bind`).toBe(true)
  },
}

async function runWorker(
  worker: number,
  deadlineMs: number,
  tally: Map<string, number>,
): Promise<void> {
  const f: Fuzzer = {
    random: seededRandom(seed + worker),
    boundAddress: `127.0.1.${10 + worker}`,
    hostileAddress: `127.0.2.${10 + worker}`,
    label: '',
  }
  const names = Object.keys(cases)
  for (let index = 0; Date.now() < deadlineMs; index++) {
    const name = pick(f, names)
    f.label = `SMPP_FUZZ_SEED=${seed} worker ${worker} case ${index} ${name}`
    await cases[name]?.(f)
    tally.set(name, (tally.get(name) ?? 0) + 1)
  }
}

describe('SMPP fuzzing against a real gateway', () => {
  it(`answers hostile input by SMPP 3.4 while serving an honest ESME (seed ${seed})`, async () => {
    const before = await gw.gateway.ledger.check({ mode: 'full' })
    const wallet = await gw.balance(LI, 'wallet')
    const phones = new PhoneEsme({ host: '127.0.0.1', port })
    expect(await phones.bind()).toBeNull()

    const tally = new Map<string, number>()
    const deadlineMs = Date.now() + fuzzMs
    let failed = false
    const hostile = Promise.all(
      Array.from({ length: workers }, (_, worker) => runWorker(worker, deadlineMs, tally)),
    )
    hostile.catch(() => {
      failed = true
    })
    const honestMs: number[] = []
    while (Date.now() < deadlineMs && !failed) {
      const startedMs = Date.now()
      // Alternate spellings: the very same MO twice in a row is a retransmission, answered once.
      expect(await phones.send(LI, honestMs.length % 2 === 0 ? 'BAL' : 'bal')).toMatchObject({
        ok: true,
      })
      expect((await phones.next(LI, 5_000))?.text, 'the honest BAL reply').toContain(wallet)
      honestMs.push(Date.now() - startedMs)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await hostile
    await phones.close()

    const cases = [...tally.values()].reduce((sum, count) => sum + count, 0)
    expect(cases).toBeGreaterThan(60)
    expect(honestMs.length).toBeGreaterThanOrEqual(5)
    const after = await gw.gateway.ledger.check({ mode: 'full' })
    expect(after).toEqual(before)
    expect(after.balanced).toBe(true)
    expect(await gw.balance(LI, 'wallet')).toBe(wallet)
    expect((await gw.request('GET', '/healthz')).status).toBe(200)
    // No input made a handler throw (that answers ESME_RSYSERR).
    const metrics = (await gw.admin('GET', '/metrics')).text
    expect(metrics).toMatch(
      /telepay_smpp_events_total\{role="smsc",event="generic_nack_sent"\} [1-9]/,
    )
    expect(
      metrics
        .split('\n')
        .filter((line) => line.includes('direction="out"') && line.includes('ESME_RSYSERR')),
    ).toEqual([])
    const fresh = new PhoneEsme({ host: '127.0.0.1', port })
    expect(await fresh.bind()).toBeNull()
    await fresh.close()
    console.log(
      `smpp fuzz seed ${seed}: ${cases} cases ${JSON.stringify(Object.fromEntries(tally))}; ` +
        `honest BAL ${honestMs.length}x, slowest ${Math.max(...honestMs)} ms`,
    )
  }, 30_000)
})
