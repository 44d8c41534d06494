/**
 * retention.ts - the idempotency log's retention: a command's first answer is kept for
 * operating.idempotencyKeepMs so that a retry under its key replays it; after that the key is
 * forgotten, as Stripe forgets its keys, and a repeat runs as a new command. The gateway's sweep
 * runs one bounded step a sweep, so a backlog is worked off over many sweeps instead of blocking
 * the event loop (and the ledger's writer) at once. Payments, transfers and entries are never
 * pruned. Exports IdempotencyRetention.
 */
import type { OperatingLimits } from '../core/index.js'
import type { LedgerStore } from '../ledger/store.js'
import type { Clock } from './clock.js'
import type { Logger } from './log.js'
import type { Metrics } from './metrics.js'

export interface RetentionDeps {
  readonly ledger: Pick<LedgerStore, 'pruneCommandLog'>
  readonly clock: Clock
  readonly operating: Pick<OperatingLimits, 'idempotencyKeepMs' | 'idempotencyPruneRowsMax'>
  readonly log: Logger
  readonly metrics: Metrics
}

export class IdempotencyRetention {
  private pruned = 0

  constructor(private readonly deps: RetentionDeps) {
    // Read when scraped, so the series shows 0 before the first row goes.
    deps.metrics.counterFrom(
      'telepay_idempotency_keys_pruned_total',
      'Idempotency-log rows deleted once older than operating.idempotencyKeepMs',
      [],
      () => [{ labels: {}, value: this.pruned }],
    )
  }

  /** Deletes at most idempotencyPruneRowsMax rows older than the window; returns how many went. */
  async step(): Promise<number> {
    const { ledger, clock, operating, log } = this.deps
    const beforeMs = clock.nowMs() - operating.idempotencyKeepMs
    const rows = await ledger.pruneCommandLog(beforeMs, operating.idempotencyPruneRowsMax)
    if (rows > 0) {
      this.pruned += rows
      log.info('idempotency log pruned', { rows, before: new Date(beforeMs).toISOString() })
    }
    return rows
  }
}
