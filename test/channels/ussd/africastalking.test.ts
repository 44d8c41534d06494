/**
 * africastalking.test.ts - the channel over Africa's Talking's form at POST /ussd, on real HTTP in
 * front of a real gateway, with the fake menu engine: walks to a balance and to a paid merchant,
 * provider retries, shortcuts both ways, `*` inside an input, one session per subscriber, the
 * idle timeout and total cap on the test clock, malformed requests, and no PIN in the session
 * store or the logs.
 */

import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/service/log.js'
import { HAN, LI, LI_PIN, NOBODY } from '../../support/gateway-fixture.js'
import type { UssdHarness } from './ussd-harness.js'
import { AtPhone, postAt, startUssdHarness } from './ussd-harness.js'

let h: UssdHarness
const logLines: string[] = []
let sessionCounter = 0

function phone(msisdn: string, serviceCode = '*123#'): AtPhone {
  sessionCounter += 1
  return new AtPhone(h.url, msisdn, `ATUid_test_${sessionCounter}_${process.pid}`, serviceCode)
}

beforeEach(async () => {
  logLines.length = 0
  h = await startUssdHarness({
    log: createLogger('debug', { write: (line) => logLines.push(line) }),
  })
})

afterEach(async () => {
  await h.close()
})

describe("Africa's Talking at POST /ussd", () => {
  it('walks to the balance: CON menu, then END with the wallet balance, text/plain', async () => {
    const li = phone(LI)
    expect(await li.dial()).toBe('CON Telepay\n1 Balance\n2 Pay merchant')
    const answer = await postAt(h.url, {
      sessionId: li.sessionId,
      serviceCode: '*123#',
      phoneNumber: LI,
      networkCode: '46000',
      text: '1',
    })
    expect(answer.status).toBe(200)
    expect(answer.contentType).toMatch(/^text\/plain/)
    expect(answer.body).toMatch(/^END /)
    expect(answer.body).toContain('500.00')
  })

  it('pays a merchant with the PIN and the wallet goes down by the amount', async () => {
    const li = phone(LI)
    await li.dial()
    expect(await li.type('2')).toBe('CON Merchant code:')
    expect(await li.type('1001')).toBe('CON Amount:')
    expect(await li.type('25')).toMatch(/^CON Pay from/)
    expect(await li.type('1')).toBe('CON Enter PIN to pay')
    const final = await li.type(LI_PIN)
    expect(final).toMatch(/^END /)
    expect(final).toContain('25.00')
    expect(await h.gw.balance(LI, 'wallet')).toBe('475.00')
  })

  it('replays a hop the provider retries and moves no money twice', async () => {
    const li = phone(LI)
    await li.dial('2*1001*25*1')
    const first = await li.type(LI_PIN)
    const again = await li.send()
    expect(again).toBe(first)
    expect(await h.gw.balance(LI, 'wallet')).toBe('475.00')
    // A retry of an earlier hop of the session is no longer the last request: the session is over.
    expect(
      await postAt(h.url, {
        sessionId: li.sessionId,
        serviceCode: '*123#',
        phoneNumber: LI,
        text: '2*1001',
      }),
    ).toMatchObject({ status: 200, body: expect.stringMatching(/^END /) })
    expect(await h.gw.balance(LI, 'wallet')).toBe('475.00')
  })

  it('answers two concurrent copies of one hop once, with the same screen', async () => {
    const li = phone(LI)
    await li.dial('2*1001*25*1')
    const form = {
      sessionId: li.sessionId,
      serviceCode: '*123#',
      phoneNumber: LI,
      text: `2*1001*25*1*${LI_PIN}`,
    }
    const [a, b] = await Promise.all([postAt(h.url, form), postAt(h.url, form)])
    expect(a.body).toBe(b.body)
    expect(a.body).toMatch(/^END .*25\.00/s)
    expect(await h.gw.balance(LI, 'wallet')).toBe('475.00')
  })

  it('takes a shortcut as serviceCode *123*2*1001# or as text on the first hop', async () => {
    expect(await phone(LI, '*123*2*1001#').dial()).toBe('CON Amount:')
    expect(await phone(HAN).dial('2*1001*5')).toMatch(/^CON Pay from/)
  })

  it('keeps a * typed inside an input in it (the menu refuses it as an amount)', async () => {
    const li = phone(LI)
    await li.dial('2*1001')
    expect(await li.type('5*0')).toBe('CON Invalid amount.\nAmount:')
    expect(await li.type('5')).toMatch(/^CON Pay from/)
  })

  it('keeps one session per subscriber: a new dial ends the older session politely', async () => {
    const older = phone(LI)
    await older.dial('2')
    const newer = phone(LI)
    await newer.dial()
    expect(await older.type('1001')).toBe(
      'END This session was closed because a newer one was opened.',
    )
    expect(await newer.type('1')).toContain('500.00')
  })

  it('ends a session idle 30 s, and one older than 180 s though active; none moves', async () => {
    const idle = phone(LI)
    await idle.dial('2*1001*25*1')
    await h.advance(31)
    expect(await idle.type(LI_PIN)).toBe('END Your session timed out. Please dial again.')
    expect(await h.gw.balance(LI, 'wallet')).toBe('500.00')
    expect(
      logLines.some(
        (line) => line.includes('ussd session ended') && line.includes('"outcome":"idle_timeout"'),
      ),
    ).toBe(true)

    const long = phone(LI)
    await long.dial('2')
    for (let step = 0; step < 7; step += 1) {
      await h.advance(25)
      expect(await long.type(step % 2 === 0 ? 'x' : 'y')).toMatch(/^CON Invalid merchant/)
    }
    await h.advance(6)
    // 181 s after the dial, 6 s after the last input: past the cap, well within the idle timeout.
    expect(await long.type('1001')).toMatch(/^END /)
    expect(logLines.some((line) => line.includes('"outcome":"total_cap"'))).toBe(true)
  })

  it('ends an expired session at its next hop even before a sweep ran', async () => {
    const li = phone(LI)
    await li.dial('2')
    await h.gw.advance(31)
    expect(await li.type('1001')).toBe('END Your session timed out. Please dial again.')
  })

  it('answers input in an ended session with a polite END, unknown ones as new dials', async () => {
    const li = phone(LI)
    await li.dial()
    await li.type('1')
    expect(await li.type('1')).toBe('END This session has ended. Please dial again.')
    const lost = await postAt(h.url, {
      sessionId: 'never-seen-before',
      serviceCode: '*123#',
      phoneNumber: LI,
      text: '',
    })
    expect(lost.body).toMatch(/^CON Telepay/)
  })

  it('ends a session whose text no longer extends what it answered', async () => {
    const li = phone(LI)
    await li.dial('2*1001')
    const answer = await postAt(h.url, {
      sessionId: li.sessionId,
      serviceCode: '*123#',
      phoneNumber: LI,
      text: '2*1002*5',
    })
    expect(answer.body).toBe('END Sorry, we lost track of this session. Please dial again.')
  })

  it('refuses malformed requests with 400 and a text saying what is wrong', async () => {
    const base = { sessionId: 'ATUid_bad', serviceCode: '*123#', phoneNumber: LI, text: '' }
    expect(await postAt(h.url, { ...base, sessionId: '' })).toMatchObject({
      status: 400,
      body: 'Bad request: sessionId is missing',
    })
    expect(await postAt(h.url, { ...base, phoneNumber: 'abc' })).toMatchObject({
      status: 400,
      body: 'Bad request: phoneNumber is not an international number',
    })
    expect(await postAt(h.url, { ...base, serviceCode: '123' })).toMatchObject({
      status: 400,
      body: 'Bad request: serviceCode is not a USSD string like *123#',
    })
    const notForm = await fetch(`${h.url}/ussd`, { method: 'POST' })
    expect(notForm.status).toBe(400)
    expect(await notForm.text()).toMatch(/expected a form/)
  })

  it('lets an unregistered number through to the menu, whose command is refused', async () => {
    const nobody = phone(NOBODY)
    await nobody.dial()
    expect(await nobody.type('1')).toMatch(/^END /)
  })

  it('stores no PIN in the session store and logs none', async () => {
    const li = phone(LI)
    await li.dial('2*1001*25*1')
    await li.type(LI_PIN)
    const db = new Database(join(h.gw.dir, 'harness', 'ussd.sqlite'), { readonly: true })
    const rows = db.prepare('SELECT record FROM dialogs').all() as { record: string }[]
    db.close()
    expect(rows).toHaveLength(1)
    const record = JSON.parse(rows[0]?.record ?? '{}') as { session: { trail: string[] } }
    expect(record.session.trail).toEqual(['2', '1001', '25', '1', '****'])
    expect(rows[0]?.record).not.toContain(`*${LI_PIN}`)
    expect(rows[0]?.record).not.toContain(`"${LI_PIN}"`)
    expect(logLines.length).toBeGreaterThan(0)
    expect(logLines.filter((line) => line.includes(LI_PIN))).toEqual([])
    expect(logLines.filter((line) => line.includes(LI))).toEqual([])
  })
})
