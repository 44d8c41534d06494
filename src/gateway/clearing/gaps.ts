/**
 * gaps.ts - the serials missing around an upload. A terminal numbers every purchase it begins
 * (its PSAM's counter), so a hole in its serials is a purchase not uploaded yet or one torn off
 * the card before it happened; a card numbers every purchase it makes (its offline serial), so a
 * hole there is a purchase at some terminal that has not uploaded it. Exports missingRanges,
 * coversRange, SerialRange.
 */

/** Missing serials from..to, both included. */
export type SerialRange = readonly [number, number]

/**
 * The ranges of [from, to] that the runs `present` (ascending, [first, last] each) leave out, at
 * most `rangesMax` of them: a report, not an inventory.
 */
export function missingRanges(
  present: readonly SerialRange[],
  from: number,
  to: number,
  rangesMax: number,
): SerialRange[] {
  const ranges: SerialRange[] = []
  let next = from
  for (const [first, last] of present) {
    if (last < next) continue
    if (first > to) break
    if (first > next) ranges.push([next, first - 1])
    if (ranges.length >= rangesMax) return ranges
    next = Math.max(next, last + 1)
  }
  if (next <= to && ranges.length < rangesMax) ranges.push([next, to])
  return ranges
}

/**
 * Whether `serials` (in any order, repeats allowed) hold every serial of [from, to]: then the
 * ledger need not be asked which of them were cleared.
 */
export function coversRange(serials: Iterable<number>, from: number, to: number): boolean {
  const seen = new Set<number>()
  for (const serial of serials) if (serial >= from && serial <= to) seen.add(serial)
  return seen.size === to - from + 1
}
