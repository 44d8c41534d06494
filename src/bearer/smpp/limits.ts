/**
 * limits.ts - every bound and timer of the SMPP session layer, with its default and why.
 * Exports SmppLimits, defaultSmppLimits, checkSmppLimits and resolveSmppLimits (defaults plus
 * caller overrides, checked). Tests pass short timers; operators pass what their SMSC agreed.
 */

export interface SmppLimits {
  /**
   * Largest command_length accepted. The npm codec's own ceiling is 16384; a longer length is a
   * framing slip or a port scanner ("HTTP" reads as 1213486160), and the stream cannot be resynced.
   */
  readonly pduLengthMax: number
  /**
   * Requests we sent and still await a response for, per session. Kannel's max-pending-submits
   * default: "recommended that no more than 10". Control PDUs (bind, enquire_link, unbind) do
   * not count, so a full window never hides a dead link.
   */
  readonly windowMax: number
  /** Sends waiting for a window slot; past it a send fails at once instead of growing memory. */
  readonly sendQueueMax: number
  /** How long a request waits for its response before it fails (Jasmin responseTimer 60 s). */
  readonly responseTimeoutMs: number
  /** Quiet time (nothing received) before we probe the link (Kannel, Jasmin: 30 s). */
  readonly enquireLinkIntervalMs: number
  /** An enquire_link unanswered this long means the link is dead and the session is closed. */
  readonly enquireLinkTimeoutMs: number
  /** A server session not bound within this time is closed (Jasmin sessionInitTimer 30 s). */
  readonly sessionInitTimeoutMs: number
  /** How long our unbind waits, first for outstanding requests to drain, then for unbind_resp. */
  readonly unbindTimeoutMs: number
  /** After the last write before a close, how long the peer gets to read it before a destroy. */
  readonly closeGraceMs: number
  /** Our output a peer has not read yet; past it the session closes (it sends but never reads). */
  readonly writeBufferMaxBytes: number
  /** TCP connect attempts give up after this (a black-holed SMSC otherwise hangs the client). */
  readonly connectTimeoutMs: number
  /**
   * Message PDUs (submit_sm, deliver_sm, data_sm) a bind may send us per second; beyond it we
   * answer ESME_RTHROTTLED. Field binds run 100-150 msg/s; telepay's own ESMEs run faster.
   */
  readonly inboundRatePerSecond: number
  /** Token-bucket depth: a short burst above the rate is accepted (a window's worth and more). */
  readonly inboundBurstMax: number
  /** Incoming requests being processed at once per session; past it ESME_RTHROTTLED. */
  readonly inboundInFlightMax: number
  /** When the peer answers ESME_RTHROTTLED / ESME_RMSGQFUL, sends pause this long (Kannel: 1 s). */
  readonly peerThrottleBackoffMs: number
  /** Resends of one request the peer throttled before it fails (Jasmin retries RTHROTTLED 20x). */
  readonly peerThrottleRetriesMax: number
  /** First reconnect delay; it doubles per failed attempt (Jasmin con_loss_delay 10 s). */
  readonly reconnectDelayBaseMs: number
  /** Reconnect delays stop doubling here, so a long outage is still retried every minute. */
  readonly reconnectDelayMaxMs: number
  /** Fraction of the delay randomised either way, so many clients do not reconnect in step. */
  readonly reconnectJitterRatio: number
  /** Bound sessions a server holds at once; past it a bind gets ESME_RBINDFAIL (SMPPSim: 10). */
  readonly sessionsMax: number
  /** Open TCP connections a server accepts, bound or not (bounds sockets held by idle peers). */
  readonly connectionsMax: number
  /**
   * Failed binds (wrong password or unknown system_id) one address may make before it is locked
   * out. SMPP passwords are at most 8 characters, so guesses must be few; 5 still lets a person
   * fix a typo or an ESME retry a stale password a few times without a lockout.
   */
  readonly bindFailuresMax: number
  /**
   * The first lockout: every bind from the address is refused (ESME_RBINDFAIL, the password not
   * even checked) this long. Each failure after a lockout doubles the next one.
   */
  readonly bindLockoutBaseMs: number
  /** Lockouts stop doubling here: a persistent guesser gets one guess an hour. */
  readonly bindLockoutMaxMs: number
  /**
   * An address's failures are forgotten this long after its last failure or lockout. A day:
   * waiting to be forgotten then gains a guesser 5 guesses a day, fewer than the one an hour
   * the capped lockout allows (with 1 h it would gain 5 every 61 minutes).
   */
  readonly bindFailureMemoryMs: number
  /**
   * Addresses with failures remembered at once; past it the least recently failing is forgotten.
   */
  readonly bindGuardAddressesMax: number
  /**
   * Lines about refused PDUs (generic_nack, lost framing) one peer address may cause per
   * refusalLogWindowMs; the rest are only counted. A per-session cap alone lets a peer that
   * reconnects write a line per connection; 10 a minute still shows what it sends.
   */
  readonly refusalLogLinesMax: number
  readonly refusalLogWindowMs: number
}

export const defaultSmppLimits: SmppLimits = {
  pduLengthMax: 16_384,
  windowMax: 10,
  sendQueueMax: 1_000,
  responseTimeoutMs: 30_000,
  enquireLinkIntervalMs: 30_000,
  enquireLinkTimeoutMs: 10_000,
  sessionInitTimeoutMs: 30_000,
  unbindTimeoutMs: 5_000,
  closeGraceMs: 1_000,
  writeBufferMaxBytes: 4 * 1024 * 1024,
  connectTimeoutMs: 10_000,
  inboundRatePerSecond: 1_000,
  inboundBurstMax: 200,
  inboundInFlightMax: 100,
  peerThrottleBackoffMs: 1_000,
  peerThrottleRetriesMax: 10,
  reconnectDelayBaseMs: 1_000,
  reconnectDelayMaxMs: 60_000,
  reconnectJitterRatio: 0.2,
  sessionsMax: 100,
  connectionsMax: 200,
  bindFailuresMax: 5,
  bindLockoutBaseMs: 60_000,
  bindLockoutMaxMs: 3_600_000,
  bindFailureMemoryMs: 86_400_000,
  bindGuardAddressesMax: 10_000,
  refusalLogLinesMax: 10,
  refusalLogWindowMs: 60_000,
}

/** The problems of a limit set, each naming its key; empty when the set is sound. */
export function checkSmppLimits(limits: SmppLimits): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(limits)) {
    if (key === 'reconnectJitterRatio') continue
    // Zero resends is a real policy (fail at the first ESME_RTHROTTLED); zero elsewhere is a bug.
    const least = key === 'peerThrottleRetriesMax' ? 0 : 1
    if (!Number.isInteger(value) || value < least)
      problems.push(`${key} must be an integer >= ${least}`)
  }
  if (!(limits.reconnectJitterRatio >= 0 && limits.reconnectJitterRatio < 1)) {
    problems.push('reconnectJitterRatio must be in [0, 1)')
  }
  if (limits.pduLengthMax < 16) problems.push('pduLengthMax must hold at least a header (16)')
  if (limits.reconnectDelayMaxMs < limits.reconnectDelayBaseMs) {
    problems.push('reconnectDelayMaxMs must be >= reconnectDelayBaseMs')
  }
  if (limits.connectionsMax < limits.sessionsMax) {
    problems.push('connectionsMax must be >= sessionsMax (every session is a connection)')
  }
  if (limits.bindLockoutMaxMs < limits.bindLockoutBaseMs) {
    problems.push('bindLockoutMaxMs must be >= bindLockoutBaseMs')
  }
  return problems
}

/** Defaults with the caller's overrides; a set whose relations fail is a programmer error. */
export function resolveSmppLimits(overrides: Partial<SmppLimits> = {}): SmppLimits {
  const limits: SmppLimits = { ...defaultSmppLimits, ...overrides }
  const problems = checkSmppLimits(limits)
  if (problems.length > 0) throw new RangeError(`bad SMPP limits: ${problems.join('; ')}`)
  return limits
}
