/**
 * link-probe.ts - LinkProbe: enquire_link after a quiet interval (nothing received for
 * intervalMs), and a dead-link verdict when the probe times out. One timer per session that
 * re-arms for the remaining quiet time, so busy sessions cost no timer churn per PDU.
 */
import type { SendResult } from './request-window.js'

export interface LinkProbeDeps {
  readonly intervalMs: number
  /** When the session last received a PDU (Date.now() scale). */
  readonly lastReceivedMs: () => number
  /** Whether probing still makes sense (bound, not unbinding or closed). */
  readonly active: () => boolean
  /** Sends enquire_link with its own timeout. */
  readonly probe: () => Promise<SendResult>
  readonly onDead: () => void
}

export class LinkProbe {
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly deps: LinkProbeDeps) {}

  start(): void {
    this.arm(this.deps.intervalMs)
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private arm(delayMs: number): void {
    this.stop()
    this.timer = setTimeout(() => this.check(), delayMs)
  }

  private check(): void {
    this.timer = null
    if (!this.deps.active()) return
    const quietMs = Date.now() - this.deps.lastReceivedMs()
    if (quietMs < this.deps.intervalMs) {
      this.arm(this.deps.intervalMs - quietMs)
      return
    }
    void this.deps.probe().then((result) => {
      if (!result.ok && result.reason === 'timeout') this.deps.onDead()
      else if (this.deps.active()) this.arm(this.deps.intervalMs)
    })
  }
}
