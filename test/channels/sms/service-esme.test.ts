/**
 * service-esme.test.ts - someone else's service on the simulated network, over real sockets with
 * the repository's own SMPP client: an ESME bound with its own short code as address_range (4455)
 * receives the MOs phones send to that code (from an ESME standing in for phones, and from a web
 * handset's POST /sim/mo), and its submit_sm from 4455 reaches the phone: the bind that last
 * spoke for the number, or the number's web handset, a concatenated one as one message. All of
 * it is in the message log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { InboundSm } from '../../../src/bearer/contract.js'
import { inboundOf } from '../../../src/bearer/inbound-pdu.js'
import type { SmppClient } from '../../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../../src/bearer/smpp/client.js'
import { esmClassOf } from '../../../src/bearer/smpp/constants.js'
import { decodeText } from '../../../src/bearer/text/coding.js'
import { splitText } from '../../../src/bearer/text/segment.js'
import { PhoneEsme } from '../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { HAN, LI, startTestGateway } from '../../support/gateway-fixture.js'
import type { StreamMessage } from '../../support/handset-stream.js'
import { openHandsetStream, until } from '../../support/handset-stream.js'

const SERVICE = '4455'

let gw: GatewayFixture
let service: SmppClient
let received: InboundSm[]

beforeEach(async () => {
  gw = await startTestGateway()
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator did not start')
  received = []
  service = createSmppClient({
    host: smpp.host,
    port: smpp.port,
    systemId: 'telepay',
    password: 'telepay',
    addressRange: SERVICE,
    reconnect: false,
    name: 'service-4455',
    onDeliver: (pdu) => {
      received.push(inboundOf(pdu, 'service'))
      return Promise.resolve(undefined)
    },
  })
  expect((await service.whenReady(5_000)).ok).toBe(true)
})

afterEach(async () => {
  await service.close()
  await gw.close()
})

function phones(): PhoneEsme {
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator did not start')
  return new PhoneEsme({ host: smpp.host, port: smpp.port })
}

/** A submit_sm from the service's code to a number. */
function submitFromService(to: string, shortMessage: Buffer, esmClass = 0, dataCoding = 0) {
  return service.submit({
    source_addr_ton: 0,
    source_addr_npi: 1,
    source_addr: SERVICE,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: to,
    esm_class: esmClass,
    registered_delivery: 0,
    data_coding: dataCoding,
    short_message: shortMessage,
  })
}

function logOf(msisdn: string, count: number): Promise<StreamMessage[]> {
  return until(
    async () => {
      const answer = await gw.admin('GET', `/admin/api/messages?msisdn=${msisdn}`)
      const messages = answer.json.messages as StreamMessage[]
      return messages.length >= count ? messages : undefined
    },
    5_000,
    `${count} messages of ${msisdn}`,
  )
}

describe('a service bound with its own short code', () => {
  it("receives phones' MOs to its code, and its MT reaches the phone's bind", async () => {
    const phone = phones()
    expect(await phone.bind()).toBeNull()
    const sent = await phone.send(LI, 'JOIN quiz', { to: SERVICE })
    expect(sent.ok).toBe(true)
    const mo = await until(async () => received.find((sm) => sm.source === LI), 5_000, 'the MO')
    expect(mo.destination).toBe(SERVICE)
    expect(decodeText(mo.dataCoding, mo.shortMessage).text).toBe('JOIN quiz')

    // The answer goes to the bind that spoke for LI: the phone's.
    const answer = await submitFromService(LI, Buffer.from('Welcome to the quiz'))
    expect(answer.ok).toBe(true)
    const mt = await phone.next(LI, 5_000)
    expect(mt).toMatchObject({ from: SERVICE, text: 'Welcome to the quiz' })
    const [loggedMt, loggedMo] = await logOf(LI, 2)
    expect(loggedMo).toMatchObject({ direction: 'mo', party: SERVICE, state: 'delivered' })
    expect(loggedMt).toMatchObject({
      direction: 'mt',
      party: SERVICE,
      text: 'Welcome to the quiz',
      state: 'submitted',
    })
    if (answer.ok) expect(loggedMt?.messageId).toBe(answer.messageId)
    // The platform's own code still reaches telepay, not the service.
    expect((await phone.send(LI, 'BAL')).ok).toBe(true)
    expect((await phone.next(LI, 5_000))?.from).toBe('12588')
    expect(received.filter((sm) => sm.source === LI)).toHaveLength(1)
    await phone.close()
  })

  it("receives a handset's MO; its MTs reach the handset's stream, long ones whole", async () => {
    const stream = await openHandsetStream(gw.url, HAN)
    const posted = await gw.request('POST', '/sim/mo', {
      body: { from: HAN, to: SERVICE, text: '报名' },
    })
    expect(posted.status, posted.text).toBe(202)
    const mo = await until(async () => received.find((sm) => sm.source === HAN), 5_000, 'the MO')
    expect(decodeText(mo.dataCoding, mo.shortMessage)).toMatchObject({
      text: '报名',
      alphabet: 'ucs2',
    })
    const moEvent = await stream.next((event) => event.data.direction === 'mo')
    expect(moEvent.data).toMatchObject({ party: SERVICE, coding: 'ucs2', state: 'delivered' })

    expect((await submitFromService(HAN, Buffer.from('You are in'))).ok).toBe(true)
    const short = await stream.next((event) => event.data.text === 'You are in')
    expect(short.data).toMatchObject({ direction: 'mt', party: SERVICE, state: 'delivered' })

    // Three parts with a concatenation UDH: one message on the stream and in the log.
    const long = `Question 1: ${'which network carried the first SMS? '.repeat(10)}`
    const split = splitText(long, 42)
    expect(split.parts).toHaveLength(3)
    for (const part of split.parts)
      expect((await submitFromService(HAN, part, esmClassOf.udhi, split.dataCoding)).ok).toBe(true)
    const whole = await stream.next((event) => event.data.parts === 3)
    expect(whole.data).toMatchObject({ text: long, coding: 'gsm7', state: 'delivered' })
    const log = await logOf(HAN, 3)
    expect(log[0]).toMatchObject({ text: long, parts: 3 })
    stream.close()
  })

  it('refuses an MO to a code nobody serves, and an MT to what is not a phone', async () => {
    const phone = phones()
    expect(await phone.bind()).toBeNull()
    const refused = await phone.send(LI, 'HI', { to: '7788' })
    expect(refused.ok).toBe(false)
    const notPhone = await submitFromService('12', Buffer.from('x'))
    expect(notPhone.ok).toBe(false)
    expect((await gw.admin('GET', `/admin/api/messages?msisdn=${LI}`)).json.messages).toEqual([])
    await phone.close()
  })
})
