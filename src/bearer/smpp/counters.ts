/**
 * counters.ts - SmppCounters: plain numbers a server or client exposes for metrics (PDUs in and
 * out by command and status name, generic_nacks, throttling, timeouts, dead links, failed and
 * locked-out binds). Sessions of one server or client share one instance; the integrator maps
 * the fields to Prometheus series.
 */
import { statusName } from './command-status.js'

/** command -> status name -> count, e.g. `pdusIn.submit_sm_resp.ESME_RTHROTTLED`. */
export type PduCounts = Record<string, Record<string, number>>

export class SmppCounters {
  readonly pdusIn: PduCounts = {}
  readonly pdusOut: PduCounts = {}
  /** generic_nacks we sent (bad length, unknown command, undecodable body). */
  genericNacksSent = 0
  /** ESME_RTHROTTLED answers we gave (rate or in-flight bound exceeded). */
  throttledSent = 0
  /** Responses in which the peer throttled us (ESME_RTHROTTLED or ESME_RMSGQFUL). */
  throttledReceived = 0
  /** Requests of ours that failed for want of a response in time. */
  responseTimeouts = 0
  /** Responses whose sequence_number matched no request of ours (late or bogus). */
  unmatchedResponses = 0
  /** Sessions closed because an enquire_link went unanswered. */
  deadLinks = 0
  bindsAccepted = 0
  /**
   * Binds refused for any reason (credentials, a lockout, sessionsMax), and ours refused (client).
   */
  bindsRefused = 0
  /** Server: binds whose credentials were checked and wrong, by status name (ESME_RINVPASWD...). */
  readonly bindsFailed: Record<string, number> = {}
  /** Server: binds refused unchecked because their address was locked out (bind-guard.ts). */
  bindsThrottled = 0
  /** Server: lockouts begun (an address reached bindFailuresMax, or failed again after one). */
  bindLockouts = 0
  /** Sessions closed, for any reason. */
  sessionsClosed = 0
  /** Connection attempts after the first (client only). */
  reconnects = 0

  countIn(command: string, status: number): void {
    bump(this.pdusIn, command, status)
  }

  countOut(command: string, status: number): void {
    bump(this.pdusOut, command, status)
  }

  countBindFailure(status: number): void {
    const name = statusName(status)
    this.bindsFailed[name] = (this.bindsFailed[name] ?? 0) + 1
  }
}

function bump(counts: PduCounts, command: string, status: number): void {
  const byStatus = counts[command] ?? {}
  counts[command] = byStatus
  const name = statusName(status)
  byStatus[name] = (byStatus[name] ?? 0) + 1
}
