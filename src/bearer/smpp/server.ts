/**
 * server.ts - startSmppServer(): telepay in the SMSC role (simulator mode). Listens on
 * host/port (port 0 picks one; `port` tells which), authenticates binds against accounts
 * (unknown system_id -> ESME_RINVSYSID, wrong password -> ESME_RINVPASWD, over sessionsMax ->
 * ESME_RBINDFAIL; each then closes), locks out an address that keeps failing (bind-guard.ts:
 * ESME_RBINDFAIL unchecked, one log line per lockout), logs refused PDUs within a per-address
 * budget (log-window.ts), answers bind_*_resp with our system_id and the
 * sc_interface_version TLV 0x34, hands submit_sm / data_sm from transmitter and transceiver
 * binds to onSubmit, and exposes bound peers so the caller can send deliver_sm back
 * (receiverFor() finds the receiver bind of a transmitter-only ESME). close() unbinds everyone.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Server, Socket } from 'node:net'
import { createServer } from 'node:net'
import type { Logger } from '../../service/log.js'
import { addressKeyOf, BindGuard } from './bind-guard.js'
import { smppStatus, statusName } from './command-status.js'
import { SmppCounters } from './counters.js'
import type { SmppLimits } from './limits.js'
import { resolveSmppLimits } from './limits.js'
import { LogWindow } from './log-window.js'
import type { Pdu, PduParams } from './pdu.js'
import type { SendOptions, SendResult } from './request-window.js'
import type { BindDecision, BindRequest, CloseReason } from './session.js'
import { SmppSession } from './session.js'
import type { BindType } from './session-rules.js'
import { silentLogger } from './silent-logger.js'

export interface SmppAccount {
  readonly systemId: string
  readonly password: string
}

/** What onSubmit answers: status 0 with the message_id the ESME will see, or a refusal. */
export interface SubmitAnswer {
  readonly status: number
  readonly messageId?: string
}

/** A bound ESME. Owned by the server: do not keep one after its 'closed' event. */
export interface SmppPeer {
  readonly id: number
  readonly systemId: string
  readonly bindType: BindType
  readonly remoteAddress: string
  readonly remotePort: number
  /** Whether deliver_sm may go to this bind (receiver or transceiver). */
  readonly canReceive: boolean
  /** The address_range it bound with ('' when none). */
  readonly addressRange: string
  /** Sends a request (deliver_sm, data_sm) to this ESME through the session's window. */
  send(command: string, params: PduParams, options?: SendOptions): Promise<SendResult>
  unbind(): Promise<void>
  /** How the bind is doing now, for the operator console. */
  status(): SmppPeerStatus
}

export interface SmppPeerStatus {
  readonly boundAtMs: number
  /** Our requests to it awaiting a response, of at most windowMax. */
  readonly outstanding: number
  readonly windowMax: number
  /** Our requests waiting for room in the window. */
  readonly queued: number
  /** Requests it sent us (submit_sm, data_sm) and requests we sent it, since it bound. */
  readonly requestsIn: number
  readonly requestsOut: number
}

export type SmppServerEvent =
  | { readonly type: 'bound'; readonly peer: SmppPeer }
  | {
      readonly type: 'bind_refused'
      readonly systemId: string
      readonly status: number
      readonly remoteAddress: string
    }
  | { readonly type: 'closed'; readonly peer: SmppPeer | null; readonly reason: CloseReason }

/** A request on one of the server's sessions and how it was answered (status; -1: no answer). */
export interface SmppPduEvent {
  /** in: the ESME sent it (submit_sm); out: we sent it (deliver_sm). */
  readonly direction: 'in' | 'out'
  readonly peer: SmppPeer
  readonly command: string
  readonly sequence: number | null
  readonly fields: Readonly<Record<string, unknown>>
  readonly status: number
  /** The message_id of a submit_sm_resp; null otherwise. */
  readonly messageId: string | null
}

export interface SmppServerOptions {
  readonly host?: string
  /** 0 picks a free port; SmppServer.port tells which. Simulator mode uses 2775. */
  readonly port: number
  readonly accounts: readonly SmppAccount[]
  /** Our system_id in bind responses. */
  readonly systemId?: string
  readonly limits?: Partial<SmppLimits>
  readonly logger?: Logger
  /** submit_sm (or data_sm: see pdu.command) from a transmitter or transceiver bind. */
  readonly onSubmit: (peer: SmppPeer, pdu: Pdu) => Promise<SubmitAnswer>
  /** Bind, refusal and close notices, for metrics and health; must not throw. */
  readonly onEvent?: (event: SmppServerEvent) => void
  /**
   * Every submit_sm or data_sm taken and every request sent to an ESME, once its answer is known
   * (the web handsets' wire view); must not throw and should return at once.
   */
  readonly onPdu?: (event: SmppPduEvent) => void
  /** First sequence_number of every session (tests only). */
  readonly sequenceStart?: number
}

export interface SmppServer {
  readonly host: string
  readonly port: number
  readonly limits: SmppLimits
  readonly counters: SmppCounters
  /** Bound peers, in bind order. */
  peers(): readonly SmppPeer[]
  /** A bind that may receive deliver_sm for this system_id (round robin), if any. */
  findReceiver(systemId: string): SmppPeer | undefined
  /** Where a reply to this peer goes: itself if it receives, else a receiver of its system_id. */
  receiverFor(peer: SmppPeer): SmppPeer | undefined
  /** Takes no new connection and refuses new binds (ESME_RBINDFAIL); bound sessions go on. */
  stopListening(): void
  /** Unbinds every session cleanly, closes the rest and stops listening. */
  close(): Promise<void>
}

export async function startSmppServer(options: SmppServerOptions): Promise<SmppServer> {
  const limits = resolveSmppLimits(options.limits)
  const logger = options.logger ?? silentLogger
  const counters = new SmppCounters()
  const host = options.host ?? '127.0.0.1'
  const ourSystemId = options.systemId ?? 'telepay'
  const sessions = new Set<SmppSession>()
  const peers = new Map<SmppSession, SmppPeer>()
  let receiverTurn = 0
  let closing = false

  const findReceiver = (systemId: string): SmppPeer | undefined => {
    const candidates = [...peers.values()].filter(
      (peer) => peer.systemId === systemId && peer.canReceive,
    )
    if (candidates.length === 0) return undefined
    receiverTurn = (receiverTurn + 1) % candidates.length
    return candidates[receiverTurn]
  }

  const notify = (event: SmppServerEvent): void => {
    try {
      options.onEvent?.(event)
    } catch (error) {
      logger.error('smpp server onEvent threw', { error: (error as Error).message })
    }
  }

  const tap = (event: SmppPduEvent): void => {
    try {
      options.onPdu?.(event)
    } catch (error) {
      logger.error('smpp server onPdu threw', { error: (error as Error).message })
    }
  }

  const guard = new BindGuard(limits)
  // Keyed by the same addresses as the guard, so held to the same bound on how many.
  const refusalLog = new LogWindow(
    limits.refusalLogLinesMax,
    limits.refusalLogWindowMs,
    limits.bindGuardAddressesMax,
  )

  /** A checked bind with wrong credentials: counted, logged until its lockout, then once for it. */
  const failBind = (request: BindRequest, remote: string, status: number, nowMs: number): void => {
    counters.countBindFailure(status)
    const outcome = guard.failed(remote, nowMs)
    const fields = {
      systemId: request.systemId,
      status: statusName(status),
      remote,
      failures: outcome.failures,
    }
    if (outcome.kind === 'counted') {
      logger.warn('smpp bind refused', { ...fields, failuresMax: limits.bindFailuresMax })
      return
    }
    counters.bindLockouts += 1
    logger.warn('smpp binds from this address locked out', {
      ...fields,
      key: outcome.key,
      lockoutMs: outcome.lockoutMs,
    })
  }

  const decideBind = (request: BindRequest, session: SmppSession): BindDecision => {
    const remote = session.remoteAddress
    const nowMs = Date.now()
    let status: number
    if (guard.isLocked(remote, nowMs)) {
      // Refused without a look at the credentials: a guess made during a lockout learns nothing,
      // a right one included. Counted, not logged: the lockout's one line said it.
      counters.bindsThrottled += 1
      status = smppStatus.ESME_RBINDFAIL
    } else {
      const refusal = authenticate(options.accounts, request)
      if (refusal !== null) {
        failBind(request, remote, refusal, nowMs)
        status = refusal
      } else {
        guard.succeeded(remote)
        status =
          closing || peers.size >= limits.sessionsMax
            ? smppStatus.ESME_RBINDFAIL
            : smppStatus.ESME_ROK
        if (status !== smppStatus.ESME_ROK)
          logger.warn('smpp bind refused', {
            systemId: request.systemId,
            status: statusName(status),
            remote,
            sessions: peers.size,
            closing,
          })
      }
    }
    if (status !== smppStatus.ESME_ROK) {
      notify({ type: 'bind_refused', systemId: request.systemId, status, remoteAddress: remote })
    }
    return { status, systemId: ourSystemId }
  }

  const onConnection = (socket: Socket): void => {
    const session = new SmppSession({
      socket,
      role: 'smsc',
      limits,
      counters,
      logger,
      name: 'smpp-server',
      ...(options.sequenceStart === undefined ? {} : { sequenceStart: options.sequenceStart }),
      onBind: (request, bound) => Promise.resolve(decideBind(request, bound)),
      mayLogRefusal: (noisy) => refusalLog.allow(addressKeyOf(noisy.remoteAddress), Date.now()),
      onBound: (bound) => {
        const peer = makePeer(bound, tap, limits.windowMax)
        peers.set(bound, peer)
        notify({ type: 'bound', peer })
      },
      onRequest: async (pdu, bound) => {
        const peer = peers.get(bound)
        if (peer === undefined || (pdu.command !== 'submit_sm' && pdu.command !== 'data_sm')) {
          return { status: smppStatus.ESME_RINVCMDID }
        }
        const answer = await options.onSubmit(peer, pdu)
        tap({
          direction: 'in',
          peer,
          command: pdu.command,
          sequence: pdu.sequence_number,
          fields: pdu.fields,
          status: answer.status,
          messageId: answer.messageId ?? null,
        })
        return answer.status === smppStatus.ESME_ROK
          ? { status: 0, params: { message_id: answer.messageId ?? '' } }
          : { status: answer.status }
      },
      onClose: (reason, closed) => {
        sessions.delete(closed)
        const peer = peers.get(closed) ?? null
        peers.delete(closed)
        notify({ type: 'closed', peer, reason })
      },
    })
    sessions.add(session)
  }

  const server = createServer({ noDelay: true }, onConnection)
  server.maxConnections = limits.connectionsMax
  server.on('error', (error) => logger.error('smpp server error', { error: error.message }))
  const port = await listen(server, host, options.port)
  logger.info('smpp server listening', { host, port })
  const stopped = new Promise<void>((resolve) => server.once('close', () => resolve()))
  const stopListening = (): void => {
    closing = true
    if (server.listening) server.close()
  }

  /** A connection that never bound has nothing to unbind: it is closed and its close awaited. */
  const closeUnbound = (session: SmppSession): Promise<unknown> => {
    session.close('closed_by_us')
    return session.closed
  }

  return {
    host,
    port,
    limits,
    counters,
    peers: () => [...peers.values()],
    findReceiver,
    receiverFor: (peer) => (peer.canReceive ? peer : findReceiver(peer.systemId)),
    stopListening,
    async close() {
      stopListening()
      await Promise.all(
        [...sessions].map((session) =>
          session.bindType === null ? closeUnbound(session) : session.unbind(),
        ),
      )
      await stopped
      logger.info('smpp server closed', { port })
    },
  }
}

function makePeer(
  session: SmppSession,
  tap: (event: SmppPduEvent) => void,
  windowMax: number,
): SmppPeer {
  const bindType = session.bindType ?? 'transmitter'
  const boundAtMs = Date.now()
  const peer: SmppPeer = {
    id: session.id,
    systemId: session.peerSystemId ?? '',
    bindType,
    remoteAddress: session.remoteAddress,
    remotePort: session.remotePort,
    canReceive: bindType !== 'transmitter',
    addressRange: session.peerAddressRange,
    send: async (command, params, options) => {
      const result = await session.send(command, params, options)
      tap({
        direction: 'out',
        peer,
        command,
        sequence: 'response' in result ? result.response.sequence_number : null,
        fields: params,
        status: result.ok ? 0 : result.reason === 'status' ? result.status : -1,
        messageId: null,
      })
      return result
    },
    unbind: () => session.unbind(),
    status: () => ({
      boundAtMs,
      outstanding: session.outstanding,
      windowMax,
      queued: session.queued,
      requestsIn: session.requestCounts.taken,
      requestsOut: session.requestCounts.sent,
    }),
  }
  return peer
}

/** The refusal status for a bind, or null when the credentials hold. */
function authenticate(accounts: readonly SmppAccount[], request: BindRequest): number | null {
  const account = accounts.find((candidate) => candidate.systemId === request.systemId)
  if (account === undefined) return smppStatus.ESME_RINVSYSID
  // Compared as digests so the time taken says nothing about how much of the password matched.
  const given = createHash('sha256').update(request.password).digest()
  const wanted = createHash('sha256').update(account.password).digest()
  return timingSafeEqual(given, wanted) ? null : smppStatus.ESME_RINVPASWD
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : port)
    })
  })
}
