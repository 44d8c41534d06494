/**
 * plans.test.ts - a day's settlement and the operator's search of one subscriber cost what that
 * day or that subscriber holds, not the history: each of their queries runs on the index meant
 * for it (EXPLAIN QUERY PLAN on a ledger with payments, with and without the planner's
 * statistics), and a search pages back through all of a subscriber's payments among others'.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Command } from '../../../src/core/index.js'
import { reservationsSql } from '../../../src/ledger/reports/ledger-check.js'
import { settlementQueries } from '../../../src/ledger/reports/settlement.js'
import { transactionsQueries } from '../../../src/ledger/sqlite-ledger.js'
import type { TestLedger } from '../../support/ledger-fixture.js'
import { openTestLedger } from '../../support/ledger-fixture.js'

const LI = '8613800138000'
const WANG = '8613800138001'

let t: TestLedger
afterEach(async () => {
  await t.close()
})

const micro = (msisdn: string): Command => ({
  kind: 'pay_merchant',
  msisdn,
  merchantCode: '1001',
  amountMinor: 100n,
  funding: 'phone_bill',
  authorize: true,
})

function planOf(sql: string, params: Record<string, unknown>): string {
  const rows = t.ledger.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as {
    detail: string
  }[]
  return rows.map((row) => row.detail).join(' | ')
}

describe('reports that cost their day or their subscriber', () => {
  it("plans the settlement on the day's transfers and the search on payer and payee", async () => {
    t = await openTestLedger()
    for (let index = 0; index < 30; index += 1) t.run(micro(index % 2 === 0 ? LI : WANG))
    const day = { startMs: 0, endMs: 1, code: null }
    const search = { msisdn: LI, before: 1_000, limit: 20 }
    for (const analyzed of [false, true]) {
      if (analyzed) t.ledger.db.exec('ANALYZE')
      expect(planOf(settlementQueries.payments, day)).toMatch(/SEARCH t USING INDEX transfers_time/)
      const movements = planOf(settlementQueries.movements, day)
      expect(movements).toMatch(/SEARCH t USING INDEX transfers_time/)
      // The accounts reported are looked up by owner and from the merchants, not all scanned.
      expect(movements).not.toMatch(/SCAN accounts/)
      const plan = planOf(transactionsQueries.ofSubscriber, search)
      expect(plan).toMatch(/USING (COVERING )?INDEX payments_payer/)
      expect(plan).toMatch(/USING (COVERING )?INDEX payments_payee/)
      expect(plan).not.toMatch(/SCAN payments(?! USING)/)
      // The ledger check reads the card payments awaiting capture, not every payment.
      const reservations = planOf(reservationsSql.replace('LIMIT ?', 'LIMIT 20'), {})
      expect(reservations).toMatch(/payments USING INDEX payments_authorized/)
      expect(reservations).not.toMatch(/payments_payer/)
    }
  })

  it("plans who took a merchant's fees on the day's transfers, not its history", async () => {
    t = await openTestLedger()
    for (let index = 0; index < 30; index += 1) t.run(micro(LI))
    const day = { startMs: 0, endMs: 1, code: '1001' }
    for (const analyzed of [false, true]) {
      if (analyzed) t.ledger.db.exec('ANALYZE')
      const plan = planOf(settlementQueries.merchantParties, day)
      expect(plan).toMatch(/SEARCH t USING INDEX transfers_time/)
      expect(plan).not.toMatch(/SCAN (accounts|entries|payments)/)
    }
  })

  it('pages back through every payment of one subscriber, the oldest included', async () => {
    t = await openTestLedger()
    const mine: string[] = []
    for (let index = 0; index < 25; index += 1) {
      const result = t.run(micro(index % 5 === 0 ? LI : WANG))
      if (index % 5 === 0 && result.ok && result.payment !== null) mine.push(result.payment.id)
    }
    expect(mine).toHaveLength(5)
    const seen: string[] = []
    let before: number | null = null
    for (let page = 0; page < 5; page += 1) {
      const rows = await t.ledger.transactions({ msisdn: LI, limit: 2, beforeSeq: before })
      seen.push(...rows.map((payment) => payment.id))
      if (rows.length < 2) break
      before = Number.parseInt((rows.at(-1)?.id ?? 'P0').slice(1), 36)
    }
    expect(seen).toEqual([...mine].reverse())
  })
})
