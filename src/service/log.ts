/**
 * log.ts - one line per event, readable by people and by grep: time, level, message, then
 * key=value fields. MSISDNs are masked by the caller; PINs never reach a logger.
 */

export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

export type Fields = Readonly<Record<string, string | number | bigint | boolean | null | undefined>>

export interface Logger {
  debug(message: string, fields?: Fields): void
  info(message: string, fields?: Fields): void
  warn(message: string, fields?: Fields): void
  error(message: string, fields?: Fields): void
}

function formatValue(value: string | number | bigint | boolean | null | undefined): string {
  const text = String(value)
  return /[\s"=]/.test(text) ? JSON.stringify(text) : text
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const threshold = logLevels.indexOf(level)
  const emit = (at: LogLevel, message: string, fields: Fields = {}): void => {
    if (logLevels.indexOf(at) < threshold) return
    const pairs = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${formatValue(value)}`)
    write([new Date().toISOString(), at.padEnd(5), message, ...pairs].join(' '))
  }
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  }
}

export const silentLogger: Logger = createLogger('silent')
