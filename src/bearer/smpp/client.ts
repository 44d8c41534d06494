/**
 * client.ts - createSmppClient(): telepay in the ESME role (operator mode), also the stand-in
 * for phones in tests, conformance, the CLI and the benchmark. Binds as a transceiver (or a
 * transmitter plus a receiver session) with interface_version 0x34, hands deliver_sm to
 * onDeliver and answers with what it returns, submit() sends submit_sm and resolves with the
 * message_id or a failure value. A dropped link or a failed bind reconnects with exponential
 * backoff and jitter (reconnectDelayMs) on a FRESH session each time; close() unbinds cleanly
 * and stops reconnecting. Exports createSmppClient, reconnectDelayMs and their types.
 */
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import type { Logger } from '../../service/log.js'
import { statusName } from './command-status.js'
import { SmppCounters } from './counters.js'
import type { SmppLimits } from './limits.js'
import { resolveSmppLimits } from './limits.js'
import type { Pdu, PduParams } from './pdu.js'
import { pduString } from './pdu.js'
import type { SendOptions, SendResult } from './request-window.js'
import type { CloseReason, IncomingAnswer } from './session.js'
import { SmppSession } from './session.js'
import type { BindType } from './session-rules.js'
import { silentLogger } from './silent-logger.js'

/** transmitter_receiver: two sessions, submits on one, deliveries on the other. */
export type SmppClientMode = 'transceiver' | 'transmitter_receiver' | 'transmitter' | 'receiver'

export interface SmppClientOptions {
  readonly host: string
  readonly port: number
  readonly systemId: string
  readonly password: string
  readonly systemType?: string
  readonly addressRange?: string
  /** Default 'transceiver'. */
  readonly mode?: SmppClientMode
  readonly limits?: Partial<SmppLimits>
  readonly logger?: Logger
  /** Prefix of session names in logs. */
  readonly name?: string
  /** Reconnect after a drop or a refused bind (default true). */
  readonly reconnect?: boolean
  /** First sequence_number of every session (tests start near 0x7FFFFFFF to see the wrap). */
  readonly sequenceStart?: number
  /**
   * deliver_sm (and data_sm) from the SMSC; the answer becomes deliver_sm_resp. Without it
   * every delivery is acknowledged with ESME_ROK and dropped (handy for load tests only).
   */
  readonly onDeliver?: (pdu: Pdu) => Promise<IncomingAnswer | undefined>
  /** Bind, refusal, drop and reconnect notices; must not throw. */
  readonly onEvent?: (event: SmppClientEvent) => void
}

export type SmppClientEvent =
  | { readonly type: 'bound'; readonly bindType: BindType; readonly sessionId: number }
  | { readonly type: 'bind_refused'; readonly bindType: BindType; readonly status: number }
  | { readonly type: 'connect_failed'; readonly bindType: BindType; readonly detail: string }
  | { readonly type: 'disconnected'; readonly bindType: BindType; readonly reason: CloseReason }
  | {
      readonly type: 'reconnect_scheduled'
      readonly bindType: BindType
      readonly delayMs: number
      readonly failures: number
    }
  | { readonly type: 'closed' }

export type ReadyResult =
  | { readonly ok: true }
  | {
      readonly ok: false
      readonly reason: 'bind_refused'
      readonly status: number
      readonly detail: string
    }
  | {
      readonly ok: false
      readonly reason: 'timeout' | 'closed' | 'connect_failed'
      readonly detail: string
    }

export type SubmitResult =
  | { readonly ok: true; readonly messageId: string; readonly response: Pdu }
  | Exclude<SendResult, { readonly ok: true }>

export interface SmppClient {
  readonly limits: SmppLimits
  readonly counters: SmppCounters
  /** Every session of the mode is bound. */
  ready(): boolean
  /**
   * Resolves ok once bound; fails at the first refused bind (with its status), on timeout, or,
   * without reconnect, at the first connect failure. Reconnecting goes on in the background.
   */
  whenReady(timeoutMs?: number): Promise<ReadyResult>
  /** submit_sm through the transmitting session; params carry Buffers and data_coding. */
  submit(params: PduParams, options?: SendOptions): Promise<SubmitResult>
  /** Any request the transmitting session may send (data_sm, query_sm...). */
  send(command: string, params: PduParams, options?: SendOptions): Promise<SendResult>
  enquireLink(): Promise<SendResult>
  /** The current sessions: new objects after every reconnect. */
  sessions(): readonly SmppSession[]
  /** Unbinds cleanly and stops reconnecting. */
  close(): Promise<void>
}

/** Delay before reconnect attempt `failures + 1`: base doubling to max, +-jitterRatio. */
export function reconnectDelayMs(
  failures: number,
  limits: SmppLimits,
  random: () => number = Math.random,
): number {
  const exponential = limits.reconnectDelayBaseMs * 2 ** Math.min(failures, 30)
  const capped = Math.min(limits.reconnectDelayMaxMs, exponential)
  const jitter = 1 + limits.reconnectJitterRatio * (2 * random() - 1)
  return Math.max(1, Math.round(capped * jitter))
}

interface LinkContext {
  readonly options: SmppClientOptions
  readonly limits: SmppLimits
  readonly counters: SmppCounters
  readonly logger: Logger
  readonly emit: (event: SmppClientEvent) => void
}

/** One bind of the client (tx, rx or trx) and its reconnect loop. */
class ClientLink {
  session: SmppSession | null = null
  private socket: Socket | null = null
  private failures = 0
  private attempts = 0
  private retryTimer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    readonly bindType: BindType,
    private readonly context: LinkContext,
  ) {}

  get bound(): boolean {
    return (
      this.session !== null &&
      this.session.bindType !== null &&
      this.session.state !== 'unbinding' &&
      this.session.state !== 'closed'
    )
  }

  start(): void {
    const { options, limits, counters } = this.context
    if (this.stopped) return
    if (this.attempts > 0) counters.reconnects += 1
    this.attempts += 1
    let connected = false
    const socket = connect({ host: options.host, port: options.port })
    this.socket = socket
    const timer = setTimeout(
      () => socket.destroy(new Error(`connect timeout after ${limits.connectTimeoutMs} ms`)),
      limits.connectTimeoutMs,
    )
    socket.once('connect', () => {
      connected = true
      clearTimeout(timer)
      void this.bind(socket)
    })
    socket.once('error', (error) => {
      if (connected) return
      clearTimeout(timer)
      this.socket = null
      socket.destroy()
      this.context.emit({ type: 'connect_failed', bindType: this.bindType, detail: error.message })
      this.retry()
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    const session = this.session
    if (session !== null) await session.unbind()
    else this.socket?.destroy()
  }

  private async bind(socket: Socket): Promise<void> {
    const { options, limits, counters, logger } = this.context
    const session = new SmppSession({
      socket,
      role: 'esme',
      limits,
      counters,
      logger,
      name: options.name ?? `smpp-client-${this.bindType}`,
      ...(options.sequenceStart === undefined ? {} : { sequenceStart: options.sequenceStart }),
      onRequest: (pdu) => options.onDeliver?.(pdu) ?? Promise.resolve(undefined),
      onClose: (reason) => this.onClosed(session, reason),
    })
    this.session = session
    this.socket = null
    const result = await session.bind(this.bindType, {
      systemId: options.systemId,
      password: options.password,
      ...(options.systemType === undefined ? {} : { systemType: options.systemType }),
      ...(options.addressRange === undefined ? {} : { addressRange: options.addressRange }),
    })
    if (result.ok) {
      this.failures = 0
      this.context.emit({ type: 'bound', bindType: this.bindType, sessionId: session.id })
      if (this.stopped) await session.unbind()
      return
    }
    if (result.reason === 'status') {
      this.context.emit({ type: 'bind_refused', bindType: this.bindType, status: result.status })
    } else {
      this.context.emit({
        type: 'connect_failed',
        bindType: this.bindType,
        detail: `bind: ${result.detail}`,
      })
    }
    session.close('closed_by_us')
  }

  private onClosed(session: SmppSession, reason: CloseReason): void {
    if (this.session !== session) return
    this.session = null
    if (session.bindType !== null)
      this.context.emit({ type: 'disconnected', bindType: this.bindType, reason })
    this.retry()
  }

  private retry(): void {
    if (this.stopped || this.retryTimer !== null || this.context.options.reconnect === false) return
    const delayMs = reconnectDelayMs(this.failures, this.context.limits)
    this.failures += 1
    this.context.emit({
      type: 'reconnect_scheduled',
      bindType: this.bindType,
      delayMs,
      failures: this.failures,
    })
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.start()
    }, delayMs)
  }
}

function bindTypesOf(mode: SmppClientMode): BindType[] {
  switch (mode) {
    case 'transceiver':
      return ['transceiver']
    case 'transmitter_receiver':
      return ['transmitter', 'receiver']
    case 'transmitter':
      return ['transmitter']
    case 'receiver':
      return ['receiver']
  }
}

export function createSmppClient(options: SmppClientOptions): SmppClient {
  const limits = resolveSmppLimits(options.limits)
  const logger = options.logger ?? silentLogger
  const counters = new SmppCounters()
  const waiters = new Set<(event: SmppClientEvent) => void>()
  let closed = false
  const emit = (event: SmppClientEvent): void => {
    try {
      options.onEvent?.(event)
    } catch (error) {
      logger.error('smpp client onEvent threw', { error: (error as Error).message })
    }
    for (const waiter of [...waiters]) waiter(event)
  }
  const links = bindTypesOf(options.mode ?? 'transceiver').map(
    (type) => new ClientLink(type, { options, limits, counters, logger, emit }),
  )
  const ready = (): boolean => !closed && links.every((link) => link.bound)
  const transmitting = (): SmppSession | null =>
    links.find((link) => link.bindType !== 'receiver')?.session ?? null

  const send = (
    command: string,
    params: PduParams,
    sendOptions?: SendOptions,
  ): Promise<SendResult> => {
    const session = transmitting()
    if (session === null)
      return Promise.resolve({
        ok: false,
        reason: closed ? 'closed' : 'not_bound',
        detail: 'no transmitting session is bound',
      })
    return session.send(command, params, sendOptions)
  }

  for (const link of links) link.start()

  return {
    limits,
    counters,
    ready,
    whenReady(timeoutMs = limits.connectTimeoutMs + limits.responseTimeoutMs) {
      if (ready()) return Promise.resolve({ ok: true })
      if (closed) return Promise.resolve({ ok: false, reason: 'closed', detail: 'client closed' })
      return new Promise<ReadyResult>((resolve) => {
        let lastProblem = 'not bound yet'
        const finish = (result: ReadyResult): void => {
          clearTimeout(timer)
          waiters.delete(check)
          resolve(result)
        }
        const check = (event: SmppClientEvent): void => {
          if (ready()) finish({ ok: true })
          else if (event.type === 'bind_refused')
            finish({
              ok: false,
              reason: 'bind_refused',
              status: event.status,
              detail: `${event.bindType} bind refused: ${statusName(event.status)}`,
            })
          else if (event.type === 'closed')
            finish({ ok: false, reason: 'closed', detail: 'client closed' })
          else if (event.type === 'connect_failed') {
            lastProblem = event.detail
            if (options.reconnect === false)
              finish({ ok: false, reason: 'connect_failed', detail: event.detail })
          }
        }
        const timer = setTimeout(
          () => finish({ ok: false, reason: 'timeout', detail: lastProblem }),
          timeoutMs,
        )
        waiters.add(check)
      })
    },
    async submit(params, sendOptions) {
      const result = await send('submit_sm', params, sendOptions)
      if (!result.ok) return result
      return {
        ok: true,
        messageId: pduString(result.response, 'message_id') ?? '',
        response: result.response,
      }
    },
    send,
    enquireLink() {
      const session = links.find((link) => link.session !== null)?.session ?? null
      if (session === null)
        return Promise.resolve({ ok: false, reason: 'not_bound', detail: 'no session' })
      return session.enquireLink()
    },
    sessions: () => links.flatMap((link) => (link.session === null ? [] : [link.session])),
    async close() {
      if (closed) return
      closed = true
      await Promise.all(links.map((link) => link.stop()))
      emit({ type: 'closed' })
    },
  }
}
