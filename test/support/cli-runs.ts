/**
 * cli-runs.ts - runs the interactive subcommands (`telepay ussd`, `call`, `wap`) as an operator
 * would script them: the real program in a child process with its stdin a pipe, or the
 * subcommand's function in-process on in-memory streams. Exports CliRun, telepayChild, inProcess.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import type { TerminalIo } from '../../src/cli/terminal-io.js'

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `node bin/telepay.js <subcommand> ...args` with `stdin` written to its pipe and closed. */
export function telepayChild(subcommand: string, args: readonly string[], stdin: string): Promise<CliRun> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [resolve('bin/telepay.js'), subcommand, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
    child.on('error', reject)
    child.on('close', (code) => done({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

/** A subcommand's run function with `lines` as piped input (not a terminal). */
export async function inProcess(
  run: (args: string[], io: TerminalIo) => Promise<number>, args: string[], lines: readonly string[] = [],
): Promise<CliRun & { readonly code: number }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8') })
  stderr.on('data', (chunk: Buffer) => { err += chunk.toString('utf8') })
  const code = await run(args, { stdin: Readable.from(lines.map((line) => `${line}\n`)), stdout, stderr, interactive: false })
  return { code, stdout: out, stderr: err }
}
