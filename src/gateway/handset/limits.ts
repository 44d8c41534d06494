/**
 * limits.ts - every bound of the handset side of the gateway in one place: how much of each
 * phone's SMS the message log keeps and for how long, how its writes are batched, how much one
 * page or one resume reads, and how many live streams there are and how far a slow one may lag.
 * Exports HandsetLimits, handsetLimits, checkHandsetLimits.
 */
import { assert } from '../../core/index.js'

export interface HandsetLimits {
  /**
   * Messages kept per MSISDN. A person scrolls back a few screens; 200 is weeks of a busy test
   * phone, and a load test's phones (thousands of MOs each) cannot fill the ledger file with
   * them.
   */
  readonly messagesPerMsisdnMax: number
  /**
   * Messages an MSISDN may gain past its cap before a trim is queued for it: trimming after
   * every message would walk the cap's index entries on every write; after 20 it walks them once
   * per 20 messages, and the cap is overshot by at most this many.
   */
  readonly capSlackMessages: number
  /**
   * How long a message is kept, whatever the cap: a week covers a test campaign's questions
   * ("what did phone X get on Monday?"); the log is the operator's view, not an archive (the
   * ledger keeps the payments for ever).
   */
  readonly messageKeepMs: number
  /**
   * How often recorded messages are written to the ledger file, in one transaction. A write per
   * message would add an fsync (synchronous=FULL) to every MO and MT; once a second costs one.
   * A crash loses at most this much of the log, never money (the ledger's own rows are written
   * by their commands).
   */
  readonly flushIntervalMs: number
  /** Recorded messages and state changes waiting for a write; reaching it writes at once. */
  readonly unflushedMax: number
  /**
   * Rows one retention step deletes at most, past their age: one short transaction. With a step a
   * second this removes 500 rows a second, about 250 SMS exchanges (an MO and its reply): above
   * that rate for days the table outgrows the age bound, and only the per-number cap holds it.
   */
  readonly pruneRowsMax: number
  /** MSISDNs trimmed to their cap by one retention step at most. */
  readonly capTrimsPerStepMax: number
  /**
   * MSISDNs waiting for a trim; past it the oldest waits for its next messages (the age still
   * bounds it). Each is a short string: 10,000 of them hold under a megabyte.
   */
  readonly capTrimsPendingMax: number
  /** Messages one GET /admin/api/messages page returns at most (the transactions' bound). */
  readonly pageRowsMax: number
  /** A page of the admin API's message log when the call names no `limit`: a screen's worth. */
  readonly pageRowsDefault: number
  /**
   * Messages a stream sends from the log when it opens or resumes (Last-Event-ID): the screen's
   * worth a handset shows; older ones are a page of the admin API away.
   */
  readonly backlogMessagesMax: number
  /**
   * Live streams open at once. Each holds a socket and a heartbeat timer; a simulator's
   * handful of web handsets needs few, and a loop opening streams must not exhaust sockets.
   */
  readonly streamsMax: number
  /** Streams of one MSISDN at once: a page in two tabs, and a test's reader beside it. */
  readonly streamsPerMsisdnMax: number
  /**
   * Events queued behind a stream whose client does not read; past it the stream is closed and
   * the client's reconnect resumes from the log (Last-Event-ID), so memory stays bounded.
   */
  readonly streamBufferEventsMax: number
  /**
   * A comment line on a quiet stream this often, so proxies and browsers (which drop idle
   * connections after 30 to 60 s) keep it, and a dead client is noticed at the next write.
   */
  readonly heartbeatMs: number
}

export const handsetLimits: HandsetLimits = {
  messagesPerMsisdnMax: 200,
  capSlackMessages: 20,
  messageKeepMs: 7 * 24 * 3_600_000,
  flushIntervalMs: 1_000,
  unflushedMax: 2_000,
  pruneRowsMax: 500,
  capTrimsPerStepMax: 50,
  capTrimsPendingMax: 10_000,
  pageRowsMax: 500,
  pageRowsDefault: 20,
  backlogMessagesMax: 50,
  streamsMax: 100,
  streamsPerMsisdnMax: 4,
  streamBufferEventsMax: 200,
  heartbeatMs: 15_000,
}

/** Refuses a limits set whose relations do not hold (tests pass small ones). */
export function checkHandsetLimits(limits: HandsetLimits): void {
  assert(limits.messagesPerMsisdnMax >= 1, 'messagesPerMsisdnMax at least 1')
  assert(limits.capSlackMessages >= 1, 'capSlackMessages at least 1')
  assert(limits.messageKeepMs > 0, 'messageKeepMs positive')
  assert(limits.flushIntervalMs > 0, 'flushIntervalMs positive')
  assert(limits.unflushedMax >= 1, 'unflushedMax at least 1')
  assert(limits.pruneRowsMax >= 1 && limits.capTrimsPerStepMax >= 1, 'a step prunes something')
  assert(limits.capTrimsPendingMax >= limits.capTrimsPerStepMax, 'a step can take what waits')
  // A resume must fit on one page of what the operator sees.
  assert(limits.backlogMessagesMax <= limits.pageRowsMax, 'backlog within a page')
  assert(
    limits.pageRowsDefault >= 1 && limits.pageRowsDefault <= limits.pageRowsMax,
    'the default page within the largest',
  )
  assert(limits.streamsPerMsisdnMax <= limits.streamsMax, 'streams of one MSISDN within all')
  assert(limits.streamBufferEventsMax >= 1 && limits.heartbeatMs > 0, 'streams can make progress')
}

checkHandsetLimits(handsetLimits)
