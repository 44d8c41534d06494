/**
 * page-cache.ts - a bounded memo of split screens: the pages of a screen are a pure function of
 * its text, options and navigation, so the engine splits each distinct screen once and reuses
 * the pages for the next hop that shows it, or that only asks how many pages it has (is "98"
 * More or an amount?). Oldest entry out first. Exports PageCache.
 */
import { assert } from '../../../src/core/index.js'

export class PageCache {
  // A Map iterates in insertion order: its first key is the oldest entry.
  private readonly entries = new Map<string, readonly string[]>()

  constructor(private readonly entriesMax: number) {
    assert(
      Number.isInteger(entriesMax) && entriesMax >= 0,
      `page cache bound ${entriesMax} must be a whole number`,
    )
  }

  get size(): number {
    return this.entries.size
  }

  /** The pages under `key`, split by `split` on a miss. */
  pages(key: string, split: () => string[]): readonly string[] {
    const hit = this.entries.get(key)
    if (hit !== undefined) return hit
    const pages = split()
    if (this.entriesMax === 0) return pages
    if (this.entries.size >= this.entriesMax) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.entries.delete(oldest.value)
    }
    this.entries.set(key, pages)
    return pages
  }
}
