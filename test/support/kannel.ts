/**
 * kannel.ts - Kannel 1.4.5 (Debian `kannel`, `kannel-extras`) as an independent SMPP peer for
 * tests: bearerbox + smsbox bound as an ESME to our SMSC simulator, and Kannel's own test SMSC
 * (drive_smpp) for our operator mode. Each start writes its own config with free ports into a
 * temporary directory and stops the processes by PID. A small HTTP server stands in for the
 * application behind Kannel: it records the messages Kannel hands to its sms-service (get-url)
 * and the delivery reports it posts to the dlr-url.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createConnection, createServer as createTcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const bearerboxPath = '/usr/sbin/bearerbox'
export const smsboxPath = '/usr/sbin/smsbox'
export const driveSmppPath = '/usr/lib/kannel/test/drive_smpp'

/** Why a Kannel test cannot run here, or null when it can. */
export function kannelMissing(): string | null {
  if (!existsSync(bearerboxPath) || !existsSync(smsboxPath))
    return 'Kannel is not installed (Debian package kannel; .ci/run installs it)'
  return null
}

export function driveSmppMissing(): string | null {
  return existsSync(driveSmppPath)
    ? null
    : 'Kannel test SMSC drive_smpp is not installed (Debian package kannel-extras; ' +
        '.ci/run installs it)'
}

/** A port nobody listens on right now (the kernel's pick, released at once). */
export async function freePort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline)
      throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** waitFor for probes that must await (an HTTP status page, say). */
export async function waitForAsync<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Waits until something listens on a loopback TCP port without connecting to it, by reading
 * the kernel's socket table (Linux /proc/net/tcp); elsewhere it only waits a fixed moment.
 */
export async function waitForListening(port: number, timeoutMs: number): Promise<void> {
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter((path) => existsSync(path))
  if (tables.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    return
  }
  // Rows read "sl local_address rem_address st ...": local "0100007F:1F90", state 0A = LISTEN.
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`
  await waitFor(
    `a listener on port ${port}`,
    () =>
      tables.some((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .some((row) => {
            const columns = row.trim().split(/\s+/)
            return columns[1]?.endsWith(suffix) === true && columns[3] === '0A'
          }),
      ),
    timeoutMs,
  )
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** What Kannel's smsbox handed to the application: an MT of ours, seen by Kannel as an MO. */
export interface KannelInbound {
  readonly from: string
  readonly to: string
  readonly text: string
  readonly coding: string
}

export interface KannelReport {
  /** Kannel's %d: 1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC, 16 rejected. */
  readonly type: number
  readonly id: string
  readonly reply: string
  /** Every query parameter of the dlr-url call, for what a test put there itself (a tag, %F). */
  readonly params: Readonly<Record<string, string>>
}

/** A PDU as Kannel's bearerbox decoded and dumped it (log-level 0). */
export interface KannelPdu {
  /** type_name: deliver_sm, enquire_link_resp, ... */
  readonly type: string
  /** Every dumped field: numbers in decimal, strings unquoted. */
  readonly fields: Readonly<Record<string, string>>
  readonly shortMessage: Buffer
}

/** The application behind Kannel: records get-url and dlr-url calls. */
export class KannelApp {
  readonly inbound: KannelInbound[] = []
  readonly reports: KannelReport[] = []
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<KannelApp> {
    let app: KannelApp | null = null
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      const get = (name: string): string => url.searchParams.get(name) ?? ''
      if (url.pathname === '/mo')
        app?.inbound.push({
          from: get('from'),
          to: get('to'),
          text: get('text'),
          coding: get('coding'),
        })
      if (url.pathname === '/dlr')
        app?.reports.push({
          type: Number(get('type')),
          id: get('id'),
          reply: get('reply'),
          params: Object.fromEntries(url.searchParams),
        })
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end('')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    app = new KannelApp(server, (server.address() as AddressInfo).port)
    return app
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }
}

export interface KannelEsmeOptions {
  /** Our SMSC simulator. */
  readonly smscPort: number
  readonly systemId: string
  readonly password: string
  readonly app: KannelApp
}

/**
 * Kannel programs started on one config file in a temporary directory (which also takes their
 * logs), each once the one before is ready for it, and stopped by PID, the last started first.
 */
export class KannelProcesses {
  private readonly processes: ChildProcess[] = []
  readonly dir = mkdtempSync(join(tmpdir(), 'telepay-kannel-'))

  /**
   * Starts a program on dir/kannel.conf and waits until `ready`; if it never is, stops everything.
   */
  async start(program: string, ready: () => Promise<void>): Promise<void> {
    this.processes.push(
      spawn(program, [join(this.dir, 'kannel.conf')], { cwd: this.dir, stdio: 'ignore' }),
    )
    try {
      await ready()
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  log(name: string): string {
    const path = join(this.dir, `${name}.log`)
    return existsSync(path) ? readFileSync(path, 'utf8') : ''
  }

  async stop(): Promise<void> {
    for (const child of [...this.processes].reverse()) await stopProcess(child)
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** bearerbox + smsbox bound as an ESME (transceiver) to our SMSC simulator. */
export class KannelEsme {
  private constructor(
    private readonly run: KannelProcesses,
    readonly adminPort: number,
    readonly sendsmsPort: number,
  ) {}

  static async start(options: KannelEsmeOptions): Promise<KannelEsme> {
    const run = new KannelProcesses()
    const dir = run.dir
    const [adminPort, smsboxPort, sendsmsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ]
    const appUrl = `http://127.0.0.1:${options.app.port}`
    // %p sender, %P receiver, %a the whole text, %c coding (0 GSM, 1 8-bit, 2 UCS-2).
    const config = `
group = core
admin-port = ${adminPort}
admin-password = adm
admin-allow-ip = "127.0.0.1"
smsbox-port = ${smsboxPort}
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 0
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = TELEPAY
host = 127.0.0.1
port = ${options.smscPort}
transceiver-mode = true
smsc-username = "${options.systemId}"
smsc-password = "${options.password}"
system-type = ""
interface-version = 34
enquire-link-interval = 5
max-pending-submits = 10
reconnect-delay = 1
msg-id-type = 0x00

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${smsboxPort}
sendsms-port = ${sendsmsPort}
log-file = "${dir}/smsbox.log"
log-level = 0
mo-recode = true

group = sendsms-user
username = tester
password = secret
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "${appUrl}/mo?from=%p&to=%P&text=%a&coding=%c"
`
    writeFileSync(join(dir, 'kannel.conf'), config)
    await run.start(bearerboxPath, () => waitForPort(smsboxPort, 10_000))
    await run.start(smsboxPath, () => waitForPort(sendsmsPort, 10_000))
    return new KannelEsme(run, adminPort, sendsmsPort)
  }

  /** Kannel's status page as text (`/status.txt`): says whether its SMPP link is online. */
  async status(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.adminPort}/status.txt?password=adm`)
    return response.text()
  }

  /**
   * Sends an SMS through Kannel's sendsms interface: Kannel submits it to our SMSC with
   * submit_sm. With a dlrUrl, Kannel asks for a delivery receipt (registered_delivery) and calls
   * the URL when our receipt arrives.
   */
  async sendsms(
    from: string,
    to: string,
    text: string,
    options: { dlrUrl?: string; coding?: number } = {},
  ): Promise<{ status: number; body: string }> {
    const query = new URLSearchParams({
      username: 'tester',
      password: 'secret',
      from,
      to,
      text,
      charset: 'UTF-8',
    })
    if (options.coding !== undefined) query.set('coding', String(options.coding))
    if (options.dlrUrl !== undefined) {
      query.set('dlr-mask', '3')
      query.set('dlr-url', options.dlrUrl)
    }
    const response = await fetch(
      `http://127.0.0.1:${this.sendsmsPort}/cgi-bin/sendsms?${query.toString()}`,
    )
    return { status: response.status, body: await response.text() }
  }

  /**
   * The PDUs bearerbox received from our SMSC, read back from its debug dumps ("Got PDU:") in
   * bearerbox.log: what Kannel itself decoded, field by field, with short_message as bytes.
   */
  receivedPdus(): KannelPdu[] {
    const pdus: KannelPdu[] = []
    const open = new Map<string, { fields: Record<string, string>; octets: number[] }>()
    const awaitingDump = new Set<string>()
    for (const line of this.log('bearerbox').split('\n')) {
      // "2026-11-21 07:44:33 [6907] [6] DEBUG: ...": dumps of different threads may interleave.
      const match = /^\S+ \S+ \[\d+\] \[(\d+)\] DEBUG: (.*)$/.exec(line)
      if (match === null) continue
      const thread = match[1] ?? ''
      const text = match[2] ?? ''
      if (/^SMPP\[[^\]]*\]: Got PDU:$/.test(text)) {
        awaitingDump.add(thread)
        continue
      }
      if (awaitingDump.has(thread) && /^SMPP PDU 0x[0-9a-f]+ dump:$/.test(text)) {
        awaitingDump.delete(thread)
        open.set(thread, { fields: {}, octets: [] })
        continue
      }
      const current = open.get(thread)
      if (current === undefined) continue
      if (text === 'SMPP PDU dump ends.') {
        pdus.push({
          type: current.fields['type_name'] ?? '',
          fields: current.fields,
          shortMessage: Buffer.from(current.octets),
        })
        open.delete(thread)
        continue
      }
      const data = /^ {5}data: ((?:[0-9a-f]{2} ){1,16})/.exec(text)
      if (data !== null) {
        current.octets.push(
          ...(data[1] ?? '')
            .trim()
            .split(' ')
            .map((octet) => Number.parseInt(octet, 16)),
        )
        continue
      }
      // "  data_coding: 8 = 0x00000008" or '  source_addr: "12588"': keep the decimal or the
      // string.
      const field = /^ {2}(\w+): (.*)$/.exec(text)
      if (field !== null)
        current.fields[field[1] ?? ''] = (field[2] ?? '')
          .replace(/ = 0x[0-9a-f]+$/, '')
          .replace(/^"(.*)"$/, '$1')
    }
    return pdus
  }

  log(name: 'bearerbox' | 'smsbox'): string {
    return this.run.log(name)
  }

  stop(): Promise<void> {
    return this.run.stop()
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

/**
 * Kannel's test SMSC: listens for an ESME (bind_transmitter and bind_receiver only, no
 * transceiver), sends `messages` MOs numbered "1", "2", ... from 456 to 123 to the receiver bind,
 * counts the submit_sm it gets back, and prints its counts when the ESME goes away. It also
 * connects to a bearerbox's smsbox port and dies when none answers there within ~3 s, so a
 * plain TCP listener stands in for that port.
 */
export class DriveSmpp {
  private output = ''
  private constructor(
    private readonly child: ChildProcess,
    private readonly boxStandIn: import('node:net').Server,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8')
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8')
    })
  }

  static async start(messages: number): Promise<DriveSmpp> {
    // drive_smpp connects to 127.0.0.1:13001 as an smsbox; the port is fixed in its code.
    const boxStandIn = createTcpServer((socket) => socket.on('error', () => undefined))
    await new Promise<void>((resolve, reject) => {
      boxStandIn.once('error', reject)
      boxStandIn.listen(13001, '127.0.0.1', resolve)
    })
    const port = await freePort()
    const child = spawn(driveSmppPath, ['-p', String(port), '-m', String(messages), '-v', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const drive = new DriveSmpp(child, boxStandIn, port)
    try {
      // Not waitForPort: drive_smpp takes any connection for its ESME and quits for good when
      // that connection closes, so a probe connection would end the run before it starts.
      await waitForListening(port, 10_000)
    } catch (error) {
      await drive.stop()
      throw error
    }
    return drive
  }

  /** Waits for drive_smpp to finish (after the ESME unbinds) and returns what it printed. */
  async finished(timeoutMs: number): Promise<string> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    }
    await new Promise<void>((resolve) => this.boxStandIn.close(() => resolve()))
    return this.output
  }

  get printed(): string {
    return this.output
  }

  /**
   * How drive_smpp ended: its exit code, or the signal that ended it (SIGKILL: finished() timed
   * out); null while it runs.
   */
  get exit(): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | null {
    return this.child.exitCode === null && this.child.signalCode === null
      ? null
      : { code: this.child.exitCode, signal: this.child.signalCode }
  }

  async stop(): Promise<void> {
    await stopProcess(this.child)
    await new Promise<void>((resolve) => this.boxStandIn.close(() => resolve()))
  }
}

/**
 * Whether this process may capture on the loopback interface with tshark (root or dumpcap rights).
 */
export function tsharkMissing(): string | null {
  const version = spawnSync('tshark', ['--version'], { encoding: 'utf8' })
  if (version.status !== 0)
    return 'tshark is not installed (Debian package tshark; .ci/run installs it)'
  // Listing lo's link types opens the device, which needs the same rights as capturing on it.
  const open = spawnSync('dumpcap', ['-i', 'lo', '-L'], { encoding: 'utf8' })
  if (open.status !== 0)
    return (
      `capture on lo is not permitted (not root, and dumpcap lacks cap_net_raw): ` +
      `${(open.stderr ?? '').trim().split('\n')[0] ?? ''}`
    )
  return null
}
