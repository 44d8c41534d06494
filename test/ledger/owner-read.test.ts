/**
 * owner-read.test.ts - the ledger view reads a payer's accounts in one query: the daily total
 * asks for all three funding accounts of a payer on every payment, and in a world larger than the
 * caches most payers are read again, so the second and third ask (and the card a subscriber does
 * not have) must not go to SQLite again.
 */
import type { Statement } from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { SqliteDatabase } from '../../src/ledger/sqlite-open.js'
import { SqliteView } from '../../src/ledger/sqlite-view.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

const LI = '8613800138000'
const WANG = '8613800138001'

let t: TestLedger
afterEach(async () => {
  await t.close()
})

/** The ledger's connection, counting the reads of accounts by owner. */
function counting(db: SqliteDatabase): { db: SqliteDatabase; reads: () => number } {
  let reads = 0
  const prepare = (sql: string): Statement => {
    const statement = db.prepare(sql)
    if (!/FROM accounts WHERE owner/.test(sql)) return statement
    return new Proxy(statement, {
      get(target, name) {
        const value = Reflect.get(target, name)
        if ((name !== 'get' && name !== 'all') || typeof value !== 'function') return value
        return (...args: unknown[]) => {
          reads += 1
          return value.apply(target, args)
        }
      },
    })
  }
  const wrapped = new Proxy(db, {
    get: (target, name) => (name === 'prepare' ? prepare : Reflect.get(target, name)),
  })
  return { db: wrapped, reads: () => reads }
}

describe("the view's read of a payer", () => {
  it("reads all of an owner's accounts at once, and knows the ones it has not", async () => {
    t = await openTestLedger()
    const { db, reads } = counting(t.ledger.db)
    const view = new SqliteView(db)
    const wallet = view.accountOf(WANG, 'wallet')
    expect(wallet?.kind).toBe('wallet')
    expect(view.accountOf(WANG, 'phone_bill')?.kind).toBe('phone_bill')
    expect(view.accountOf(WANG, 'bank')).toBeNull()
    expect(reads()).toBe(1)
    expect(view.accountOf(LI, 'bank')?.card?.last4).toBe('1234')
    expect(view.accountOf(LI, 'wallet')?.owner).toBe(LI)
    expect(reads()).toBe(2)
  })
})
