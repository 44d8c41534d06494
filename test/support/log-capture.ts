/**
 * log-capture.ts - a logger whose lines a test reads: each JSON line as the gateway writes it,
 * and parsed (level, msg, time and the fields).
 * Exports LogEntry, LogCapture and captureLog.
 */
import type { Logger, LogLevel } from '../../src/service/log.js'
import { createLogger } from '../../src/service/log.js'

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly msg: string
  readonly time: string
  readonly [field: string]: unknown
}

export interface LogCapture {
  readonly log: Logger
  /** The lines as written, oldest first; a test may empty it (`lines.length = 0`). */
  readonly lines: string[]
  /** The lines parsed. */
  entries(): LogEntry[]
}

export function captureLog(level: LogLevel = 'debug'): LogCapture {
  const lines: string[] = []
  return {
    log: createLogger(level, { format: 'json', write: (line) => lines.push(line) }),
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as LogEntry),
  }
}
