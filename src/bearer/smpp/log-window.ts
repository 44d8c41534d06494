/**
 * log-window.ts - LogWindow: at most linesMax log lines per key (a peer address) per windowMs,
 * so a peer that reconnects to send garbage again cannot write our log at its own pace; the
 * first line of a new window says how many were left out of the last. At most keysMax keys are
 * held (the least recently seen go first). Pure apart from the map: the caller passes the time.
 */

interface KeyWindow {
  startMs: number
  lines: number
  suppressed: number
}

export class LogWindow {
  private readonly windows = new Map<string, KeyWindow>()

  constructor(
    private readonly linesMax: number,
    private readonly windowMs: number,
    private readonly keysMax: number,
  ) {}

  /** Whether a line for this key may be written now; if so, how many the last window left out. */
  allow(key: string, nowMs: number): { readonly allowed: boolean; readonly suppressed: number } {
    let window = this.windows.get(key)
    let suppressed = 0
    if (window === undefined || nowMs - window.startMs >= this.windowMs) {
      suppressed = window?.suppressed ?? 0
      window = { startMs: nowMs, lines: 0, suppressed: 0 }
    }
    // Re-inserted so the map runs from the least to the most recently seen key.
    this.windows.delete(key)
    this.windows.set(key, window)
    for (const oldest of this.windows.keys()) {
      if (this.windows.size <= this.keysMax) break
      this.windows.delete(oldest)
    }
    if (window.lines >= this.linesMax) {
      window.suppressed += 1
      return { allowed: false, suppressed: 0 }
    }
    window.lines += 1
    return { allowed: true, suppressed }
  }
}
