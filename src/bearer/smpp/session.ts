/**
 * session.ts - SmppSession: one SMPP 3.4 session over one socket, either role (esme: we bound
 * to an SMSC; smsc: an ESME bound to us). States open -> bound_tx | bound_rx | bound_trx ->
 * unbinding -> closed. It frames and checks input (frame-reader.ts), answers out-of-state
 * requests with ESME_RINVBNDSTS and a second bind with ESME_RALYBND, as the SMSC refuses a
 * field over its SMPP 3.4 size with that field's status (field-limits.ts), always answers
 * enquire_link, probes a quiet link and closes a dead one, throttles incoming messages per
 * bind (ESME_RTHROTTLED), runs our requests through a RequestWindow, unbinds cleanly both ways
 * and closes a server session not bound within sessionInitTimeoutMs.
 * Handlers are async and return response fields; a throw or rejection answers ESME_RSYSERR and
 * is logged. Message bodies are never logged (they carry PINs): only ids, lengths and statuses.
 * Exports SmppSession (its option and handler types live in session-types.ts).
 */
import type { Fields } from '../../service/log.js'
import { smppStatus, statusName } from './command-status.js'
import { fieldRefusal } from './field-limits.js'
import type { FrameEvent } from './frame-reader.js'
import { FrameReader } from './frame-reader.js'
import { LinkProbe } from './link-probe.js'
import type { Pdu, PduParams } from './pdu.js'
import {
  encodePdu,
  interfaceVersion,
  isResponseId,
  pduNumber,
  pduString,
  responseCommandOf,
} from './pdu.js'
import type { SendOptions, SendResult } from './request-window.js'
import { RequestWindow } from './request-window.js'
import type { BindType, SessionRole, SessionState } from './session-rules.js'
import {
  bindCommandOf,
  bindTypeOf,
  boundStateOf,
  isMessageCommand,
  mayReceive,
  maySend,
} from './session-rules.js'
import type {
  BindCredentials,
  BindDecision,
  BindRequest,
  CloseReason,
  SmppSessionOptions,
} from './session-types.js'
import { TokenBucket } from './token-bucket.js'

export type {
  BindCredentials,
  BindDecision,
  BindRequest,
  CloseReason,
  IncomingAnswer,
  RequestHandler,
  SmppSessionOptions,
} from './session-types.js'

let sessionsCreated = 0
/** Refused PDUs logged per session; the rest are only counted. */
const nackLogsPerSessionMax = 10

export class SmppSession {
  readonly id: number
  readonly name: string
  readonly role: SessionRole
  readonly remoteAddress: string
  readonly remotePort: number
  /** Resolves with the reason once the session is closed. */
  readonly closed: Promise<CloseReason>
  private currentState: SessionState = 'open'
  private currentBindType: BindType | null = null
  private peer: string | null = null
  private peerRange = ''
  private bindPending = false
  private pendingBindType: BindType | null = null
  private closeReason: CloseReason | null = null
  private resolveClosed: (reason: CloseReason) => void = () => {}
  private lastReceivedMs = Date.now()
  private inFlight = 0
  /** Requests taken from the peer and sent to it since the session opened (the console's view). */
  private requestsTaken = 0
  private requestsSent = 0
  private initTimer: NodeJS.Timeout | null = null
  private nacksLogged = 0
  private corked = false
  private readonly reader: FrameReader
  private readonly window: RequestWindow
  private readonly bucket: TokenBucket
  private readonly probe: LinkProbe

  constructor(private readonly options: SmppSessionOptions) {
    const { socket, limits } = options
    sessionsCreated += 1
    this.id = sessionsCreated
    this.role = options.role
    this.remoteAddress = socket.remoteAddress ?? 'unknown'
    this.remotePort = socket.remotePort ?? 0
    this.name = `${options.name ?? `smpp-${options.role}`}#${this.id}`
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve
    })
    this.reader = new FrameReader(limits.pduLengthMax)
    this.bucket = new TokenBucket(limits.inboundRatePerSecond, limits.inboundBurstMax, Date.now())
    this.window = new RequestWindow({
      limits,
      counters: options.counters,
      write: (buffer, command, status) => this.write(buffer, command, status),
      ...(options.sequenceStart === undefined ? {} : { sequenceStart: options.sequenceStart }),
    })
    this.probe = new LinkProbe({
      intervalMs: limits.enquireLinkIntervalMs,
      lastReceivedMs: () => this.lastReceivedMs,
      active: () => this.activeBindType() !== null,
      probe: () => this.enquireLink(),
      onDead: () => {
        options.counters.deadLinks += 1
        this.close('dead_link')
      },
    })
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (error) => {
      options.logger.warn('smpp socket error', { session: this.name, error: error.message })
      this.close('socket_error')
    })
    socket.on('close', () => this.close('peer_closed'))
    if (this.role === 'smsc') {
      this.initTimer = setTimeout(() => {
        if (this.currentState === 'open') this.close('session_init_timeout')
      }, limits.sessionInitTimeoutMs)
    }
  }

  get state(): SessionState {
    return this.currentState
  }

  /** How we are bound (kept while unbinding); null before bind. */
  get bindType(): BindType | null {
    return this.currentBindType
  }

  /** The peer's system_id: from its bind (smsc role) or its bind_resp (esme role). */
  get peerSystemId(): string | null {
    return this.peer
  }

  /** The address_range of the peer's bind (smsc role): '' when it gave none. */
  get peerAddressRange(): string {
    return this.peerRange
  }

  /** Our requests awaiting a response (window-counted). */
  get outstanding(): number {
    return this.window.outstanding
  }

  get queued(): number {
    return this.window.queued
  }

  /** A request the bind allows (submit_sm, deliver_sm...): windowed, queued, timed out. */
  send(command: string, params: PduParams, options: SendOptions = {}): Promise<SendResult> {
    if (this.currentState === 'closed')
      return Promise.resolve({
        ok: false,
        reason: 'closed',
        detail: `session ${this.closeReason ?? ''}`,
      })
    if (!maySend(this.role, this.activeBindType(), command)) {
      return Promise.resolve({
        ok: false,
        reason: 'not_bound',
        detail: `${command} not allowed in ${this.currentState} as ${this.role}`,
      })
    }
    this.requestsSent += 1
    return this.window.send(command, params, { ...options, control: false })
  }

  get requestCounts(): { readonly taken: number; readonly sent: number } {
    return { taken: this.requestsTaken, sent: this.requestsSent }
  }

  enquireLink(): Promise<SendResult> {
    return this.window.send(
      'enquire_link',
      {},
      { control: true, timeoutMs: this.options.limits.enquireLinkTimeoutMs },
    )
  }

  /** esme role: binds; on success the session is bound and probes the link when quiet. */
  async bind(bindType: BindType, credentials: BindCredentials): Promise<SendResult> {
    if (this.role !== 'esme') throw new TypeError('only an esme session binds')
    if (this.currentState !== 'open' || this.bindPending) {
      return { ok: false, reason: 'not_bound', detail: `cannot bind in ${this.currentState}` }
    }
    this.bindPending = true
    this.pendingBindType = bindType
    const result = await this.window.send(
      bindCommandOf(bindType),
      {
        system_id: credentials.systemId,
        password: credentials.password,
        system_type: credentials.systemType ?? '',
        interface_version: interfaceVersion,
        addr_ton: credentials.addrTon ?? 0,
        addr_npi: credentials.addrNpi ?? 0,
        address_range: credentials.addressRange ?? '',
      },
      { control: true },
    )
    this.bindPending = false
    this.pendingBindType = null
    if (result.ok && this.currentState === 'open') {
      this.peer = pduString(result.response, 'system_id') ?? ''
      this.becomeBound(bindType)
    } else if (!result.ok && result.reason === 'status') {
      this.options.counters.bindsRefused += 1
    }
    return result
  }

  /**
   * Clean unbind: no new sends, outstanding requests drain (bounded by unbindTimeoutMs), then
   * unbind is sent and unbind_resp awaited (same bound), then the socket closes.
   */
  async unbind(): Promise<void> {
    if (this.currentState === 'unbinding' || this.currentState === 'closed') {
      await this.closed
      return
    }
    if (this.currentBindType === null) {
      this.close('closed_by_us')
      return
    }
    this.currentState = 'unbinding'
    this.probe.stop()
    const { unbindTimeoutMs } = this.options.limits
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, unbindTimeoutMs)
      void this.window.whenIdle().then(() => {
        clearTimeout(timer)
        resolve()
      })
    })
    if (this.closeReason === null) {
      await this.window.send('unbind', {}, { control: true, timeoutMs: unbindTimeoutMs })
    }
    this.close('unbound')
  }

  /** Closes without unbind. Outstanding and queued requests fail with reason 'closed'. */
  close(reason: CloseReason): void {
    if (this.closeReason !== null) return
    this.closeReason = reason
    this.currentState = 'closed'
    if (this.initTimer !== null) clearTimeout(this.initTimer)
    this.probe.stop()
    this.window.close(`session closed: ${reason}`)
    this.options.counters.sessionsClosed += 1
    const { socket } = this.options
    if (
      reason === 'peer_closed' ||
      reason === 'socket_error' ||
      reason === 'dead_link' ||
      reason === 'peer_not_reading'
    ) {
      socket.destroy()
    } else if (!socket.destroyed) {
      // end() flushes what we wrote last (unbind_resp, a refusal, a generic_nack) before FIN.
      socket.end()
      const timer = setTimeout(() => socket.destroy(), this.options.limits.closeGraceMs)
      timer.unref()
      socket.once('close', () => clearTimeout(timer))
    }
    // A session that never bound (a scanner, a refused or locked-out bind) closes at debug level:
    // one line per connection would let any peer that can connect write our log.
    const level =
      reason === 'internal_error' || reason === 'dead_link'
        ? 'warn'
        : this.currentBindType === null
          ? 'debug'
          : 'info'
    this.options.logger[level]('smpp session closed', {
      session: this.name,
      reason,
      systemId: this.peer,
      remote: this.remoteAddress,
    })
    this.resolveClosed(reason)
    try {
      this.options.onClose?.(reason, this)
    } catch (error) {
      this.options.logger.error('smpp onClose callback threw', {
        session: this.name,
        error: (error as Error).message,
      })
    }
  }

  private activeBindType(): BindType | null {
    return this.currentState === 'bound_tx' ||
      this.currentState === 'bound_rx' ||
      this.currentState === 'bound_trx'
      ? this.currentBindType
      : null
  }

  private becomeBound(bindType: BindType): void {
    this.currentBindType = bindType
    this.currentState = boundStateOf(bindType)
    if (this.initTimer !== null) clearTimeout(this.initTimer)
    this.initTimer = null
    this.options.counters.bindsAccepted += 1
    this.options.logger.info('smpp session bound', {
      session: this.name,
      bindType,
      systemId: this.peer,
      remote: this.remoteAddress,
    })
    this.probe.start()
    this.options.onBound?.(this)
  }

  private onData(chunk: Buffer): void {
    try {
      for (const event of this.reader.push(chunk)) {
        if (this.currentState === 'closed') return
        this.onFrame(event)
      }
    } catch (error) {
      this.options.logger.error('smpp input handling failed', {
        session: this.name,
        error: (error as Error).message,
      })
      this.close('internal_error')
    }
  }

  private onFrame(event: FrameEvent): void {
    switch (event.kind) {
      case 'pdu':
        this.onPdu(event.pdu)
        return
      case 'nack':
        // Logged for the first few per session only: a hostile peer must not flood the log.
        this.nacksLogged += 1
        if (this.nacksLogged <= nackLogsPerSessionMax)
          this.logRefusal('smpp pdu refused', {
            status: statusName(event.status),
            sequence: event.sequence,
            detail: event.detail,
          })
        // A generic_nack is never answered with one: two peers would nack each other forever.
        if (event.commandId !== 0x80000000) this.sendNack(event.status, event.sequence)
        return
      case 'fatal':
        this.logRefusal('smpp framing lost', { detail: event.detail })
        this.sendNack(event.status, event.sequence)
        this.close('invalid_length')
        return
    }
  }

  /** A warning about the peer's input, within the per-address budget the server keeps. */
  private logRefusal(message: string, fields: Fields): void {
    const gate = this.options.mayLogRefusal?.(this) ?? { allowed: true, suppressed: 0 }
    if (!gate.allowed) return
    const left = gate.suppressed > 0 ? { suppressedBefore: gate.suppressed } : {}
    this.options.logger.warn(message, {
      session: this.name,
      remote: this.remoteAddress,
      ...fields,
      ...left,
    })
  }

  private onPdu(pdu: Pdu): void {
    this.options.counters.countIn(pdu.command, pdu.command_status)
    this.lastReceivedMs = Date.now()
    if (isResponseId(pdu.command_id)) {
      // An SMSC may send its queued deliver_sm in the same TCP segment as bind_*_resp: the
      // session is bound from this very PDU on, not from when bind()'s await resumes.
      if (
        this.pendingBindType !== null &&
        pdu.command_status === smppStatus.ESME_ROK &&
        pdu.command === `${bindCommandOf(this.pendingBindType)}_resp` &&
        this.currentState === 'open'
      ) {
        this.peer = pduString(pdu, 'system_id') ?? ''
        this.becomeBound(this.pendingBindType)
      }
      if (!this.window.onResponse(pdu)) {
        this.options.counters.unmatchedResponses += 1
        this.options.logger.debug('smpp response matches no request', {
          session: this.name,
          command: pdu.command,
          sequence: pdu.sequence_number,
        })
      }
      return
    }
    switch (pdu.command) {
      case 'enquire_link':
        this.respond(pdu, smppStatus.ESME_ROK)
        return
      case 'unbind':
        this.onUnbind(pdu)
        return
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver':
        void this.onBind(pdu)
        return
      case 'outbind':
      case 'alert_notification':
        // Neither has a response; telepay binds on its own schedule and keeps no alerts.
        this.options.logger.debug('smpp request ignored', {
          session: this.name,
          command: pdu.command,
        })
        return
      default:
        this.onRequest(pdu)
    }
  }

  private onRequest(pdu: Pdu): void {
    if (!mayReceive(this.role, this.activeBindType(), pdu.command)) {
      this.respond(pdu, smppStatus.ESME_RINVBNDSTS)
      return
    }
    const { onRequest } = this.options
    if (onRequest === undefined) {
      this.respond(pdu, smppStatus.ESME_RINVCMDID)
      return
    }
    // As the SMSC we hold ESMEs to SMPP 3.4's field sizes; what an operator's SMSC sends us is
    // taken as it comes (refusing its MO over a length rule it does not keep would lose it).
    const refusal = this.role === 'smsc' ? fieldRefusal(pdu) : null
    if (refusal !== null) {
      this.options.logger.debug('smpp field refused', {
        session: this.name,
        command: pdu.command,
        field: refusal.field,
        status: statusName(refusal.status),
      })
      this.respond(pdu, refusal.status)
      return
    }
    const overRate = isMessageCommand(pdu.command) && !this.bucket.take(Date.now())
    if (overRate || this.inFlight >= this.options.limits.inboundInFlightMax) {
      this.respond(pdu, smppStatus.ESME_RTHROTTLED)
      return
    }
    this.inFlight += 1
    this.requestsTaken += 1
    Promise.resolve()
      .then(() => onRequest(pdu, this))
      .then(
        (answer) => this.respond(pdu, answer?.status ?? smppStatus.ESME_ROK, answer?.params),
        (error: unknown) => {
          this.options.logger.error('smpp request handler failed', {
            session: this.name,
            command: pdu.command,
            sequence: pdu.sequence_number,
            error: (error as Error)?.message ?? String(error),
          })
          this.respond(pdu, smppStatus.ESME_RSYSERR)
        },
      )
      .finally(() => {
        this.inFlight -= 1
      })
  }

  private async onBind(pdu: Pdu): Promise<void> {
    const bindType = bindTypeOf(pdu.command)
    if (bindType === undefined) return
    if (this.currentBindType !== null || this.bindPending)
      return this.respond(pdu, smppStatus.ESME_RALYBND)
    if (this.role !== 'smsc' || this.currentState !== 'open')
      return this.respond(pdu, smppStatus.ESME_RINVBNDSTS)
    const request: BindRequest = {
      bindType,
      systemId: pduString(pdu, 'system_id') ?? '',
      password: pduString(pdu, 'password') ?? '',
      systemType: pduString(pdu, 'system_type') ?? '',
      interfaceVersion: pduNumber(pdu, 'interface_version') ?? 0,
      addressRange: pduString(pdu, 'address_range') ?? '',
    }
    this.bindPending = true
    let decision: BindDecision
    try {
      decision =
        this.options.onBind === undefined
          ? { status: smppStatus.ESME_RBINDFAIL, systemId: '' }
          : await this.options.onBind(request, this)
    } catch (error) {
      this.options.logger.error('smpp bind handler failed', {
        session: this.name,
        error: (error as Error).message,
      })
      decision = { status: smppStatus.ESME_RBINDFAIL, systemId: '' }
    }
    this.bindPending = false
    if (this.currentState !== 'open') return
    if (decision.status !== smppStatus.ESME_ROK) {
      this.options.counters.bindsRefused += 1
      // Debug only: the onBind handler logs refusals by its own rule (one line per lockout).
      this.options.logger.debug('smpp bind refused', {
        session: this.name,
        systemId: request.systemId,
        status: statusName(decision.status),
        remote: this.remoteAddress,
      })
      this.respond(pdu, decision.status)
      this.close('bind_refused')
      return
    }
    this.peer = request.systemId
    this.peerRange = request.addressRange
    this.respond(pdu, smppStatus.ESME_ROK, {
      system_id: decision.systemId,
      sc_interface_version: interfaceVersion,
    })
    this.becomeBound(bindType)
  }

  private onUnbind(pdu: Pdu): void {
    if (this.currentBindType === null) {
      this.respond(pdu, smppStatus.ESME_RINVBNDSTS)
      return
    }
    this.respond(pdu, smppStatus.ESME_ROK)
    this.close('peer_unbind')
  }

  private respond(pdu: Pdu, status: number, params: PduParams = {}): void {
    const command = responseCommandOf(pdu.command)
    if (command === undefined || this.currentState === 'closed') return
    let buffer: Buffer
    try {
      buffer = encodePdu(command, pdu.sequence_number, params, status)
    } catch (error) {
      this.options.logger.error('smpp response fields refused by the codec', {
        session: this.name,
        command,
        error: (error as Error).message,
      })
      status = smppStatus.ESME_RSYSERR
      buffer = encodePdu(command, pdu.sequence_number, {}, status)
    }
    if (status === smppStatus.ESME_RTHROTTLED) this.options.counters.throttledSent += 1
    this.write(buffer, command, status)
  }

  private sendNack(status: number, sequence: number): void {
    this.options.counters.genericNacksSent += 1
    this.write(encodePdu('generic_nack', sequence, {}, status), 'generic_nack', status)
  }

  private write(buffer: Buffer, command: string, status: number): void {
    const { socket } = this.options
    if (socket.destroyed || !socket.writable) return
    // PDUs written in one turn of the event loop (a batch's responses, its replies) leave in one
    // writev instead of a syscall each; end() uncorks, so a close still flushes them first.
    if (!this.corked) {
      this.corked = true
      socket.cork()
      setImmediate(() => {
        this.corked = false
        socket.uncork()
      })
    }
    socket.write(buffer)
    this.options.counters.countOut(command, status)
    // A peer that sends requests but never reads the answers would grow this buffer forever.
    if (socket.writableLength > this.options.limits.writeBufferMaxBytes)
      this.close('peer_not_reading')
  }
}
