import { afterEach, describe, expect, it } from 'vitest'
import type { SmppClient, SmppClientOptions } from '../../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../../src/bearer/smpp/client.js'
import { pduNumber, pduString } from '../../../src/bearer/smpp/pdu.js'
import type {
  SmppServer,
  SmppServerEvent,
  SmppServerOptions,
} from '../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import { bindParams, RawPeer, submitParams, telepayAccount, waitFor } from './raw-peer.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function server(options: Partial<SmppServerOptions> = {}): Promise<SmppServer> {
  const started = await startSmppServer({
    port: 0,
    accounts: [telepayAccount],
    onSubmit: async () => ({ status: 0, messageId: 'm1' }),
    ...options,
  })
  cleanups.push(() => started.close())
  return started
}

function client(port: number, options: Partial<SmppClientOptions> = {}): SmppClient {
  const created = createSmppClient({
    host: '127.0.0.1',
    port,
    ...telepayAccount,
    reconnect: false,
    ...options,
  })
  cleanups.push(() => created.close())
  return created
}

async function raw(port: number): Promise<RawPeer> {
  const peer = await RawPeer.connect(port)
  cleanups.push(() => peer.close())
  return peer
}

describe('binding to the SMPP server', () => {
  it('binds a transceiver; the resp has system_id telepay, sc_interface_version 0x34', async () => {
    const smsc = await server()
    const peer = await raw(smsc.port)
    const resp = await peer.request('bind_transceiver', bindParams())
    expect(resp).toMatchObject({ commandId: 0x80000009, status: 0 })
    expect(pduString(resp!.pdu!, 'system_id')).toBe('telepay')
    expect(pduNumber(resp!.pdu!, 'sc_interface_version')).toBe(0x34)
    expect(smsc.peers().map((p) => [p.systemId, p.bindType])).toEqual([['telepay', 'transceiver']])
    expect(await client(smsc.port).whenReady(2_000)).toEqual({ ok: true })
  })

  it('refuses a wrong password with 0x0E, an unknown system_id with 0x0F, and closes', async () => {
    const events: SmppServerEvent[] = []
    const smsc = await server({ onEvent: (event) => events.push(event) })
    const wrong = await raw(smsc.port)
    expect(await wrong.request('bind_transmitter', bindParams('telepay', 'nope'))).toMatchObject({
      commandId: 0x80000002,
      status: 0x0e,
    })
    expect(await wrong.waitClosed()).toBe(true)
    const unknown = await raw(smsc.port)
    expect(await unknown.request('bind_receiver', bindParams('mallory', 'telepay'))).toMatchObject({
      commandId: 0x80000001,
      status: 0x0f,
    })
    expect(await unknown.waitClosed()).toBe(true)
    expect(await client(smsc.port, { password: 'bad' }).whenReady(2_000)).toMatchObject({
      ok: false,
      reason: 'bind_refused',
      status: 0x0e,
    })
    expect(
      events
        .filter((e) => e.type === 'bind_refused')
        .map((e) => e.type === 'bind_refused' && e.status),
    ).toEqual([0x0e, 0x0f, 0x0e])
    expect(smsc.counters.bindsRefused).toBe(3)
  })

  it('answers a second bind with ESME_RALYBND and stays bound', async () => {
    const smsc = await server()
    const peer = await raw(smsc.port)
    expect((await peer.request('bind_transceiver', bindParams()))?.status).toBe(0)
    expect(await peer.request('bind_transmitter', bindParams())).toMatchObject({
      commandId: 0x80000002,
      status: 0x05,
    })
    expect(await peer.request('submit_sm', submitParams())).toMatchObject({
      commandId: 0x80000004,
      status: 0,
    })
  })

  it('answers submit_sm before bind, and on a receiver bind, with ESME_RINVBNDSTS', async () => {
    const seen: string[] = []
    const smsc = await server({
      onSubmit: async (_peer, pdu) => {
        seen.push(pdu.command)
        return { status: 0 }
      },
    })
    const early = await raw(smsc.port)
    expect(await early.request('submit_sm', submitParams())).toMatchObject({
      commandId: 0x80000004,
      status: 0x04,
    })
    expect(await early.request('enquire_link')).toMatchObject({ commandId: 0x80000015, status: 0 })
    const receiver = await raw(smsc.port)
    expect((await receiver.request('bind_receiver', bindParams()))?.status).toBe(0)
    expect(await receiver.request('submit_sm', submitParams())).toMatchObject({
      commandId: 0x80000004,
      status: 0x04,
    })
    expect(await receiver.request('deliver_sm', submitParams())).toMatchObject({
      commandId: 0x80000005,
      status: 0x04,
    })
    expect(seen).toEqual([])
  })

  it('refuses a bind past sessionsMax with ESME_RBINDFAIL', async () => {
    const smsc = await server({ limits: { sessionsMax: 1, connectionsMax: 4 } })
    expect(await client(smsc.port).whenReady(2_000)).toEqual({ ok: true })
    const second = await raw(smsc.port)
    expect(await second.request('bind_transceiver', bindParams())).toMatchObject({ status: 0x0d })
    expect(await second.waitClosed()).toBe(true)
  })

  it('closes a connection that does not bind within sessionInitTimeoutMs', async () => {
    const smsc = await server({ limits: { sessionInitTimeoutMs: 150 } })
    const idle = await raw(smsc.port)
    expect(await idle.waitClosed(2_000)).toBe(true)
  })
})

describe('messages, enquire_link and unbind', () => {
  it('hands submit_sm to onSubmit, its reply to a receiver of the same system_id', async () => {
    let submitted: Buffer | undefined
    const smsc = await server({
      onSubmit: async (peer, pdu) => {
        submitted = pdu.fields['short_message'] as Buffer
        const receiver = smsc.receiverFor(peer)
        void receiver?.send('deliver_sm', {
          source_addr: '12588',
          destination_addr: String(pdu.fields['source_addr']),
          short_message: Buffer.from('Balance 10.00'),
          data_coding: 0,
        })
        return { status: 0, messageId: 'mo-1' }
      },
    })
    const delivered: Buffer[] = []
    const esme = client(smsc.port, {
      mode: 'transmitter_receiver',
      onDeliver: async (pdu) => {
        delivered.push(pdu.fields['short_message'] as Buffer)
        return undefined
      },
    })
    expect(await esme.whenReady(2_000)).toEqual({ ok: true })
    expect(
      smsc
        .peers()
        .map((p) => p.bindType)
        .sort(),
    ).toEqual(['receiver', 'transmitter'])
    const result = await esme.submit(submitParams('BAL'))
    expect(result).toMatchObject({ ok: true, messageId: 'mo-1' })
    expect(submitted).toEqual(Buffer.from('BAL'))
    expect(await waitFor(() => delivered.length === 1)).toBe(true)
    expect(delivered[0]).toEqual(Buffer.from('Balance 10.00'))
    expect(await waitFor(() => smsc.counters.pdusIn['deliver_sm_resp']?.['ESME_ROK'] === 1)).toBe(
      true,
    )
  })

  it('answers ESME_RSYSERR when onSubmit throws, and keeps serving', async () => {
    let calls = 0
    const smsc = await server({
      onSubmit: async () => {
        calls += 1
        if (calls === 1) throw new Error('boom')
        return { status: 0, messageId: 'm2' }
      },
    })
    const esme = client(smsc.port)
    await esme.whenReady(2_000)
    expect(await esme.submit(submitParams())).toMatchObject({
      ok: false,
      reason: 'status',
      status: 0x08,
    })
    expect(await esme.submit(submitParams())).toMatchObject({ ok: true, messageId: 'm2' })
  })

  it('answers enquire_link both ways', async () => {
    const smsc = await server({ limits: { enquireLinkIntervalMs: 100 } })
    const esme = client(smsc.port)
    await esme.whenReady(2_000)
    expect(await esme.enquireLink()).toMatchObject({
      ok: true,
      response: { command: 'enquire_link_resp' },
    })
    // The server probes a quiet link; our client answers every probe.
    expect(
      await waitFor(() => (esme.counters.pdusIn['enquire_link']?.['ESME_ROK'] ?? 0) >= 2),
    ).toBe(true)
    expect(
      await waitFor(() => (smsc.counters.pdusIn['enquire_link_resp']?.['ESME_ROK'] ?? 0) >= 2),
    ).toBe(true)
    expect(esme.ready()).toBe(true)
  })

  it('unbinds cleanly from the client side', async () => {
    const events: SmppServerEvent[] = []
    const smsc = await server({ onEvent: (event) => events.push(event) })
    const esme = client(smsc.port)
    await esme.whenReady(2_000)
    await esme.close()
    expect(esme.counters.pdusIn['unbind_resp']?.['ESME_ROK']).toBe(1)
    expect(await waitFor(() => events.some((e) => e.type === 'closed'))).toBe(true)
    expect(events.find((e) => e.type === 'closed')).toMatchObject({ reason: 'peer_unbind' })
    expect(smsc.peers()).toEqual([])
  })

  it('unbinds cleanly from the server side', async () => {
    const smsc = await server()
    const reasons: string[] = []
    const esme = client(smsc.port, {
      onEvent: (event) => {
        if (event.type === 'disconnected') reasons.push(event.reason)
      },
    })
    await esme.whenReady(2_000)
    await smsc.close()
    expect(await waitFor(() => reasons.length === 1)).toBe(true)
    expect(reasons).toEqual(['peer_unbind'])
    expect(smsc.counters.pdusIn['unbind_resp']?.['ESME_ROK']).toBe(1)
    expect(esme.ready()).toBe(false)
  })
})
