/**
 * limits.ts - every bound of the WAP channel's pages in one object: sessions (how many, idle
 * and total life), one-time form tokens (per session, life), the statement's page size, the
 * login's wrong-PIN count and request sizes. Exports WapLimits, defaultWapLimits, checkWapLimits
 * and sessionIdleHeader.
 */

/**
 * The response header of every page that names sessionIdleMs, so that `telepay wap` can tell the
 * user how long a session waits for the next page, and end its browsing when it is over.
 */
export const sessionIdleHeader = 'telepay-session-idle-ms'

export interface WapLimits {
  /**
   * Sessions held in memory at once; the least recently used goes first. A session is a few
   * hundred bytes plus its tokens, so 10,000 stay within a few MB while covering far more
   * handsets browsing at once than one gateway sees.
   */
  readonly sessionsMax: number
  /**
   * A session nobody used for this long is over. Five minutes covers typing an amount and a PIN
   * on a keypad with T9 and a slow GPRS round trip, yet does not leave a session URL in a shared
   * handset's history usable for long.
   */
  readonly sessionIdleMs: number
  /** A session's whole life: after 30 minutes the user logs in (or is identified) again. */
  readonly sessionTotalMs: number
  /**
   * Tokens a session keeps (issued and used). Back through a few pages must still find the
   * first answer of a used token; 32 is more than a WAP browser's history (often 10 pages).
   */
  readonly tokensPerSessionMax: number
  /**
   * A form token's life. A confirmation waits 120 s in the core (SPEC section 3); ten minutes
   * lets a slow user finish a form, and a used token still answers its first result that long.
   */
  readonly tokenTtlMs: number
  /**
   * Statement rows on one page. A WML deck must compile within 1,400 bytes of WBXML (the
   * renderer's budget); three rows of reference, amount and counterparty with the links fit.
   */
  readonly statementRowsPerPage: number
  /** Bytes of a form post: the largest form has four short fields and a token. */
  readonly requestBodyBytesMax: number
  /**
   * How often changed sessions are written behind to wap.sqlite. 50 ms, as USSD: a crash loses
   * at most that much of a session (a token's page, which the ledger's idempotency log still
   * answers under the token's key).
   */
  readonly sessionFlushIntervalMs: number
}

export const defaultWapLimits: WapLimits = {
  sessionsMax: 10_000,
  sessionIdleMs: 5 * 60_000,
  sessionTotalMs: 30 * 60_000,
  tokensPerSessionMax: 32,
  tokenTtlMs: 10 * 60_000,
  statementRowsPerPage: 3,
  requestBodyBytesMax: 4096,
  sessionFlushIntervalMs: 50,
}

/** Names each bound that is not a positive integer, or out of order with another. */
export function checkWapLimits(limits: WapLimits): string[] {
  const problems: string[] = []
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
      problems.push(`${name} must be a positive integer`)
  }
  if (limits.sessionIdleMs > limits.sessionTotalMs)
    problems.push('sessionIdleMs must not exceed sessionTotalMs')
  return problems
}
