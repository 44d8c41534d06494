/**
 * handset-stream.test.ts - the bounds of the web handsets' live stream on a real gateway with
 * small handset limits: a quiet stream gets heartbeat comments, streams past the per-number and
 * overall bounds are refused with 503 until one closes, a client that stops reading is cut once
 * its queue is full (its subscription goes with it), a stop ends every open stream, and none of
 * the simulator's HTTP calls is served without the simulator.
 */
import { get } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LoggedSms } from '../../src/gateway/handset/index.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { HAN, LI, startTestGateway, ZHANG } from '../support/gateway-fixture.js'
import { openHandsetStream, until } from '../support/handset-stream.js'

let gw: GatewayFixture

beforeEach(async () => {
  gw = await startTestGateway({
    handsetLimits: {
      heartbeatMs: 50,
      streamsMax: 3,
      streamsPerMsisdnMax: 2,
      streamBufferEventsMax: 5,
    },
  })
})

afterEach(async () => {
  await gw.close()
})

function message(seq: number): LoggedSms {
  return {
    seq,
    msisdn: LI,
    direction: 'mt',
    party: '4455',
    text: 'x'.repeat(1_000),
    coding: 'gsm7',
    parts: 7,
    messageId: `m${seq}`,
    state: 'delivered',
    createdMs: 0,
    updatedMs: 0,
  }
}

describe('the live stream', () => {
  it('sends heartbeats on a quiet stream', async () => {
    const stream = await openHandsetStream(gw.url, LI)
    await until(async () => (stream.comments.includes('heartbeat') ? true : undefined), 2_000)
    stream.close()
  })

  it('refuses streams past its bounds, until one closes', async () => {
    const first = await openHandsetStream(gw.url, LI)
    const second = await openHandsetStream(gw.url, LI)
    const third = await gw.request('GET', `/handset/api/events?msisdn=${LI}`)
    expect(third.status).toBe(503)
    expect(third.json.error).toBe('streams_full')
    const other = await openHandsetStream(gw.url, HAN)
    expect(other.status).toBe(200)
    const fourth = await gw.request('GET', `/handset/api/events?msisdn=${ZHANG}`)
    expect(fourth.status).toBe(503)
    first.close()
    await until(async () => (gw.gateway.hub.size === 2 ? true : undefined))
    const again = await openHandsetStream(gw.url, ZHANG)
    expect(again.status).toBe(200)
    for (const stream of [second, other, again]) stream.close()
  })

  it('cuts a client that stops reading once its queue is full', async () => {
    const request = get(`${gw.url}/handset/api/events?msisdn=${LI}`, (response) => {
      response.pause()
    })
    request.on('error', () => undefined)
    await until(async () => (gw.gateway.hub.size === 1 ? true : undefined))
    for (let seq = 1; seq <= 200; seq += 1)
      gw.gateway.hub.publish(LI, { kind: 'sms', message: message(seq) })
    await until(async () => (gw.gateway.hub.size === 0 ? true : undefined), 2_000)
    request.destroy()
  })

  it('is not served without the simulator: the log then holds real numbers', async () => {
    const off = await startTestGateway({ overrides: { sms: { mode: 'off' } } })
    try {
      for (const path of [`/handset/api/events?msisdn=${LI}`, '/cgi-bin/sendsms']) {
        expect((await off.request('GET', path)).status, path).toBe(404)
      }
      const mo = await off.request('POST', '/sim/mo', { body: { from: LI, text: 'BAL' } })
      expect(mo.status).toBe(404)
    } finally {
      await off.close()
    }
  })

  it('is ended by a stop', async () => {
    const stream = await openHandsetStream(gw.url, LI)
    const dir = gw.dir
    await gw.close({ keepDir: true })
    expect(gw.gateway.hub.size).toBe(0)
    stream.close()
    gw = await startTestGateway({ dir })
  })
})
