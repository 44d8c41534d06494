/**
 * session-types.ts - the types around SmppSession: its options, the handlers a server or
 * client plugs in (RequestHandler, onBind with BindRequest/BindDecision), what a handler
 * answers (IncomingAnswer), bind credentials and why a session closed (CloseReason).
 */
import type { Socket } from 'node:net'
import type { Logger } from '../../service/log.js'
import type { SmppCounters } from './counters.js'
import type { SmppLimits } from './limits.js'
import type { Pdu, PduParams } from './pdu.js'
import type { SmppSession } from './session.js'
import type { BindType, SessionRole } from './session-rules.js'

export type CloseReason =
  | 'peer_unbind' // the peer sent unbind; we answered unbind_resp
  | 'unbound' // our unbind completed (or timed out)
  | 'dead_link' // an enquire_link went unanswered
  | 'session_init_timeout' // a server session never bound
  | 'bind_refused' // we refused the peer's bind
  | 'invalid_length' // a command_length that loses the framing
  | 'peer_closed' // the socket closed under us
  | 'socket_error'
  | 'closed_by_us' // close() without unbind
  | 'peer_not_reading' // our unread output passed writeBufferMaxBytes
  | 'internal_error' // a bug of ours while handling input: the session goes, the process stays

/** Response fields for an incoming request; a non-zero status sends the header alone. */
export interface IncomingAnswer {
  readonly status?: number
  readonly params?: PduParams
}

export type RequestHandler = (pdu: Pdu, session: SmppSession) => Promise<IncomingAnswer | undefined>

export interface BindRequest {
  readonly bindType: BindType
  readonly systemId: string
  readonly password: string
  readonly systemType: string
  readonly interfaceVersion: number
  /** The ESME's address_range ('' when none): the simulator routes a short code's MOs by it. */
  readonly addressRange: string
}

/** status 0 accepts; systemId is the one our bind_*_resp announces. */
export interface BindDecision {
  readonly status: number
  readonly systemId: string
}

export interface BindCredentials {
  readonly systemId: string
  readonly password: string
  readonly systemType?: string
  readonly addrTon?: number
  readonly addrNpi?: number
  readonly addressRange?: string
}

export interface SmppSessionOptions {
  readonly socket: Socket
  readonly role: SessionRole
  readonly limits: SmppLimits
  readonly counters: SmppCounters
  readonly logger: Logger
  /** Prefix of the session's name in logs. */
  readonly name?: string
  /** First sequence_number we use (tests start near 0x7FFFFFFF to see the wrap). */
  readonly sequenceStart?: number
  /** Incoming requests allowed in the current state, other than bind/unbind/enquire_link. */
  readonly onRequest?: RequestHandler
  /** smsc role: decides an incoming bind. */
  readonly onBind?: (request: BindRequest, session: SmppSession) => Promise<BindDecision>
  readonly onBound?: (session: SmppSession) => void
  /**
   * Whether a line about a refused PDU may be logged now, and how many were left out before it
   * (the server's per-address LogWindow); absent, the per-session cap alone applies.
   */
  readonly mayLogRefusal?: (session: SmppSession) => {
    readonly allowed: boolean
    readonly suppressed: number
  }
  readonly onClose?: (reason: CloseReason, session: SmppSession) => void
}
