/**
 * ledger-check.test.ts - the incremental ledger check reads only the transfers written since the
 * last check, yet still finds every kind of discrepancy: a balance edited behind the ledger's
 * back (in any account, read or not), a transfer that does not sum to zero (reported again on
 * every later check), a transfer without entries; a state from another ledger is thrown away.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Command } from '../../../src/core/index.js'
import { checkLedger } from '../../../src/ledger/reports/ledger-check.js'
import type { TestLedger } from '../../support/ledger-fixture.js'
import { openTestLedger } from '../../support/ledger-fixture.js'

const LI = '8613800138000'
const WANG = '8613800138001'

const micro = (msisdn: string, amountMinor: bigint): Command => ({
  kind: 'pay_merchant',
  msisdn,
  merchantCode: '1001',
  amountMinor,
  funding: 'phone_bill',
  authorize: true,
})

let t: TestLedger
afterEach(async () => {
  await t.close()
})

function pay(count: number, msisdn = LI): void {
  for (let index = 0; index < count; index += 1) {
    const result = t.run(micro(msisdn, 100n))
    expect(result.ok).toBe(true)
  }
}

function walletId(msisdn: string): bigint {
  return (
    t.ledger.db
      .prepare("SELECT id FROM accounts WHERE owner = ? AND kind = 'wallet'")
      .get(msisdn) as { id: bigint }
  ).id
}

describe('the incremental ledger check', () => {
  it('reads only what was written since, and counts as the full check does', async () => {
    t = await openTestLedger()
    pay(3)
    const first = await t.ledger.check()
    expect(first).toMatchObject({ balanced: true, mode: 'incremental' })
    expect(first.readTransfers).toBe(first.transfers)

    pay(2, WANG)
    const second = await t.ledger.check()
    expect(second.balanced).toBe(true)
    expect(second.readTransfers).toBe(2)
    expect(second.throughTransferId).toBe(first.throughTransferId + 2)

    const full = await t.ledger.check({ mode: 'full' })
    expect(full).toMatchObject({
      balanced: true,
      mode: 'full',
      readTransfers: full.transfers,
      transfers: second.transfers,
      entries: second.entries,
      accounts: second.accounts,
    })
    // A full check leaves the state alone: nothing new to read afterwards.
    expect((await t.ledger.check()).readTransfers).toBe(0)
  })

  it('finds a balance edited behind its back in an account it did not read again', async () => {
    t = await openTestLedger()
    pay(2)
    expect((await t.ledger.check()).balanced).toBe(true)
    const wang = walletId(WANG)
    t.ledger.db
      .prepare('UPDATE accounts SET balance_minor = balance_minor + 1 WHERE id = ?')
      .run(wang)
    const broken = await t.ledger.check()
    expect(broken).toMatchObject({ balanced: false, readTransfers: 0, totalMinor: 1n })
    expect(broken.driftedAccounts).toEqual([
      {
        accountId: Number(wang),
        balanceMinor: expect.any(BigInt) as bigint,
        entriesMinor: expect.any(BigInt) as bigint,
      },
    ])
    const [drift] = broken.driftedAccounts
    expect((drift?.balanceMinor ?? 0n) - (drift?.entriesMinor ?? 0n)).toBe(1n)
  })

  it('keeps reporting a transfer that does not sum to zero, and one without entries', async () => {
    t = await openTestLedger()
    pay(1)
    const db = t.ledger.db
    const wang = walletId(WANG)
    const bad = db
      .prepare("INSERT INTO transfers (kind, payment_id, created_ms) VALUES ('opening', NULL, 1)")
      .run().lastInsertRowid
    db.prepare(
      'INSERT INTO entries (transfer_id, leg, account_id, amount_minor) VALUES (?, 0, ?, 5)',
    ).run(bad, wang)
    db.prepare('UPDATE accounts SET balance_minor = balance_minor + 5 WHERE id = ?').run(wang)
    db.prepare(
      "INSERT INTO transfers (kind, payment_id, created_ms) VALUES ('opening', NULL, 1)",
    ).run()
    for (let run = 0; run < 2; run += 1) {
      const check = await t.ledger.check()
      expect(check).toMatchObject({
        balanced: false,
        orphanTransfers: 1,
        unbalancedTransfers: [{ transferId: Number(bad), sumMinor: 5n }],
        driftedAccounts: [],
      })
      expect(check.readTransfers).toBe(run === 0 ? check.transfers : 0)
    }
  })

  it('reads everything again when its state is not this ledger', async () => {
    t = await openTestLedger()
    pay(2)
    const first = await t.ledger.check()
    // The transfer the state names now has another time: a different ledger in this place.
    t.ledger.db
      .prepare('UPDATE transfers SET created_ms = created_ms + 1 WHERE id = ?')
      .run(first.throughTransferId)
    pay(1)
    const again = await t.ledger.check()
    expect(again).toMatchObject({ balanced: true, readTransfers: again.transfers })
  })

  it('reports its progress step by step', async () => {
    t = await openTestLedger()
    pay(5)
    const seen: number[] = []
    const db = t.ledger.db
    const check = checkLedger(db, {
      mode: 'full',
      stepTransfers: 3,
      progress: (progress) => seen.push(progress.doneTransfers),
    })
    expect(check.readTransfers).toBeGreaterThan(6)
    expect(seen.length).toBe(Math.ceil(check.readTransfers / 3))
    expect(seen.at(-1)).toBe(check.readTransfers)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
  })

  it('reads again when another check wrote its state meanwhile, five tries at most', async () => {
    t = await openTestLedger()
    pay(2)
    const db = t.ledger.db
    // SQLite refuses a write at once when another process's check committed the state after this
    // one's first read (SQLITE_BUSY_SNAPSHOT): not a fault two connections here can be made to
    // hit on demand, so the transaction's first tries fail as SQLite would fail them.
    const failingFirst = (failures: number, code: string) => {
      const tries = { count: 0 }
      const proxy = new Proxy(db, {
        get(target, property, receiver) {
          if (property !== 'transaction') return Reflect.get(target, property, receiver)
          return (run: () => unknown) => ({
            deferred: () => {
              tries.count += 1
              if (tries.count <= failures)
                throw Object.assign(new Error('database is locked'), { code })
              return target.transaction(run).deferred()
            },
          })
        },
      })
      return { db: proxy, tries }
    }
    const twice = failingFirst(2, 'SQLITE_BUSY_SNAPSHOT')
    expect(checkLedger(twice.db, { mode: 'full' }).balanced).toBe(true)
    expect(twice.tries.count).toBe(3)
    const always = failingFirst(99, 'SQLITE_BUSY_SNAPSHOT')
    expect(() => checkLedger(always.db, { mode: 'full' })).toThrow('database is locked')
    expect(always.tries.count).toBe(5)
    // Any other error is not tried again.
    const corrupt = failingFirst(1, 'SQLITE_CORRUPT')
    expect(() => checkLedger(corrupt.db, { mode: 'full' })).toThrow('database is locked')
    expect(corrupt.tries.count).toBe(1)
  })
})
