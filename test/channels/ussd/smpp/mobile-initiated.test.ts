/**
 * mobile-initiated.test.ts - USSD over SMPP on the SMSC simulator, as a phone's ESME sees it: a
 * PSSR indication (submit_sm, ussd_service_op 0x01) with the dial string opens the menu, screens
 * come back as deliver_sm with USSR request (0x02) or PSSR response (0x11) and the phone's own
 * its_session_info, answers go as USSR confirm (0x12). Balance, a merchant payment with the PIN
 * walked to completion (wallet over the admin API), a Chinese subscriber in UCS-2, shortcut
 * dials, the service-code forms of destination_addr, and refusals.
 */

import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { ussdOp } from '../../../../src/bearer/smpp/ussd-op.js'
import { HAN, HAN_PIN, LI, LI_PIN, NOBODY } from '../../../support/gateway-fixture.js'
import type { UssdWorld } from './harness.js'
import { screenFor, startUssdWorld, typeIn } from './harness.js'

let world: UssdWorld | null = null
afterEach(async () => {
  await world?.close()
  world = null
})

describe('USSD over SMPP, mobile-initiated', () => {
  it('answers *123# by a USSR menu in its its_session_info, and 1 by a balance PSSR', async () => {
    world = await startUssdWorld()
    const { phone } = world
    const info = Buffer.from([0x2a, 0x10])
    expect((await phone.dial(LI, '*123#', { sessionInfo: info })).ok).toBe(true)
    const menu = await screenFor(phone, LI)
    expect(menu.op).toBe(ussdOp.ussrRequest)
    expect(menu.sessionInfo).toEqual(info)
    expect(menu.from).toBe('*123#')
    expect(menu.serviceType).toBe('USSD')
    expect(menu.dataCoding).toBe(0x0f)
    expect(menu.text).toMatch(/1 Balance\n2 Pay merchant\n3 Pay bill/)

    const balance = await typeIn(phone, LI, '1', info)
    expect(balance.op).toBe(ussdOp.pssrResponse)
    expect(balance.sessionInfo).toEqual(info)
    expect(balance.text).toMatch(/500\.00/)
    expect(phone.pending()).toBe(0)
  })

  it('walks a merchant payment with the PIN to its end: wallet 475.00, no PIN clear', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    const info = phone.newSessionInfo()
    await phone.dial(LI, '*123#', { sessionInfo: info })
    await screenFor(phone, LI)
    expect((await typeIn(phone, LI, '2', info)).text).toMatch(/merchant code/)
    expect((await typeIn(phone, LI, '1001', info)).text).toMatch(/amount/)
    expect((await typeIn(phone, LI, '25', info)).text).toMatch(/1 Wallet/)
    const pin = await typeIn(phone, LI, '1', info)
    expect(pin.op).toBe(ussdOp.ussrRequest)
    expect(pin.text).toMatch(/PIN/)
    const paid = await typeIn(phone, LI, LI_PIN, info)
    expect(paid.op).toBe(ussdOp.pssrResponse)
    expect(paid.text).toMatch(/25\.00/)
    expect(paid.text).toMatch(/T[0-9A-Z]{6}/)
    expect(await gw.balance(LI, 'wallet')).toBe('475.00')
    expect((await gw.admin('GET', '/admin/api/ledger/check')).json).toMatchObject({
      balanced: true,
    })
    const db = new Database(join(gw.dir, 'ussd.sqlite'), { readonly: true })
    const records = (db.prepare('SELECT record FROM dialogs').all() as { record: string }[]).map(
      (row) => row.record,
    )
    db.close()
    expect(records).toHaveLength(1)
    expect(records[0]).toContain('"****"')
    expect(records[0]).not.toMatch(new RegExp(`[^0-9]${LI_PIN}[^0-9]`))
  })

  it('speaks Chinese to a Chinese subscriber, in UCS-2 (0x08)', async () => {
    world = await startUssdWorld()
    const { phone, gw } = world
    const info = phone.newSessionInfo()
    await phone.dial(HAN, '*123#', { sessionInfo: info })
    const menu = await screenFor(phone, HAN)
    expect(menu.dataCoding).toBe(0x08)
    expect(menu.text).toContain('查询余额')
    await typeIn(phone, HAN, '2', info)
    await typeIn(phone, HAN, '1001', info)
    await typeIn(phone, HAN, '5', info)
    expect((await typeIn(phone, HAN, '1', info)).text).toContain('密码')
    const paid = await typeIn(phone, HAN, HAN_PIN, info)
    expect(paid.op).toBe(ussdOp.pssrResponse)
    expect(paid.dataCoding).toBe(0x08)
    expect(paid.text).toContain('5.00')
    expect(await gw.balance(HAN, 'wallet')).toBe('15.00')
  })

  it('opens a shortcut dial at the account choice, whatever destination_addr form', async () => {
    world = await startUssdWorld()
    const { phone } = world
    for (const to of ['*123#', '123', '*123*2*1001*25#']) {
      const info = phone.newSessionInfo()
      expect((await phone.dial(LI, '*123*2*1001*25#', { sessionInfo: info, to })).ok).toBe(true)
      const screen = await screenFor(phone, LI)
      expect(screen.op).toBe(ussdOp.ussrRequest)
      expect(screen.text).toMatch(/Pay CNY 25\.00 to merchant 1001 from:\n1 Wallet/)
      // The screen comes from the service as the phone addressed it.
      expect(screen.from).toBe(to)
    }
  })

  it('answers a GSM dial labelled 0x00 in 0x00, one without session info without TLV', async () => {
    world = await startUssdWorld()
    const { phone } = world
    await phone.dial(LI, '*123#', { sessionInfo: null, gsmDataCoding: 0x00 })
    const menu = await screenFor(phone, LI)
    expect(menu.dataCoding).toBe(0x00)
    expect(menu.sessionInfo).toBeNull()
    expect((await typeIn(phone, LI, '1', null)).op).toBe(ussdOp.pssrResponse)
  })

  it('refuses what it does not serve at the PDU, ends a dialogue it does not know', async () => {
    world = await startUssdWorld()
    const { phone } = world
    expect(await phone.dial(LI, '*124#', { to: '*124#' })).toMatchObject({
      ok: false,
      status: 0x0b,
    })
    expect(
      await phone.sendUssd(LI, ussdOp.pssdIndication, '*123#', phone.newSessionInfo()),
    ).toMatchObject({ ok: false, status: 0xc4 })
    expect(await phone.dial(LI, '*123#', { sessionInfo: Buffer.from([1, 2, 3]) })).toMatchObject({
      ok: false,
      status: 0xc4,
    })
    expect(await phone.dial('not-a-number', '*123#')).toMatchObject({ ok: false, status: 0x0a })
    // An answer in a dialogue that was never opened: a polite END, not a menu.
    const lost = await typeIn(phone, LI, '1', Buffer.from([0x7f, 0x00]))
    expect(lost.op).toBe(ussdOp.pssrResponse)
    expect(lost.text).toMatch(/lost track/)
    // An unregistered number is told so at the dial, with the dialogue's closing screen.
    const info = phone.newSessionInfo()
    await phone.dial(NOBODY, '*123#', { sessionInfo: info })
    const refused = await screenFor(phone, NOBODY)
    expect(refused.op).toBe(ussdOp.pssrResponse)
    expect(refused.text).toMatch(/not registered/i)
  })

  it("an ESME's dialogues stay apart by its_session_info; a new dial replaces old", async () => {
    world = await startUssdWorld()
    const { phone } = world
    const first = phone.newSessionInfo()
    await phone.dial(LI, '*123#', { sessionInfo: first })
    await screenFor(phone, LI)
    const second = phone.newSessionInfo()
    await phone.dial(LI, '*123#', { sessionInfo: second })
    await screenFor(phone, LI)
    // One USSD session per subscriber: the first dialogue is over.
    const stale = await typeIn(phone, LI, '1', first)
    expect(stale.op).toBe(ussdOp.pssrResponse)
    expect(stale.sessionInfo).toEqual(first)
    expect(stale.text).not.toMatch(/500\.00/)
    const live = await typeIn(phone, LI, '1', second)
    expect(live.text).toMatch(/500\.00/)
    // The same its_session_info dialled again later is a new session, not the ended one.
    await phone.dial(LI, '*123#', { sessionInfo: second })
    expect((await screenFor(phone, LI)).op).toBe(ussdOp.ussrRequest)
  })
})
