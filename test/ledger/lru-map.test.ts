/**
 * lru-map.test.ts - the ledger's row caches drop the least recently used rows past their bound,
 * one by one: a row read again stays, a row only written long ago goes, and the cache is never
 * cleared whole (clearing the account-id index whole once sent every payer's next lookups to
 * SQLite at once).
 */
import { describe, expect, it } from 'vitest'
import { LruMap } from '../../src/ledger/lru-map.js'

describe('the least-recently-used map', () => {
  it('keeps what was read lately and drops what was not, down to its bound', () => {
    const cache = new LruMap<string, number>(3)
    for (const [key, value] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      cache.set(key, value)
    expect(cache.get('a')).toBe(1)
    cache.set('d', 4)
    cache.set('e', 5)
    // Over its bound until trimmed: a batch may need more rows than the bound holds.
    expect(cache.size).toBe(5)
    expect(cache.trim()).toBe(2)
    expect(cache.size).toBe(3)
    // b and c were used least lately; a was read after them.
    expect(cache.peek('b')).toBeUndefined()
    expect(cache.peek('c')).toBeUndefined()
    expect([cache.peek('a'), cache.peek('d'), cache.peek('e')]).toEqual([1, 4, 5])
    expect(cache.trim()).toBe(0)
  })

  it('does not count a peek as a use, and a set again as one', () => {
    const cache = new LruMap<number, string>(2)
    cache.set(1, 'one')
    cache.set(2, 'two')
    cache.peek(1)
    cache.set(3, 'three')
    cache.trim()
    expect(cache.peek(1)).toBeUndefined()
    cache.set(2, 'two again')
    cache.set(4, 'four')
    cache.trim()
    expect(cache.peek(3)).toBeUndefined()
    expect(cache.get(2)).toBe('two again')
    expect(cache.get(4)).toBe('four')
  })

  it('holds a large world within its bound whatever the order of use', () => {
    const cache = new LruMap<number, number>(1_000)
    for (let n = 0; n < 50_000; n += 1) {
      cache.set(n, n)
      if (n % 7 === 0) cache.get(Math.floor(n / 2))
      if (n % 1_000 === 999) cache.trim()
    }
    expect(cache.size).toBe(1_000)
    // The last thousand set are the ones kept (the reads of older keys miss or are older still).
    expect(cache.peek(49_999)).toBe(49_999)
    expect(cache.peek(48_000)).toBeUndefined()
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
