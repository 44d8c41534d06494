/**
 * worker.test.ts - reports on a ledger opened as the gateway opens it run on threads of their
 * own: the event loop keeps turning while a check reads a long history (inline, it would not turn
 * once until the check is done), the worker sees what the writer committed, and a stopped ledger
 * answers a report still waiting with an error instead of leaving it hanging.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultLimits } from '../../../src/core/index.js'
import { SqliteLedger } from '../../../src/ledger/sqlite-ledger.js'

const transfersMade = 300_000

let dir = ''
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

/** A ledger of `count` transfers of 0.01 from the opening account to the operator's fees. */
function ledgerWithHistory(reports: 'inline' | 'worker', count: number): SqliteLedger {
  dir = mkdtempSync(join(tmpdir(), 'telepay-reports-'))
  const ledger = new SqliteLedger(join(dir, 'ledger.sqlite'), defaultLimits, { reports })
  const id = (kind: string): bigint =>
    (
      ledger.db
        .prepare("SELECT id FROM accounts WHERE owner = 'platform' AND kind = ?")
        .get(kind) as { id: bigint }
    ).id
  const opening = id('opening')
  const fees = id('operator_fees')
  ledger.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
    INSERT INTO transfers (kind, payment_id, created_ms) SELECT 'opening', NULL, i FROM n;
    INSERT INTO entries (transfer_id, leg, account_id, amount_minor)
      SELECT id, 0, ${opening}, -1 FROM transfers;
    INSERT INTO entries (transfer_id, leg, account_id, amount_minor)
      SELECT id, 1, ${fees}, 1 FROM transfers;
    UPDATE accounts SET balance_minor = -${count} WHERE id = ${opening};
    UPDATE accounts SET balance_minor = ${count} WHERE id = ${fees};`)
  return ledger
}

/** How many times the event loop turned while `work` was pending. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0
  let pending = true
  const turn = (): void => {
    if (!pending) return
    turns += 1
    setTimeout(turn, 0)
  }
  setTimeout(turn, 0)
  const value = await work()
  pending = false
  return { value, turns }
}

describe('reports off the event loop', () => {
  it('checks a long history while the event loop keeps turning', async () => {
    const inline = ledgerWithHistory('inline', 20_000)
    const still = await turnsDuring(() => inline.check())
    expect(still.value.balanced).toBe(true)
    expect(still.turns).toBe(0)
    await inline.close()
    rmSync(dir, { recursive: true, force: true })

    const ledger = ledgerWithHistory('worker', transfersMade)
    try {
      const { value, turns } = await turnsDuring(() => ledger.check({ mode: 'full' }))
      expect(value).toMatchObject({ balanced: true, readTransfers: transfersMade })
      expect(turns).toBeGreaterThan(5)
    } finally {
      await ledger.close()
    }
  })

  it('sees what the writer committed, and answers a waiting report when stopped', async () => {
    const ledger = ledgerWithHistory('worker', 10)
    const first = await ledger.check()
    expect(first).toMatchObject({ balanced: true, readTransfers: 10 })
    ledger.db.exec(`
      INSERT INTO transfers (kind, payment_id, created_ms) VALUES ('opening', NULL, 11);
      INSERT INTO entries (transfer_id, leg, account_id, amount_minor)
        SELECT MAX(id), 0, 1, 7 FROM transfers;`)
    const second = await ledger.check()
    expect(second).toMatchObject({
      balanced: false,
      readTransfers: 1,
      unbalancedTransfers: [{ transferId: 11, sumMinor: 7n }],
    })
    const waiting = ledger.check({ mode: 'full' })
    await ledger.close()
    await expect(waiting).rejects.toThrow(/report worker/)
  })
})
