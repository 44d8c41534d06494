/**
 * cached-account.test.ts - the ledger cache's compact form gives back the account it was made
 * from, at the edges of the small-integer range and beyond it.
 */
import { describe, expect, it } from 'vitest'
import type { Account } from '../../src/core/index.js'
import { accountOfCached, cachedAccountOf } from '../../src/ledger/cached-account.js'

const base: Account = {
  id: 7,
  kind: 'wallet',
  owner: '13800000001',
  balanceMinor: 0n,
  reservedMinor: 0n,
  floorMinor: 0n,
  capMinor: null,
  card: null,
  outgoingDay: 20_400,
  outgoingMinor: 0n,
  recentPaymentIds: [],
}

describe('the cached form of an account', () => {
  it.each([
    0n,
    1n,
    -1n,
    2n ** 30n - 1n,
    2n ** 30n,
    -(2n ** 30n),
    -(2n ** 30n) - 1n,
    2n ** 53n + 1n,
    -(10n ** 20n),
  ])('keeps the amount %s exactly in every field', (amount) => {
    const account: Account = {
      ...base,
      balanceMinor: amount,
      reservedMinor: amount,
      floorMinor: amount,
      capMinor: amount,
      outgoingMinor: amount,
    }
    expect(accountOfCached(cachedAccountOf(account))).toEqual(account)
  })

  it('keeps a card, no floor and the recent payments in order', () => {
    const account: Account = {
      ...base,
      kind: 'bank',
      floorMinor: null,
      card: { bank: 'ICBC', last4: '4321', token: 'tok_1' },
      recentPaymentIds: ['P000000C', 'P000000B', 'P000000A'],
    }
    const cached = cachedAccountOf(account)
    expect(cached.recent).toBe('P000000C,P000000B,P000000A')
    expect(accountOfCached(cached)).toEqual(account)
  })

  it('holds small amounts as numbers and large ones as bigints', () => {
    const cached = cachedAccountOf({ ...base, balanceMinor: 1_000_00n, capMinor: 2n ** 40n })
    expect(typeof cached.balance).toBe('number')
    expect(typeof cached.cap).toBe('bigint')
  })
})
