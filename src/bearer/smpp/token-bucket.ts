/**
 * token-bucket.ts - TokenBucket: the per-bind incoming message rate (ratePerSecond refill,
 * burstMax depth). take() says whether one more message fits now; the caller passes the time.
 */

export class TokenBucket {
  private tokens: number
  private lastMs: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly burstMax: number,
    nowMs: number,
  ) {
    this.tokens = burstMax
    this.lastMs = nowMs
  }

  take(nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.lastMs)
    this.lastMs = nowMs
    this.tokens = Math.min(this.burstMax, this.tokens + (elapsedMs * this.ratePerSecond) / 1000)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
