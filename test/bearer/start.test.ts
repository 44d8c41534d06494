/**
 * start.test.ts - the SMPP bearer the gateway starts before the channels that ride it: a short
 * message that comes before the SMS channel attached (or after it let go) is refused with
 * ESME_RTHROTTLED, so the SMSC sends it again later, and once attached it reaches the channel's
 * handler; after stopListening no new ESME can connect, while the binds made stay up.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { InboundSm } from '../../src/bearer/contract.js'
import type { SmppClient } from '../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../src/bearer/smpp/client.js'
import { smppStatus } from '../../src/bearer/smpp/constants.js'
import type { RunningSmppBearer } from '../../src/bearer/start.js'
import { startSmppBearer } from '../../src/bearer/start.js'
import { silentLogger } from '../../src/service/log.js'
import { Metrics } from '../../src/service/metrics.js'

let bearer: RunningSmppBearer | null = null
const clients: SmppClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
  await bearer?.close()
  bearer = null
})

function phone(port: number, name: string): SmppClient {
  const client = createSmppClient({
    host: '127.0.0.1',
    port,
    systemId: 'telepay',
    password: 'telepay',
    mode: 'transceiver',
    reconnect: false,
    name,
    // A throttled MO fails at once here instead of being sent again.
    limits: { peerThrottleRetriesMax: 0 },
  })
  clients.push(client)
  return client
}

const mo = {
  source_addr_ton: 1,
  source_addr_npi: 1,
  source_addr: '8613800138000',
  dest_addr_ton: 0,
  dest_addr_npi: 1,
  destination_addr: '12588',
  esm_class: 0,
  registered_delivery: 0,
  data_coding: 0,
  short_message: Buffer.from('BAL'),
}

describe('the SMPP bearer', () => {
  it('refuses short messages until the SMS side is attached, then hands them over', async () => {
    bearer = await startSmppBearer({
      mode: 'simulator',
      simulator: { host: '127.0.0.1', port: 0, systemId: 'telepay', password: 'telepay' },
      shortCode: '12588',
      upstream: null,
      log: silentLogger,
      metrics: new Metrics(),
    })
    expect(bearer.mode).toBe('simulator')
    const port = bearer.port
    if (port === null) throw new Error('the simulator did not listen')
    const client = phone(port, 'early')
    expect((await client.whenReady(5_000)).ok).toBe(true)

    const early = await client.submit(mo)
    expect(early.ok).toBe(false)
    expect(!early.ok && early.reason === 'status' ? early.status : null).toBe(smppStatus.throttled)

    const received: InboundSm[] = []
    bearer.sms.attachSms((sm) => {
      received.push(sm)
      return Promise.resolve({ status: smppStatus.ok, messageId: 'm1', afterResponse: null })
    })
    const taken = await client.submit(mo)
    expect(taken.ok && taken.messageId).toBe('m1')
    expect(received.map((sm) => sm.source)).toEqual(['8613800138000'])

    bearer.sms.attachSms(null)
    expect((await client.submit(mo)).ok).toBe(false)

    bearer.stopListening()
    const late = phone(port, 'late')
    expect((await late.whenReady(1_000)).ok).toBe(false)
    expect(client.ready()).toBe(true)
  })
})
