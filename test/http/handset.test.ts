/**
 * handset.test.ts - the gateway side of the web handset, over real sockets on a real gateway:
 * the message log of each number (MOs and MTs of an SMPP phone, with their coding and parts,
 * GET /admin/api/messages a page at a time), POST /sim/mo (an MO by the very path an ESME's
 * takes; each bad input refused with 400 and nothing changed), Kannel's sendsms (accepted,
 * refused for a wrong password or a missing receiver), the live stream (an MT within the test,
 * a resume from Last-Event-ID), and an MT to a number no ESME holds, which goes to the number's
 * open handset instead of waiting in the outbox; the commands a phone made reach its stream with
 * the core's answer and the payment's trail, an SMPP phone's PDUs reach it decoded, and no PIN
 * reaches the stream or the log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PhoneEsme } from '../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  HAN,
  HAN_PIN,
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startTestGateway,
  ZHANG,
} from '../support/gateway-fixture.js'
import type { StreamMessage } from '../support/handset-stream.js'
import { openHandsetStream, until } from '../support/handset-stream.js'

let gw: GatewayFixture

beforeEach(async () => {
  gw = await startTestGateway()
})

afterEach(async () => {
  await gw.close()
})

async function messagesOf(msisdn: string, query = ''): Promise<StreamMessage[]> {
  const answer = await gw.admin('GET', `/admin/api/messages?msisdn=${msisdn}${query}`)
  expect(answer.status, answer.text).toBe(200)
  return answer.json.messages as StreamMessage[]
}

/** The number's log once it holds at least `count` messages, newest first. */
function logged(msisdn: string, count: number): Promise<StreamMessage[]> {
  return until(
    async () => {
      const messages = await messagesOf(msisdn)
      return messages.length >= count ? messages : undefined
    },
    5_000,
    `${count} messages of ${msisdn} in the log`,
  )
}

function phones(): PhoneEsme {
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator did not start')
  return new PhoneEsme({ host: smpp.host, port: smpp.port })
}

describe('the message log', () => {
  it("records an SMPP phone's MOs and MTs with coding, parts, id and state", async () => {
    const phone = phones()
    expect(await phone.bind()).toBeNull()
    const bal = await phone.send(LI, 'BAL')
    if (!bal.ok) throw new Error(bal.error)
    expect(await phone.next(LI, 5_000)).not.toBeNull()
    const [mt, mo] = await logged(LI, 2)
    expect(mo).toMatchObject({
      direction: 'mo',
      party: '12588',
      text: 'BAL',
      coding: 'gsm7',
      parts: 1,
      messageId: bal.messageIds[0],
      state: 'delivered',
    })
    expect(mt).toMatchObject({ direction: 'mt', party: '12588', coding: 'gsm7', parts: 1 })
    expect(mt?.state).toBe('submitted')
    expect(mt?.text).toContain('500.00')

    // Chinese both ways: UCS-2, and the help text takes two parts.
    expect((await phone.send(HAN, '帮助')).ok).toBe(true)
    const help = await phone.next(HAN, 5_000)
    expect(help?.parts).toBe(2)
    const [helpMt, helpMo] = await logged(HAN, 2)
    expect(helpMo).toMatchObject({ direction: 'mo', text: '帮助', coding: 'ucs2', parts: 1 })
    expect(helpMt).toMatchObject({ direction: 'mt', coding: 'ucs2', parts: 2, text: help?.text })

    // A long MO in three parts is one message of three parts.
    const long = `HELLO ${'x'.repeat(340)}`
    const sent = await phone.send(LI, long)
    expect(sent.ok && sent.messageIds.length).toBe(3)
    expect(await phone.next(LI, 5_000)).not.toBeNull()
    const [, longMo] = await logged(LI, 4)
    expect(longMo).toMatchObject({ direction: 'mo', text: long, parts: 3, coding: 'gsm7' })
    await phone.close()
  })

  it('pages newest first with nextBefore, and refuses a bad query', async () => {
    const phone = phones()
    expect(await phone.bind()).toBeNull()
    for (const text of ['BAL', 'HELP', 'BAL']) {
      expect((await phone.send(LI, text)).ok).toBe(true)
      expect(await phone.next(LI, 5_000)).not.toBeNull()
    }
    const all = await logged(LI, 6)
    const first = await gw.admin('GET', `/admin/api/messages?msisdn=${LI}&limit=4`)
    expect(first.json.messages.map((m: StreamMessage) => m.seq)).toEqual(
      all.slice(0, 4).map((m) => m.seq),
    )
    const next = first.json.nextBefore as number
    expect(next).toBe(all[3]?.seq)
    const second = await messagesOf(LI, `&limit=4&before=${next}`)
    expect(second.map((m) => m.seq)).toEqual(all.slice(4).map((m) => m.seq))
    for (const query of ['msisdn=12', `msisdn=${LI}&limit=0`, `msisdn=${LI}&before=x`]) {
      const answer = await gw.admin('GET', `/admin/api/messages?${query}`)
      expect(answer.status, query).toBe(400)
    }
    expect((await gw.request('GET', `/admin/api/messages?msisdn=${LI}`)).status).toBe(401)
    await phone.close()
  })
})

describe('a retransmitted MO', () => {
  it('is one row of the log, not two', async () => {
    const phone = phones()
    expect(await phone.bind()).toBeNull()
    // The same numbered MO sent twice, as an SMSC resends one whose submit_sm_resp it lost.
    for (let copy = 0; copy < 2; copy += 1) {
      const sent = await phone.send(LI, 'BAL', { userMessageReference: 77 })
      if (!sent.ok) throw new Error(sent.error)
    }
    expect(await phone.next(LI, 5_000)).not.toBeNull()
    await gw.advance(0)
    const log = await messagesOf(LI)
    expect(log.filter((message) => message.direction === 'mo')).toHaveLength(1)
    await phone.close()
  })
})

describe('POST /sim/mo', () => {
  it('takes an MO as an ESME sends it; the reply lands in the log and on the stream', async () => {
    const stream = await openHandsetStream(gw.url, LI)
    expect(stream.status).toBe(200)
    const answer = await gw.request('POST', '/sim/mo', { body: { from: LI, text: 'BAL' } })
    expect(answer.status, answer.text).toBe(202)
    expect(answer.json).toMatchObject({ from: LI, to: '12588', parts: 1 })
    const messageId = answer.json.messageId as string
    expect(messageId).toMatch(/^\d+$/)
    const mo = await stream.next((event) => event.data.direction === 'mo')
    expect(mo.data).toMatchObject({ messageId, text: 'BAL', state: 'delivered' })
    const mt = await stream.next((event) => event.data.direction === 'mt')
    expect(mt.event).toBe('sms')
    expect(mt.data).toMatchObject({ party: '12588', coding: 'gsm7', state: 'delivered' })
    expect(mt.data.text).toContain('500.00')
    expect(Number(mt.id)).toBe(mt.data.seq)
    const [loggedMt, loggedMo] = await logged(LI, 2)
    expect(loggedMo?.messageId).toBe(messageId)
    expect(loggedMt?.state).toBe('delivered')
    // The reply went to the handset: nothing waits in the outbox.
    expect(await gw.smsTo(LI)).toEqual([])
    stream.close()
  })

  it("tells the handset its phone's commands, the core's answers and the transfer", async () => {
    const stream = await openHandsetStream(gw.url, LI)
    await gw.request('POST', '/sim/mo', { body: { from: LI, text: 'PAY 1001 25' } })
    const asked = await stream.next((event) => event.event === 'command')
    expect(asked.data).toMatchObject({
      channel: 'sms',
      command: { kind: 'pay_merchant', msisdn: LI, merchantCode: '1001', amount: '25.00' },
      result: 'ok',
    })
    await gw.request('POST', '/sim/mo', { body: { from: LI, text: `YES ${LI_PIN}` } })
    const paid = await stream.next(
      (event) => event.event === 'command' && JSON.stringify(event.data).includes('"confirm"'),
    )
    const { trail } = paid.data as unknown as {
      trail: { payment: { state: string }; steps: { step: number; detail: string }[] }
    }
    expect(trail.payment.state).toBe('completed')
    // Step 7 names the ledger transfer: what reached the merchant and the fee.
    expect(trail.steps.find((step) => step.step === 7)?.detail).toMatch(
      /transfer T\w+: 24\.75 to the merchant, fee 0\.25/,
    )
    // The PIN reaches neither the stream nor the message log: the MO is kept masked.
    const mo = await stream.next(
      (event) => event.event === 'sms' && event.data.text.startsWith('YES'),
    )
    expect(mo.data.text).toBe('YES ****')
    expect(JSON.stringify(stream.events)).not.toContain(`YES ${LI_PIN}`)
    const log = await messagesOf(LI)
    expect(log.map((message) => message.text)).not.toContain(`YES ${LI_PIN}`)
    stream.close()
  })

  it("shows an SMPP phone's PDUs on the number's stream, an MO's text never", async () => {
    const stream = await openHandsetStream(gw.url, HAN)
    const phone = phones()
    expect(await phone.bind()).toBeNull()
    const sent = await phone.send(HAN, `YES ${HAN_PIN}`)
    if (!sent.ok) throw new Error(sent.error)
    expect(await phone.next(HAN, 5_000)).not.toBeNull()
    const submit = await stream.next((event) => event.event === 'pdu')
    expect(submit.data).toMatchObject({
      command: 'submit_sm',
      status: 'ESME_ROK',
      fields: { source_addr: HAN, destination_addr: '12588' },
    })
    expect(JSON.stringify(submit.data)).toMatch(/→ SMSC/)
    const deliver = await stream.next(
      (event) => event.event === 'pdu' && JSON.stringify(event.data).includes('deliver_sm'),
    )
    expect(deliver.data).toMatchObject({ status: 'ESME_ROK', fields: { destination_addr: HAN } })
    expect(JSON.stringify(deliver.data)).toMatch(/"short_message":"\d+ octets: [0-9a-f]+"/)
    // The MO's octets are not shown: they hold the PIN.
    const pinHex = Buffer.from(`YES ${HAN_PIN}`).toString('hex')
    expect(JSON.stringify(stream.events)).not.toContain(pinHex)
    expect(JSON.stringify(stream.events)).not.toContain(`YES ${HAN_PIN}`)
    await phone.close()
    stream.close()
  })

  it('keeps the reply for a handset not listening, in the log', async () => {
    const answer = await gw.request('POST', '/sim/mo', { body: { from: HAN, text: '余额' } })
    expect(answer.status, answer.text).toBe(202)
    const [mt, mo] = await logged(HAN, 2)
    expect(mo).toMatchObject({ coding: 'ucs2', text: '余额' })
    expect(mt).toMatchObject({ direction: 'mt', coding: 'ucs2', state: 'held' })
    expect(await gw.smsTo(HAN)).toEqual([])
    // A handset opened later reads it from the log first.
    const stream = await openHandsetStream(gw.url, HAN)
    const backlog = await stream.next((event) => event.data.messageId === mt?.messageId)
    expect(backlog.data.text).toBe(mt?.text)
    stream.close()
  })

  it('refuses each bad input with 400 and a reason, and changes nothing', async () => {
    const bad: [unknown, string][] = [
      [{ from: '12', text: 'BAL' }, 'msisdn_invalid'],
      [{ text: 'BAL' }, 'msisdn_invalid'],
      [{ from: LI, text: '' }, 'text_invalid'],
      [{ from: LI, text: '   ' }, 'text_invalid'],
      [{ from: LI, text: 7 }, 'text_invalid'],
      [{ from: LI, text: 'x'.repeat(153 * 10 + 1) }, 'text_too_long'],
      [{ from: LI, to: 'abc', text: 'BAL' }, 'to_invalid'],
      [['BAL'], 'body_invalid'],
    ]
    for (const [body, reason] of bad) {
      const answer = await gw.request('POST', '/sim/mo', { body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.json.error, JSON.stringify(body)).toBe(reason)
      expect(answer.json.message.length).toBeGreaterThan(10)
    }
    const unknown = await gw.request('POST', '/sim/mo', {
      body: { from: LI, to: '4455', text: 'HI' },
    })
    expect(unknown.status).toBe(404)
    expect(unknown.json.error).toBe('destination_unknown')
    await gw.advance(1)
    expect(await messagesOf(LI)).toEqual([])
    expect(await gw.smsTo(LI)).toEqual([])
  })
})

describe('GET and POST /cgi-bin/sendsms', () => {
  const query = (fields: Record<string, string>): string =>
    `/cgi-bin/sendsms?${new URLSearchParams(fields).toString()}`
  const credentials = { username: 'telepay', password: 'telepay' }

  it('accepts an MT as Kannel does, to the open handset, logged', async () => {
    const stream = await openHandsetStream(gw.url, ZHANG)
    const answer = await gw.request(
      'GET',
      query({ ...credentials, from: '4455', to: ZHANG, text: 'Your code is 9933' }),
    )
    expect(answer.status).toBe(202)
    expect(answer.text).toBe('0: Accepted for delivery')
    const mt = await stream.next((event) => event.data.direction === 'mt')
    expect(mt.data).toMatchObject({
      party: '4455',
      text: 'Your code is 9933',
      coding: 'gsm7',
      state: 'delivered',
    })
    // coding=2 asks for UCS-2 whatever the text; a POST form carries the fields too.
    const posted = await fetch(`${gw.url}/cgi-bin/sendsms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...credentials,
        from: '4455',
        to: ZHANG,
        text: 'Hi',
        coding: '2',
      }),
    })
    expect(posted.status).toBe(202)
    const ucs2 = await stream.next((event) => event.data.text === 'Hi')
    expect(ucs2.data.coding).toBe('ucs2')
    stream.close()
  })

  it('refuses a wrong password, a missing receiver and a bad coding, sending nothing', async () => {
    const refusals: [Record<string, string>, number, string][] = [
      [
        { ...credentials, password: 'nope', from: '4455', to: LI, text: 'x' },
        403,
        'Authorization failed for sendsms',
      ],
      [{ ...credentials, from: '4455', text: 'x' }, 400, 'Missing receiver number, rejected'],
      [
        { ...credentials, from: '4455', to: '', text: 'x' },
        400,
        'Empty receiver number not allowed, rejected',
      ],
      [{ ...credentials, to: LI, text: 'x' }, 400, 'Sender missing and no global set, rejected'],
      [
        { ...credentials, from: '4455', to: LI, text: 'x', coding: '1' },
        400,
        'Coding field misformed, rejected',
      ],
    ]
    for (const [fields, status, line] of refusals) {
      const answer = await gw.request('GET', query(fields))
      expect(answer.status, line).toBe(status)
      expect(answer.text).toBe(line)
    }
    await gw.advance(1)
    expect(await messagesOf(LI)).toEqual([])
  })
})

describe('the live stream', () => {
  it('resumes from Last-Event-ID, and refuses a bad MSISDN', async () => {
    const bad = await gw.request('GET', '/handset/api/events?msisdn=12')
    expect(bad.status).toBe(400)
    expect(bad.json.error).toBe('msisdn_invalid')
    for (const text of ['BAL', 'HELP']) {
      const answer = await gw.request('POST', '/sim/mo', { body: { from: LI, text } })
      expect(answer.status).toBe(202)
    }
    const all = (await logged(LI, 4)).reverse()
    const resumed = await openHandsetStream(gw.url, LI, { 'last-event-id': String(all[1]?.seq) })
    const last = all.at(-1)
    await resumed.next((event) => event.data.seq === last?.seq)
    expect(resumed.events.map((event) => event.data.seq)).toEqual(all.slice(2).map((m) => m.seq))
    resumed.close()
  })

  it('carries an MT to a number no ESME holds to its open handset, not the outbox', async () => {
    const stream = await openHandsetStream(gw.url, ZHANG)
    await requestPayment(gw, RINGTONES, { msisdn: ZHANG, amount: '5.00', reference: 'h-1' })
    await gw.advance(0)
    const mt = await stream.next((event) => event.data.direction === 'mt', 5_000)
    expect(mt.data).toMatchObject({ party: '12588', state: 'delivered' })
    expect(mt.data.text).toContain('Reply YES')
    expect(await gw.smsTo(ZHANG)).toEqual([])
    const [logMt] = await logged(ZHANG, 1)
    expect(logMt?.messageId).toBe(mt.data.messageId)
    stream.close()
  })

  it('logs an MT held in the outbox for a number nobody holds, as before handsets', async () => {
    await requestPayment(gw, RINGTONES, { msisdn: LI, amount: '5.00', reference: 'h-2' })
    await gw.advance(0)
    const [held] = await logged(LI, 1)
    expect(held).toMatchObject({ direction: 'mt', state: 'held' })
    expect((await gw.smsTo(LI)).length).toBe(1)
    // The handset opens; the outbox's next try finds it and the same row moves on.
    const stream = await openHandsetStream(gw.url, LI)
    await stream.next((event) => event.data.messageId === held?.messageId)
    await gw.advance(2)
    const moved = await stream.next((event) => event.event === 'sms_state')
    expect(moved.data).toMatchObject({ messageId: held?.messageId, state: 'delivered' })
    expect(moved.data.seq).toBe(held?.seq)
    expect(await gw.smsTo(LI)).toEqual([])
    stream.close()
  })
})
