/**
 * config.ts - the gateway's configuration: defaults, then a JSON file (telepay.config.json in
 * the working directory, or the file named by TELEPAY_CONFIG), then environment variables.
 * Everything is validated once at start; a bad value stops start-up with a message naming its key.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { BankMode } from './bank/gateway-bank.js'
import { bankModes } from './bank/gateway-bank.js'
import type { ExternalAppConfig } from './config-external-apps.js'
import { readExternalApps } from './config-external-apps.js'
import type { Limits, OperatingLimits, OperatingModelId } from './core/index.js'
import {
  checkLimits,
  checkOperatingLimits,
  checkOperatingModels,
  defaultLimits,
  defaultOperatingLimits,
  normalizeMsisdn,
  operatingModelIds,
  parseAmount,
} from './core/index.js'
import { isHeaderName } from './gateway/http/headers.js'
import type { LogFormat, LogLevel } from './service/log.js'
import { logFormats, logLevels } from './service/log.js'

export interface Config {
  readonly http: {
    readonly host: string
    readonly port: number
    /**
     * The address people's browsers reach the gateway at when it is not the one it listens on
     * (0.0.0.0, or behind a TLS proxy): the origin of the links it gives out whole, and https
     * here makes its cookies Secure. null: http://host:port of the listening socket.
     */
    readonly publicUrl: string | null
  }
  readonly dataDir: string
  readonly ledgerFile: string
  readonly bankFile: string
  /** Bearer token of the admin API; refused from non-loopback addresses while it is the default. */
  readonly adminToken: string
  /** `test`: a clock that only moves by POST /admin/api/clock (for conformance scripts). */
  readonly clock: 'system' | 'test'
  /**
   * What an empty database is loaded with: `default` (fixtures/world/default.yaml, the contract's
   * section 2), `none`, or a world file's absolute path (given relative to the working directory).
   */
  readonly world: string
  /** scrypt's cost parameter N for PIN hashes. */
  readonly pinHashCost: number
  readonly logLevel: LogLevel
  /** `json`, `pretty`, or `auto`: pretty when stderr is a terminal, JSON otherwise. */
  readonly logFormat: LogFormat
  readonly bank: { readonly mode: BankMode; readonly slowMs: number }
  /**
   * The money rules, with the operating model (the top-level key `operatingModel`) among them:
   * the core reads both from what it is given.
   */
  readonly limits: Limits
  readonly operating: OperatingLimits
  /** The built-in SMSC simulator (SPEC section 1): ESMEs bind here to stand in for phones. */
  readonly smpp: {
    readonly host: string
    readonly port: number
    readonly systemId: string
    readonly password: string
  }
  readonly sms: SmsConfig
  /** The ISO 8583 host online shop terminals connect to (SPEC section 1; channels/pos). */
  readonly pos: { readonly host: string; readonly port: number }
  /**
   * The credentials of the simulator's Kannel-style sendsms (GET /cgi-bin/sendsms), through which
   * services that speak HTTP send MTs to simulated phones.
   */
  readonly sendsms: { readonly username: string; readonly password: string }
  readonly ussd: UssdConfig
  readonly wap: {
    readonly trustedGateways: readonly string[] | null
    readonly msisdnHeaders: readonly string[] | null
  }
  readonly webhooks: WebhooksConfig
  readonly onsite: OnsiteConfig
}

export interface OnsiteConfig {
  /**
   * Subscribers whose simulated RFID-SIM is put in a PC/SC reader (vsmartcard's vpcd), at most
   * two: vpcd serves two readers, `vpcd`'s port and the next. None by default (vpcd may not be
   * installed).
   */
  readonly pcscCards: readonly string[]
  /** Where vpcd listens for the first card (Debian's vsmartcard-vpcd: 127.0.0.1:35963). */
  readonly vpcd: { readonly host: string; readonly port: number }
  /**
   * The operator's own purse master keys (a file readable by its owner only, made by `telepay
   * keys new`), absolute; null: the default world's public test keys, and outside the simulator
   * no clearing and no top-up over the air.
   */
  readonly keysFile: string | null
}

export interface WebhooksConfig {
  /**
   * Deliver webhooks to loopback, private, link-local and other non-public addresses; null: yes
   * with the SMSC simulator (its shops and tests listen on 127.0.0.1), no otherwise, so that a
   * merchant's callback URL cannot make the gateway reach into the operator's own network.
   */
  readonly privateDestinations: boolean | null
}

export interface UssdConfig {
  /**
   * Push a merchant's payment request as a USSD prompt before falling back to SMS; null: on with
   * the SMSC simulator, off in operator mode (the upstream may be an SMSC without a USSDC).
   */
  readonly push: boolean | null
  /**
   * USSD codes served by someone else's app at a URL, in Africa's Talking's callback format
   * (channels/ussd/external/); none by default.
   */
  readonly externalApps: readonly ExternalAppConfig[]
}

export const smsModes = ['simulator', 'operator', 'off'] as const
export type SmsMode = (typeof smsModes)[number]

export interface SmsConfig {
  /** simulator: serve the SMSC simulator; operator: bind to `upstream` as an ESME; off: no SMS. */
  readonly mode: SmsMode
  readonly shortCode: string
  /**
   * The operator's SMSC, from
   * `smpp://systemId:password@host:port?bind=transceiver|transmitter+receiver&systemType=X`.
   */
  readonly upstream: UpstreamSmsc | null
}

export interface UpstreamSmsc {
  readonly host: string
  readonly port: number
  readonly systemId: string
  readonly password: string
  readonly systemType: string
  readonly bind: 'transceiver' | 'transmitter+receiver'
}

/** Whether webhooks are refused non-public destinations: configured, or outside the simulator. */
export function webhooksPublicOnly(config: Pick<Config, 'webhooks' | 'sms'>): boolean {
  return !(config.webhooks.privateDestinations ?? config.sms.mode === 'simulator')
}

export const defaultAdminToken = 'test_admin_token'

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

type Source = Record<string, unknown>

function isObject(value: unknown): value is Source {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function pick<T>(
  key: string,
  value: unknown,
  fallback: T,
  parse: (value: unknown) => T | undefined,
  expected: string,
): T {
  // A key whose unset value is null (the channel decides) takes an explicit null as unset too,
  // as telepay.config.example.json writes it.
  if (value === undefined || (value === null && fallback === null)) return fallback
  const parsed = parse(value)
  if (parsed === undefined)
    throw new ConfigError(`config: ${key}: expected ${expected}, got ${JSON.stringify(value)}`)
  return parsed
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
const asInteger =
  (min: number, max: number) =>
  (value: unknown): number | undefined => {
    const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value
    return typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max
      ? number
      : undefined
  }
const oneOf =
  <T extends string>(choices: readonly T[]) =>
  (value: unknown): T | undefined =>
    choices.find((choice) => choice === value)

/** A money limit: an integer of fen (200000) or an amount string ("2000.00"). */
const asMinor = (value: unknown): bigint | undefined => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value !== 'string') return undefined
  const parsed = parseAmount(value)
  return parsed.ok ? parsed.minor : undefined
}

function readLimits(source: unknown, operatingModel: OperatingModelId): Limits {
  if (source === undefined) return { ...defaultLimits, operatingModel }
  if (!isObject(source)) throw new ConfigError('config: limits: expected an object')
  const result: Record<string, unknown> = { ...defaultLimits, operatingModel }
  for (const [key, value] of Object.entries(source)) {
    const fallback = (defaultLimits as unknown as Record<string, unknown>)[key]
    if (key === 'operatingModel')
      throw new ConfigError('config: limits.operatingModel: unknown key (it is a top-level key)')
    if (fallback === undefined) throw new ConfigError(`config: limits.${key}: unknown key`)
    result[key] =
      typeof fallback === 'bigint'
        ? pick(
            `limits.${key}`,
            value,
            fallback,
            asMinor,
            'fen as an integer or an amount like "2000.00"',
          )
        : pick(
            `limits.${key}`,
            value,
            fallback as number,
            asInteger(0, Number.MAX_SAFE_INTEGER),
            'a non-negative integer',
          )
  }
  const limits = result as unknown as Limits
  const problems = checkLimits(limits)
  if (problems.length > 0) throw new ConfigError(`config: limits.${problems[0] ?? ''}`)
  return limits
}

function readOperating(source: unknown): OperatingLimits {
  if (source === undefined) return defaultOperatingLimits
  if (!isObject(source)) throw new ConfigError('config: operating: expected an object')
  const result: Record<string, unknown> = { ...defaultOperatingLimits }
  for (const [key, value] of Object.entries(source)) {
    if (!(key in defaultOperatingLimits))
      throw new ConfigError(`config: operating.${key}: unknown key`)
    result[key] = pick(
      `operating.${key}`,
      value,
      0,
      asInteger(1, Number.MAX_SAFE_INTEGER),
      'a positive integer',
    )
  }
  const operating = result as unknown as OperatingLimits
  const problems = checkOperatingLimits(operating)
  if (problems.length > 0) throw new ConfigError(`config: operating.${problems[0] ?? ''}`)
  return operating
}

function readFile(path: string): Source {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigError(
      `config: ${path}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (!isObject(parsed)) throw new ConfigError(`config: ${path}: expected a JSON object`)
  return parsed
}

/**
 * The top-level keys of the configuration, in the order the reference lists them
 * (docs/configuration.md, generated from these lists and the limits' own comments).
 */
export const configKeys = [
  'http',
  'dataDir',
  'ledgerFile',
  'bankFile',
  'adminToken',
  'clock',
  'world',
  'pinHashCost',
  'logLevel',
  'logFormat',
  'operatingModel',
  'bank',
  'limits',
  'operating',
  'smpp',
  'sms',
  'pos',
  'sendsms',
  'ussd',
  'wap',
  'webhooks',
  'onsite',
] as const
export type ConfigKey = (typeof configKeys)[number]

/** The keys of each section that is a map of its own (limits and operating: their defaults'). */
export const sectionKeys = {
  http: ['host', 'port', 'publicUrl'],
  bank: ['mode', 'slowMs'],
  smpp: ['host', 'port', 'systemId', 'password'],
  sms: ['mode', 'shortCode', 'upstream'],
  pos: ['host', 'port'],
  sendsms: ['username', 'password'],
  ussd: ['push', 'externalApps'],
  wap: ['trustedGateways', 'msisdnHeaders'],
  webhooks: ['privateDestinations'],
  onsite: ['pcscCards', 'vpcd', 'keysFile'],
} as const satisfies Partial<Record<ConfigKey, readonly string[]>>

/** Environment variables and the config keys they set. */
export const environmentKeys: Readonly<Record<string, string>> = {
  TELEPAY_HTTP_HOST: 'http.host',
  TELEPAY_HTTP_PORT: 'http.port',
  TELEPAY_HTTP_PUBLIC_URL: 'http.publicUrl',
  TELEPAY_DATA_DIR: 'dataDir',
  TELEPAY_ADMIN_TOKEN: 'adminToken',
  TELEPAY_CLOCK: 'clock',
  TELEPAY_WORLD: 'world',
  TELEPAY_PIN_HASH_COST: 'pinHashCost',
  TELEPAY_LOG_LEVEL: 'logLevel',
  TELEPAY_LOG_FORMAT: 'logFormat',
  TELEPAY_OPERATING_MODEL: 'operatingModel',
  TELEPAY_BANK_MODE: 'bank.mode',
  TELEPAY_SMPP_HOST: 'smpp.host',
  TELEPAY_SMPP_PORT: 'smpp.port',
  TELEPAY_SMPP_SYSTEM_ID: 'smpp.systemId',
  TELEPAY_SMPP_PASSWORD: 'smpp.password',
  TELEPAY_POS_HOST: 'pos.host',
  TELEPAY_POS_PORT: 'pos.port',
  TELEPAY_SMS_MODE: 'sms.mode',
  TELEPAY_SMS_SHORT_CODE: 'sms.shortCode',
  TELEPAY_SMS_UPSTREAM: 'sms.upstream',
  TELEPAY_SENDSMS_USERNAME: 'sendsms.username',
  TELEPAY_SENDSMS_PASSWORD: 'sendsms.password',
  TELEPAY_USSD_PUSH: 'ussd.push',
  TELEPAY_USSD_EXTERNAL_APPS: 'ussd.externalApps',
  TELEPAY_WAP_TRUSTED_GATEWAYS: 'wap.trustedGateways',
  TELEPAY_WAP_MSISDN_HEADERS: 'wap.msisdnHeaders',
  TELEPAY_WEBHOOKS_PRIVATE_DESTINATIONS: 'webhooks.privateDestinations',
  TELEPAY_ONSITE_PCSC_CARDS: 'onsite.pcscCards',
  TELEPAY_ONSITE_VPCD: 'onsite.vpcd',
  TELEPAY_ONSITE_KEYS_FILE: 'onsite.keysFile',
}

/** A string parsed as a URL; undefined for anything else. */
function urlOf(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/** Reads `smpp://systemId:password@host:port?bind=...&systemType=...`; undefined when malformed. */
export function parseUpstream(value: unknown): UpstreamSmsc | undefined {
  const url = urlOf(value)
  if (url === undefined) return undefined
  if (url.protocol !== 'smpp:' || url.hostname === '' || url.username === '') return undefined
  const bind = url.searchParams.get('bind') ?? 'transceiver'
  if (bind !== 'transceiver' && bind !== 'transmitter+receiver') return undefined
  const port = url.port === '' ? 2775 : Number(url.port)
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    systemId: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    systemType: url.searchParams.get('systemType') ?? '',
    bind,
  }
}

/**
 * Builds the configuration; `overrides` win over everything (used by tests and the conformance
 * runner).
 */
export function loadConfig(
  options: { env?: NodeJS.ProcessEnv; cwd?: string; overrides?: Source } = {},
): Config {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const fileName = env['TELEPAY_CONFIG'] ?? join(cwd, 'telepay.config.json')
  if (env['TELEPAY_CONFIG'] !== undefined && !existsSync(fileName))
    throw new ConfigError(`config: TELEPAY_CONFIG: no file at ${fileName}`)
  const file = existsSync(fileName) ? readFile(fileName) : {}
  const section = (name: string): Source => (isObject(file[name]) ? { ...file[name] } : {})
  const source: Source = {
    ...file,
    http: section('http'),
    bank: section('bank'),
    smpp: section('smpp'),
    sms: section('sms'),
    pos: section('pos'),
    sendsms: section('sendsms'),
    ussd: section('ussd'),
    wap: section('wap'),
    webhooks: section('webhooks'),
    onsite: section('onsite'),
  }
  for (const [variable, key] of Object.entries(environmentKeys)) {
    const value = env[variable]
    if (value === undefined) continue
    const [outer, inner] = key.split('.')
    if (outer === undefined) continue
    if (inner === undefined) source[outer] = value
    else (source[outer] as Source)[inner] = value
  }
  const overrides = options.overrides ?? {}
  for (const [key, value] of Object.entries(overrides)) {
    source[key] =
      isObject(value) && isObject(source[key]) ? { ...(source[key] as Source), ...value } : value
  }
  const known = new Set<string>(configKeys)
  for (const key of Object.keys(source))
    if (!known.has(key)) throw new ConfigError(`config: ${key}: unknown key`)

  const http = source['http'] as Source
  const bank = source['bank'] as Source
  const smpp = source['smpp'] as Source
  const sms = source['sms'] as Source
  const pos = source['pos'] as Source
  const sendsms = source['sendsms'] as Source
  const ussd = source['ussd'] as Source
  const wap = source['wap'] as Source
  const webhooks = source['webhooks'] as Source
  const onsite = source['onsite'] as Source
  for (const [name, keys] of Object.entries(sectionKeys)) {
    for (const key of Object.keys(source[name] as Source)) {
      if (!(keys as readonly string[]).includes(key))
        throw new ConfigError(`config: ${name}.${key}: unknown key`)
    }
  }
  const smsMode = pick(
    'sms.mode',
    sms['mode'],
    'simulator' as const,
    oneOf(smsModes),
    smsModes.join(' | '),
  )
  const upstream =
    sms['upstream'] === undefined || sms['upstream'] === null || sms['upstream'] === ''
      ? null
      : pick(
          'sms.upstream',
          sms['upstream'],
          null,
          parseUpstream,
          'smpp://systemId:password@host:port?bind=transceiver|transmitter+receiver',
        )
  if (smsMode === 'operator' && upstream === null)
    throw new ConfigError(
      'config: sms.upstream: operator mode needs the SMSC to bind to, ' +
        'e.g. smpp://user:secret@smsc.example:2775',
    )
  const dataDir = resolve(
    cwd,
    pick('dataDir', source['dataDir'], './data', asString, 'a directory path'),
  )
  const operatingModel = pick(
    'operatingModel',
    source['operatingModel'],
    defaultLimits.operatingModel,
    oneOf(operatingModelIds),
    operatingModelIds.join(' | '),
  )
  const externalApps = readExternalApps(ussd['externalApps'])
  if (typeof externalApps === 'string') throw new ConfigError(`config: ${externalApps}`)
  // The table is code, but it is the operator's business rules: a broken row stops start-up.
  const modelProblems = checkOperatingModels()
  if (modelProblems.length > 0)
    throw new ConfigError(`config: operatingModel: the model table: ${modelProblems.join('; ')}`)
  return {
    http: {
      host: pick('http.host', http['host'], '127.0.0.1', asString, 'a host name or address'),
      port: pick(
        'http.port',
        http['port'],
        8080,
        asInteger(0, 65_535),
        'a port number from 0 to 65535',
      ),
      publicUrl: pick(
        'http.publicUrl',
        http['publicUrl'],
        null,
        asOrigin,
        'an origin like "https://pay.example.com" (http or https, no path)',
      ),
    },
    dataDir,
    ledgerFile: resolve(
      dataDir,
      pick('ledgerFile', source['ledgerFile'], 'telepay.sqlite', asString, 'a file path'),
    ),
    bankFile: resolve(
      dataDir,
      pick('bankFile', source['bankFile'], 'bank.sqlite', asString, 'a file path'),
    ),
    adminToken: pick(
      'adminToken',
      source['adminToken'],
      defaultAdminToken,
      asString,
      'a non-empty token',
    ),
    clock: pick(
      'clock',
      source['clock'],
      'system' as const,
      oneOf(['system', 'test'] as const),
      '"system" or "test"',
    ),
    world: pick(
      'world',
      source['world'],
      'default',
      (value) => {
        const text = asString(value)
        if (text === undefined) return undefined
        return text === 'default' || text === 'none' ? text : resolve(cwd, text)
      },
      '"default", "none" or the path of a world file',
    ),
    pinHashCost: pick(
      'pinHashCost',
      source['pinHashCost'],
      16_384,
      (value) => {
        const cost = asInteger(2, 1 << 20)(value)
        return cost !== undefined && (cost & (cost - 1)) === 0 ? cost : undefined
      },
      'a power of two from 2 to 1048576',
    ),
    logLevel: pick(
      'logLevel',
      source['logLevel'],
      'info' as const,
      oneOf(logLevels),
      logLevels.join(' | '),
    ),
    logFormat: pick(
      'logFormat',
      source['logFormat'],
      'auto' as const,
      oneOf(logFormats),
      logFormats.join(' | '),
    ),
    bank: {
      mode: pick(
        'bank.mode',
        bank['mode'],
        'approve' as const,
        oneOf(bankModes),
        bankModes.join(' | '),
      ),
      slowMs: pick('bank.slowMs', bank['slowMs'], 2_000, asInteger(0, 600_000), 'milliseconds'),
    },
    limits: readLimits(source['limits'], operatingModel),
    operating: readOperating(source['operating']),
    smpp: {
      host: pick('smpp.host', smpp['host'], '127.0.0.1', asString, 'a host name or address'),
      port: pick(
        'smpp.port',
        smpp['port'],
        2775,
        asInteger(0, 65_535),
        'a port number from 0 to 65535',
      ),
      // SMPP 3.4 caps system_id at 15 octets and password at 8 (plus the NUL).
      systemId: pick(
        'smpp.systemId',
        smpp['systemId'],
        'telepay',
        smppText(15),
        'at most 15 ASCII characters',
      ),
      password: pick(
        'smpp.password',
        smpp['password'],
        'telepay',
        smppText(8),
        'at most 8 ASCII characters',
      ),
    },
    sms: {
      mode: smsMode,
      shortCode: pick(
        'sms.shortCode',
        sms['shortCode'],
        '12588',
        (value) => (typeof value === 'string' && /^\d{3,15}$/.test(value) ? value : undefined),
        'digits, 3 to 15',
      ),
      upstream,
    },
    pos: {
      host: pick('pos.host', pos['host'], '127.0.0.1', asString, 'a host name or address'),
      port: pick('pos.port', pos['port'], 8583, asInteger(0, 65_535), 'a port number 0-65535'),
    },
    sendsms: {
      username: pick(
        'sendsms.username',
        sendsms['username'],
        'telepay',
        asString,
        'a non-empty user name',
      ),
      password: pick(
        'sendsms.password',
        sendsms['password'],
        'telepay',
        asString,
        'a non-empty password',
      ),
    },
    ussd: {
      push: pick('ussd.push', ussd['push'], null, asBoolean, 'true or false'),
      externalApps,
    },
    wap: {
      trustedGateways: pick(
        'wap.trustedGateways',
        wap['trustedGateways'],
        null,
        asAddressList,
        'a list of IP addresses or CIDR ranges, e.g. ["10.0.0.0/8"] or "10.1.2.3,10.1.2.4"',
      ),
      msisdnHeaders: pick(
        'wap.msisdnHeaders',
        wap['msisdnHeaders'],
        null,
        asHeaderList,
        'a non-empty list of header names, e.g. ["X-WAP-Network-Client-MSISDN"] or "X-MSISDN"',
      ),
    },
    webhooks: {
      privateDestinations: pick(
        'webhooks.privateDestinations',
        webhooks['privateDestinations'],
        null,
        asBoolean,
        'true or false',
      ),
    },
    onsite: {
      pcscCards: pick(
        'onsite.pcscCards',
        onsite['pcscCards'],
        [],
        asPcscCards,
        'at most two MSISDNs, e.g. ["8613800138000"] or "8613800138000,8613800138001"',
      ),
      vpcd: pick(
        'onsite.vpcd',
        onsite['vpcd'],
        { host: '127.0.0.1', port: 35_963 },
        asHostPort,
        'HOST:PORT, e.g. "127.0.0.1:35963"',
      ),
      keysFile: (() => {
        const path = pick('onsite.keysFile', onsite['keysFile'], null, asString, 'a file path')
        return path === null ? null : resolve(cwd, path)
      })(),
    },
  }
}

/** A JSON list as it is, or a comma-separated string (the environment) as its items. */
function listOf(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value
}

/** MSISDNs as a JSON list or a comma-separated string (the environment); at most vpcd's two. */
const asPcscCards = (value: unknown): readonly string[] | undefined => {
  const list = listOf(value)
  if (!Array.isArray(list) || list.length > 2) return undefined
  const numbers = list.map((item) => (typeof item === 'string' ? normalizeMsisdn(item) : null))
  return numbers.every((item): item is string => item !== null) ? numbers : undefined
}

/** HOST:PORT (an IPv6 host in brackets), or { host, port } as the example file writes it. */
const asHostPort = (value: unknown): { host: string; port: number } | undefined => {
  if (isObject(value) && typeof value['host'] === 'string' && typeof value['port'] === 'number')
    return asHostPort(`${value['host']}:${value['port']}`)
  if (typeof value !== 'string') return undefined
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value)
  const port = Number(match?.[2])
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined
  return { host: match[1] ?? '', port }
}

/** Header names, as a JSON list or a comma-separated string (the environment); never empty. */
const asHeaderList = (value: unknown): readonly string[] | undefined => {
  const list = listOf(value)
  if (!Array.isArray(list) || list.length === 0) return undefined
  return list.every((item) => typeof item === 'string' && isHeaderName(item))
    ? (list as string[])
    : undefined
}

/** Addresses or CIDR ranges, as a JSON list or a comma-separated string (the environment). */
const asAddressList = (value: unknown): readonly string[] | undefined => {
  const list = listOf(value)
  if (!Array.isArray(list)) return undefined
  const pattern = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/
  return list.every((item) => typeof item === 'string' && pattern.test(item))
    ? (list as string[])
    : undefined
}

/** An http or https origin, kept without a trailing slash; a path, query or user is refused. */
const asOrigin = (value: unknown): string | undefined => {
  const url = urlOf(value)
  if (url === undefined) return undefined
  const plain =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === ''
  return plain ? url.origin : undefined
}

const asBoolean = (value: unknown): boolean | undefined =>
  value === true || value === 'true'
    ? true
    : value === false || value === 'false'
      ? false
      : undefined

const smppText =
  (octetsMax: number) =>
  (value: unknown): string | undefined =>
    typeof value === 'string' &&
    value !== '' &&
    value.length <= octetsMax &&
    /^[\x20-\x7e]*$/.test(value)
      ? value
      : undefined
