/**
 * statement.test.ts - the mini statement's "last five" are the last five payments that moved
 * money: cancelled, expired and declined requests, and card payments the bank refused, take no
 * slot (they used to, and hid real payments); and a ledger written before migration 8, whose
 * recent lists still hold such requests, has its lists rebuilt when it opens.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StatementRow } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  cancel,
  LI,
  loadWallet,
  MINUTE_MS,
  ok,
  payMerchant,
  paymentIdOf,
  RINGTONES,
  statement,
} from './helpers.js'

function rowsOf(t: TestLedger): readonly StatementRow[] {
  const result = ok(t, statement(LI))
  return result.data?.kind === 'statement' ? result.data.rows : []
}

/** Pays Ringtone Store `amountMinor` from the wallet at once (the PIN came with it). */
function pay(t: TestLedger, amountMinor: bigint): string {
  return paymentIdOf(
    ok(t, payMerchant(LI, RINGTONES, amountMinor, 'wallet', true), { pin: 'match' }),
  )
}

/** Starts payments that end without moving money: cancelled, expired, declined by the bank. */
function moveNothing(t: TestLedger): void {
  for (const amountMinor of [201n, 202n]) {
    ok(t, payMerchant(LI, RINGTONES, amountMinor))
    ok(t, cancel(LI))
  }
  ok(t, payMerchant(LI, RINGTONES, 203n))
  t.nowMs += 3 * MINUTE_MS
  t.run({ kind: 'expire_due' })
  const load = paymentIdOf(ok(t, loadWallet(LI, 204n, true), { pin: 'match' }))
  t.run(bankOutcome(load, 'declined'))
}

describe('the mini statement', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('lists the last five payments that moved money, newest first, past ones that did not', () => {
    const paid = [pay(t, 101n), pay(t, 102n), pay(t, 103n), pay(t, 104n)]
    moveNothing(t)
    paid.push(pay(t, 105n))
    const rows = rowsOf(t)
    expect(rows.map((row) => row.paymentId)).toEqual([...paid].reverse())
    expect(rows.every((row) => row.state === 'completed')).toBe(true)
  })

  it('lists a card payment once the bank captured it, not while it waits', () => {
    const load = paymentIdOf(ok(t, loadWallet(LI, 300n, true), { pin: 'match' }))
    expect(rowsOf(t)).toEqual([])
    ok(t, bankOutcome(load, 'captured'))
    expect(rowsOf(t).map((row) => row.paymentId)).toEqual([load])
  })

  it('is rebuilt from the payments when a ledger written before migration 8 opens', async () => {
    const paid = [pay(t, 101n), pay(t, 102n)]
    moveNothing(t)
    // The lists as telepay kept them before: every payment the subscriber started, newest first.
    const started = (
      t.ledger.db
        .prepare('SELECT id FROM payments WHERE payer_msisdn = ? ORDER BY seq DESC')
        .all(LI) as { id: string }[]
    ).map((row) => row.id)
    t.ledger.db
      .prepare("UPDATE accounts SET recent_payments = ? WHERE owner = ? AND kind = 'wallet'")
      .run(started.slice(0, 5).join(','), LI)
    t.ledger.db.prepare("UPDATE meta SET value = '7' WHERE key = 'schema_version'").run()
    // Nor had payments a trail then (migration 10 adds it).
    t.ledger.db.exec('ALTER TABLE payments DROP COLUMN trail')
    await t.ledger.close()
    const reopened = new SqliteLedger(join(t.dir, 'ledger.sqlite'), defaultLimits)
    try {
      const recent = reopened.db
        .prepare("SELECT recent_payments FROM accounts WHERE owner = ? AND kind = 'wallet'")
        .get(LI) as { recent_payments: string }
      expect(recent.recent_payments).toBe([...paid].reverse().join(','))
    } finally {
      reopened.db.close()
    }
  })
})
