import { afterEach, describe, expect, it } from 'vitest'
import type { SmppClientEvent } from '../../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../../src/bearer/smpp/client.js'
import type { SmppServerEvent } from '../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import {
  bindParams,
  RawPeer,
  startRawSmsc,
  submitParams,
  telepayAccount,
  waitFor,
} from './raw-peer.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('timers', () => {
  it('the server declares a bind dead when its enquire_link goes unanswered', async () => {
    const events: SmppServerEvent[] = []
    const smsc = await startSmppServer({
      port: 0,
      accounts: [telepayAccount],
      onSubmit: async () => ({ status: 0 }),
      limits: { enquireLinkIntervalMs: 100, enquireLinkTimeoutMs: 150 },
      onEvent: (event) => events.push(event),
    })
    cleanups.push(() => smsc.close())
    const silent = await RawPeer.connect(smsc.port)
    cleanups.push(() => silent.close())
    expect((await silent.request('bind_transceiver', bindParams()))?.status).toBe(0)
    // The silent peer reads the probe but never answers it.
    expect(await silent.next()).toMatchObject({ commandId: 0x00000015 })
    expect(await silent.waitClosed(2_000)).toBe(true)
    expect(smsc.counters.deadLinks).toBe(1)
    expect(events.find((e) => e.type === 'closed')).toMatchObject({ reason: 'dead_link' })
  })

  it('the client declares a link dead, then reconnects on a fresh session', async () => {
    const fake = await startRawSmsc(() => {}) // answers binds, nothing else
    cleanups.push(() => fake.close())
    const events: SmppClientEvent[] = []
    const esme = createSmppClient({
      host: '127.0.0.1',
      port: fake.port,
      ...telepayAccount,
      limits: { enquireLinkIntervalMs: 100, enquireLinkTimeoutMs: 100, reconnectDelayBaseMs: 50 },
      onEvent: (event) => events.push(event),
    })
    cleanups.push(() => esme.close())
    expect(await esme.whenReady(2_000)).toEqual({ ok: true })
    const first = esme.sessions()[0]
    expect(await waitFor(() => events.some((e) => e.type === 'disconnected'))).toBe(true)
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({ reason: 'dead_link' })
    expect(await waitFor(() => esme.ready() && esme.sessions()[0] !== first)).toBe(true)
    expect(esme.counters.deadLinks).toBeGreaterThanOrEqual(1)
    expect(fake.connections.length).toBeGreaterThanOrEqual(2)
  })

  it('a request without a response times out; the session goes on', async () => {
    const fake = await startRawSmsc((pdu, connection) => {
      if (pdu.pdu?.command === 'enquire_link') connection.respond(pdu)
    })
    cleanups.push(() => fake.close())
    const esme = createSmppClient({
      host: '127.0.0.1',
      port: fake.port,
      ...telepayAccount,
      reconnect: false,
      limits: { responseTimeoutMs: 200 },
    })
    cleanups.push(() => esme.close())
    await esme.whenReady(2_000)
    expect(await esme.submit(submitParams())).toMatchObject({ ok: false, reason: 'timeout' })
    expect(esme.counters.responseTimeouts).toBe(1)
    expect(esme.ready()).toBe(true)
    expect(esme.sessions()[0]?.outstanding).toBe(0)
    expect(await esme.enquireLink()).toMatchObject({ ok: true })
  })

  it('our unbind gives up waiting for unbind_resp after unbindTimeoutMs and closes', async () => {
    // Answers the bind, then nothing: not even unbind.
    const fake = await startRawSmsc((pdu, connection) => {
      if (pdu.pdu?.command === 'bind_transceiver') connection.respond(pdu, 0, { system_id: 'fake' })
    }, false)
    cleanups.push(() => fake.close())
    const esme = createSmppClient({
      host: '127.0.0.1',
      port: fake.port,
      ...telepayAccount,
      reconnect: false,
      limits: { unbindTimeoutMs: 150 },
    })
    await esme.whenReady(2_000)
    const session = esme.sessions()[0]
    await esme.close()
    expect(await session?.closed).toBe('unbound')
    expect(esme.counters.pdusOut['unbind']?.['ESME_ROK']).toBe(1)
  })
})
