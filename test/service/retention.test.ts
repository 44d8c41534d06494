/**
 * retention.test.ts - the idempotency log's retention in a running gateway: the sweep forgets
 * keys older than operating.idempotencyKeepMs in bounded steps, one a sweep (a clock advance's
 * and the timer's), logging one line a sweep that pruned and counting the rows in /metrics. A
 * merchant's retry within the window gets its first payment; past it the same key makes a new
 * one. Payments are never pruned.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TestClock } from '../../src/service/clock.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, LI, LI_PIN, RINGTONES, startTestGateway } from '../support/gateway-fixture.js'
import type { LogEntry } from '../support/log-capture.js'
import { captureLog } from '../support/log-capture.js'

const DAY_S = 86_400

let running: GatewayFixture | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

/** A gateway whose sweeps run only when the test moves the clock, with its log lines kept. */
async function gateway(operating: Record<string, number> = {}): Promise<{
  t: GatewayFixture
  pruneLines: () => LogEntry[]
}> {
  const captured = captureLog('info')
  running = await startTestGateway({
    overrides: { operating: { sweepIntervalMs: 3_600_000, ...operating } },
    log: captured.log,
  })
  return {
    t: running,
    pruneLines: () => captured.entries().filter((line) => line.msg === 'idempotency log pruned'),
  }
}

async function advanceDays(fixture: GatewayFixture, days: number): Promise<void> {
  const answer = await fixture.admin('POST', '/admin/api/clock', { advanceSeconds: days * DAY_S })
  expect(answer.status).toBe(200)
}

function count(fixture: GatewayFixture, table: string): number {
  const row = fixture.gateway.ledger.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as {
    n: bigint
  }
  return Number(row.n)
}

describe('the idempotency log retention in the gateway', () => {
  it('replays a retry within 7 days; past them the sweep prunes, the key pays anew', async () => {
    const { t, pruneLines } = await gateway()
    const body = { msisdn: LI, amount: '12.50', reference: 'weekly', account: 'wallet' }
    const ask = () =>
      t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', body, {
        'idempotency-key': 'weekly-1',
      })
    const first = await ask()
    expect(first.status).toBe(202)
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    const paid = await t.balance(LI, 'wallet')

    await advanceDays(t, 6)
    const retry = await ask()
    expect(retry.json.id).toBe(first.json.id)
    expect(pruneLines()).toEqual([])

    const payments = count(t, 'payments')
    await advanceDays(t, 2)
    const [line] = pruneLines()
    expect(line).toMatchObject({
      level: 'info',
      msg: 'idempotency log pruned',
      rows: expect.any(Number),
      before: expect.stringMatching(/Z$/),
    })
    expect(count(t, 'command_log')).toBe(0)
    expect(count(t, 'payments')).toBe(payments)
    const metrics = await t.request('GET', '/metrics', { token: ADMIN_TOKEN })
    const pruned = /^telepay_idempotency_keys_pruned_total (\d+)$/m.exec(metrics.text)?.[1]
    expect(Number(pruned)).toBe(line?.['rows'])

    const again = await ask()
    expect(again.status).toBe(202)
    expect(again.json.id).not.toBe(first.json.id)
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    expect(await t.balance(LI, 'wallet')).toBe((Number(paid) - 12.5).toFixed(2))
  })

  it('works a backlog off on the sweep timer, idempotencyPruneRowsMax a sweep', async () => {
    const { t, pruneLines } = await gateway({ idempotencyPruneRowsMax: 3, sweepIntervalMs: 20 })
    for (let index = 0; index < 7; index += 1) {
      const answer = await t.merchant(
        RINGTONES,
        'POST',
        '/api/v1/payment-requests',
        { msisdn: LI, amount: '1.00', reference: `backlog-${index}` },
        { 'idempotency-key': `backlog-${index}` },
      )
      expect(answer.status).toBe(202)
    }
    const logged = count(t, 'command_log')
    expect(logged).toBeGreaterThanOrEqual(7)
    // The clock moves without a sweep of its own: only the timer's sweeps prune.
    const clock = t.gateway.clock
    if (!(clock instanceof TestClock)) throw new Error('the test gateway runs on a test clock')
    clock.advance(8 * DAY_S * 1000)
    const deadline = Date.now() + 10_000
    while (count(t, 'command_log') > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(count(t, 'command_log')).toBe(0)
    const rows = pruneLines().map((line) => Number(line['rows']))
    expect(rows.every((row) => row >= 1 && row <= 3)).toBe(true)
    expect(rows.reduce((sum, row) => sum + row, 0)).toBe(logged)
    expect(rows).toHaveLength(Math.ceil(logged / 3))
  })
})
