/**
 * terminal-io.ts - what the interactive subcommands (`telepay ussd`, `call`, `wap`) read and
 * write: the process's streams by default, in-memory streams in tests. Exports TerminalIo, processIo.
 */
import type { Readable, Writable } from 'node:stream'

export interface TerminalIo {
  readonly stdin: Readable
  readonly stdout: Writable
  readonly stderr: Writable
  /** Whether stdin is a terminal (typed lines echo themselves) or a pipe (we echo them). */
  readonly interactive: boolean
}

export const processIo: TerminalIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, interactive: process.stdin.isTTY === true }
