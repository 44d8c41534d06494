/**
 * clock.ts - the one place that reads the time. The core never does: the service reads a Clock
 * and passes the instant in. A test clock only moves when told to.
 */

export interface Clock {
  nowMs(): number
  readonly isTest: boolean
}

export const systemClock: Clock = { nowMs: () => Date.now(), isTest: false }

export class TestClock implements Clock {
  readonly isTest = true
  constructor(private currentMs: number) {}

  nowMs(): number {
    return this.currentMs
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the test clock only moves forward')
    this.currentMs += ms
    return this.currentMs
  }
}
