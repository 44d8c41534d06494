/**
 * in-flight.ts - counts work under way (HTTP requests, MOs being answered, replies being sent)
 * so that a graceful stop can wait for it to end, within a bound: what a channel's settle()
 * (channel.ts, rule 4) waits on. Exports InFlight, within.
 */

export class InFlight {
  private count = 0
  private waiters: (() => void)[] = []

  get size(): number {
    return this.count
  }

  enter(): void {
    this.count += 1
  }

  leave(): void {
    this.count -= 1
    if (this.count > 0) return
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  /** Counts `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.enter()
    return work.finally(() => this.leave())
  }

  /** Resolves once nothing is under way (at once when nothing is). */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }
}

/** Waits for `work` at most `ms`; true when it ended in time. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([work.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}
