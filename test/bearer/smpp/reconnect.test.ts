import { afterEach, describe, expect, it } from 'vitest'
import type { SmppClientEvent } from '../../../src/bearer/smpp/client.js'
import { createSmppClient, reconnectDelayMs } from '../../../src/bearer/smpp/client.js'
import { resolveSmppLimits } from '../../../src/bearer/smpp/limits.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import { startRawSmsc, submitParams, telepayAccount, waitFor } from './raw-peer.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('reconnect', () => {
  it('rebinds on a fresh session after the SMSC drops the socket', async () => {
    const fake = await startRawSmsc((pdu, connection) => {
      if (pdu.pdu?.command === 'submit_sm')
        connection.respond(pdu, 0, { message_id: `c${fake.connections.length}` })
    })
    cleanups.push(() => fake.close())
    const events: SmppClientEvent[] = []
    const esme = createSmppClient({
      host: '127.0.0.1',
      port: fake.port,
      ...telepayAccount,
      limits: { reconnectDelayBaseMs: 50 },
      onEvent: (event) => events.push(event),
    })
    cleanups.push(() => esme.close())
    expect(await esme.whenReady(2_000)).toEqual({ ok: true })
    const first = esme.sessions()[0]
    expect(await esme.submit(submitParams())).toMatchObject({ ok: true, messageId: 'c1' })
    fake.connections[0]?.socket.destroy()
    expect(await waitFor(() => esme.ready() && esme.sessions()[0] !== first)).toBe(true)
    expect(await first?.closed).toBe('peer_closed')
    expect(esme.sessions()[0]?.state).toBe('bound_trx')
    expect(await esme.submit(submitParams())).toMatchObject({ ok: true, messageId: 'c2' })
    expect(events.map((event) => event.type)).toEqual([
      'bound',
      'disconnected',
      'reconnect_scheduled',
      'bound',
    ])
    expect(esme.counters.reconnects).toBe(1)
  })

  it('keeps retrying while the server is down, binds when it is back on its port', async () => {
    const options = {
      accounts: [telepayAccount],
      onSubmit: async () => ({ status: 0, messageId: 'back' }),
    }
    const first = await startSmppServer({ ...options, port: 0 })
    const esme = createSmppClient({
      host: '127.0.0.1',
      port: first.port,
      ...telepayAccount,
      limits: { reconnectDelayBaseMs: 20, reconnectDelayMaxMs: 80 },
    })
    cleanups.push(() => esme.close())
    expect(await esme.whenReady(2_000)).toEqual({ ok: true })
    await first.close()
    expect(await waitFor(() => esme.counters.reconnects >= 3)).toBe(true)
    expect(esme.ready()).toBe(false)
    expect(await esme.submit(submitParams())).toMatchObject({ ok: false, reason: 'not_bound' })
    const second = await startSmppServer({ ...options, port: first.port })
    cleanups.push(() => second.close())
    expect(await esme.whenReady(2_000)).toEqual({ ok: true })
    expect(await esme.submit(submitParams())).toMatchObject({ ok: true, messageId: 'back' })
  })

  it('backs off exponentially with jitter, up to the max', () => {
    const limits = resolveSmppLimits({
      reconnectDelayBaseMs: 1_000,
      reconnectDelayMaxMs: 60_000,
      reconnectJitterRatio: 0.2,
    })
    const middle = (): number => 0.5
    expect(
      [0, 1, 2, 3, 6, 7, 40].map((failures) => reconnectDelayMs(failures, limits, middle)),
    ).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000])
    expect(reconnectDelayMs(2, limits, () => 0)).toBe(3_200)
    expect(reconnectDelayMs(2, limits, () => 0.999999)).toBe(4_800)
  })
})

describe('sequence numbers', () => {
  it('run up to 0x7FFFFFFF and wrap to 1', async () => {
    const sequences: number[] = []
    const fake = await startRawSmsc((pdu, connection) => {
      sequences.push(pdu.sequence)
      connection.respond(pdu, 0, pdu.pdu?.command === 'submit_sm' ? { message_id: 'x' } : {})
    }, true)
    cleanups.push(() => fake.close())
    const esme = createSmppClient({
      host: '127.0.0.1',
      port: fake.port,
      ...telepayAccount,
      reconnect: false,
      sequenceStart: 0x7ffffffe,
    })
    cleanups.push(() => esme.close())
    await esme.whenReady(2_000)
    for (let i = 0; i < 3; i++)
      expect(await esme.submit(submitParams())).toMatchObject({ ok: true })
    // The bind took 0x7FFFFFFE.
    expect(sequences).toEqual([0x7fffffff, 1, 2])
  })
})
