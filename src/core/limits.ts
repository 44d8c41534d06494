/**
 * limits.ts - every money rule and every bound of the core, in one place. The defaults are
 * SPEC section 3; an operator may override them in the config file (see src/config.ts), and
 * checkLimits() refuses a set whose relations do not hold.
 */
import type { OperatingModelId } from './operating-models.js'
import { isOperatingModelId, operatingModelIds } from './operating-models.js'

export interface Limits {
  /**
   * Who runs the platform (operating-models.ts): which accounts are offered, who may pay whom and
   * how the merchant fee is shared. The config file sets it as the top-level `operatingModel`.
   */
  readonly operatingModel: OperatingModelId
  /**
   * The micro/macro-payment line. Below it the SIM identity the network delivers is enough to
   * authorize a payment; above it the PIN and the account's credit institution authenticate. The
   * phone bill takes micro-payments only (SIM-authorized), so this is also its most a payment.
   */
  readonly phoneBillPaymentMaxMinor: bigint
  /** The prepaid wallet is an e-money purse: bounded per payment... */
  readonly walletPaymentMaxMinor: bigint
  /** ...and in what it may hold (e-money regulation caps stored value). */
  readonly walletHeldMaxMinor: bigint
  /**
   * What an RFID-SIM's e-purse may hold: it is anonymous stored value that cannot be reported
   * lost, which PBOC's 2012 prepaid-card rule caps at CNY 1,000. A top-up over the air that would
   * take the card past it is refused before any money moves.
   */
  readonly purseHeldMaxMinor: bigint
  /** A bank-linked card pays larger sums, still bounded per payment. */
  readonly bankPaymentMaxMinor: bigint
  /** Money leaving one subscriber in one local day, across all accounts and channels. */
  readonly dailyOutgoingMaxMinor: bigint
  /** How long a payment waits for the user's YES/PIN (SIM toolkit prompts wait about 60 s). */
  readonly authorizationTtlMs: number
  /** Wrong PINs in a row before the subscriber is locked (EMV PIN try counter is 3). */
  readonly pinAttemptsMax: number
  /** How long a lock lasts, on every channel. */
  readonly pinLockMs: number
  /** Merchant fee in basis points of the payment (100 = 1.00 %). */
  readonly merchantFeeBasisPoints: bigint
  /**
   * Most one operator top-up credits (admin API, world load): money comes in from outside, so a
   * slip of a few zeros would create it; larger sums come in several top-ups, each on record.
   */
  readonly fundingMaxMinor: bigint
  /** Local day boundary for daily limits and settlement: CNY is kept in China Standard Time. */
  readonly dayOffsetMs: number
  /** Rows shown by a mini statement (SMS HIST). */
  readonly statementRowsMax: number
  /** Payments expired by one sweep: keeps one batch short even after a long outage. */
  readonly expirySweepRowsMax: number
}

export const defaultLimits: Limits = {
  operatingModel: 'cooperative',
  phoneBillPaymentMaxMinor: 5_000n,
  walletPaymentMaxMinor: 200_000n,
  walletHeldMaxMinor: 1_000_000n,
  purseHeldMaxMinor: 100_000n,
  bankPaymentMaxMinor: 5_000_000n,
  dailyOutgoingMaxMinor: 500_000n,
  authorizationTtlMs: 120_000,
  pinAttemptsMax: 3,
  pinLockMs: 15 * 60_000,
  merchantFeeBasisPoints: 100n,
  fundingMaxMinor: 10_000_000n,
  dayOffsetMs: 8 * 3_600_000,
  statementRowsMax: 5,
  expirySweepRowsMax: 500,
}

/** Returns the problems of a limit set, each naming its key; empty when the set is sound. */
export function checkLimits(limits: Limits): string[] {
  const problems: string[] = []
  if (!isOperatingModelId(limits.operatingModel))
    problems.push(`operatingModel must be one of ${operatingModelIds.join(', ')}`)
  const positive: Exclude<keyof Limits, 'operatingModel'>[] = [
    'phoneBillPaymentMaxMinor',
    'walletPaymentMaxMinor',
    'walletHeldMaxMinor',
    'purseHeldMaxMinor',
    'bankPaymentMaxMinor',
    'dailyOutgoingMaxMinor',
    'fundingMaxMinor',
    'authorizationTtlMs',
    'pinAttemptsMax',
    'pinLockMs',
    'statementRowsMax',
    'expirySweepRowsMax',
  ]
  for (const key of positive) {
    const value = limits[key]
    if (!(typeof value === 'bigint' ? value > 0n : Number.isInteger(value) && value > 0)) {
      problems.push(`${key} must be a positive integer`)
    }
  }
  if (limits.walletPaymentMaxMinor > limits.walletHeldMaxMinor) {
    problems.push('walletPaymentMaxMinor must not exceed walletHeldMaxMinor')
  }
  if (limits.merchantFeeBasisPoints < 0n || limits.merchantFeeBasisPoints > 10_000n) {
    problems.push('merchantFeeBasisPoints must be between 0 and 10000')
  }
  return problems
}

/** The local day number of an instant, for daily limits and settlement days. */
export function dayOf(nowMs: number, limits: Limits): number {
  return Math.floor((nowMs + limits.dayOffsetMs) / 86_400_000)
}

/** The local date of an instant, YYYY-MM-DD: the settlement day it belongs to. */
export function localDateOf(nowMs: number, limits: Limits): string {
  return new Date(dayOf(nowMs, limits) * 86_400_000).toISOString().slice(0, 10)
}

/** The UTC instant at which a local day starts. */
export function dayStartMs(day: number, limits: Limits): number {
  return day * 86_400_000 - limits.dayOffsetMs
}

/** Bounds of the gateway's own machinery: queues, batches, retries and timeouts. */
export interface OperatingLimits {
  /** Commands in one group commit: bounds how long one batch holds the writer (and its p99). */
  readonly groupCommitCommandsMax: number
  /** Commands waiting for the writer; past it a command is refused as system_busy at once. */
  readonly commandQueueDepthMax: number
  /** One call to the issuing bank; shorter than the USSD answer deadline of the callers. */
  readonly bankTimeoutMs: number
  /** Deliveries of one merchant webhook before it is abandoned (reported in the outbox). */
  readonly webhookAttemptsMax: number
  /** First retry delay of a webhook; doubled on every further attempt. */
  readonly webhookBackoffBaseMs: number
  /** One webhook POST. */
  readonly webhookTimeoutMs: number
  /** Outbox rows taken per delivery round. */
  readonly outboxBatchMax: number
  /** How often waiting payments are checked for expiry and the outbox for due deliveries. */
  readonly sweepIntervalMs: number
  /** Bytes of a JSON request body. */
  readonly httpBodyBytesMax: number
  /** Rows one transactions query may return. */
  readonly transactionsQueryRowsMax: number
  /**
   * Graceful stop (SIGTERM): how long the commands already taken (HTTP requests, MOs) get to be
   * answered once no new input is accepted. A USSD answer deadline or a bank call (5 s) fits in
   * it; what is still running after it is cut, as a SIGKILL would.
   */
  readonly stopInFlightMs: number
  /**
   * Graceful stop: how long the SMS outbox (kept replies, notices) is delivered over the
   * sessions still bound before they unbind. What is left stays in the outbox for the restart;
   * a supervisor's kill timeout (systemd 90 s, Kubernetes 30 s) must exceed both stop bounds.
   */
  readonly stopOutboxDrainMs: number
  /**
   * Graceful stop: how long the last HTTP answers get to leave on their own connections before
   * those still open are cut (a client that does not read its answer cannot hold the stop).
   */
  readonly stopHttpCloseGraceMs: number
  /**
   * How long a command's first answer is kept for a retry under the same idempotency key; past
   * it the key is forgotten and a repeat runs as a new command (Stripe prunes its keys once they
   * are 24 hours old). A week outlasts an SMSC's retries of an MO (until the message expires,
   * days at most) and a merchant's retry queue through a long weekend's outage. A logged answer
   * takes 340-400 bytes with its key (telepay bench storage), so the window bounds the log at
   * the commands of one week.
   */
  readonly idempotencyKeepMs: number
  /**
   * Idempotency-log rows one pruning step deletes. A step holds the writer (and the event loop)
   * for its transaction and fsync: at 1,000 rows a fraction of a batch of 1,000 payments (16 ms
   * at p50 beside 116 ms, telepay bench storage). One runs per sweep, so a backlog (a database
   * that never pruned) is worked off at this many rows a sweep, without one long block.
   */
  readonly idempotencyPruneRowsMax: number
  /**
   * Rows of each party cache of the ledger (subscribers, accounts, each owner's account ids).
   * A row costs ~330 bytes of heap (143 MB for the three caches full at 150,000 rows each). New
   * rows wait on probation and stay only when used again in a later batch, so a world larger
   * than the bound does not churn it (src/ledger/lru-map.ts). Measured with subscribers paying at
   * random (telepay bench scale --sections A): 0.955 of raw SQLite at 100,000 subscribers, 0.57
   * at 1,000,000; 400,000 rows were no faster at 1,000,000 (most payers miss either way) and cost
   * 250 MB more heap. Raise it when the subscribers who pay within minutes of each other do not
   * fit.
   */
  readonly ledgerCacheRowsMax: number
  /**
   * Payments whose correlation id (the X-Request-Id of the HTTP call that asked for them) is kept
   * in memory to label their later log lines (src/service/correlation.ts); the oldest is forgotten
   * first. A payment's prompt, confirmation and webhook retries take minutes: 100,000 covers
   * five minutes of 300 merchant requests a second, in about 20 MB of heap (measured).
   */
  readonly correlationIdsMax: number
}

export const defaultOperatingLimits: OperatingLimits = {
  groupCommitCommandsMax: 1_000,
  commandQueueDepthMax: 50_000,
  bankTimeoutMs: 5_000,
  webhookAttemptsMax: 8,
  webhookBackoffBaseMs: 1_000,
  webhookTimeoutMs: 5_000,
  outboxBatchMax: 50,
  sweepIntervalMs: 1_000,
  httpBodyBytesMax: 64 * 1024,
  transactionsQueryRowsMax: 500,
  stopInFlightMs: 10_000,
  stopOutboxDrainMs: 5_000,
  stopHttpCloseGraceMs: 1_000,
  idempotencyKeepMs: 7 * 86_400_000,
  idempotencyPruneRowsMax: 1_000,
  ledgerCacheRowsMax: 150_000,
  correlationIdsMax: 100_000,
}

/**
 * The shortest idempotency window taken: an SMSC and a merchant retry for hours, and a retry
 * that comes after its key was forgotten pays a second time.
 */
export const idempotencyKeepMsMin = 86_400_000

/**
 * Returns the problems of an operating set beyond each key being a positive integer (config.ts
 * checks that), each naming its key; empty when the set is sound.
 */
export function checkOperatingLimits(limits: OperatingLimits): string[] {
  const problems: string[] = []
  if (limits.idempotencyKeepMs < idempotencyKeepMsMin)
    problems.push(
      `idempotencyKeepMs must be at least ${idempotencyKeepMsMin} (one day): a retry after ` +
        'its key is forgotten pays again',
    )
  return problems
}
