/**
 * config-reference.ts - docs/configuration.md and telepay.config.example.json, generated from
 * what the configuration reader itself uses: its key lists (configKeys, sectionKeys), its
 * environment variables, the defaults it returns when nothing is set, and the doc comments of
 * the Limits and OperatingLimits interfaces (read from src/core/limits.ts), so the reference
 * cannot drift from the reader; test/tools/config-reference.test.ts
 * compares the files with what this makes. `telepay config reference|example` prints them.
 * Exports configReference and configExample.
 */
import { readFileSync } from 'node:fs'
import type { Config, ConfigKey } from '../config.js'
import { configKeys, environmentKeys, loadConfig, sectionKeys } from '../config.js'
import { defaultLimits, defaultOperatingLimits, formatAmount } from '../core/index.js'
import { repositoryPath } from '../gateway/repository-path.js'

/** What each key outside limits and operating means; the compiler asks for every key. */
const meanings: Readonly<Record<Exclude<ConfigKey, 'limits' | 'operating'>, string>> & {
  readonly sections: Readonly<Record<string, string>>
} = {
  http: 'the HTTP server (merchant API, admin API, the channels, /healthz)',
  dataDir: 'where the SQLite files and the lock live (relative to the working directory)',
  ledgerFile: 'the ledger database, inside dataDir unless absolute',
  bankFile: "the simulated bank's database, inside dataDir unless absolute",
  adminToken:
    'the admin API bearer token; the default is accepted from loopback only, so set one ' +
    'before listening beyond it',
  clock: '`system`, or `test`: a clock moved only by POST /admin/api/clock (conformance scripts)',
  world:
    'what an empty database is loaded with: `default` (fixtures/world/default.yaml), `none`, ' +
    'or the path of a world file (docs/world.md)',
  pinHashCost: "scrypt's cost N for PIN hashes (a power of two from 2 to 1048576)",
  logLevel: '`debug`, `info`, `warn`, `error` or `silent`',
  logFormat:
    'log lines as `json`, `pretty`, or `auto`: pretty when stderr is a terminal, JSON ' +
    'otherwise (docs/logging.md)',
  operatingModel:
    'who runs the platform: `operator`, `bank`, `third_party` or `cooperative` ' +
    '(docs/payments.md, "Operating models")',
  bank: 'the simulated issuing bank',
  smpp: 'the built-in SMSC simulator that ESMEs bind to (simulator mode)',
  sms: 'the SMS channel',
  pos: 'the ISO 8583 host online shop terminals connect to (docs/channels/pos.md)',
  sendsms:
    "the simulator's Kannel-style GET /cgi-bin/sendsms, where services send MTs to simulated " +
    'phones (simulator mode)',
  ussd: 'the USSD channel',
  wap: 'the WAP channel',
  webhooks: "deliveries of payment results to merchants' callback URLs",
  onsite: "the simulator's RFID-SIMs and terminals (docs/channels/onsite.md)",
  sections: {
    'http.host': 'the address it listens on',
    'http.port': 'its port (0: a free one)',
    'http.publicUrl':
      "the origin people's browsers reach it at, when that is not http://host:port (bound to " +
      "0.0.0.0, or behind a TLS proxy: `https://pay.example.com`): the demo shop's return " +
      "address; `https` makes the consoles' cookies Secure",
    'bank.mode': '`approve`, `decline`, `slow`, `timeout` or `down`',
    'bank.slowMs': 'how long a `slow` bank takes to answer',
    'smpp.host': 'the address the SMSC simulator listens on',
    'smpp.port': 'its port (0: a free one)',
    'smpp.systemId': 'the system_id ESMEs bind with (others: ESME_RINVSYSID)',
    'smpp.password': 'their password (others: ESME_RINVPASWD)',
    'pos.host': 'the address the ISO 8583 host listens on',
    'pos.port': 'its port (0: a free one)',
    'sms.mode':
      '`simulator` (serve the SMSC simulator), `operator` (bind to sms.upstream) or `off`',
    'sms.shortCode': 'the number MOs go to and replies come from',
    'sms.upstream':
      "operator mode's SMSC: `smpp://systemId:password@host:port?bind=transceiver` " +
      '(or `bind=transmitter%2Breceiver`, `&systemType=X`)',
    'sendsms.username': 'the `username` sendsms takes (others: 403 `Authorization failed`)',
    'sendsms.password': 'its `password`',
    'ussd.push':
      "push a merchant's payment request as a USSD prompt before the SMS (`true`/`false`; " +
      'default: on with the simulator, off in operator mode)',
    'ussd.externalApps':
      "USSD codes served by someone else's app in Africa's Talking's callback format, " +
      '`[{ "serviceCode": "*384*2468#", "url": "http://127.0.0.1:9000/ussd" }]`; from the ' +
      'environment `*384*2468#=http://127.0.0.1:9000/ussd`, comma-separated ' +
      '(docs/channels/ussd.md)',
    'wap.trustedGateways':
      'addresses or CIDR ranges whose MSISDN header is believed (default loopback)',
    'wap.msisdnHeaders':
      'the header names believed from those gateways (default X-WAP-Network-Client-MSISDN)',
    'onsite.pcscCards':
      "subscribers whose RFID-SIM is put in a PC/SC reader through vsmartcard's vpcd (at most " +
      'two: vpcd serves two readers); from the environment comma-separated; none by default',
    'onsite.vpcd': "vpcd's address for the first card, the second on the next port",
    'onsite.keysFile':
      "the operator's own purse master keys: a JSON file readable by its owner only, made by " +
      '`telepay keys new`; unset: the public test keys, and outside the simulator no clearing ' +
      'and no top-up over the air (docs/channels/onsite.md)',
    'webhooks.privateDestinations':
      'deliver webhooks to loopback, private and link-local addresses (`true`/`false`; default: ' +
      'yes with the SMSC simulator, no otherwise: set `false` wherever merchants are real)',
  },
}

interface Row {
  readonly key: string
  readonly value: unknown
  readonly env: string | null
  readonly meaning: string
}

/** The reference's rows, in the reader's order, with the reader's defaults. */
function rows(): Row[] {
  const defaults = defaultConfig()
  const envOf = new Map(Object.entries(environmentKeys).map(([name, key]) => [key, name]))
  const docs = limitDocs()
  const result: Row[] = []
  for (const key of configKeys) {
    if (key === 'limits' || key === 'operating') {
      const values = (key === 'limits'
        ? defaultLimits
        : defaultOperatingLimits) as unknown as Readonly<Record<string, unknown>>
      for (const [name, value] of Object.entries(values)) {
        if (name === 'operatingModel') continue
        result.push({
          key: `${key}.${name}`,
          value,
          env: null,
          meaning: docs.get(name) ?? '',
        })
      }
      continue
    }
    const sections: Readonly<Record<string, readonly string[]>> = sectionKeys
    const inner = sections[key]
    if (inner === undefined) {
      result.push({
        key,
        value:
          key === 'operatingModel'
            ? defaults.limits.operatingModel
            : (defaults as unknown as Record<string, unknown>)[key],
        env: envOf.get(key) ?? null,
        meaning: meanings[key],
      })
      continue
    }
    const section = (defaults as unknown as Record<string, Record<string, unknown>>)[key] ?? {}
    for (const name of inner) {
      const path = `${key}.${name}`
      result.push({
        key: path,
        value: section[name],
        env: envOf.get(path) ?? null,
        meaning: meanings.sections[path] ?? meanings[key],
      })
    }
  }
  return result
}

/** The reader's configuration when nothing is set, its paths as written (relative). */
function defaultConfig(): Config {
  const cwd = '/telepay'
  const config = loadConfig({ env: {}, cwd })
  const under = (dir: string, path: string): string =>
    path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path
  return {
    ...config,
    dataDir: `./${under(cwd, config.dataDir)}`,
    ledgerFile: under(config.dataDir, config.ledgerFile),
    bankFile: under(config.dataDir, config.bankFile),
  }
}

/**
 * The doc comment of every member of Limits and OperatingLimits, joined into one line. Read as
 * text (a doc comment right before `readonly name:`): the file is ours and written that way, and
 * the compiler is a development tool an installed telepay does not have.
 */
function limitDocs(): Map<string, string> {
  const path = repositoryPath('src/core/limits.ts')
  const text = readFileSync(path, 'utf8')
  const docs = new Map<string, string>()
  for (const match of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*readonly (\w+)\??:/g)) {
    const [, comment = '', name = ''] = match
    const words = comment
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, '').trim())
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim()
    docs.set(name, words)
  }
  return docs
}

/** Money keys end in Minor (fen); another bigint (basis points) is a plain integer. */
function isMoney(key: string, value: unknown): value is bigint {
  return typeof value === 'bigint' && key.endsWith('Minor')
}

function shown(key: string, value: unknown): string {
  if (isMoney(key, value)) return `${value} (${formatAmount(value)} yuan)`
  if (typeof value === 'bigint') return String(value)
  if (value === null || value === undefined) return '(none)'
  return JSON.stringify(value)
}

/** docs/configuration.md. */
export function configReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by `telepay config reference` from the configuration reader; do not edit. -->',
    '',
    'telepay reads its defaults, then `telepay.config.json` in the working directory (or the file',
    'named by `TELEPAY_CONFIG`), then the environment variables below, then the options of',
    '`telepay start`. A bad value or an unknown key stops start-up with one line naming the key.',
    'Amounts (`...Minor`) are fen as an integer, or yuan as a string such as `"2000.00"`; times',
    'ending in `Ms` are milliseconds. `telepay.config.example.json` holds every key at its',
    'default.',
    '',
    '| key | default | environment | meaning |',
    '| --- | --- | --- | --- |',
    ...rows().map((row) => {
      const env = row.env === null ? '' : `\`${row.env}\``
      const meaning = row.meaning.replaceAll('|', '\\|')
      return `| \`${row.key}\` | \`${shown(row.key, row.value)}\` | ${env} | ${meaning} |`
    }),
    '',
  ]
  return lines.join('\n')
}

/** telepay.config.example.json: every key at its default (amounts in yuan). */
export function configExample(): string {
  const example: Record<string, unknown> = {}
  for (const row of rows()) {
    const [outer = '', inner] = row.key.split('.')
    const value = isMoney(row.key, row.value)
      ? formatAmount(row.value)
      : typeof row.value === 'bigint'
        ? Number(row.value)
        : row.value
    if (inner === undefined) example[outer] = value
    else example[outer] = { ...((example[outer] as object | undefined) ?? {}), [inner]: value }
  }
  return `${JSON.stringify(example, null, 2)}\n`
}
