/**
 * lru-map.ts - a map bounded by a number of entries that keeps the rows used again and lets
 * rows used once pass through: a segmented least-recently-used cache. Exports LruMap.
 *
 * A new entry goes on probation, a small segment; when it is used again in a later round (a round
 * ends at each trim, i.e. each batch) it is promoted to the protected segment, which holds the
 * rest of the bound. While the protected segment has room, new entries go straight into it, so a
 * cache warms up as a plain one does. Why: with a world larger than the bound and payers drawn
 * at random, a plain LRU replaced almost every row on every payment, and each replaced row had
 * lived long enough to be copied into V8's old generation and collected there (measured: at
 * 1,000,000 subscribers a larger bound made the ledger slower, 0.48 -> 0.29 of raw SQLite).
 * With probation, a row read once is young garbage; the protected rows stay put.
 *
 * Trimming is a separate step so that a caller keeps every entry a transaction still needs (a
 * dirty row not yet written) and trims between transactions; it drops entries one by one, never
 * the whole map.
 *
 * The order is a doubly linked list through the entries, not a Map's insertion order: moving a
 * read entry to the young end of a Map (delete, set again) leaves a deleted slot in the key's
 * hash chain each time until the table is rebuilt, so a key read on every payment (a merchant's
 * account) grew a chain of thousands of dead slots and every lookup of it walked them (measured:
 * 6,000 lookups took 300 ms instead of 0.4 ms).
 */
interface Entry<K, V> {
  readonly key: K
  value: V
  /** Toward the most recently used end of its segment. */
  newer: Entry<K, V> | null
  /** Toward the least recently used end of its segment. */
  older: Entry<K, V> | null
  segment: Segment<K, V>
  /** The round it joined probation in: a use in a later round promotes it. */
  round: number
  /** The last round it was used in: a second use in one round moves nothing. */
  usedRound: number
}

/** One segment's order, most recently used first. */
class Segment<K, V> {
  newest: Entry<K, V> | null = null
  oldest: Entry<K, V> | null = null
  size = 0

  unlink(entry: Entry<K, V>): void {
    if (entry.newer === null) this.newest = entry.older
    else entry.newer.older = entry.older
    if (entry.older === null) this.oldest = entry.newer
    else entry.older.newer = entry.newer
    entry.newer = null
    entry.older = null
    this.size -= 1
  }

  reset(): void {
    this.newest = null
    this.oldest = null
    this.size = 0
  }

  push(entry: Entry<K, V>): void {
    entry.older = this.newest
    entry.newer = null
    entry.segment = this
    if (this.newest === null) this.oldest = entry
    else this.newest.newer = entry
    this.newest = entry
    this.size += 1
  }
}

/**
 * The probation segment's share of the bound. Small on purpose: a row read once should be gone
 * within a batch or two, before a young-generation collection copies it to the old generation
 * (a batch is up to 1,000 payments; 1 % of the default 150,000 rows is 1,500).
 */
const probationShare = 0.01

export class LruMap<K, V> {
  private readonly entries = new Map<K, Entry<K, V>>()
  private readonly probation = new Segment<K, V>()
  private readonly protected = new Segment<K, V>()
  private readonly probationMax: number
  private readonly protectedMax: number
  private round = 0

  constructor(readonly entriesMax: number) {
    this.probationMax = Math.max(1, Math.ceil(entriesMax * probationShare))
    this.protectedMax = Math.max(0, entriesMax - this.probationMax)
  }

  get size(): number {
    return this.entries.size
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.use(entry)
    return entry.value
  }

  /** The value without counting it as used (for writing dirty rows back, for tests). */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value
  }

  set(key: K, value: V): void {
    const entry = this.entries.get(key)
    if (entry !== undefined) {
      entry.value = value
      this.use(entry)
      return
    }
    const segment = this.protected.size < this.protectedMax ? this.protected : this.probation
    const added: Entry<K, V> = {
      key,
      value,
      newer: null,
      older: null,
      segment,
      round: this.round,
      usedRound: this.round,
    }
    this.entries.set(key, added)
    segment.push(added)
  }

  delete(key: K): void {
    const entry = this.entries.get(key)
    if (entry !== undefined) this.drop(entry)
  }

  /** Forgets every entry at once: the entries go with the map, the segments start empty. */
  clear(): void {
    this.entries.clear()
    this.probation.reset()
    this.protected.reset()
  }

  /**
   * Ends a round: demotes the protected segment's least recently used entries to probation while
   * it is over its share, then drops probation's least recently used entries until the map is
   * within its bound and probation within its share. Returns how many entries were dropped.
   */
  trim(): number {
    this.round += 1
    while (this.protected.size > this.protectedMax && this.protected.oldest !== null) {
      const entry = this.protected.oldest
      this.protected.unlink(entry)
      entry.round = this.round
      this.probation.push(entry)
    }
    let dropped = 0
    while (
      (this.probation.size > this.probationMax || this.entries.size > this.entriesMax) &&
      this.probation.oldest !== null
    ) {
      this.drop(this.probation.oldest)
      dropped += 1
    }
    while (this.entries.size > this.entriesMax && this.protected.oldest !== null) {
      this.drop(this.protected.oldest)
      dropped += 1
    }
    return dropped
  }

  private drop(entry: Entry<K, V>): void {
    entry.segment.unlink(entry)
    this.entries.delete(entry.key)
  }

  /**
   * Makes the entry the most recently used, promoting it off probation if used in a new round.
   * Only its first use in a round moves it: trimming happens between rounds, so the order within
   * one does not matter, and a row read by every payment (the platform's, a merchant's) was
   * relinked thousands of times a batch, touching its neighbours' memory each time.
   */
  private use(entry: Entry<K, V>): void {
    if (entry.usedRound === this.round) return
    entry.usedRound = this.round
    if (entry.segment === this.protected) {
      if (entry === this.protected.newest) return
      this.protected.unlink(entry)
      this.protected.push(entry)
      return
    }
    this.probation.unlink(entry)
    if (entry.round < this.round) this.protected.push(entry)
    else this.probation.push(entry)
  }
}
