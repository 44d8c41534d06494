/**
 * lru-map.test.ts - the ledger's row caches stay within their bound, one row at a time: the rows
 * used in more than one batch stay, a row used in one batch only passes through probation and
 * goes first, and the cache is never cleared whole (clearing the account-id index whole once sent
 * every payer's next lookups to SQLite at once). A "round" is the time between two trims, i.e. a
 * batch of the ledger.
 */
import { describe, expect, it } from 'vitest'
import { LruMap } from '../../src/ledger/lru-map.js'

/** A cache of 100 entries: 99 protected, 1 on probation. */
function fullCache(): LruMap<number, number> {
  const cache = new LruMap<number, number>(100)
  for (let n = 0; n < 99; n += 1) cache.set(n, n)
  cache.trim()
  return cache
}

describe('the row cache', () => {
  it('warms up like a plain cache: rows seen once are kept while there is room', () => {
    const cache = new LruMap<string, number>(3)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.trim()).toBe(0)
    expect([cache.peek('a'), cache.peek('b')]).toEqual([1, 2])
  })

  it('lets a stream of rows used once pass through without displacing the kept ones', () => {
    const cache = fullCache()
    // 10,000 payers seen once each, 500 per batch: none of them is worth keeping.
    for (let n = 1_000; n < 11_000; n += 1) {
      cache.set(n, n)
      if (n % 500 === 499) cache.trim()
    }
    expect(cache.size).toBeLessThanOrEqual(100)
    for (let n = 0; n < 99; n += 1) expect(cache.peek(n)).toBe(n)
  })

  it('keeps a row used again in a later batch, in place of the least recently used one', () => {
    const cache = fullCache()
    cache.get(0) // 0 is now the most recently used of the kept rows; 1 the least
    cache.set(500, 500)
    // Read twice in the batch that brought it: still one batch's use, still on probation.
    expect(cache.get(500)).toBe(500)
    cache.trim()
    expect(cache.get(500)).toBe(500) // a later batch: promoted
    cache.set(501, 501) // a row used once, on probation
    expect(cache.trim()).toBe(1)
    expect(cache.peek(500)).toBe(500)
    expect(cache.peek(0)).toBe(0)
    // The least recently used kept row makes room: demoted to probation, where it displaced 501
    // (probation holds one row here), and dropped at the next trim unless used again.
    expect(cache.peek(501)).toBeUndefined()
    expect(cache.peek(1)).toBe(1)
    expect(cache.size).toBe(100)
    cache.set(502, 502)
    cache.trim()
    expect(cache.peek(1)).toBeUndefined()
  })

  it('orders the kept rows by their first use in a batch: reading one again moves nothing', () => {
    const cache = new LruMap<string, number>(3) // two protected, one on probation
    cache.set('a', 1)
    cache.set('b', 2)
    cache.trim()
    cache.get('b')
    cache.get('a')
    cache.get('b') // the platform's row, read by every payment: still b, then a
    cache.trim()
    cache.set('c', 3)
    cache.trim()
    cache.get('c') // promoted: the least recently used kept row, b, goes to probation
    cache.trim()
    cache.set('d', 4)
    cache.trim()
    expect(cache.peek('b')).toBeUndefined()
    expect([cache.peek('a'), cache.peek('c')]).toEqual([1, 3])
  })

  it('does not count a peek as a use, and counts a set again as one', () => {
    const cache = fullCache()
    cache.set(500, 500)
    cache.trim()
    cache.peek(500)
    cache.set(501, 501)
    cache.trim()
    expect(cache.peek(500)).toBeUndefined()
    cache.trim()
    cache.set(501, -501) // written in a later batch: used again
    cache.set(502, 502)
    cache.trim()
    expect(cache.peek(501)).toBe(-501)
    expect(cache.peek(502)).toBeUndefined()
  })

  it('holds a large world within its bound whatever the order of use', () => {
    const cache = new LruMap<number, number>(1_000)
    let dropped = 0
    for (let n = 0; n < 50_000; n += 1) {
      cache.set(n, n)
      if (n % 7 === 0) cache.get(Math.floor(n / 2))
      if (n % 13 === 0) cache.get(n - 1_300)
      if (n % 1_000 === 999) dropped += cache.trim()
      expect(cache.size).toBeLessThanOrEqual(2_000)
    }
    expect(cache.size).toBeLessThanOrEqual(1_000)
    expect(dropped).toBe(50_000 - cache.size)
    cache.clear()
    expect(cache.size).toBe(0)
    expect(cache.trim()).toBe(0)
  })

  it('forgets a deleted row and keeps its bound after it', () => {
    const cache = fullCache()
    cache.delete(5)
    expect(cache.get(5)).toBeUndefined()
    cache.set(5, 50)
    expect(cache.trim()).toBe(0)
    expect(cache.peek(5)).toBe(50)
    expect(cache.size).toBe(99)
  })

  it('reads a hot key over and over without slowing (fixture: dead slots in a hash chain)', () => {
    // Moving a read key to the young end of a Map by delete and set left a dead slot in its hash
    // chain each time: 300,000 reads of one merchant's account walked chains thousands of slots
    // long and took minutes, far past this test's time-out; with the linked list they take ms.
    const cache = new LruMap<number, number>(150_000)
    for (let n = 0; n < 150_000; n += 1) cache.set(n, n)
    let sum = 0
    for (let n = 0; n < 300_000; n += 1) sum += cache.get(n % 5) ?? 0
    expect(sum).toBe(600_000)
    expect(cache.trim()).toBe(0)
  })
})
