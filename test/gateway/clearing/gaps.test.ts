/**
 * gaps.test.ts - the serials missing around an upload, from the runs of serials the ledger holds:
 * holes between runs, before the first and after the last, runs that reach outside the window,
 * and the bound on how many ranges one answer lists; and when an upload's own serials cover
 * their range (the ledger is not asked then).
 */
import { describe, expect, it } from 'vitest'
import { coversRange, missingRanges } from '../../../src/gateway/clearing/gaps.js'

describe('missingRanges', () => {
  it('lists the holes between runs and at both ends', () => {
    expect(
      missingRanges(
        [
          [3, 5],
          [8, 8],
          [10, 12],
        ],
        1,
        14,
        20,
      ),
    ).toEqual([
      [1, 2],
      [6, 7],
      [9, 9],
      [13, 14],
    ])
  })

  it('finds nothing missing when one run covers the window, or runs touch', () => {
    expect(missingRanges([[1, 100]], 1, 100, 20)).toEqual([])
    expect(
      missingRanges(
        [
          [0, 4],
          [5, 9],
        ],
        0,
        9,
        20,
      ),
    ).toEqual([])
  })

  it('reads runs that start before the window or end after it', () => {
    expect(
      missingRanges(
        [
          [1, 6],
          [9, 30],
        ],
        5,
        20,
        20,
      ),
    ).toEqual([[7, 8]])
  })

  it('answers the whole window when nothing was cleared in it', () => {
    expect(missingRanges([], 4, 9, 20)).toEqual([[4, 9]])
  })

  it('stops at the bound: a report, not an inventory', () => {
    const runs = Array.from({ length: 50 }, (_, i) => [i * 2, i * 2] as const)
    expect(missingRanges(runs, 0, 100, 3)).toEqual([
      [1, 1],
      [3, 3],
      [5, 5],
    ])
  })
})

describe('coversRange', () => {
  it('holds when every serial of the range is there, in any order and repeated', () => {
    expect(coversRange([5, 3, 4, 4], 3, 5)).toBe(true)
    expect(coversRange([7], 7, 7)).toBe(true)
  })

  it('fails on a hole, and serials outside the range do not fill it', () => {
    expect(coversRange([3, 5], 3, 5)).toBe(false)
    expect(coversRange([3, 5, 6, 2], 3, 5)).toBe(false)
    expect(coversRange([], 3, 3)).toBe(false)
  })
})
