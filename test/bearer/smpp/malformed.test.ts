import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SmppClient } from '../../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../../src/bearer/smpp/client.js'
import type { SmppServer } from '../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import { captureLog } from '../../support/log-capture.js'
import { bindParams, header, RawPeer, submitParams, telepayAccount } from './raw-peer.js'

let smsc: SmppServer
let bystander: SmppClient
const peers: RawPeer[] = []
/** Commands that reached onSubmit. */
const submitted: string[] = []

beforeEach(async () => {
  submitted.length = 0
  smsc = await startSmppServer({
    port: 0,
    accounts: [telepayAccount],
    onSubmit: async (_peer, pdu) => {
      submitted.push(pdu.command)
      return { status: 0, messageId: 'ok' }
    },
  })
  bystander = createSmppClient({
    host: '127.0.0.1',
    port: smsc.port,
    ...telepayAccount,
    reconnect: false,
  })
  expect(await bystander.whenReady(2_000)).toEqual({ ok: true })
})

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close()
  await bystander.close()
  await smsc.close()
})

async function boundPeer(): Promise<RawPeer> {
  const peer = await RawPeer.connect(smsc.port)
  peers.push(peer)
  expect((await peer.request('bind_transceiver', bindParams()))?.status).toBe(0)
  return peer
}

/** Other sessions are unharmed: the bound bystander still submits. */
async function expectBystanderServed(): Promise<void> {
  expect(await bystander.submit(submitParams())).toMatchObject({ ok: true, messageId: 'ok' })
}

describe('malformed input from a raw socket', () => {
  it.each([
    ['command_length 8', header(8, 0x15, 0, 1).subarray(0, 8)],
    ['command_length 0xFFFFFFFF', header(0xffffffff, 0x04, 0, 1)],
    ['an HTTP request (a port scanner)', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ])('%s gets generic_nack ESME_RINVCMDLEN, then the connection closes', async (_name, octets) => {
    const peer = await boundPeer()
    peer.write(octets)
    expect(await peer.next()).toMatchObject({ commandId: 0x80000000, status: 0x02, sequence: 0 })
    expect(await peer.waitClosed()).toBe(true)
    await expectBystanderServed()
    expect(smsc.counters.genericNacksSent).toBe(1)
  })

  // A sequence_number past SMPP 3.4's 0x7FFFFFFF used to make the codec throw and close the
  // session unanswered (found by fuzz.test.ts): it is echoed like any other.
  it.each([0x1234, 0x80000001])(
    'an unknown command_id 0x00000999 numbered %d gets generic_nack ESME_RINVCMDID and the ' +
      'session goes on',
    async (sequence) => {
      const peer = await boundPeer()
      peer.write(Buffer.concat([header(20, 0x00000999, 0, sequence), Buffer.from([1, 2, 3, 4])]))
      expect(await peer.next()).toMatchObject({ commandId: 0x80000000, status: 0x03, sequence })
      peer.write(header(16, 0x15, 0, 0xffffffff))
      expect(await peer.next()).toMatchObject({
        commandId: 0x80000015,
        status: 0,
        sequence: 0xffffffff,
      })
      expect(await peer.request('submit_sm', submitParams())).toMatchObject({
        commandId: 0x80000004,
        status: 0,
      })
      await expectBystanderServed()
    },
  )

  it('a field over its SMPP 3.4 size gets its status, never onSubmit (found by fuzz)', async () => {
    const peer = await boundPeer()
    const long = '9'.repeat(21)
    expect(await peer.request('submit_sm', { ...submitParams(), source_addr: long })).toMatchObject(
      { commandId: 0x80000004, status: 0x0a },
    )
    expect(
      await peer.request('submit_sm', { ...submitParams(), destination_addr: long }),
    ).toMatchObject({ commandId: 0x80000004, status: 0x0b })
    expect(
      await peer.request('submit_sm', { ...submitParams(), service_type: 'LONGER' }),
    ).toMatchObject({ commandId: 0x80000004, status: 0x15 })
    expect(submitted).toEqual([])
    // At the limits they pass: 20 digits, and data_sm's addresses of up to 64.
    expect(
      await peer.request('submit_sm', { ...submitParams(), source_addr: long.slice(1) }),
    ).toMatchObject({ status: 0 })
    expect(
      await peer.request('data_sm', {
        source_addr: '9'.repeat(64),
        destination_addr: '12588',
        data_coding: 0,
      }),
    ).toMatchObject({ commandId: 0x80000103, status: 0 })
    expect(submitted).toEqual(['submit_sm', 'data_sm'])
  })

  it('a truncated submit_sm gets generic_nack ESME_RINVCMDLEN; the session goes on', async () => {
    const peer = await boundPeer()
    peer.write(Buffer.concat([header(23, 0x00000004, 0, 77), Buffer.from('\0\x01\x018613')]))
    expect(await peer.next()).toMatchObject({ commandId: 0x80000000, status: 0x02, sequence: 77 })
    expect(await peer.request('enquire_link')).toMatchObject({ commandId: 0x80000015, status: 0 })
    await expectBystanderServed()
  })

  it('random garbage never takes the server down', async () => {
    let seed = 0x2545f491
    const random = (): number => {
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      return (seed >>> 0) / 0x100000000
    }
    for (let round = 0; round < 20; round++) {
      const peer = await RawPeer.connect(smsc.port)
      peers.push(peer)
      const garbage = Buffer.alloc(1 + Math.floor(random() * 200))
      for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(random() * 256)
      // Half the rounds keep a sane length so the octets reach the command and body checks.
      if (round % 2 === 1 && garbage.length >= 16) garbage.writeUInt32BE(garbage.length, 0)
      peer.write(garbage)
      const answer = await peer.next(300)
      if (answer !== null) expect(answer.commandId).toBe(0x80000000)
    }
    await expectBystanderServed()
    expect(smsc.peers().length).toBeGreaterThanOrEqual(1)
  })

  it('an address logs at most refusalLogLinesMax refusals a window, however often', async () => {
    const captured = captureLog('info')
    const noisy = await startSmppServer({
      port: 0,
      accounts: [telepayAccount],
      onSubmit: async () => ({ status: 0 }),
      logger: captured.log,
      limits: { refusalLogLinesMax: 3, refusalLogWindowMs: 60_000 },
    })
    try {
      for (let round = 0; round < 20; round++) {
        const peer = await RawPeer.connect(noisy.port, '127.0.0.9')
        peer.write(Buffer.concat([header(16, 0x999, 0, round + 1), header(8, 0x15, 0, 1)]))
        expect(await peer.next()).toMatchObject({
          commandId: 0x80000000,
          status: 0x03,
          sequence: round + 1,
        })
        expect(await peer.next()).toMatchObject({
          commandId: 0x80000000,
          status: 0x02,
          sequence: 0,
        })
        expect(await peer.waitClosed()).toBe(true)
      }
      const other = await RawPeer.connect(noisy.port, '127.0.0.10')
      other.write(header(16, 0x999, 0, 7))
      expect(await other.next()).toMatchObject({ status: 0x03, sequence: 7 })
      other.close()
      const refusals = captured
        .entries()
        .filter(
          (line) => line.level === 'warn' && /^smpp (pdu refused|framing lost)/.test(line.msg),
        )
      expect(refusals.filter((line) => line['remote'] === '127.0.0.9')).toHaveLength(3)
      expect(refusals.filter((line) => line['remote'] === '127.0.0.10')).toHaveLength(1)
      expect(noisy.counters.genericNacksSent).toBe(41)
    } finally {
      await noisy.close()
    }
  })
})
