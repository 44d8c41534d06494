/**
 * context.ts - what the HTTP routes are given: the parts of a running gateway they may use.
 */

import type { GatewayBank } from '../bank/gateway-bank.js'
import type { RunningSmppBearer } from '../bearer/start.js'
import type { Limits, OperatingLimits } from '../core/index.js'
import type { DialogJournal } from '../gateway/dialog/index.js'
import type { LoggedSms, MessagePage } from '../gateway/handset/index.js'
import type { WebSessions } from '../gateway/http/web-session.js'
import type { OtaLoads } from '../gateway/onsite/ota-loads.js'
import type { GroupCommit } from '../ledger/group-commit.js'
import type { LedgerStore } from '../ledger/store.js'
import type { Clock } from '../service/clock.js'
import type { Logger } from '../service/log.js'
import type { Metrics } from '../service/metrics.js'
import type { PaymentService } from '../service/payment-service.js'
import type { OverviewMonitor } from './overview/monitor.js'

/** A channel's readiness, as /healthz reports it. */
export interface ChannelHealth {
  readonly name: string
  ready(): boolean
}

export interface GatewayContext {
  readonly service: PaymentService
  readonly ledger: LedgerStore
  readonly commits: GroupCommit
  readonly bank: GatewayBank
  readonly clock: Clock
  readonly limits: Limits
  readonly operating: OperatingLimits
  /** The operating model the platform runs under, as the trails name it. */
  readonly operatingModel: string
  /** The message log's pages of one MSISDN's SMS (GET /admin/api/messages). */
  readonly messages: { page(query: MessagePage): LoggedSms[] }
  readonly adminToken: string
  readonly adminTokenIsDefault: boolean
  /** Hashes a PIN as the gateway stores it (a world's load hashes each distinct PIN once). */
  hashPin(pin: string): Promise<string>
  readonly log: Logger
  readonly metrics: Metrics
  readonly channels: ChannelHealth[]
  /** Who is logged in to the operator console and to the merchant portal (web-session.ts). */
  readonly consoleSessions: WebSessions
  /** The operator console's live overview (overview/monitor.ts). */
  readonly overview: OverviewMonitor
  /** The SMSC simulator's binds, to list and end; null when SMS is off. */
  readonly smpp: Pick<RunningSmppBearer, 'mode' | 'binds' | 'unbind'> | null
  readonly merchantSessions: WebSessions
  /** What the USSD sessions and WAP visits that made recent payments showed and were given. */
  readonly journal: Pick<DialogJournal, 'ofPayment'>
  /** Top-ups on their way to the cards over the air, and the operator's close of one. */
  readonly cardLoads: Pick<OtaLoads, 'openLoads' | 'closeByOperator'>
  /** Cookies are marked Secure: the gateway's public address (http.publicUrl) is https. */
  readonly secureCookies: boolean
  /** Moves the test clock and runs what the new time makes due; null when the clock is real. */
  readonly advanceClock: ((seconds: number) => Promise<number>) | null
}
