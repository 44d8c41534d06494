import { afterEach, describe, expect, it } from 'vitest'
import type { SmppClientOptions } from '../../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../../src/bearer/smpp/client.js'
import type { SmppServerOptions } from '../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import type { RawPdu, RawSmscConnection } from './raw-peer.js'
import { startRawSmsc, submitParams, telepayAccount } from './raw-peer.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function client(port: number, options: Partial<SmppClientOptions> = {}) {
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

async function server(options: Partial<SmppServerOptions>) {
  const started = await startSmppServer({
    port: 0,
    accounts: [telepayAccount],
    onSubmit: async () => ({ status: 0, messageId: 'm' }),
    ...options,
  })
  cleanups.push(() => started.close())
  return started
}

describe('window and queue', () => {
  it('never has more than windowMax submits outstanding against a slow SMSC', async () => {
    let outstanding = 0
    let outstandingMax = 0
    const fake = await startRawSmsc((pdu: RawPdu, connection: RawSmscConnection) => {
      if (pdu.pdu?.command !== 'submit_sm') return
      outstanding += 1
      outstandingMax = Math.max(outstandingMax, outstanding)
      setTimeout(() => {
        outstanding -= 1
        connection.respond(pdu, 0, { message_id: String(pdu.sequence) })
      }, 20)
    })
    cleanups.push(() => fake.close())
    const esme = client(fake.port, { limits: { windowMax: 3 } })
    await esme.whenReady(2_000)
    const results = await Promise.all(Array.from({ length: 20 }, () => esme.submit(submitParams())))
    expect(results.every((result) => result.ok)).toBe(true)
    expect(new Set(results.map((result) => result.ok && result.messageId)).size).toBe(20)
    expect(outstandingMax).toBe(3)
  })

  it('fails sends past the queue bound at once with queue_full', async () => {
    const fake = await startRawSmsc((pdu, connection) => {
      if (pdu.pdu?.command === 'submit_sm')
        setTimeout(() => connection.respond(pdu, 0, { message_id: 'x' }), 50)
    })
    cleanups.push(() => fake.close())
    const esme = client(fake.port, { limits: { windowMax: 2, sendQueueMax: 3 } })
    await esme.whenReady(2_000)
    const results = await Promise.all(Array.from({ length: 8 }, () => esme.submit(submitParams())))
    expect(results.filter((result) => result.ok)).toHaveLength(5)
    expect(results.filter((result) => !result.ok && result.reason === 'queue_full')).toHaveLength(3)
  })
})

describe('throttling', () => {
  it('answers ESME_RTHROTTLED past the bind rate; our client backs off, all gets in', async () => {
    const smsc = await server({ limits: { inboundRatePerSecond: 40, inboundBurstMax: 5 } })
    const esme = client(smsc.port, {
      limits: { peerThrottleBackoffMs: 100, peerThrottleRetriesMax: 50, windowMax: 10 },
    })
    await esme.whenReady(2_000)
    const results = await Promise.all(Array.from({ length: 25 }, () => esme.submit(submitParams())))
    expect(results.filter((result) => result.ok)).toHaveLength(25)
    expect(smsc.counters.throttledSent).toBeGreaterThan(0)
    expect(smsc.counters.pdusOut['submit_sm_resp']?.['ESME_RTHROTTLED']).toBe(
      smsc.counters.throttledSent,
    )
    expect(esme.counters.throttledReceived).toBe(smsc.counters.throttledSent)
  })

  it('hands a throttled submit back as a failure once retries are spent', async () => {
    const smsc = await server({ limits: { inboundRatePerSecond: 1, inboundBurstMax: 2 } })
    const esme = client(smsc.port, {
      limits: { peerThrottleRetriesMax: 1, peerThrottleBackoffMs: 50 },
    })
    await esme.whenReady(2_000)
    const results = await Promise.all(Array.from({ length: 6 }, () => esme.submit(submitParams())))
    const throttled = results.filter(
      (result) => !result.ok && result.reason === 'status' && result.status === 0x58,
    )
    expect(results.filter((result) => result.ok).length).toBeGreaterThanOrEqual(2)
    expect(throttled.length).toBeGreaterThan(0)
  })

  it('answers ESME_RTHROTTLED past inboundInFlightMax requests being processed', async () => {
    const releases: (() => void)[] = []
    const smsc = await server({
      limits: { inboundInFlightMax: 2 },
      onSubmit: () =>
        new Promise((resolve) => releases.push(() => resolve({ status: 0, messageId: 'slow' }))),
    })
    const esme = client(smsc.port, { limits: { peerThrottleRetriesMax: 0 } })
    await esme.whenReady(2_000)
    const pending = Array.from({ length: 5 }, () => esme.submit(submitParams()))
    const early = await Promise.all(pending.slice(2))
    expect(
      early.every((result) => !result.ok && result.reason === 'status' && result.status === 0x58),
    ).toBe(true)
    for (const release of releases) release()
    expect(await Promise.all(pending.slice(0, 2))).toMatchObject([{ ok: true }, { ok: true }])
  })
})
