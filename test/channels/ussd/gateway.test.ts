/**
 * gateway.test.ts - the USSD channel as the gateway runs it: its own routes, its menus (menus/ussd)
 * and its sweeps, over real HTTP. Payments walked to completion by Africa's Talking and by
 * Hubtel, balances read over the admin API; provider retries; the idle timeout and the total cap
 * on the test clock moved with POST /admin/api/clock; one session per subscriber; health and
 * metrics.
 */

import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { HAN, HAN_PIN, LI, LI_PIN, startTestGateway } from '../../support/gateway-fixture.js'
import { AtPhone, postHubtel } from './ussd-harness.js'

let gw: GatewayFixture
let counter = 0

beforeEach(async () => {
  gw = await startTestGateway()
})

afterEach(async () => {
  await gw.close()
})

function phone(msisdn: string): AtPhone {
  counter += 1
  return new AtPhone(gw.url, msisdn, `ATUid_gw_${counter}_${process.pid}`)
}

describe('USSD in the gateway', () => {
  it("pays via Africa's Talking with the PIN: END, wallet debited, ledger balanced", async () => {
    const li = phone(LI)
    expect(await li.dial()).toMatch(/^CON .*\n1 Balance\n2 Pay merchant/s)
    await li.type('2')
    await li.type('1001')
    await li.type('25')
    expect(await li.type('1')).toMatch(/^CON .*PIN/s)
    const final = await li.type(LI_PIN)
    expect(final).toMatch(/^END .*25\.00/s)
    expect(final).toMatch(/T[0-9A-Z]{6}/)
    expect(await gw.balance(LI, 'wallet')).toBe('475.00')
    expect((await gw.admin('GET', '/admin/api/ledger/check')).json).toMatchObject({
      balanced: true,
    })
    // The provider did not get our answer and sends the hop again: same screen, no second payment.
    expect(await li.send()).toBe(final)
    expect(await gw.balance(LI, 'wallet')).toBe('475.00')
    // The session kept in ussd.sqlite shows the PIN masked and holds it nowhere in clear.
    const db = new Database(join(gw.dir, 'ussd.sqlite'), { readonly: true })
    const rows = db.prepare('SELECT record FROM dialogs').all() as { record: string }[]
    db.close()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.record).toContain('"****"')
    expect(rows[0]?.record).not.toMatch(new RegExp(`[^0-9]${LI_PIN}[^0-9]`))
  })

  it('pays a merchant by Hubtel in Chinese, from a shortcut dial', async () => {
    const base = {
      ServiceCode: '123',
      Operator: 'mtn',
      ClientState: '',
      Mobile: HAN,
      SessionId: `hubtel-gw-${process.pid}`,
    }
    const opened = await postHubtel(gw.url, {
      ...base,
      Type: 'Initiation',
      Message: '*123*2*1001*5#',
      Sequence: 1,
    })
    expect(opened.json).toMatchObject({
      Type: 'response',
      Message: expect.stringContaining('5.00'),
    })
    const pin = await postHubtel(gw.url, { ...base, Type: 'Response', Message: '1', Sequence: 2 })
    expect(pin.json.Type).toBe('response')
    const paid = await postHubtel(gw.url, {
      ...base,
      Type: 'Response',
      Message: HAN_PIN,
      Sequence: 3,
    })
    expect(paid.json).toMatchObject({ Type: 'release', Message: expect.stringContaining('5.00') })
    expect(await gw.balance(HAN, 'wallet')).toBe('15.00')
  })

  it('times out a session idle 30 s at confirm: no money moves, payment cancelled', async () => {
    const li = phone(LI)
    expect(await li.dial('2*1001*25*1')).toMatch(/^CON Pay CNY 25\.00 to Ringtone Store/)
    await gw.advance(31)
    expect(await li.type(LI_PIN)).toBe('END Your session timed out. Please dial again.')
    expect(await gw.balance(LI, 'wallet')).toBe('500.00')
    expect((await gw.admin('GET', '/metrics')).text).toContain(
      'telepay_ussd_sessions_ended_total{outcome="idle_timeout"} 1',
    )
    // Nothing waits any more: a YES by SMS finds no payment, and no expiry notice will follow.
    const yes = await gw.confirm(LI, LI_PIN)
    expect(yes.reason).toBe('no_pending_payment')
  })

  it('ends a session at its 180 s cap although the user kept typing', async () => {
    const li = phone(LI)
    await li.dial('2')
    for (let step = 0; step < 7; step += 1) {
      await gw.advance(25)
      // Back to the main menu and into pay merchant again: active, never idle for 30 s.
      expect(await li.type(step % 2 === 0 ? '0' : '2')).toMatch(/^CON /)
    }
    await gw.advance(6)
    expect(await li.type('1')).toBe('END Your session timed out. Please dial again.')
    expect((await gw.admin('GET', '/metrics')).text).toContain(
      'telepay_ussd_sessions_ended_total{outcome="total_cap"} 1',
    )
  })

  it('keeps one session per subscriber', async () => {
    const older = phone(LI)
    await older.dial('2')
    const newer = phone(LI)
    await newer.dial()
    expect(await older.type('1001')).toBe(
      'END This session was closed because a newer one was opened.',
    )
    expect(await newer.type('1')).toMatch(/^END .*500\.00/s)
  })

  it('reports the channel in /healthz and its sessions and hops in /metrics', async () => {
    const health = await gw.request('GET', '/healthz')
    expect(health.json).toMatchObject({ channels: { ussd: 'ready' } })
    const li = phone(LI)
    await li.dial()
    let metrics = (await gw.admin('GET', '/metrics')).text
    expect(metrics).toContain('telepay_ussd_sessions_active 1')
    await li.type('1')
    metrics = (await gw.admin('GET', '/metrics')).text
    expect(metrics).toContain('telepay_ussd_sessions_started_total{provider="at"} 1')
    expect(metrics).toContain('telepay_ussd_sessions_ended_total{outcome="completed"} 1')
    expect(metrics).toContain('telepay_ussd_hops_total{provider="at",answer="CON"} 1')
    expect(metrics).toContain('telepay_ussd_hops_total{provider="at",answer="END"} 1')
    expect(metrics).toContain('telepay_ussd_sessions_active 0')
    // One balance command, the one asked for: a registered caller's dial needs no check by the
    // core.
    expect(metrics).toMatch(/telepay_commands_total\{channel="ussd",kind="balance",result="ok"\} 1/)
  })
})
