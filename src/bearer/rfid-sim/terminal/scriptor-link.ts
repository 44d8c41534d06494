/**
 * scriptor-link.ts - a terminal's link to a card in a real PC/SC reader, through Debian's scriptor
 * (pcsc-tools) kept running on the reader: one APDU written a line, its answer read back from
 * scriptor's "< 90 00 : Normal processing." lines. Node has no PC/SC client of its own here, and
 * scriptor is an independent peer that goes through pcscd as any PC/SC application does, so a tap
 * over this link crosses the whole path a desk reader's would (terminal, pcscd, the reader's
 * driver, the card). scriptor buffers its output when it writes to a pipe unless told `-u`: no
 * answer would come back until it exits. One APDU at a time, each within `answerTimeoutMs`; an
 * APDU that times out ends the link (its late answer must never be taken for the next one's).
 * Exports ScriptorLink, scriptorLimits.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import type { CardLink } from './offline-terminal.js'

const scriptorPath = '/usr/bin/scriptor'

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
    // 'close': after the last output was read. 'error': it could not start, or a write to a
    // scriptor that ended (EPIPE), which 'close' also reports.
    child.on('close', (code) => this.end(`scriptor exited (code ${code})`))
    child.on('error', (error) => this.end(`scriptor failed: ${error.message}`))
    child.stdin.on('error', (error) => this.end(`scriptor's input failed: ${error.message}`))
  }

  /** scriptor on `readerName`, once it has connected to the card in it. */
  static async open(readerName: string): Promise<ScriptorLink> {
    const child = spawn(scriptorPath, ['-u', '-r', readerName], { stdio: 'pipe' })
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
        this.end(`no answer from the card in ${scriptorLimits.answerTimeoutMs} ms`)
        this.close()
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
      // What came after the last answer (its meaning, a newline) is no part of this one.
      this.output = ''
      this.child.stdin.write(`${apdu.toString('hex').replace(/(..)(?!$)/g, '$1 ')}\n`)
    })
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill()
  }

  /** The link is over: what waits is refused, and so is every APDU after. */
  private end(why: string): void {
    this.exited ??= new Error(`${why}: ${this.output.slice(-300)}`)
    const waiting = this.waiting
    this.waiting = null
    waiting?.reject(this.exited)
  }

  private take(text: string): void {
    this.output += text
    // Nothing asked: what scriptor says (its banner, an echo) is kept for an error message only.
    if (this.waiting === null) return
    const match = answerPattern.exec(this.output)
    if (match === null) return
    this.output = this.output.slice((match.index ?? 0) + match[0].length)
    const waiting = this.waiting
    this.waiting = null
    waiting.resolve(Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'hex'))
  }
}
