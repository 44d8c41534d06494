/**
 * over-http.test.ts - a USSD code served by someone else's app (`ussd.externalApps`), dialled
 * over the gateway's own `POST /ussd` (the HTTP simulation `telepay ussd` and the conformance
 * runner use), a real fake app on loopback playing the developer's app: the form telepay posts
 * as Africa's Talking does, `text` accumulating ('' first, then `*`-joined inputs, a typed `*`
 * kept as typed), shortcuts, END closing the session, a provider's retry answered without asking
 * the app again, the idle timeout as for the menus, each fault of the app ending the session with
 * one clear END and a warn line that holds no input, and `*123#` served by the menus as before.
 * Hubtel's callback reaches the same app: where a dial goes does not depend on the way in.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../../src/service/log.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { HAN, LI, NOBODY, startTestGateway } from '../../../support/gateway-fixture.js'
import { until } from '../smpp/harness.js'
import { AtPhone, postHubtel } from '../ussd-harness.js'
import type { AppReply, AppRequest, FakeApp } from './fake-app.js'
import { closedPort, startFakeApp } from './fake-app.js'

/** Africa's Talking's sample app, plus a branch that fails on demand. */
function sampleApp(request: AppRequest): AppReply {
  const { text = '', phoneNumber = '', serviceCode = '' } = request.form
  switch (serviceCode) {
    case '*384*500#':
      return { status: 500, body: 'END Internal Server Error' }
    case '*384*501#':
      return { body: '<html>Welcome</html>' }
    case '*384*502#':
      return { body: `CON ${'Choose one of our many fine products. '.repeat(5)}` }
    case '*384*503#':
      return 'silence'
  }
  if (text === '') return { body: 'CON What would you like to check\n1. My account\n2. My number' }
  if (text === '1') return { body: 'CON Choose account information\n1. Account number' }
  if (text === '1*1') return { body: 'END Your account number is ACC1001' }
  if (text === '2') return { body: `END Your phone number is ${phoneNumber}` }
  if (text.endsWith('*9')) return { status: 503, body: 'busy' }
  return { body: `CON You sent ${text.length} characters` }
}

const failureText = 'END Sorry, the service you dialled did not answer. Please try again later.'
const logLines: string[] = []
let app: FakeApp
let gw: GatewayFixture
let sessions = 0

function phone(msisdn: string, serviceCode = '*384*2468#'): AtPhone {
  sessions += 1
  return new AtPhone(gw.url, msisdn, `ATUid_http_${sessions}_${process.pid}`, serviceCode)
}

beforeAll(async () => {
  app = await startFakeApp(sampleApp)
  const nobodyHome = `http://127.0.0.1:${await closedPort()}/ussd`
  const codes = ['*384*2468#', '*384*500#', '*384*501#', '*384*502#', '*384*503#']
  gw = await startTestGateway({
    overrides: {
      ussd: {
        externalApps: [
          ...codes.map((serviceCode) => ({ serviceCode, url: app.url })),
          { serviceCode: '*384*504#', url: nobodyHome },
        ],
      },
    },
    // A silent app is given up on sooner than the 5 s an aggregator waits.
    ussdLimits: { appAnswerTimeoutMs: 400 },
    log: createLogger('debug', { write: (line) => logLines.push(line) }),
  })
})

afterAll(async () => {
  await gw?.close()
  await app?.close()
})

beforeEach(() => {
  app.requests.length = 0
  logLines.length = 0
})

describe('an external app over POST /ussd', () => {
  it("walks three hops, posting the form as Africa's Talking does, text accumulating", async () => {
    const li = phone(LI)
    expect(await li.dial()).toBe('CON What would you like to check\n1. My account\n2. My number')
    expect(await li.type('1')).toBe('CON Choose account information\n1. Account number')
    expect(await li.type('1')).toBe('END Your account number is ACC1001')
    expect(app.texts()).toEqual(['', '1', '1*1'])
    const [first, ...rest] = app.requests
    expect(first?.contentType).toBe('application/x-www-form-urlencoded')
    expect(Object.keys(first?.form ?? {}).sort()).toEqual(
      ['networkCode', 'phoneNumber', 'serviceCode', 'sessionId', 'text'].sort(),
    )
    expect(first?.form).toMatchObject({
      serviceCode: '*384*2468#',
      phoneNumber: `+${LI}`,
      networkCode: '46000',
    })
    // The app's session id is telepay's own, the same on every hop, not the provider's.
    expect(first?.form['sessionId']).toMatch(/^ATUid_[0-9a-f]{32}$/)
    for (const request of rest) expect(request.form['sessionId']).toBe(first?.form['sessionId'])
  })

  it('serves anyone who dials, subscriber or not, and ends at END', async () => {
    const nobody = phone(NOBODY)
    await nobody.dial()
    expect(await nobody.type('2')).toBe(`END Your phone number is +${NOBODY}`)
    // The session is over: more input is not the app's to see.
    expect(await nobody.type('1')).toBe('END This session has ended. Please dial again.')
    expect(app.texts()).toEqual(['', '2'])
  })

  it('keeps a `*` typed inside an input as typed, as AT does', async () => {
    const li = phone(LI)
    await li.dial()
    expect(await li.type('3*4')).toBe('CON You sent 3 characters')
    expect(await li.type('5')).toBe('CON You sent 5 characters')
    expect(app.texts()).toEqual(['', '3*4', '3*4*5'])
  })

  it('gives a shortcut dial the inputs after the code as the first text', async () => {
    const prefilled = phone(LI)
    expect(await prefilled.dial('1')).toBe('CON Choose account information\n1. Account number')
    expect(await prefilled.type('1')).toBe('END Your account number is ACC1001')
    const dialled = phone(HAN, '*384*2468*1#')
    expect(await dialled.dial()).toBe('CON Choose account information\n1. Account number')
    expect(app.texts()).toEqual(['1', '1*1', '1'])
    expect(app.requests.map((request) => request.form['serviceCode'])).toEqual([
      '*384*2468#',
      '*384*2468#',
      '*384*2468#',
    ])
  })

  it("answers a provider's retry from the session, without asking the app again", async () => {
    const li = phone(LI)
    await li.dial()
    const screen = await li.type('1')
    expect(await li.send()).toBe(screen)
    expect(app.texts()).toEqual(['', '1'])
  })

  it('ends an idle session as the menus do, without asking the app', async () => {
    const li = phone(LI)
    await li.dial()
    await gw.advance(31)
    expect(await li.type('1')).toBe('END Your session timed out. Please dial again.')
    expect(app.texts()).toEqual([''])
  })

  it.each([
    ['*384*500#', 'http_error', 'HTTP 500'],
    ['*384*501#', 'malformed', 'starts with neither CON nor END'],
    ['*384*502#', 'too_long', 'more than one USSD page'],
    ['*384*503#', 'timeout', 'no answer within 400 ms'],
    ['*384*504#', 'unreachable', 'ECONNREFUSED'],
  ])('ends the session on %s with one clear END and a warn line (%s)', async (code, fault, why) => {
    const before = await gw.balance(LI, 'wallet')
    const li = phone(LI, code)
    expect(await li.dial()).toBe(failureText)
    expect(await li.type('1')).toBe('END This session has ended. Please dial again.')
    const warned = logLines.filter((line) => line.includes('ussd external app failed'))
    expect(warned).toHaveLength(1)
    expect(JSON.parse(warned[0] ?? '{}')).toMatchObject({
      level: 'warn',
      app: code,
      fault,
      hop: 0,
      msisdn: expect.not.stringContaining(LI),
    })
    expect(warned[0]).toContain(why)
    // Nothing else changed: the money is where it was, and no text went to the phone.
    expect(await gw.balance(LI, 'wallet')).toBe(before)
    expect(await gw.smsTo(LI)).toEqual([])
  })

  it('ends on a fault mid-session; no log line nor stored session holds an input', async () => {
    const li = phone(LI)
    await li.dial()
    expect(await li.type('86420')).toBe('CON You sent 5 characters')
    expect(await li.type('9')).toBe(failureText)
    expect(app.texts()).toEqual(['', '86420', '86420*9'])
    expect(logLines.some((line) => line.includes('"fault":"http_error"'))).toBe(true)
    expect(logLines.filter((line) => line.includes('86420'))).toEqual([])
    // The session store writes behind: wait for this session's ended record in ussd.sqlite.
    const stored = await until('the session in ussd.sqlite', () => {
      const db = new Database(join(gw.dir, 'ussd.sqlite'), { readonly: true })
      const row = db
        .prepare('SELECT record FROM dialogs WHERE key = ? AND open = 0')
        .get(`at:${li.sessionId}`) as { record: string } | undefined
      db.close()
      return row?.record
    })
    expect(stored).toContain('"sealedText":"sealed:')
    expect(stored).not.toContain('86420')
  })

  it("serves the app over Hubtel's callback too, its latest inputs joined into text", async () => {
    const base = { Operator: 'mtn', ClientState: '', Mobile: LI, SessionId: `hubtel${sessions}` }
    const dial = { ...base, Type: 'initiation', Message: '*384*2468#', ServiceCode: '384*2468' }
    expect((await postHubtel(gw.url, { ...dial, Sequence: 1 })).json).toMatchObject({
      Type: 'response',
      Message: 'What would you like to check\n1. My account\n2. My number',
    })
    const input = { ...base, Type: 'response', ServiceCode: '384*2468' }
    await postHubtel(gw.url, { ...input, Message: '1', Sequence: 2 })
    expect((await postHubtel(gw.url, { ...input, Message: '1', Sequence: 3 })).json).toMatchObject({
      Type: 'release',
      Message: 'Your account number is ACC1001',
    })
    expect(app.texts()).toEqual(['', '1', '1*1'])
  })

  it('leaves *123# to the menus, and a code nobody serves to their refusal', async () => {
    const menu = phone(LI, '*123#')
    const home = await menu.dial()
    expect(home).toMatch(/^CON .*\n1 Balance/s)
    expect(await menu.type('1')).toMatch(/^END .*500\.00/s)
    const unknown = phone(LI, '*384*9999#')
    expect(await unknown.dial()).toBe(
      'END This code is not a telepay service. Dial *123# for telepay.',
    )
    expect(app.requests).toEqual([])
  })

  it('keeps one session per subscriber: a dial of *123# ends the open app session', async () => {
    const li = phone(LI)
    await li.dial()
    await phone(LI, '*123#').dial()
    expect(await li.type('1')).toBe('END This session was closed because a newer one was opened.')
    expect(app.texts()).toEqual([''])
  })
})
