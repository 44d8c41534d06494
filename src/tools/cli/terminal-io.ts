/**
 * terminal-io.ts - what the interactive subcommands (`telepay ussd`, `call`, `wap`) read and
 * write: the process's streams by default, in-memory streams in tests; and the one line reader
 * they share. On a terminal the reader puts stdin in raw mode and edits the line itself, so that
 * a secret (a PIN) shows as `*` per key and never as its digits, Ctrl-C and Ctrl-D reach the
 * program as keys, and a reply can be waited for with a deadline. From a pipe it reads lines and
 * echoes each after its prompt (a secret as stars). close() gives stdin back: until then a
 * terminal's stdin keeps the process alive (readline's async iterator never closes it, and a
 * terminal never sends the end of input a pipe does). Exports TerminalIo, processIo, LineInput,
 * LineRead, openLineInput, interruptedExitCode, secondsText and timeoutNamed.
 */
import type { Interface } from 'node:readline'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'

export interface TerminalIo {
  readonly stdin: Readable
  readonly stdout: Writable
  readonly stderr: Writable
  /**
   * Whether stdin is a terminal (we edit and echo the line in raw mode) or a pipe (we echo whole
   * lines).
   */
  readonly interactive: boolean
}

export const processIo: TerminalIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: process.stdin.isTTY === true,
}

/**
 * What one read gave: a line; the end of input (a pipe's end, Ctrl-D); Ctrl-C; or no line before
 * the deadline.
 */
export type LineRead =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'end' }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'timeout' }

export interface ReadOptions {
  /** Shown as `*` per key on a terminal, as stars from a pipe; never as typed. */
  readonly secret?: boolean
  /** No line this long after the prompt is a 'timeout'; null or absent: wait for ever. */
  readonly timeoutMs?: number | null
}

export interface LineInput {
  /** Writes the prompt, then reads one line (without its line end). */
  read(prompt: string, options?: ReadOptions): Promise<LineRead>
  /** Gives stdin back (raw mode off, no more reading), so the process can exit. Idempotent. */
  close(): void
}

/** Exit code after Ctrl-C: the shell's for a program stopped by SIGINT. */
export const interruptedExitCode = 130

/** "30 s", "5 min", "1.5 s": a timeout as the user is told it. */
export function secondsText(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`
  return `${Math.round(ms / 100) / 10} s`
}

/** A timeout in ms named by a response header; null when absent or not a positive integer. */
export function timeoutNamed(header: string | readonly string[] | null | undefined): number | null {
  const ms = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : 0
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null
}

interface RawTerminal extends Readable {
  setRawMode(mode: boolean): unknown
}

function isRawTerminal(stream: Readable): stream is RawTerminal {
  return typeof (stream as Partial<RawTerminal>).setRawMode === 'function'
}

export function openLineInput(io: TerminalIo): LineInput {
  return io.interactive && isRawTerminal(io.stdin)
    ? new RawLineInput(io.stdin, io.stdout)
    : new PipedLineInput(io)
}

/** One pending read: what settles it. */
interface Waiter {
  readonly done: (read: LineRead) => void
}

/**
 * Waits for the reader to settle a read, or for the deadline; the timer never outlives the read.
 */
function awaitRead(
  timeoutMs: number | null | undefined,
  wait: (waiter: Waiter) => void,
  onTimeout: () => void,
): Promise<LineRead> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null
    let settled = false
    const done = (read: LineRead): void => {
      if (settled) return
      settled = true
      if (timer !== null) clearTimeout(timer)
      resolve(read)
    }
    if (timeoutMs !== undefined && timeoutMs !== null) {
      timer = setTimeout(() => {
        onTimeout()
        done({ kind: 'timeout' })
      }, timeoutMs)
    }
    wait({ done })
  })
}

/** Lines of a pipe (or of a test's stream), each echoed after its prompt. */
class PipedLineInput implements LineInput {
  private readonly lines: string[] = []
  private ended = false
  private waiter: Waiter | null = null
  private readonly reader: Interface

  constructor(private readonly io: TerminalIo) {
    this.reader = createInterface({ input: io.stdin, terminal: false })
    this.reader.on('line', (line: string) => {
      this.lines.push(line.replace(/\r$/, ''))
      this.wake()
    })
    this.reader.on('close', () => {
      this.ended = true
      this.wake()
    })
  }

  read(prompt: string, options: ReadOptions = {}): Promise<LineRead> {
    this.io.stdout.write(prompt)
    return awaitRead(
      options.timeoutMs,
      (waiter) => {
        this.waiter = {
          done: (read) => {
            this.waiter = null
            if (read.kind === 'line' && !this.io.interactive)
              this.io.stdout.write(
                `${options.secret === true ? '*'.repeat(read.text.length) : read.text}\n`,
              )
            if (read.kind === 'end') this.io.stdout.write('\n')
            waiter.done(read)
          },
        }
        this.wake()
      },
      () => {
        this.waiter = null
        this.io.stdout.write('\n')
      },
    )
  }

  close(): void {
    this.waiter = null
    this.reader.close()
  }

  private wake(): void {
    const waiter = this.waiter
    if (waiter === null) return
    const line = this.lines.shift()
    if (line !== undefined) waiter.done({ kind: 'line', text: line })
    else if (this.ended) waiter.done({ kind: 'end' })
  }
}

/**
 * A terminal in raw mode from open to close: keys arrive one by one (type-ahead is kept for the
 * next read), the line is echoed by us (a secret as `*`), Backspace and Ctrl-U edit it, Enter
 * ends it, Ctrl-C is an interrupt, Ctrl-D on an empty line the end of input; escape sequences
 * (arrows) are ignored.
 */
class RawLineInput implements LineInput {
  private pending = ''
  private line = ''
  private secret = false
  private waiter: Waiter | null = null
  private closed = false
  /** The terminal went away (its stream ended): every read from now on is the end of input. */
  private ended = false
  private readonly onData = (chunk: Buffer | string): void => {
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    this.consume()
  }
  private readonly onEnd = (): void => {
    this.ended = true
    this.consume()
  }

  constructor(
    private readonly stdin: RawTerminal,
    private readonly stdout: Writable,
  ) {
    stdin.setRawMode(true)
    stdin.on('data', this.onData)
    stdin.on('end', this.onEnd)
    stdin.resume()
  }

  read(prompt: string, options: ReadOptions = {}): Promise<LineRead> {
    this.stdout.write(prompt)
    this.line = ''
    this.secret = options.secret === true
    return awaitRead(
      options.timeoutMs,
      (waiter) => {
        this.waiter = {
          done: (read) => {
            this.waiter = null
            waiter.done(read)
          },
        }
        this.consume()
      },
      () => {
        this.waiter = null
        this.line = ''
        this.stdout.write('\n')
      },
    )
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.waiter = null
    this.stdin.off('data', this.onData)
    this.stdin.off('end', this.onEnd)
    this.stdin.setRawMode(false)
    this.stdin.pause()
  }

  /** Handles the keys that arrived, while a read waits for them. */
  private consume(): void {
    while (this.waiter !== null && this.pending !== '') {
      const escapeSequence = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/.exec(this.pending)
      if (escapeSequence !== null) {
        this.pending = this.pending.slice(escapeSequence[0].length)
        continue
      }
      const key = String.fromCodePoint(this.pending.codePointAt(0) ?? 0)
      this.pending = this.pending.slice(key.length)
      this.key(key, this.waiter)
    }
    if (this.ended && this.pending === '') this.waiter?.done({ kind: 'end' })
  }

  private key(key: string, waiter: Waiter): void {
    if (key === '\r' || key === '\n') {
      // A pasted CRLF is one Enter.
      if (key === '\r' && this.pending.startsWith('\n')) this.pending = this.pending.slice(1)
      this.stdout.write('\n')
      waiter.done({ kind: 'line', text: this.line })
    } else if (key === '\x03') {
      this.stdout.write('^C\n')
      waiter.done({ kind: 'interrupt' })
    } else if (key === '\x04') {
      if (this.line !== '') return
      this.stdout.write('\n')
      waiter.done({ kind: 'end' })
    } else if (key === '\x7f' || key === '\b') {
      if (this.line === '') return
      this.line = [...this.line].slice(0, -1).join('')
      this.stdout.write('\b \b')
    } else if (key === '\x15') {
      this.stdout.write('\b \b'.repeat(this.line.length))
      this.line = ''
    } else if (key >= ' ') {
      this.line += key
      this.stdout.write(this.secret ? '*' : key)
    }
  }
}
