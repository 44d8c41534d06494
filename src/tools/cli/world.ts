/**
 * world.ts - `telepay world check | load | export | generate | fill | merchants`: a world
 * file checked before it is loaded, a world loaded into or exported from a running gateway
 * (world-transfer.ts), and big generated worlds and their history for scale tests, written into
 * the data directory `telepay start --data-dir DIR` serves. The work is done by
 * src/tools/world/generate-world.ts and fill-history.ts (which a benchmark calls directly); this
 * is their command line: options, progress on stderr, the summary on stdout.
 * Exports runWorld and worldOptions.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { Config } from '../../config.js'
import { ConfigError, loadConfig } from '../../config.js'
import { pinPattern } from '../../service/pin-hasher.js'
import { readWorldFile, WorldFileError } from '../../world/world-file.js'
import { fillHistory, fillKeyStyles } from '../world/fill-history.js'
import {
  generatedMerchant,
  generatedMerchantCodeFirst,
  generatedMerchantsMax,
  generatedMsisdn,
  generatedSubscribersMax,
  generateWorld,
  WorldExistsError,
} from '../world/generate-world.js'
import type { OptionLines, ParsedArgs } from './args.js'
import { parseOptions, UsageError } from './args.js'
import { formatOptionLines } from './options-help.js'
import {
  exportOptions,
  exportUsage,
  loadOptions,
  loadUsage,
  runWorldExport,
  runWorldLoad,
} from './world-transfer.js'

const dataDirLine = [
  '--data-dir DIR',
  'the data directory (default ./data, or dataDir of the configuration)',
] as const

/** Each subcommand's options: what its help explains and what it parses. */
export const worldOptions = {
  generate: [
    [
      '--subscribers N',
      '1 to 100,000,000: subscriber i has MSISDN 8615000000000 + i (8615000000000, ' +
        '8615000000001, ...), en for even i and zh for odd, wallet 100.00-5000.00, phone bill ' +
        '20.00-200.00 with a credit limit of 0, 100.00 or 500.00',
    ],
    [
      '--merchants M',
      '0 to 399,999: codes 600001, 600002, ... (every 10th a biller); their API keys and ' +
        'webhook secrets follow from the seed (telepay world merchants)',
    ],
    dataDirLine,
    ['--seed S', '0 to 4294967295 (default 1): names, balances, merchant keys'],
    [
      '--pin PIN',
      "every subscriber's PIN (default 1234). One scrypt hash is computed and shared by all: " +
        'hashing a PIN per subscriber would take hours at a million',
    ],
    [
      '--cards-every K',
      'every K-th subscriber (i = 0, K, 2K ...) holds a bank card, ICBC and CCB in turn, ' +
        '1000.00-50000.00 at the bank (default 10; 0: no cards)',
    ],
    [
      '--force',
      'replace a ledger or bank file that already holds something (stop the gateway first); ' +
        'without it generate refuses and exits 1',
    ],
    ['--json', 'the summary as JSON'],
  ],
  fill: [
    ['--payments N', 'payments to add, 1 to 1,000,000,000'],
    ['--days D', 'dated over the last D days, 1 to 3650 (default 7)'],
    dataDirLine,
    ['--seed S', 'who pays whom, what and when (default 1)'],
    [
      '--keys random|sequential',
      'idempotency keys: random (fill:<uuid>, default) or sequential (fill:<time>:<number>, ' +
        'rising)',
    ],
    ['--batch N', 'payments a transaction, 1 to 100,000 (default 1000)'],
    ['--json', 'the summary as JSON'],
  ],
  merchants: [
    dataDirLine,
    ['--seed S', 'the seed the world was generated with (default 1)'],
    ['--json', 'the list as JSON'],
  ],
  check: [],
  load: loadOptions,
  export: exportOptions,
} as const satisfies Readonly<Record<string, OptionLines>>

const generateUsage = [
  'Usage: telepay world generate --subscribers N --merchants M [--data-dir DIR] [--seed S]',
  '         [--pin 1234] [--cards-every K] [--force] [--json]',
  '',
  'Writes a fresh world into the data directory (default ./data/, or dataDir of the',
  "configuration): the ledger, and the simulated bank's card file. `telepay start --data-dir DIR`",
  'then serves it.',
  '',
  ...formatOptionLines(worldOptions.generate),
  '',
  'The ledger is built beside its place (telepay.sqlite.building) without a journal or fsync,',
  'then renamed into place: a run cut short leaves nothing to recover, only to run again.',
  'Progress goes to stderr every second. Exit 0: generated; 1: the data directory holds a',
  'world; 2: bad options.',
].join('\n')

const fillUsage = `Usage: telepay world fill --payments N [--days D] [--data-dir DIR] [--seed S]
         [--keys random|sequential] [--batch N] [--json]

Adds N payments to the ledger of the data directory through the payment core, in batches of
--batch as the gateway's group commit writes them, dated over the last D days in increasing
time order: 45% phone-bill micro-payments and 45% wallet payments to merchants, 10% SENDs
between subscribers. Amounts are small, and payers are drawn so that none runs out or meets the
daily limit; what the core refuses anyway is counted and printed. Stop the gateway first: it
keeps the ledger's state in memory and would not see the payments.

${formatOptionLines(worldOptions.fill).join('\n')}

Progress goes to stderr every second. Exit 0: every payment completed; 1: some did not
(counted by reason in the summary); 2: bad options or no ledger.`

const merchantsUsage = `Usage: telepay world merchants [--data-dir DIR] [--seed S] [--json]

Lists the generated merchants of the data directory's ledger with their API keys and webhook
secrets, one per line: code, category, API key, webhook secret, name. The API key of merchant
code C is tpk_ and the first 32 hex digits of sha256("telepay-world:<seed>:api-key:<C>"): the
keys are checked against the ledger.

${formatOptionLines(worldOptions.merchants).join('\n')}`

const checkUsage = `Usage: telepay world check <file>

Reads a world file (YAML or JSON, docs/world.md) as \`telepay start --world <file>\` would, and
prints every problem with its place in the file, or what the file holds. Exits 1 when it has
problems. Loads nothing.`

const worldUsage =
  'telepay world check <file> | load <file> | export [--out FILE] | ' +
  'generate --subscribers N --merchants M [--data-dir DIR] ' +
  '[--seed S] ' +
  '[--pin 1234] [--cards-every K] [--force] | fill --payments N [--days D] [--data-dir DIR] ' +
  '[--seed S] [--keys random|sequential] | merchants [--data-dir DIR] [--seed S] ' +
  '(telepay world generate --help, telepay world fill --help)'

const number = (value: number): string => value.toLocaleString('en-US')

function megabytes(bytes: number): string {
  return bytes < 1_048_576
    ? `${Math.ceil(bytes / 1024)} kB`
    : `${(bytes / 1_048_576).toFixed(1)} MB`
}

/** An integer option from `min` to `max` (digits, `_` allowed between them: 1_000_000). */
function integerOption(
  parsed: ParsedArgs,
  name: string,
  min: number,
  max: number,
  fallback: number | null,
): number {
  const value = parsed.options.get(name)
  if (value === undefined) {
    if (fallback === null) throw new UsageError(`--${name} is required`)
    return fallback
  }
  const text = value === true ? '' : value.replace(/_/g, '')
  const parsedNumber = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(parsedNumber) || parsedNumber < min || parsedNumber > max)
    throw new UsageError(
      `--${name}: expected an integer from ${number(min)} to ${number(max)}, got "${value}"`,
    )
  return parsedNumber
}

function configOf(parsed: ParsedArgs): Config {
  const dataDir = parsed.options.get('data-dir')
  return loadConfig({ overrides: typeof dataDir === 'string' ? { dataDir } : {} })
}

function onlyOptions(parsed: ParsedArgs, command: string): void {
  if (parsed.positional.length > 0)
    throw new UsageError(`world ${command}: unexpected argument "${parsed.positional[0]}"`)
}

const jsonOf = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  )

async function runGenerate(args: readonly string[]): Promise<number> {
  const parsed = parseOptions(args, worldOptions.generate)
  onlyOptions(parsed, 'generate')
  const subscribers = integerOption(parsed, 'subscribers', 1, generatedSubscribersMax, null)
  const merchants = integerOption(parsed, 'merchants', 0, generatedMerchantsMax, null)
  const seed = integerOption(parsed, 'seed', 0, 0xffff_ffff, 1)
  const cardsEvery = integerOption(parsed, 'cards-every', 0, generatedSubscribersMax, 10)
  const pinOption = parsed.options.get('pin')
  const pin = typeof pinOption === 'string' ? pinOption : '1234'
  if (!pinPattern.test(pin)) throw new UsageError(`--pin: expected 4 to 6 digits, got "${pin}"`)
  const config = configOf(parsed)
  let summary: Awaited<ReturnType<typeof generateWorld>>
  try {
    summary = await generateWorld(
      config.ledgerFile,
      {
        subscribers,
        merchants,
        seed,
        pin,
        cardsEvery,
        force: parsed.options.get('force') === true,
        bankFile: config.bankFile,
        limits: config.limits,
        pinHashCost: config.pinHashCost,
      },
      (progress) =>
        process.stderr.write(
          `generate: ${number(progress.subscribers)} / ${number(progress.total)} subscribers ` +
            `(${Math.floor((100 * progress.subscribers) / progress.total)}%), ` +
            `${number(Math.round(progress.subscribersPerSecond))}/s` +
            `${progress.phase === 'subscribers' ? '' : '; now the opening transfers'}\n`,
        ),
    )
  } catch (error) {
    if (!(error instanceof WorldExistsError)) throw error
    process.stderr.write(`telepay world generate: ${error.message}\n`)
    return 1
  }
  if (parsed.options.get('json') === true) {
    process.stdout.write(`${jsonOf(summary)}\n`)
    return 0
  }
  const lines = [
    `generated ${number(summary.subscribers)} subscribers, ${number(summary.merchants)} ` +
      `merchants and ${number(summary.cards)} cards in ${summary.elapsedS.toFixed(1)} s ` +
      `(${number(Math.round(summary.subscribersPerSecond))} subscribers/s; ` +
      `ledger rows ${summary.writeS.toFixed(1)} s)`,
    `ledger: ${summary.ledgerFile} (${megabytes(summary.ledgerBytes)})`,
    summary.bankFile === null
      ? 'bank: no cards'
      : `bank: ${summary.bankFile} (${megabytes(summary.bankBytes)})`,
    `subscribers: ${generatedMsisdn(0)} to ${generatedMsisdn(summary.subscribers - 1)}, ` +
      `PIN ${summary.pin} for all (one scrypt hash), en for even numbers and zh for odd`,
    cardsEvery === 0
      ? 'cards: none'
      : `cards: one subscriber in ${number(cardsEvery)} (${generatedMsisdn(0)}, ` +
        `${generatedMsisdn(cardsEvery)}, ...), ICBC and CCB in turn`,
  ]
  if (summary.merchants > 0) {
    lines.push(
      `merchants: codes ${generatedMerchantCodeFirst} to ` +
        `${generatedMerchantCodeFirst + summary.merchants - 1} (every 10th a biller), ` +
        `seed ${seed}; the first ones:`,
    )
    for (let index = 0; index < Math.min(3, summary.merchants); index += 1) {
      const merchant = generatedMerchant(seed, index)
      lines.push(
        `  ${merchant.code}  API key ${merchant.apiKey}  webhook ${merchant.webhookSecret}`,
      )
    }
    const dataDir = parsed.options.get('data-dir')
    const where = typeof dataDir === 'string' ? ` --data-dir ${dataDir}` : ''
    lines.push(`  all of them: telepay world merchants${where} --seed ${seed}`)
  }
  process.stdout.write(`${lines.join('\n')}\n`)
  return 0
}

async function runFill(args: readonly string[]): Promise<number> {
  const parsed = parseOptions(args, worldOptions.fill)
  onlyOptions(parsed, 'fill')
  const payments = integerOption(parsed, 'payments', 1, 1_000_000_000, null)
  const days = integerOption(parsed, 'days', 1, 3_650, 7)
  const seed = integerOption(parsed, 'seed', 0, 0xffff_ffff, 1)
  const batchSize = integerOption(parsed, 'batch', 1, 100_000, 1_000)
  const keysOption = parsed.options.get('keys') ?? 'random'
  const keys = fillKeyStyles.find((style) => style === keysOption)
  if (keys === undefined)
    throw new UsageError(`--keys: expected random or sequential, got "${String(keysOption)}"`)
  const config = configOf(parsed)
  if (!existsSync(config.ledgerFile))
    throw new UsageError(
      `no ledger at ${config.ledgerFile} (telepay world generate first, or pass --data-dir)`,
    )
  let summary: Awaited<ReturnType<typeof fillHistory>>
  try {
    summary = await fillHistory(
      config.ledgerFile,
      { payments, days, seed, keys, batchSize, limits: config.limits },
      (progress) =>
        process.stderr.write(
          `fill: ${number(progress.submitted)} / ${number(progress.total)} payments, ` +
            `${number(progress.completed)} completed, ` +
            `${number(Math.round(progress.paymentsPerSecond))}/s\n`,
        ),
    )
  } catch (error) {
    // The ledger holds nobody to pay from, or no one to pay.
    if (error instanceof RangeError) throw new UsageError(error.message)
    throw error
  }
  if (parsed.options.get('json') === true) {
    process.stdout.write(`${jsonOf(summary)}\n`)
  } else {
    const refusedTotal = Object.values(summary.refused).reduce((sum, count) => sum + count, 0)
    const lines = [
      `filled ${number(summary.requested)} payments in ${summary.elapsedS.toFixed(1)} s ` +
        `(${number(Math.round(summary.paymentsPerSecond))} payments/s): ` +
        `${number(summary.completed)} completed, ${number(refusedTotal)} refused, ` +
        `${number(summary.errors)} failed`,
      `  completed: ${number(summary.kinds.phoneBill)} phone-bill, ` +
        `${number(summary.kinds.wallet)} wallet, ${number(summary.kinds.send)} send`,
      `  dated ${new Date(summary.fromMs).toISOString()} to ` +
        new Date(summary.toMs).toISOString(),
    ]
    for (const [reason, count] of Object.entries(summary.refused))
      lines.push(`  refused (${reason}): ${number(count)}`)
    if (summary.firstError !== null) lines.push(`  first error: ${summary.firstError}`)
    const days = Object.entries(summary.byDay)
    lines.push(
      `  by local day: ${days
        .slice(0, 10)
        .map(([day, count]) => `${day} ${number(count)}`)
        .join(', ')}${days.length > 10 ? ` ... (${days.length} days)` : ''}`,
    )
    process.stdout.write(`${lines.join('\n')}\n`)
  }
  return summary.completed === summary.requested ? 0 : 1
}

interface MerchantRow {
  code: string
  name: string
  category: string
  api_key_sha256: string
  webhook_secret: string
}

function runMerchants(args: readonly string[]): number {
  const parsed = parseOptions(args, worldOptions.merchants)
  onlyOptions(parsed, 'merchants')
  const seed = integerOption(parsed, 'seed', 0, 0xffff_ffff, 1)
  const config = configOf(parsed)
  if (!existsSync(config.ledgerFile))
    throw new UsageError(`no ledger at ${config.ledgerFile} (telepay world generate first)`)
  const db = new Database(config.ledgerFile, { fileMustExist: true })
  let rows: MerchantRow[]
  try {
    rows = db
      .prepare('SELECT code, name, category, api_key_sha256, webhook_secret FROM merchants')
      .all() as MerchantRow[]
  } finally {
    db.close()
  }
  const generated = rows
    .filter((row) => /^\d+$/.test(row.code) && Number(row.code) >= generatedMerchantCodeFirst)
    .sort((a, b) => Number(a.code) - Number(b.code))
  const listed = generated.map((row) => ({
    ...row,
    apiKey: generatedMerchant(seed, Number(row.code) - generatedMerchantCodeFirst).apiKey,
  }))
  const wrong = listed.filter(
    (row) => createHash('sha256').update(row.apiKey).digest('hex') !== row.api_key_sha256,
  )
  if (wrong.length > 0) {
    process.stderr.write(
      `telepay world merchants: the API keys of seed ${seed} do not match the ledger's ` +
        `(${number(wrong.length)} of ${number(listed.length)} merchants, e.g. ` +
        `${wrong[0]?.code ?? ''}): pass the --seed the world was generated with\n`,
    )
    return 1
  }
  if (parsed.options.get('json') === true) {
    const json = listed.map((row) => ({
      code: row.code,
      name: row.name,
      category: row.category,
      apiKey: row.apiKey,
      webhookSecret: row.webhook_secret,
    }))
    process.stdout.write(`${JSON.stringify(json)}\n`)
    return 0
  }
  const lines = listed.map((row) =>
    [row.code, row.category, row.apiKey, row.webhook_secret, row.name].join('\t'),
  )
  process.stdout.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`)
  if (lines.length === 0)
    process.stderr.write(`telepay world merchants: no generated merchant in ${config.ledgerFile}\n`)
  return 0
}

function runCheck(args: string[]): number {
  const parsed = parseOptions(args, worldOptions.check)
  const [file, ...extra] = parsed.positional
  if (file === undefined || extra.length > 0) throw new UsageError('give one world file')
  try {
    const world = readWorldFile(file)
    process.stdout.write(
      `${file}: ${number(world.subscribers.length)} subscribers, ` +
        `${number(world.merchants.length)} merchants and billers, ` +
        `${number(world.orders.length)} open orders: ok\n`,
    )
    return 0
  } catch (error) {
    if (!(error instanceof WorldFileError)) throw error
    process.stderr.write(`telepay world check: ${error.message}\n`)
    return 1
  }
}

export async function runWorld(args: string[]): Promise<number> {
  const [command, ...rest] = args
  const usage =
    command === 'generate'
      ? generateUsage
      : command === 'fill'
        ? fillUsage
        : command === 'merchants'
          ? merchantsUsage
          : command === 'check'
            ? checkUsage
            : command === 'load'
              ? loadUsage
              : command === 'export'
                ? exportUsage
                : null
  if (usage === null) {
    const help = command === undefined || command === '--help' || command === '-h'
    if (!help) process.stderr.write(`telepay world: unknown command "${command}"\n`)
    ;(help ? process.stdout : process.stderr).write(
      `Usage: ${worldUsage}\n\n${checkUsage}\n\n${loadUsage}\n\n${exportUsage}\n\n` +
        `${generateUsage}\n\n${fillUsage}\n\n${merchantsUsage}\n`,
    )
    return help && command !== undefined ? 0 : 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  try {
    if (command === 'generate') return await runGenerate(rest)
    if (command === 'fill') return await runFill(rest)
    if (command === 'check') return runCheck(rest)
    if (command === 'load') return await runWorldLoad(rest)
    if (command === 'export') return await runWorldExport(rest)
    return runMerchants(rest)
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`telepay world ${command}: ${error.message}\n\n${usage}\n`)
      return 2
    }
    throw error
  }
}
