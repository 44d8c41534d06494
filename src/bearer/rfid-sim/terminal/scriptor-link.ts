/**
 * scriptor-link.ts - a terminal's link to a card in a real PC/SC reader, through Debian's scriptor
 * (pcsc-tools) kept running on the reader: one APDU written a line, its answer read back from
 * scriptor's "< 90 00 : Normal processing." lines. Node has no PC/SC client of its own here, and
 * scriptor is an independent peer that goes through pcscd as any PC/SC application does, so a tap
 * over this link crosses the whole path a desk reader's would (terminal, pcscd, the reader's
 * driver, the card). scriptor is Perl and buffers its output when it writes to a pipe: it runs
 * with autoflush on, or no answer would come back until it exits. One APDU at a time, each
 * within `answerTimeoutMs`. Exports ScriptorLink, scriptorLimits.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import type { CardLink } from './offline-terminal.js'

export const scriptorLimits = {
  /** A card answers within a few APDU round trips of pcscd's: far less than a second. */
  answerTimeoutMs: 5_000,
  /** scriptor's own start (Perl, the reader connected). */
  startTimeoutMs: 10_000,
} as const

/** scriptor's answer: "< " then the bytes in hex, 16 a line, then " : " and their meaning. */
const answerPattern = /<((?:\s+[0-9A-F]{2})+)\s+:/

export class ScriptorLink implements CardLink {
  private output = ''
  private waiting: { resolve(answer: Buffer): void; reject(error: Error): void } | null = null
  private exited: Error | null = null

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => this.take(chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => this.take(chunk.toString()))
    child.on('exit', (code) => {
      this.exited = new Error(`scriptor exited (code ${code}): ${this.output.slice(-300)}`)
      this.waiting?.reject(this.exited)
      this.waiting = null
    })
  }

  /** scriptor on `readerName`, once it has connected to the card in it. */
  static async open(readerName: string): Promise<ScriptorLink> {
    const child = spawn(
      'perl',
      ['-e', '$| = 1; do "/usr/bin/scriptor"; die $@ if $@', '--', '-r', readerName],
      { stdio: 'pipe' },
    )
    const link = new ScriptorLink(child)
    const deadline = Date.now() + scriptorLimits.startTimeoutMs
    while (!link.output.includes('Reading commands from STDIN')) {
      if (link.exited !== null) throw link.exited
      if (Date.now() > deadline) {
        link.close()
        throw new Error(`scriptor did not start on "${readerName}": ${link.output.slice(-300)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    link.output = ''
    return link
  }

  transmit(apdu: Buffer): Promise<Buffer> {
    if (this.exited !== null) return Promise.reject(this.exited)
    if (this.waiting !== null) return Promise.reject(new Error('one APDU at a time'))
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null
        reject(new Error(`no answer from the card in ${scriptorLimits.answerTimeoutMs} ms`))
      }, scriptorLimits.answerTimeoutMs)
      this.waiting = {
        resolve: (answer) => {
          clearTimeout(timer)
          resolve(answer)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      this.child.stdin.write(`${apdu.toString('hex').replace(/(..)(?!$)/g, '$1 ')}\n`)
    })
  }

  close(): void {
    if (this.exited === null) this.child.kill()
  }

  private take(text: string): void {
    this.output += text
    const match = answerPattern.exec(this.output)
    if (match === null || this.waiting === null) return
    this.output = this.output.slice((match.index ?? 0) + match[0].length)
    const waiting = this.waiting
    this.waiting = null
    waiting.resolve(Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'hex'))
  }
}
