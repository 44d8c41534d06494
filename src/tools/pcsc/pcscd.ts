/**
 * pcscd.ts - a pcscd of our own, for the tests and the on-site benchmark: Debian's pcsc-lite
 * daemon started in the foreground on a reader.conf.d directory that holds one vsmartcard vpcd
 * reader on a free pair of ports (vpcd serves two slots, port and port + 1), so that the card
 * bridge, scriptor and opensc-tool meet as they would on an operator's desk. pcscd keeps its
 * socket at /run/pcscd, so one runs at a time on a machine: a second waits for the first to
 * stop. Exports startPcscd, Pcscd, pcscdLimits, pcscInstalled, pcscSkipReason.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const driver = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so'
const pcscdPath = '/usr/sbin/pcscd'
const tools = [pcscdPath, '/usr/bin/scriptor', '/usr/bin/opensc-tool']

function runDirWritable(): boolean {
  try {
    accessSync(existsSync('/run/pcscd') ? '/run/pcscd' : '/run', constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** Why the PC/SC tests cannot run here, or null when they can. */
export const pcscSkipReason: string | null = !existsSync(driver)
  ? '(vsmartcard-vpcd is not installed)'
  : tools.some((tool) => !existsSync(tool))
    ? '(pcscd, pcsc-tools or opensc is not installed)'
    : !runDirWritable()
      ? '(pcscd needs to write /run/pcscd: run as root)'
      : null

export const pcscInstalled = pcscSkipReason === null

export interface Pcscd {
  /** The port the card bridge connects to (the reader "<name> 00 00"). */
  readonly port: number
  readonly readerName: string
  /** What pcscd logged (with -a, every APDU). */
  log(): string
  /**
   * Waits until a card bridged in is in the reader: connected to vpcd (`connected`), then seen by
   * pcscd's next poll of the reader; throws after `timeoutMs`.
   */
  waitForCard(connected: () => boolean, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 20_000) * 2
    if ((await portIsFree(port)) && (await portIsFree(port + 1))) return port
  }
  throw new Error('no free pair of ports for vpcd')
}

/**
 * A pcscd with one vpcd reader named `readerName`; another pcscd is waited for up to
 * `waitForOtherMs` (below the test runner's timeouts: a test given up must not start one later).
 */
export async function startPcscd(
  readerName = 'telepay test',
  waitForOtherMs: number = pcscdLimits.waitForOtherMs,
): Promise<Pcscd> {
  const port = await freePortPair()
  const dir = mkdtempSync(join(tmpdir(), 'telepay-pcscd-'))
  const channel = `0x${port.toString(16).toUpperCase()}`
  const conf = [
    `FRIENDLYNAME "${readerName}"`,
    `DEVICENAME /dev/null:${channel}`,
    `LIBPATH ${driver}`,
    `CHANNELID ${channel}`,
  ]
  writeFileSync(join(dir, 'vpcd'), `${conf.join('\n')}\n`)
  // One pcscd a machine (its socket is /run/pcscd): another one's user (a test file, a benchmark)
  // is waited for, as long as it takes to finish with its reader.
  const busyUntil = Date.now() + waitForOtherMs
  for (;;) {
    const started = await spawnPcscd(dir)
    if (started.ok) return handleOf(started.child, started.output, port, readerName, dir)
    if (!started.busy || Date.now() > busyUntil) {
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`pcscd did not start: ${started.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

export const pcscdLimits = {
  /**
   * How long to wait for another pcscd of ours to stop (a test file's, a benchmark's): less than
   * the test runner's 60 s timeouts, so that a test given up does not start one afterwards.
   */
  waitForOtherMs: 45_000,
  /** pcscd's own start. */
  startMs: 10_000,
} as const

type Started =
  | { readonly ok: true; readonly child: ChildProcess; readonly output: () => string }
  | { readonly ok: false; readonly busy: boolean; readonly output: () => string }

async function spawnPcscd(dir: string): Promise<Started> {
  let output = ''
  // -i logs "daemon ready" (and the readers it set up), -a every APDU.
  const child: ChildProcess = spawn(pcscdPath, ['-f', '-i', '-a', '-c', dir], { stdio: 'pipe' })
  child.on('error', (error) => {
    output += `\n${error.message}`
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const read = (): string => output
  const deadline = Date.now() + pcscdLimits.startMs
  // Connecting to vpcd's port to see it listen would insert a card; pcscd's log says it is ready.
  while (!output.includes('daemon ready')) {
    if (child.exitCode !== null)
      return { ok: false, busy: /Another pcscd .*seems to be running/.test(output), output: read }
    if (Date.now() > deadline) {
      child.kill('SIGTERM')
      return { ok: false, busy: false, output: read }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { ok: true, child, output: read }
}

function handleOf(
  child: ChildProcess,
  output: () => string,
  port: number,
  readerName: string,
  dir: string,
): Pcscd {
  return {
    port,
    readerName: `${readerName} 00 00`,
    log: output,
    async waitForCard(connected, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!connected() || !/card inserted/i.test(output())) {
        if (Date.now() > deadline) throw new Error(`the card never reached the reader: ${output()}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
