/**
 * gateway-fixture.ts - a real gateway for tests: a temporary data directory with real SQLite
 * files (ledger and simulated bank), the default world (both given to the gateway as
 * `telepay start` gives them, src/tools/world/simulated-parties.ts), a test clock that only moves
 * when a test
 * says so, and HTTP on an ephemeral loopback port. Helpers speak to it as a merchant, an operator
 * and a phone would: merchant and admin calls go over real HTTP; a phone's command goes through
 * the payment service, which is where every channel hands its commands in.
 *
 * Its log is silent on the console; every line is still copied at debug for the test run's
 * search for PINs (log-collector.ts), so each gateway a test starts is searched.
 *
 * Also here: a real local HTTP server to receive merchant webhooks.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import type { IncomingHttpHeaders, Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IvrLimits } from '../../channels/ivr/limits.js'
import type { UssdLimits } from '../../channels/ussd/limits.js'
import type { WapLimits } from '../../channels/wap/limits.js'
import { loadConfig } from '../../src/config.js'
import type { Command, CommandResult, FundingKind } from '../../src/core/index.js'
import type { HandsetLimits } from '../../src/gateway/handset/index.js'
import type { Gateway } from '../../src/gateway.js'
import { startGateway } from '../../src/gateway.js'
import type { Logger } from '../../src/service/log.js'
import { simulatedParties } from '../../src/tools/world/simulated-parties.js'

/**
 * Li Lei, en, PIN 1234: phone bill 50.00 (credit 100.00), wallet 500.00, ICBC card *1234 with
 * 10000.00.
 */
export const LI = '8613800138000'
export const LI_PIN = '1234'
/** Han Meimei, zh, PIN 4321: phone bill 20.00 (no credit), wallet 20.00, no card. */
export const HAN = '8613800138001'
export const HAN_PIN = '4321'
/** Zhang Wei, en, PIN 1111: phone bill 0.00, wallet 0.00, CCB card *9000 with 200.00. */
export const ZHANG = '8613900139000'
export const ZHANG_PIN = '1111'
/** Not registered. */
export const NOBODY = '8613700137000'

export const RINGTONES = '1001'
export const CINEMA = '1002'
export const WATER = '2001'
export const METRO = '3001'

export const ADMIN_TOKEN = 'test_admin_token'
export const TRANSFER_REF = /^T[0-9A-Z]{6}$/

/** China Standard Time, the ledger's local day (SPEC: CNY; limits.dayOffsetMs). */
export const LOCAL_OFFSET_MS = 8 * 3_600_000
const DAY_MS = 86_400_000

export interface HttpAnswer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed body when it is JSON, else null. */
  readonly json: any
}

export interface RequestOptions {
  /** Bearer token; null sends no Authorization header. */
  readonly token?: string | null
  readonly body?: unknown
  /** Sent as is (for malformed JSON), with content-type application/json. */
  readonly rawBody?: string
  readonly headers?: Readonly<Record<string, string>>
}

export interface FixtureOptions {
  /** Reuse a data directory (a restart after close({ keepDir: true })). */
  readonly dir?: string
  /** Config overrides on top of the test defaults; objects are merged one level deep. */
  readonly overrides?: Readonly<Record<string, unknown>>
  /**
   * The WAP channel's limits (not in the configuration file), e.g. a short session idle timeout.
   */
  readonly wapLimits?: Partial<WapLimits>
  /** The USSD channel's limits (not in the configuration file), e.g. a short answer deadline. */
  readonly ussdLimits?: Partial<UssdLimits>
  /** The IVR channel's limits (not in the configuration file), e.g. a short answer deadline. */
  readonly ivrLimits?: Partial<IvrLimits>
  /** The message log's and web handsets' bounds (not in the configuration file). */
  readonly handsetLimits?: Partial<HandsetLimits>
  /** The USSD menu folder (a copy a test edits); by default the shipped menus/ussd. */
  readonly menusDir?: string
  /**
   * The gateway's logger (a test that reads the log lines); by default the configured silent one.
   */
  readonly log?: Logger
}

export interface PhoneOptions {
  readonly pin?: string | null
  readonly newPin?: string | null
  readonly channel?: string
  /** The transport's key; a fresh one by default. */
  readonly key?: string
}

export interface GatewayFixture {
  readonly gateway: Gateway
  readonly dir: string
  readonly url: string
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>
  /** A merchant API call authenticated with `test_key_<code>`. */
  merchant(
    code: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<HttpAnswer>
  /** An admin API call with the default admin token. */
  admin(method: string, path: string, body?: unknown): Promise<HttpAnswer>
  /** A command typed on a phone, handed to the payment service as a channel would. */
  phone(command: Command, options?: PhoneOptions): Promise<CommandResult>
  /** YES [PIN] for the subscriber's waiting payment. */
  confirm(msisdn: string, pin?: string | null, channel?: string): Promise<CommandResult>
  /** Moves the test clock and runs what became due (expiry, webhooks). */
  advance(seconds: number): Promise<void>
  /**
   * Moves the test clock forward to the next moment the local (China) wall clock shows hh:mm:ss.
   */
  advanceToLocal(hours: number, minutes: number, seconds?: number): Promise<void>
  nowMs(): number
  /** The local (China) date of the gateway's clock, YYYY-MM-DD. */
  localDate(offsetDays?: number): string
  /** GET /admin/api/subscribers/:msisdn, checked to be 200. */
  subscriber(msisdn: string): Promise<SubscriberJson>
  /** The balance an operator sees for one account ("475.00"). */
  balance(msisdn: string, account: FundingKind): Promise<string>
  /** The SMS texts waiting in the outbox for a number, oldest first. */
  smsTo(msisdn: string): Promise<string[]>
  close(options?: { keepDir?: boolean }): Promise<void>
}

export interface AccountJson {
  readonly account: FundingKind
  readonly balance: string | null
  readonly creditLimit?: string
  readonly bank?: string
  readonly last4?: string
  readonly drawn?: string
  readonly reserved?: string
}

export interface SubscriberJson {
  readonly msisdn: string
  readonly name: string
  readonly locked: boolean
  readonly lockedUntil: string | null
  readonly pendingPaymentId: string | null
  readonly accounts: readonly AccountJson[]
}

let keyCounter = 0

function mergeOverrides(
  base: Record<string, unknown>,
  extra: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key]
    const isPlain = (item: unknown): item is Record<string, unknown> =>
      typeof item === 'object' && item !== null && !Array.isArray(item)
    merged[key] = isPlain(value) && isPlain(current) ? { ...current, ...value } : value
  }
  return merged
}

export async function httpRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) }
  if (options.token !== undefined && options.token !== null)
    headers['authorization'] = `Bearer ${options.token}`
  let body: string | undefined
  if (options.rawBody !== undefined) body = options.rawBody
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== undefined) headers['content-type'] ??= 'application/json'
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  })
  const text = await response.text()
  let json: unknown = null
  if ((response.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(text)
  return { status: response.status, headers: response.headers, text, json }
}

/** The local (China) date of an instant, YYYY-MM-DD. */
export function localDateOf(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 10)
}

export async function startTestGateway(options: FixtureOptions = {}): Promise<GatewayFixture> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'telepay-gw-'))
  const base = {
    dataDir: dir,
    clock: 'test',
    http: { host: '127.0.0.1', port: 0 },
    // Tests run side by side: the SMSC simulator and the ISO 8583 host take free ports too.
    smpp: { port: 0 },
    pos: { port: 0 },
    logLevel: 'silent',
    pinHashCost: 1024,
  }
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: mergeOverrides(base, options.overrides ?? {}),
  })
  // The channels' limits ride along in the gateway's configuration (GatewayConfig), as the
  // benches pass smppLimits.
  const channelLimits = {
    ...config,
    ...(options.wapLimits === undefined ? {} : { wapLimits: options.wapLimits }),
    ...(options.ussdLimits === undefined ? {} : { ussdLimits: options.ussdLimits }),
    ...(options.ivrLimits === undefined ? {} : { ivrLimits: options.ivrLimits }),
    ...(options.handsetLimits === undefined ? {} : { handsetLimits: options.handsetLimits }),
    ...(options.menusDir === undefined ? {} : { menusDir: options.menusDir }),
  }
  let gateway: Gateway
  try {
    gateway = await startGateway(channelLimits, {
      ...simulatedParties(config),
      ...(options.log === undefined ? {} : { log: options.log }),
    })
  } catch (error) {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const url = gateway.url

  const fixture: GatewayFixture = {
    gateway,
    dir,
    url,
    request: (method, path, requestOptions) => httpRequest(url, method, path, requestOptions),
    merchant: (code, method, path, body, headers) =>
      httpRequest(url, method, path, {
        token: `test_key_${code}`,
        body,
        ...(headers === undefined ? {} : { headers }),
      }),
    admin: (method, path, body) => httpRequest(url, method, path, { token: ADMIN_TOKEN, body }),
    phone(command, phoneOptions = {}) {
      keyCounter += 1
      return gateway.context.service.execute({
        key: phoneOptions.key ?? `phone-${process.pid}-${keyCounter}`,
        channel: phoneOptions.channel ?? 'sms',
        command,
        pin: phoneOptions.pin ?? null,
        newPin: phoneOptions.newPin ?? null,
      })
    },
    confirm(msisdn, pin = null, channel = 'sms') {
      return fixture.phone({ kind: 'confirm', msisdn }, { pin, channel })
    },
    async advance(seconds) {
      const advance = gateway.context.advanceClock
      if (advance === null) throw new Error('this gateway runs on the system clock')
      await advance(seconds)
    },
    async advanceToLocal(hours, minutes, seconds = 0) {
      const now = gateway.clock.nowMs()
      const localMidnight = Math.floor((now + LOCAL_OFFSET_MS) / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS
      let target = localMidnight + ((hours * 60 + minutes) * 60 + seconds) * 1000
      if (target <= now) target += DAY_MS
      await fixture.advance((target - now) / 1000)
      if (gateway.clock.nowMs() !== target)
        throw new Error(`clock at ${gateway.clock.nowMs()}, wanted ${target}`)
    },
    nowMs: () => gateway.clock.nowMs(),
    localDate: (offsetDays = 0) => localDateOf(gateway.clock.nowMs() + offsetDays * DAY_MS),
    async subscriber(msisdn) {
      const answer = await fixture.admin('GET', `/admin/api/subscribers/${msisdn}`)
      if (answer.status !== 200)
        throw new Error(`GET subscriber ${msisdn}: ${answer.status} ${answer.text}`)
      return answer.json as SubscriberJson
    },
    async balance(msisdn, account) {
      const subscriber = await fixture.subscriber(msisdn)
      const line = subscriber.accounts.find((candidate) => candidate.account === account)
      if (line === undefined) throw new Error(`${msisdn} has no ${account} account`)
      if (line.balance === null)
        throw new Error(`${msisdn} ${account}: the bank does not know the card`)
      return line.balance
    },
    async smsTo(msisdn) {
      const answer = await fixture.admin('GET', '/admin/api/outbox')
      if (answer.status !== 200) throw new Error(`GET outbox: ${answer.status} ${answer.text}`)
      const items = (
        answer.json as { outbox: { to: string | null; text: string | null; id: number }[] }
      ).outbox
      return items
        .filter((item) => item.to === msisdn)
        .sort((a, b) => a.id - b.id)
        .map((item) => item.text ?? '')
    },
    async close(closeOptions = {}) {
      await gateway.close()
      if (closeOptions.keepDir !== true) rmSync(dir, { recursive: true, force: true })
    },
  }
  return fixture
}

/** A merchant payment request over the API; returns the payment id (checked to be 202). */
export async function requestPayment(
  t: GatewayFixture,
  merchantCode: string,
  body: {
    msisdn: string
    amount: string
    reference: string
    description?: string
    account?: FundingKind
    callbackUrl?: string
  },
  idempotencyKey?: string,
): Promise<string> {
  const answer = await t.merchant(
    merchantCode,
    'POST',
    '/api/v1/payment-requests',
    body,
    idempotencyKey === undefined ? undefined : { 'idempotency-key': idempotencyKey },
  )
  if (answer.status !== 202) throw new Error(`payment request: ${answer.status} ${answer.text}`)
  return (answer.json as { id: string }).id
}

export interface ReceivedCallback {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** The gateway's clock when the request arrived. */
  readonly atMs: number
}

export interface CallbackServer {
  readonly url: string
  readonly received: ReceivedCallback[]
  /** Resolves when the callback numbered `count` (1-based) has arrived. */
  arrival(count: number): Promise<ReceivedCallback>
  close(): Promise<void>
}

/**
 * A merchant's webhook receiver on a loopback port. `answer` decides each response from the
 * number of the request (1-based): a status code, or a promise of one to hold the request open.
 */
export async function startCallbackServer(
  clock: () => number,
  answer: (count: number) => number | Promise<number> = () => 200,
): Promise<CallbackServer> {
  const received: ReceivedCallback[] = []
  const waiters: { count: number; resolve: (callback: ReceivedCallback) => void }[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const callback: ReceivedCallback = {
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: clock(),
      }
      received.push(callback)
      const count = received.length
      for (const waiter of waiters.filter((candidate) => candidate.count === count))
        waiter.resolve(callback)
      void Promise.resolve(answer(count)).then((status) => {
        response.writeHead(status, { 'content-type': 'text/plain' })
        response.end(status < 300 ? 'ok' : 'not ok')
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/telepay/callback`,
    received,
    arrival(count) {
      const already = received[count - 1]
      if (already !== undefined) return Promise.resolve(already)
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Where the gateway's ISO 8583 host listens (it runs with the simulator). */
export function posPortOf(t: GatewayFixture): number {
  const pos = t.gateway.pos
  if (pos === null) throw new Error('the ISO 8583 host is not running')
  return pos.port
}
