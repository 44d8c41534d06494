/**
 * chain.ts - runs work one at a time per key (a USSD session, an IVR call): two requests
 * of one key never interleave, requests of different keys run side by side. A key's entry is
 * dropped once its last work settles, so the map holds only keys with work in flight. A failure
 * of one work does not stop the next. Exports KeyedChain.
 */
export class KeyedChain {
  private readonly tails = new Map<string, Promise<void>>()

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const run = previous.then(work, work)
    const settled = run.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, settled)
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key)
    })
    return run
  }
}
