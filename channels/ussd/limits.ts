/**
 * limits.ts - every bound of the USSD channel in one object: session timers, the answer
 * deadline, request sizes, the work one sweep or one hop may do, the session store's memory
 * and write-behind bounds, and what an external app (a service code served at a URL) may take.
 * Exports UssdLimits, defaultUssdLimits, checkUssdLimits and sessionIdleHeader.
 */

/**
 * The response header of `POST /ussd` that names sessionIdleMs: `telepay ussd` plays the phone's
 * network, which drops an idle dialogue, so it tells the user the gateway's own timeout and
 * applies it. Providers ignore it.
 */
export const sessionIdleHeader = 'telepay-session-idle-ms'

export interface UssdLimits {
  /**
   * A session whose user typed nothing for this long is over. Networks drop an idle USSD
   * dialogue after 20-60 s (Africa's Talking: 30 s for Kenyan telcos); past it no answer of
   * ours can reach the phone anyway.
   */
  readonly sessionIdleMs: number
  /** A session's whole life: USSD dialogues are capped at 120-180 s by the network (AT: 180 s). */
  readonly sessionTotalMs: number
  /**
   * How long a hop may wait for the core before the user gets a polite END. The aggregator
   * gives the application about 10 s (AT's "connection to application" timeout, the MAP
   * timer); half of it leaves room for the round trip through the aggregator and the network.
   */
  readonly answerDeadlineMs: number
  /**
   * Commands one hop may run: the engine may answer a command's result with another command.
   * Two covers every menu; a longer chain is an engine bug, not a flow.
   */
  readonly commandsPerHopMax: number
  /** Characters of a provider session id: AT's are ~40, Hubtel's 32; a longer one is junk. */
  readonly sessionIdLengthMax: number
  /**
   * Characters of AT's accumulated `text` (or Hubtel's Message). A 180 s session of inputs of
   * at most one page each stays far below; the bound keeps a bad client from making us hash
   * and compare megabytes.
   */
  readonly inputLengthMax: number
  /** Bytes of a provider request body: a USSD callback is a few hundred bytes. */
  readonly requestBodyBytesMax: number
  /** Sessions expired by one sweep: keeps one sweep short after a long pause of the clock. */
  readonly expireBatchMax: number
  /**
   * How long an ended session is kept, so that a provider's late retry of the last hop still
   * gets the END it was sent: retries come within seconds, ten minutes is generous.
   */
  readonly endedKeepMs: number
  /**
   * Commands still running after their hop was answered by the deadline's END; past it a new
   * command is refused at once with the same END rather than piling up on a stalled bank.
   */
  readonly lateCommandsMax: number
  /**
   * Sessions the store keeps in memory (its working copy; session-store.ts). A record is 1-2 KB
   * on the heap (1.1 KB measured for a pay-merchant session at its confirm screen), so the bound
   * caps the copy at 20-40 MB. 200 concurrent sessions is the
   * issue's figure; 20,000 open at once is a national network's peak for one service code.
   * Past it the least recently active sessions are left to SQLite alone and read back from it:
   * slower, never wrong.
   */
  readonly sessionsInMemoryMax: number
  /**
   * How often changed sessions are written to SQLite, in one transaction. It is what a crash
   * may lose of session updates (sessions are not money: a lost hop is replayed and its command
   * is idempotent by `${session}:${hop}` in the ledger). Tens of ms keep the loss to the hops of
   * that instant while a busy gateway still writes dozens of records per transaction.
   */
  readonly sessionFlushIntervalMs: number
  /**
   * Changed sessions waiting for the next write; at this many they are written at once. One
   * transaction blocks the event loop for about 10 us a record, so this keeps a write under
   * ~20 ms even when the clock of the flush timer falls behind a burst.
   */
  readonly sessionsDirtyMax: number
  /**
   * How long telepay, as the aggregator, waits for an external app's answer to one request
   * (connect, status and body). Africa's Talking gives an app about 5 s before it fails the
   * session, and the user holds a USSD dialogue the network drops within 20-60 s; past it the
   * session ends with a polite END.
   */
  readonly appAnswerTimeoutMs: number
  /**
   * Bytes of an external app's answer read at most. One USSD page is 182 characters, about 550
   * bytes of UTF-8 at worst with its `CON ` prefix; an answer past this bound is too long for
   * a screen anyway, and reading no further keeps a runaway app from filling memory.
   */
  readonly appAnswerBytesMax: number
  /**
   * External apps configured (`ussd.externalApps`). Every dial is matched against each code; a
   * test network serves a handful, and a hundred keeps the match trivial.
   */
  readonly externalAppsMax: number
}

export const defaultUssdLimits: UssdLimits = {
  sessionIdleMs: 30_000,
  sessionTotalMs: 180_000,
  answerDeadlineMs: 5_000,
  commandsPerHopMax: 2,
  sessionIdLengthMax: 128,
  inputLengthMax: 2_000,
  requestBodyBytesMax: 8 * 1024,
  expireBatchMax: 500,
  endedKeepMs: 10 * 60_000,
  lateCommandsMax: 1_000,
  sessionsInMemoryMax: 20_000,
  sessionFlushIntervalMs: 50,
  sessionsDirtyMax: 2_000,
  appAnswerTimeoutMs: 5_000,
  appAnswerBytesMax: 2 * 1024,
  externalAppsMax: 100,
}

/** Returns the problems of a limit set, each naming its key; empty when the set is sound. */
export function checkUssdLimits(limits: UssdLimits): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || (value as number) <= 0)
      problems.push(`${key} must be a positive integer`)
  }
  if (limits.sessionIdleMs > limits.sessionTotalMs)
    problems.push('sessionIdleMs must not exceed sessionTotalMs')
  if (limits.answerDeadlineMs >= limits.sessionIdleMs)
    problems.push('answerDeadlineMs must be below sessionIdleMs')
  if (limits.sessionsDirtyMax > limits.sessionsInMemoryMax)
    problems.push('sessionsDirtyMax must not exceed sessionsInMemoryMax')
  // A write later than the idle timeout would let a restart find sessions older than they were.
  if (limits.sessionFlushIntervalMs >= limits.sessionIdleMs)
    problems.push('sessionFlushIntervalMs must be below sessionIdleMs')
  // The user waits on the app with the dialogue open: an answer after the idle timeout is lost.
  if (limits.appAnswerTimeoutMs >= limits.sessionIdleMs)
    problems.push('appAnswerTimeoutMs must be below sessionIdleMs')
  return problems
}
