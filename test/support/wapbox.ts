/**
 * wapbox.ts - Kannel 1.4.5's WAP gateway (Debian `kannel`: bearerbox + wapbox) for tests, and a
 * handset that speaks connectionless WSP (WAP-230) to it over UDP on loopback. wapbox fetches our
 * pages over HTTP like an operator's gateway, compiles WML to WMLC and sends it back over WSP; the
 * handset decodes the WMLC with libwbxml2's wbxml2xml, so neither the encoding nor the decoding of
 * what travels over the air is ours.
 */
import { spawnSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bearerboxPath, freePort, KannelProcesses, waitForAsync, waitForPort } from './kannel.js'

export const wapboxPath = '/usr/sbin/wapbox'
export const wbxml2xmlPath = '/usr/bin/wbxml2xml'

/**
 * Kannel binds connectionless WSP to UDP 9200 on `wdp-interface-name` and offers no setting for
 * the port, so one such gateway runs on a machine at a time (the tests that use it are in one
 * file).
 */
export const wspConnectionlessPort = 9200

/**
 * How long a handset waits for a WSP reply: wapbox answers in milliseconds; a lost datagram never.
 */
const wspReplyTimeoutMs = 10_000

export function wapboxMissing(): string | null {
  if (!existsSync(bearerboxPath) || !existsSync(wapboxPath))
    return 'Kannel is not installed (Debian package kannel; .ci/run installs it)'
  if (!existsSync(wbxml2xmlPath))
    return 'wbxml2xml is not installed (Debian package libwbxml2-utils; .ci/run installs it)'
  return null
}

/** bearerbox with its WDP interface on 127.0.0.1, and a wapbox connected to it. */
export class KannelWapGateway {
  private constructor(
    private readonly run: KannelProcesses,
    readonly adminPort: number,
  ) {}

  static async start(): Promise<KannelWapGateway> {
    const run = new KannelProcesses()
    const dir = run.dir
    const [adminPort, wapboxPort] = [await freePort(), await freePort()]
    const config = `
group = core
admin-port = ${adminPort}
admin-password = adm
admin-interface = 127.0.0.1
admin-allow-ip = "127.0.0.1"
wapbox-port = ${wapboxPort}
wdp-interface-name = "127.0.0.1"
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 0

group = wapbox
bearerbox-host = 127.0.0.1
log-file = "${dir}/wapbox.log"
log-level = 0
syslog-level = none
`
    writeFileSync(join(dir, 'kannel.conf'), config)
    const gateway = new KannelWapGateway(run, adminPort)
    await run.start(bearerboxPath, () => waitForPort(wapboxPort, 10_000))
    await run.start(wapboxPath, async () => {
      await waitForAsync(
        'wapbox on-line at bearerbox',
        async () => /wapbox, IP 127\.0\.0\.1 \(on-line/.test(await gateway.status()),
        10_000,
      )
    })
    return gateway
  }

  /** bearerbox's status page (`/status.txt`): box connections and WDP datagram counts. */
  async status(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.adminPort}/status.txt?password=adm`)
    return response.text()
  }

  /** The WDP datagrams bearerbox received from handsets and sent to them, from its status page. */
  async wdpCounts(): Promise<{ received: number; sent: number }> {
    const match = /WDP: received (\d+) \(\d+ queued\), sent (\d+)/.exec(await this.status())
    if (match === null) throw new Error('bearerbox status page has no WDP line')
    return { received: Number(match[1]), sent: Number(match[2]) }
  }

  /** What wapbox's WML compiler complained about ("WARNING: WML compiler: ..."), line by line. */
  compilerComplaints(): string[] {
    return this.log('wapbox')
      .split('\n')
      .filter((line) => /(WARNING|ERROR): WML compiler/.test(line))
  }

  log(name: 'bearerbox' | 'wapbox'): string {
    return this.run.log(name)
  }

  stop(): Promise<void> {
    return this.run.stop()
  }
}

export interface WspReply {
  /** The HTTP status the WSP status code stands for (0x20 → 200, 0x46 → 406). */
  readonly status: number
  /** The content type as a media type ("application/vnd.wap.wmlc"). */
  readonly contentType: string
  /** The body as it came over the air. */
  readonly body: Buffer
  /** WMLC decoded back to WML text by wbxml2xml; other bodies as UTF-8 text. */
  readonly text: string
}

/** WSP well-known content types (WAP-230 Table 40) that a WAP gateway sends back. */
const wellKnownContentTypes: Readonly<Record<number, string>> = {
  2: 'text/html',
  3: 'text/plain',
  8: 'text/vnd.wap.wml',
  20: 'application/vnd.wap.wmlc',
  59: 'application/vnd.wap.xhtml+xml',
}

/** The WSP "Accept: application/vnd.wap.wmlc" header (0x80 Accept, 0x94 the well-known type). */
const acceptWmlc = Buffer.from([0x80, 0x94])
/** Content-Type application/x-www-form-urlencoded as a well-known short integer (0x12). */
const formUrlencoded = Buffer.from([0x92])

function uintvar(n: number): Buffer {
  const out = [n & 0x7f]
  for (let rest = n >>> 7; rest > 0; rest >>>= 7) out.unshift(0x80 | (rest & 0x7f))
  return Buffer.from(out)
}

function readUintvar(bytes: Buffer, start: number): { value: number; next: number } {
  let value = 0
  let i = start
  for (;;) {
    const octet = bytes[i++]
    if (octet === undefined) throw new Error('WSP reply ends inside a uintvar')
    value = value * 128 + (octet & 0x7f)
    if ((octet & 0x80) === 0) return { value, next: i }
  }
}

/** WAP-230 Table 36: the class in the high nibble, 0x50/0x51 are 416/417. */
function httpStatusOf(code: number): number {
  const kind = code >> 4
  const detail = code & 0x0f
  if (kind === 5) return 416 + detail
  if (kind === 6) return 500 + detail
  return kind * 100 + detail
}

function contentTypeOf(bytes: Buffer, start: number): string {
  const first = bytes[start] ?? 0
  if (first >= 0x80)
    return wellKnownContentTypes[first & 0x7f] ?? `well-known 0x${(first & 0x7f).toString(16)}`
  if (first >= 0x20) return bytes.toString('latin1', start, bytes.indexOf(0, start))
  // Value-length form (a type with parameters): the media type follows the length.
  const mediaAt = first === 0x1f ? readUintvar(bytes, start + 1).next : start + 1
  return contentTypeOf(bytes, mediaAt)
}

/** A WAP 1.x handset: connectionless WSP GET and POST to the gateway, WMLC decoded for reading. */
export class WspHandset {
  private transactionId = 0
  private readonly scratch = mkdtempSync(join(tmpdir(), 'telepay-wsp-'))

  /**
   * `textHeaders` go out as WSP application headers (name and value as text), e.g. a forged MSISDN.
   */
  constructor(
    private readonly userAgent: string,
    private readonly textHeaders: Readonly<Record<string, string>> = {},
  ) {}

  async get(url: string): Promise<WspReply> {
    const uri = Buffer.from(url)
    return this.exchange(
      Buffer.concat([
        Buffer.from([this.nextTid(), 0x40]),
        uintvar(uri.length),
        uri,
        this.headers(),
      ]),
    )
  }

  async post(url: string, fields: URLSearchParams): Promise<WspReply> {
    const uri = Buffer.from(url)
    const headers = Buffer.concat([formUrlencoded, this.headers()])
    const pdu = Buffer.concat([
      Buffer.from([this.nextTid(), 0x60]),
      uintvar(uri.length),
      uintvar(headers.length),
      uri,
      headers,
      Buffer.from(fields.toString()),
    ])
    return this.exchange(pdu)
  }

  close(): void {
    rmSync(this.scratch, { recursive: true, force: true })
  }

  private nextTid(): number {
    this.transactionId = (this.transactionId + 1) % 256
    return this.transactionId
  }

  private headers(): Buffer {
    const userAgent = Buffer.concat([Buffer.from([0xa9]), Buffer.from(`${this.userAgent}\0`)])
    const text = Object.entries(this.textHeaders).map(([name, value]) =>
      Buffer.from(`${name}\0${value}\0`),
    )
    return Buffer.concat([acceptWmlc, userAgent, ...text])
  }

  private async exchange(pdu: Buffer): Promise<WspReply> {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = createSocket('udp4')
      const timer = setTimeout(() => {
        socket.close()
        reject(
          new Error(
            `no WSP reply from 127.0.0.1:${wspConnectionlessPort} within ${wspReplyTimeoutMs} ms`,
          ),
        )
      }, wspReplyTimeoutMs)
      socket.on('message', (datagram) => {
        clearTimeout(timer)
        socket.close()
        resolve(datagram)
      })
      socket.send(pdu, wspConnectionlessPort, '127.0.0.1')
    })
    // Reply PDU: TID, type 0x04, status, uintvar length of content type + headers, those, body.
    if (reply[1] !== 0x04)
      throw new Error(`WSP PDU type 0x${(reply[1] ?? 0).toString(16)} is not a Reply`)
    const { value: headersLength, next: contentTypeAt } = readUintvar(reply, 3)
    const contentType = contentTypeOf(reply, contentTypeAt)
    const body = reply.subarray(contentTypeAt + headersLength)
    return {
      status: httpStatusOf(reply[2] ?? 0),
      contentType,
      body,
      text:
        contentType === 'application/vnd.wap.wmlc' ? this.decompile(body) : body.toString('utf8'),
    }
  }

  private decompile(wmlc: Buffer): string {
    const input = join(this.scratch, 'deck.wmlc')
    const output = join(this.scratch, 'deck.wml')
    writeFileSync(input, wmlc)
    rmSync(output, { force: true })
    const run = spawnSync(wbxml2xmlPath, ['-o', output, input], { encoding: 'utf8' })
    if (run.status !== 0 || !existsSync(output))
      throw new Error(`wbxml2xml could not decode the deck: ${run.stderr}${run.stdout}`)
    return readFileSync(output, 'utf8')
  }
}
