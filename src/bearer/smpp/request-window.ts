/**
 * request-window.ts - RequestWindow: our outgoing requests on one session. Sequence numbers run
 * 1..0x7FFFFFFF and wrap to 1; at most windowMax requests await a response, further ones wait
 * in a queue of sendQueueMax and beyond that fail at once; every request has a response timeout
 * (it fails, the session goes on); a peer's ESME_RTHROTTLED / ESME_RMSGQFUL pauses all sends for
 * peerThrottleBackoffMs and resends the request, up to peerThrottleRetriesMax times.
 * Control requests (bind, enquire_link, unbind) skip window and queue so a busy session can
 * still be probed and closed. Failures are SendResult values; nothing here throws at callers.
 */
import { isPeerThrottle, statusName } from './command-status.js'
import type { SmppCounters } from './counters.js'
import type { SmppLimits } from './limits.js'
import type { Pdu, PduParams } from './pdu.js'
import { encodePdu, sequenceMax } from './pdu.js'

export type SendFailureReason = 'not_bound' | 'queue_full' | 'timeout' | 'closed' | 'invalid'

/** What became of a request: its response, the peer's refusal, or why it got none. */
export type SendResult =
  | { readonly ok: true; readonly response: Pdu }
  | {
      readonly ok: false
      readonly reason: 'status'
      readonly status: number
      readonly response: Pdu
      readonly detail: string
    }
  | { readonly ok: false; readonly reason: SendFailureReason; readonly detail: string }

export interface SendOptions {
  /** Bypass window and queue (session control PDUs). */
  readonly control?: boolean
  /** Overrides limits.responseTimeoutMs for this request. */
  readonly timeoutMs?: number
}

interface Outgoing {
  readonly command: string
  readonly params: PduParams
  readonly control: boolean
  readonly timeoutMs: number
  readonly resolve: (result: SendResult) => void
  sequence: number
  timer: NodeJS.Timeout | null
  throttleRetries: number
}

export interface RequestWindowDeps {
  readonly limits: SmppLimits
  readonly counters: SmppCounters
  /** Writes encoded octets to the socket (and counts them). */
  readonly write: (buffer: Buffer, command: string, status: number) => void
  readonly sequenceStart?: number
}

export class RequestWindow {
  private nextSequence: number
  private readonly pending = new Map<number, Outgoing>()
  private readonly queue: Outgoing[] = []
  private windowUsed = 0
  private pauseTimer: NodeJS.Timeout | null = null
  private closedDetail: string | null = null
  private idleWaiters: (() => void)[] = []

  constructor(private readonly deps: RequestWindowDeps) {
    const start = deps.sequenceStart ?? 1
    if (!Number.isInteger(start) || start < 1 || start > sequenceMax)
      throw new RangeError(`sequenceStart ${start} out of range`)
    this.nextSequence = start
  }

  /** Requests sent and awaiting a response, window-counted ones only. */
  get outstanding(): number {
    return this.windowUsed
  }

  get queued(): number {
    return this.queue.length
  }

  get paused(): boolean {
    return this.pauseTimer !== null
  }

  send(command: string, params: PduParams, options: SendOptions = {}): Promise<SendResult> {
    if (this.closedDetail !== null)
      return Promise.resolve({ ok: false, reason: 'closed', detail: this.closedDetail })
    return new Promise<SendResult>((resolve) => {
      const request: Outgoing = {
        command,
        params,
        resolve,
        sequence: 0,
        timer: null,
        throttleRetries: 0,
        control: options.control === true,
        timeoutMs: options.timeoutMs ?? this.deps.limits.responseTimeoutMs,
      }
      if (request.control) this.write(request)
      else if (this.queue.length === 0 && this.hasRoom()) this.write(request)
      else if (this.queue.length < this.deps.limits.sendQueueMax) this.queue.push(request)
      else
        resolve({
          ok: false,
          reason: 'queue_full',
          detail: `${this.queue.length} sends already wait for the window`,
        })
    })
  }

  /** Matches a response (or generic_nack) to its request; false when none awaits it. */
  onResponse(pdu: Pdu): boolean {
    const request = this.pending.get(pdu.sequence_number)
    if (request === undefined) return false
    this.release(request)
    const status = pdu.command_status
    if (status === 0 && pdu.command !== 'generic_nack') {
      request.resolve({ ok: true, response: pdu })
    } else if (
      isPeerThrottle(status) &&
      !request.control &&
      request.throttleRetries < this.deps.limits.peerThrottleRetriesMax
    ) {
      this.deps.counters.throttledReceived += 1
      request.throttleRetries += 1
      this.queue.unshift(request)
      this.pause()
    } else {
      if (isPeerThrottle(status)) this.deps.counters.throttledReceived += 1
      request.resolve({
        ok: false,
        reason: 'status',
        status,
        response: pdu,
        detail: `${pdu.command} ${statusName(status)}`,
      })
    }
    this.pump()
    return true
  }

  /** Fails every queued and outstanding request; later sends fail at once. */
  close(detail: string): void {
    if (this.closedDetail !== null) return
    this.closedDetail = detail
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer)
    this.pauseTimer = null
    const all = [...this.pending.values(), ...this.queue.splice(0)]
    this.pending.clear()
    this.windowUsed = 0
    for (const request of all) {
      if (request.timer !== null) clearTimeout(request.timer)
      request.resolve({ ok: false, reason: 'closed', detail })
    }
    this.notifyIdle()
  }

  /** Resolves once nothing is queued or outstanding (or the window is closed). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private isIdle(): boolean {
    return this.closedDetail !== null || (this.queue.length === 0 && this.pending.size === 0)
  }

  private notifyIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const wake of waiters) wake()
  }

  private hasRoom(): boolean {
    return this.pauseTimer === null && this.windowUsed < this.deps.limits.windowMax
  }

  private pump(): void {
    while (this.closedDetail === null && this.queue.length > 0 && this.hasRoom()) {
      const request = this.queue.shift()
      if (request !== undefined) this.write(request)
    }
    this.notifyIdle()
  }

  private pause(): void {
    if (this.pauseTimer !== null) return
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = null
      this.pump()
    }, this.deps.limits.peerThrottleBackoffMs)
  }

  private write(request: Outgoing): void {
    request.sequence = this.takeSequence()
    let buffer: Buffer
    try {
      buffer = encodePdu(request.command, request.sequence, request.params)
    } catch (error) {
      request.resolve({ ok: false, reason: 'invalid', detail: (error as Error).message })
      return
    }
    this.pending.set(request.sequence, request)
    if (!request.control) this.windowUsed += 1
    request.timer = setTimeout(() => this.expire(request), request.timeoutMs)
    this.deps.write(buffer, request.command, 0)
  }

  private expire(request: Outgoing): void {
    if (this.pending.get(request.sequence) !== request) return
    request.timer = null
    this.release(request)
    this.deps.counters.responseTimeouts += 1
    // The slot is freed although the peer may still answer: keeping it would stall the session
    // for good behind a peer that lost the request. A late answer counts as unmatched.
    request.resolve({
      ok: false,
      reason: 'timeout',
      detail: `no ${request.command}_resp within ${request.timeoutMs} ms`,
    })
    this.pump()
  }

  private release(request: Outgoing): void {
    if (request.timer !== null) clearTimeout(request.timer)
    request.timer = null
    this.pending.delete(request.sequence)
    if (!request.control) this.windowUsed -= 1
  }

  /** 1..0x7FFFFFFF then 1 again, skipping a number still awaiting its response. */
  private takeSequence(): number {
    for (;;) {
      const sequence = this.nextSequence
      this.nextSequence = sequence >= sequenceMax ? 1 : sequence + 1
      if (!this.pending.has(sequence)) return sequence
    }
  }
}
