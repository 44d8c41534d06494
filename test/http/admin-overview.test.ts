/**
 * admin-overview.test.ts - the operator console's live overview through the admin API: the
 * commands of the last minute by channel and result, the open sessions, the SMSC simulator's
 * binds with their windows (and unbinding one), the ledger's last check, the alarms when the
 * bank is set down, and the stream that sends a snapshot every second. Also the two pieces it
 * is built of, on clocks of their own: the seconds' ring and the alarm rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alarmLimits, alarmsOf } from '../../src/http/overview/alarms.js'
import type { Overview } from '../../src/http/overview/monitor.js'
import { LiveStats, liveStatsLimits } from '../../src/service/live-stats.js'
import { bindEsme } from '../support/esme.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, LI, LI_PIN, RINGTONES, startTestGateway } from '../support/gateway-fixture.js'

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

async function overview(): Promise<Overview> {
  const answer = await gw.admin('GET', '/admin/api/overview')
  expect(answer.status).toBe(200)
  return answer.json as Overview
}

describe('GET /admin/api/overview', () => {
  it('needs the admin token', async () => {
    expect((await gw.request('GET', '/admin/api/overview', { token: null })).status).toBe(401)
    expect((await gw.request('GET', '/admin/api/smpp/binds', { token: 'x' })).status).toBe(401)
    const stream = await fetch(`${gw.url}/admin/api/overview/stream`)
    expect(stream.status).toBe(401)
  })

  it('counts the last minute’s commands by channel and result', async () => {
    const before = (await overview()).lastMinute
    await gw.phone({ kind: 'balance', msisdn: LI }, { channel: 'sms' })
    await gw.phone({ kind: 'balance', msisdn: LI }, { channel: 'ussd' })
    const refused = await gw.phone(
      {
        kind: 'pay_merchant',
        msisdn: LI,
        merchantCode: RINGTONES,
        amountMinor: 10_000_000_00n,
        funding: 'wallet',
        authorize: true,
      },
      { channel: 'sms', pin: LI_PIN },
    )
    expect(refused.ok).toBe(false)
    const after = (await overview()).lastMinute
    expect(after.commands - before.commands).toBe(3)
    expect((after.byChannel['sms'] ?? 0) - (before.byChannel['sms'] ?? 0)).toBe(2)
    expect((after.byChannel['ussd'] ?? 0) - (before.byChannel['ussd'] ?? 0)).toBe(1)
    const reason = refused.reason ?? 'refused'
    expect((after.byResult[reason] ?? 0) - (before.byResult[reason] ?? 0)).toBe(1)
    const chart = (await overview()).chart
    expect(chart.commands).toHaveLength(120)
    expect(chart.commands.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(3)
  })

  it('shows the ledger balanced after its first check, and the channels ready', async () => {
    await overview()
    await gw.gateway.context.overview.settled()
    const snapshot = await overview()
    expect(snapshot.ledger?.balanced).toBe(true)
    expect(snapshot.ledger?.total).toBe('0.00')
    expect(Object.values(snapshot.channels).every((ready) => ready)).toBe(true)
    expect(snapshot.alarms).toEqual([])
  })

  it('raises bank_down while the bank is down, and drops it when it is back', async () => {
    expect((await gw.admin('POST', '/admin/api/bank', { mode: 'down' })).status).toBe(200)
    const down = await overview()
    expect(down.bank.mode).toBe('down')
    expect(down.alarms.map((alarm) => alarm.id)).toContain('bank_down')
    await gw.admin('POST', '/admin/api/bank', { mode: 'approve' })
    expect((await overview()).alarms.map((alarm) => alarm.id)).not.toContain('bank_down')
  })

  it('lists an ESME bound to the SMSC simulator with its window, and unbinds it', async () => {
    const client = await bindEsme(gw)
    try {
      const listed = (await gw.admin('GET', '/admin/api/smpp/binds')).json as {
        mode: string
        binds: { id: number; systemId: string; windowMax: number; outstanding: number }[]
      }
      expect(listed.mode).toBe('simulator')
      const bind = listed.binds.find((candidate) => candidate.systemId === 'telepay')
      expect(bind?.windowMax).toBeGreaterThan(0)
      expect(bind?.outstanding).toBe(0)
      const snapshot = await overview()
      expect(snapshot.smpp.binds.some((candidate) => candidate.id === bind?.id)).toBe(true)
      const unbound = await gw.admin('DELETE', `/admin/api/smpp/binds/${bind?.id}`)
      expect(unbound.status).toBe(200)
      const deadline = Date.now() + 5_000
      while (Date.now() < deadline && client.ready())
        await new Promise((resolve) => setTimeout(resolve, 50))
      expect(client.ready()).toBe(false)
      const again = (await gw.admin('GET', '/admin/api/smpp/binds')).json as { binds: unknown[] }
      expect(again.binds).toEqual([])
    } finally {
      await client.close()
    }
  })

  it('answers 404 for a bind that is not there and 400 for a bad id', async () => {
    expect((await gw.admin('DELETE', '/admin/api/smpp/binds/999999')).json).toMatchObject({
      error: 'bind_not_found',
    })
    expect((await gw.admin('DELETE', '/admin/api/smpp/binds/x')).status).toBe(400)
  })

  it('streams a snapshot every second to a console', async () => {
    const controller = new AbortController()
    const response = await fetch(`${gw.url}/admin/api/overview/stream`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: controller.signal,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = response.body?.getReader()
    if (reader === undefined) throw new Error('no body')
    const decoder = new TextDecoder()
    let text = ''
    const started = Date.now()
    while ((text.match(/event: overview/g) ?? []).length < 2) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += decoder.decode(chunk.value)
    }
    const seconds = (Date.now() - started) / 1000
    controller.abort()
    expect((text.match(/event: overview/g) ?? []).length).toBeGreaterThanOrEqual(2)
    // The first at once, the second a second later: well within three seconds.
    expect(seconds).toBeLessThan(3)
    const first = text.split('\n').find((line) => line.startsWith('data: '))
    expect(JSON.parse(first?.slice(6) ?? '{}')).toHaveProperty('alarms')
  })
})

describe('the seconds of the overview (LiveStats)', () => {
  it('keeps each second apart, and forgets one older than the ring', () => {
    let nowMs = 1_000_000
    const stats = new LiveStats(() => nowMs)
    stats.record('sms', 'ok', 3)
    stats.record('sms', 'pin_incorrect', 40)
    nowMs += 1_000
    stats.record('ussd', 'ok', 900)
    const [previous, current] = stats.seconds(2)
    expect(previous).toMatchObject({ commands: 2, byChannel: { sms: 2 }, p50Ms: 5, maxMs: 40 })
    expect(previous?.byResult).toEqual({ ok: 1, pin_incorrect: 1 })
    expect(current).toMatchObject({ commands: 1, byChannel: { ussd: 1 }, p99Ms: 900 })
    nowMs += liveStatsLimits.secondsKept * 1_000
    expect(stats.seconds().every((second) => second.commands === 0)).toBe(true)
    expect(stats.seconds()).toHaveLength(liveStatsLimits.secondsKept)
  })

  it('reads p99 from the buckets, never above the slowest command', () => {
    const stats = new LiveStats(() => 0)
    for (let index = 0; index < 99; index += 1) stats.record('wap', 'ok', 1)
    stats.record('wap', 'ok', 130)
    const [second] = stats.seconds(1)
    expect(second?.p50Ms).toBe(1)
    expect(second?.p99Ms).toBe(1)
    stats.record('wap', 'ok', 130)
    expect(stats.seconds(1)[0]?.p99Ms).toBe(130)
  })

  it('counts results past its bound of distinct keys as "other"', () => {
    const stats = new LiveStats(() => 0)
    for (let index = 0; index < liveStatsLimits.keysPerSecondMax + 10; index += 1)
      stats.record('sms', `reason_${index}`, 1)
    const [second] = stats.seconds(1)
    expect(Object.keys(second?.byResult ?? {})).toHaveLength(liveStatsLimits.keysPerSecondMax + 1)
    expect(second?.byResult['other']).toBe(10)
  })
})

describe('the alarms (alarmsOf)', () => {
  const calm = {
    ledgerBalanced: true,
    channels: { sms: true, ussd: true },
    bankMode: 'approve',
    outboxNow: 0,
    outboxMinuteAgo: 0,
    pinLockoutsLastMinute: 0,
    commandQueueDepth: 0,
  }
  const ids = (input: Partial<typeof calm>) => alarmsOf({ ...calm, ...input }).map((a) => a.id)

  it('raises none when all is well', () => {
    expect(ids({})).toEqual([])
    expect(ids({ ledgerBalanced: null as never, outboxMinuteAgo: null as never })).toEqual([])
  })

  it('raises each alarm on its condition only', () => {
    expect(ids({ ledgerBalanced: false })).toEqual(['ledger_unbalanced'])
    expect(ids({ channels: { sms: false, ussd: true } })).toEqual(['channel_not_ready'])
    expect(alarmsOf({ ...calm, channels: { sms: false } })[0]?.text).toMatch(/short code/)
    expect(ids({ bankMode: 'down' })).toEqual(['bank_down'])
    expect(ids({ bankMode: 'timeout' })).toEqual(['bank_down'])
    expect(ids({ bankMode: 'slow' })).toEqual(['bank_degraded'])
    const deep = alarmLimits.outboxGrowingMin
    expect(ids({ outboxNow: deep, outboxMinuteAgo: deep - 1 })).toEqual(['outbox_growing'])
    expect(ids({ outboxNow: deep, outboxMinuteAgo: deep })).toEqual([])
    expect(ids({ outboxNow: deep - 1, outboxMinuteAgo: 0 })).toEqual([])
    const lockouts = alarmLimits.pinLockoutsPerMinuteMax
    expect(ids({ pinLockoutsLastMinute: lockouts })).toEqual(['pin_lockouts'])
    expect(ids({ pinLockoutsLastMinute: lockouts - 1 })).toEqual([])
    expect(ids({ commandQueueDepth: alarmLimits.commandQueueDepthMax })).toEqual([
      'commands_queued',
    ])
  })
})
