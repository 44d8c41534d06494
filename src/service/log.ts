/**
 * log.ts - the gateway's logger: one line per event, written by pino. JSON for machines (one
 * object a line: level, time, msg, then the fields), pretty for a person at a terminal; `auto`
 * picks pretty when stderr is a terminal. MSISDNs are masked by the caller; PINs, card numbers,
 * keys and secrets are removed by pino's redaction whatever the caller passes (log-redaction.ts).
 * Pretty printing runs in-process and synchronously (pino-pretty's prettyFactory), so a line is
 * on stderr when the call returns, and no worker thread is started.
 *
 * TELEPAY_LOG_COPY_DIR, when set, names a directory where every logger of the process also
 * writes all its lines as JSON at debug, whatever its own level (even silent): the test run sets
 * it and reads the copies at its end for PINs (test/support/log-collector.ts).
 * Exports logLevels, LogLevel, logFormats, LogFormat, Fields, Logger, LoggerOptions,
 * logCopyDirVariable, createLogger, formatFor, silentLogger.
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import type { DestinationStream, LoggerOptions as PinoOptions, StreamEntry } from 'pino'
import pino from 'pino'
import { redactedPaths, redactionCensor } from './log-redaction.js'

export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

/** `auto`: pretty when the lines go to a terminal, JSON otherwise. */
export const logFormats = ['auto', 'json', 'pretty'] as const
export type LogFormat = (typeof logFormats)[number]

export type Fields = Readonly<Record<string, string | number | bigint | boolean | null | undefined>>

export interface Logger {
  debug(message: string, fields?: Fields): void
  info(message: string, fields?: Fields): void
  warn(message: string, fields?: Fields): void
  error(message: string, fields?: Fields): void
}

export interface LoggerOptions {
  /** Default `auto`. */
  readonly format?: LogFormat
  /**
   * Where each line goes, without its newline (a test that reads them); by default stderr. Lines
   * given to a function are JSON unless `format` says pretty.
   */
  readonly write?: (line: string) => void
}

/** The format lines are written in: `auto` resolves by whether they go to a terminal. */
export function formatFor(format: LogFormat, toTerminal: boolean): 'json' | 'pretty' {
  if (format !== 'auto') return format
  return toTerminal ? 'pretty' : 'json'
}

/** The environment variable naming the directory of the copy (see the header). */
export const logCopyDirVariable = 'TELEPAY_LOG_COPY_DIR'
/**
 * Where the process keeps its copy's file: on the global object, not in this module, because a
 * test runner loads this module afresh for every test file, and each would open one more file.
 */
const copyStreamKey = Symbol.for('telepay.logCopyStream')
type WithCopyStream = { [copyStreamKey]?: DestinationStream | null }

/** The process's copy of every line (see the header), opened once; null when not asked for. */
function copyDestination(): DestinationStream | null {
  const holder = globalThis as WithCopyStream
  const opened = holder[copyStreamKey]
  if (opened !== undefined) return opened
  const dir = process.env[logCopyDirVariable]
  const stream =
    dir === undefined || dir === ''
      ? null
      : pino.destination({
          dest: join(dir, `${process.pid}-${threadId}.jsonl`),
          sync: true,
          append: true,
          mkdir: true,
        })
  holder[copyStreamKey] = stream
  return stream
}

/**
 * pino-pretty is loaded only for a pretty stream: a gateway logging JSON (a service, the bench)
 * does not pay its import at every start (about 30 ms of the start-up; docs/build.md). It is a
 * CommonJS package, so require loads it synchronously here.
 */
const requireLazily = createRequire(import.meta.url)

function prettyStream(colorize: boolean, write: (text: string) => void): DestinationStream {
  const { prettyFactory } = requireLazily('pino-pretty') as typeof import('pino-pretty')
  const prettify = prettyFactory({
    colorize,
    singleLine: true,
    // Our `error` fields are texts, not Error objects: kept on the line, not set out below it.
    errorLikeObjectKeys: [],
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  })
  return { write: (line: string) => write(prettify(line)) }
}

function mainStream(options: LoggerOptions): DestinationStream {
  const custom = options.write
  const toTerminal = custom === undefined && process.stderr.isTTY === true
  const format = formatFor(options.format ?? 'auto', toTerminal)
  if (custom !== undefined) {
    const writeLine = (text: string): void => custom(text.replace(/\n$/, ''))
    return format === 'pretty' ? prettyStream(false, writeLine) : { write: writeLine }
  }
  if (format === 'pretty') return prettyStream(toTerminal, (text) => process.stderr.write(text))
  return pino.destination({ dest: 2, sync: true })
}

const pinoOptions: PinoOptions = {
  // Lines are short: the host and pid are the supervisor's to add (journald, a container).
  base: null,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: { paths: [...redactedPaths], censor: redactionCensor },
}

export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const copy = copyDestination()
  const streams: StreamEntry[] = []
  if (level !== 'silent') streams.push({ level, stream: mainStream(options) })
  if (copy !== null) streams.push({ level: 'debug', stream: copy })
  const only = streams.length === 1 ? streams[0] : undefined
  const logger =
    only !== undefined
      ? pino({ ...pinoOptions, level: only.level ?? level }, only.stream)
      : streams.length === 0
        ? pino({ ...pinoOptions, level: 'silent' })
        : pino({ ...pinoOptions, level: 'debug' }, pino.multistream(streams))
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  }
}

export const silentLogger: Logger = createLogger('silent')
