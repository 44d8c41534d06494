/**
 * session-store.ts - what a USSD session record holds between hops, and its store: the gateway's
 * dialog store (src/gateway/dialog/store.ts, one `dialogs` table with compare-and-set on the
 * step) in its own file, ussd.sqlite, with the USSD limits and the USSD words for how a session
 * ended. Exports SessionRecord, SessionOutcome, SessionStore, SqliteSessionStore.
 */
import type { DialogStore } from '../../src/gateway/dialog/index.js'
import { SqliteDialogStore } from '../../src/gateway/dialog/index.js'
import type { Logger } from '../../src/service/log.js'
import type { Screen, UssdSession } from './contract.js'
import type { AppSession } from './external/app-sessions.js'
import type { UssdLimits } from './limits.js'

/** How a session ended; null while it is open. */
export type SessionOutcome =
  | 'completed' // the menu answered END
  | 'replaced' // the subscriber dialled again: one session per subscriber
  | 'released' // the provider said the user hung up (Hubtel release)
  | 'provider_timeout' // the provider said the network timed out (Hubtel timeout)
  | 'idle_timeout' // no input within sessionIdleMs
  | 'total_cap' // older than sessionTotalMs
  | 'deadline' // the core did not answer in time: the user got the polite END
  | 'lost_track' // the provider's text no longer extends what we answered
  | 'app_failed' // the external app serving the code failed: the user got the polite END
  | 'ended_by_operator' // the operator ended it from the console

export interface SessionRecord {
  /** `${provider}:${provider session id}`: providers' id spaces are separate. */
  readonly key: string
  readonly provider: string
  readonly msisdn: string
  /** The engine's session: plain data, never a PIN (contract.ts). */
  readonly session: UssdSession
  /** Requests answered so far: the compare-and-set counter, and the next request's index. */
  readonly step: number
  /**
   * Identifies the last answered request, for provider retries: Hubtel's Sequence, or for
   * Africa's Talking an HMAC of the accumulated text (which holds the PIN once one was typed,
   * so the text itself is never stored).
   */
  readonly requestKey: string
  /** Africa's Talking: characters of the accumulated text at the last hop; 0 elsewhere. */
  readonly textLength: number
  readonly lastScreen: Screen
  readonly startedMs: number
  readonly activeMs: number
  readonly outcome: SessionOutcome | null
  /**
   * The external app serving the session (external/), absent for the platform's menus; `session`
   * then only counts hops and holds the last screen.
   */
  readonly app?: AppSession
}

/** Whether a session is past its idle timeout or its total cap at `nowMs`. */
export function sessionExpired(
  record: Pick<SessionRecord, 'activeMs' | 'startedMs'>,
  limits: Pick<UssdLimits, 'sessionIdleMs' | 'sessionTotalMs'>,
  nowMs: number,
): boolean {
  return (
    record.activeMs <= nowMs - limits.sessionIdleMs ||
    record.startedMs <= nowMs - limits.sessionTotalMs
  )
}

export type SessionStore = DialogStore<SessionRecord, SessionOutcome>

export class SqliteSessionStore extends SqliteDialogStore<SessionRecord, SessionOutcome> {
  constructor(path: string, limits: UssdLimits, log: Logger | null = null) {
    super({
      path,
      name: 'ussd',
      limits: {
        idleMs: limits.sessionIdleMs,
        totalMs: limits.sessionTotalMs,
        expireBatchMax: limits.expireBatchMax,
        endedKeepMs: limits.endedKeepMs,
        inMemoryMax: limits.sessionsInMemoryMax,
        dirtyMax: limits.sessionsDirtyMax,
        flushIntervalMs: limits.sessionFlushIntervalMs,
      },
      outcomes: { idle: 'idle_timeout', cap: 'total_cap' },
      log,
    })
  }
}
