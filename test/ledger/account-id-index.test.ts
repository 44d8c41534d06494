/**
 * account-id-index.test.ts - the ledger view's index of account ids by owner and kind is trimmed,
 * not cleared: past its bound the oldest ids of each kind go, in proportion to the kind's share,
 * and every id kept still answers (clearing it whole sent every payer's next lookups to SQLite).
 */
import { describe, expect, it } from 'vitest'
import { AccountIdIndex } from '../../src/ledger/sqlite-view.js'

describe('the account-id index', () => {
  it('drops the oldest ids of each kind in proportion, and keeps the rest answering', () => {
    const index = new AccountIdIndex()
    for (let n = 0; n < 300; n += 1) index.set(`owner${n}`, 'wallet', n)
    for (let n = 0; n < 100; n += 1) index.set(`owner${n}`, 'phone_bill', 1_000 + n)
    expect(index.size).toBe(400)
    index.evict(40)
    expect(index.size).toBe(360)
    // Three quarters of the drop from the wallets, a quarter from the phone bills, oldest first.
    expect(index.get('owner29', 'wallet')).toBeUndefined()
    expect(index.get('owner30', 'wallet')).toBe(30)
    expect(index.get('owner9', 'phone_bill')).toBeUndefined()
    expect(index.get('owner10', 'phone_bill')).toBe(1_010)
    expect(index.get('owner299', 'wallet')).toBe(299)
    // Setting an id again does not count it twice.
    index.set('owner299', 'wallet', 299)
    expect(index.size).toBe(360)
  })
})
