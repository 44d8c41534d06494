/**
 * gaps.ts - the serials missing around an upload. A terminal numbers every purchase it begins
 * (its PSAM's counter), so a hole in its serials is a purchase not uploaded yet or one torn off
 * the card before it happened; a card numbers every purchase it makes (its offline serial), so a
 * hole there is a purchase at some terminal that has not uploaded it. Exports missingRanges,
 * SerialRange.
 */

/** Missing serials from..to, both included. */
export type SerialRange = readonly [number, number]

/**
 * The ranges of [from, to] that `present` (sorted ascending, possibly with repeats) leaves out,
 * at most `rangesMax` of them: a report, not an inventory.
 */
export function missingRanges(
  present: readonly number[],
  from: number,
  to: number,
  rangesMax: number,
): SerialRange[] {
  const ranges: SerialRange[] = []
  let next = from
  for (const serial of present) {
    if (serial < next) continue
    if (serial > to) break
    if (serial > next) ranges.push([next, serial - 1])
    if (ranges.length >= rangesMax) return ranges
    next = serial + 1
  }
  if (next <= to && ranges.length < rangesMax) ranges.push([next, to])
  return ranges
}
