/**
 * world-file.ts - reads a world file (YAML, or JSON, which YAML reads too) into a WorldSpec:
 * validated against world-schema.ts and then checked for what a schema cannot say (numbers that
 * are no MSISDN, a number or code given twice, an order of a merchant the file lacks), every
 * problem reported at once with its path (`subscribers[1].pin: must be 4 to 6 digits ...`).
 * Defaults fill what the file leaves out (language en, balances 0.00, no card, category
 * merchant). Exports readWorldFile, parseWorldText and WorldFileError.
 */
import { readFileSync, statSync } from 'node:fs'
import type { ErrorObject } from 'ajv'
import { normalizeMsisdn } from '../core/index.js'
import { parseYamlText } from '../gateway/yaml-text.js'
import type { WorldSpec } from './world.js'
import { amountOf } from './world.js'
import { hintKeyword } from './world-schema.js'
import { worldValidator } from './world-validator.js'

/** A world file that cannot be loaded: `problems` has one line per problem, each with its path. */
export class WorldFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`the world file ${file} has ${problems.length} problem(s):\n${problems.join('\n')}`)
    this.name = 'WorldFileError'
  }
}

/** The largest world file read: a million subscribers written out fit well within it. */
export const worldFileBytesMax = 256 * 1024 * 1024

/** The world of the file at `path`; throws WorldFileError naming every problem. */
export function readWorldFile(path: string): WorldSpec {
  let text: string
  try {
    // Measured before it is read, as the menu files are: a huge file is refused, not loaded.
    if (statSync(path).size > worldFileBytesMax)
      throw new WorldFileError(path, [`it is larger than ${worldFileBytesMax} bytes`])
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof WorldFileError) throw error
    throw new WorldFileError(path, [`cannot read it: ${(error as Error).message}`])
  }
  const read = parseWorldText(text)
  if (!read.ok) throw new WorldFileError(path, read.problems)
  return read.world
}

/** The world a file's text holds, or every problem with it. */
export function parseWorldText(
  text: string,
): { readonly ok: true; readonly world: WorldSpec } | { readonly ok: false; problems: string[] } {
  let raw: unknown
  try {
    raw = parseYamlText(text)
  } catch (error) {
    return { ok: false, problems: [`not valid YAML or JSON: ${firstLine(error)}`] }
  }
  const validate = worldValidator()
  if (!validate(raw)) return { ok: false, problems: schemaProblems(validate.errors ?? []) }
  const world = withDefaults(raw as RawWorld)
  const problems = crossProblems(world)
  return problems.length === 0 ? { ok: true, world } : { ok: false, problems }
}

/** What the schema lets through: every field it does not require may be absent. */
interface RawWorld {
  readonly subscribers: readonly {
    readonly msisdn: string
    readonly name: string
    readonly pin?: string
    readonly pinHash?: string
    readonly language?: 'en' | 'zh'
    readonly phoneBill?: { readonly balance?: string; readonly creditLimit?: string }
    readonly wallet?: string
    readonly card?: { readonly bank: string; readonly last4: string; bankBalance?: string } | null
  }[]
  readonly merchants: readonly {
    readonly code: string
    readonly name: string
    readonly category?: 'merchant' | 'biller'
    readonly settlementBank?: string
    readonly apiKey?: string
    readonly apiKeySha256?: string
    readonly webhookSecret?: string
    readonly feeBasisPoints?: number
    readonly feeFixed?: string
    readonly feeMin?: string
    readonly feeMax?: string
  }[]
  readonly orders?: readonly {
    readonly orderNo: string
    readonly merchantCode: string
    readonly amount: string
    readonly reference?: string
    readonly description?: string
  }[]
}

const zero = '0.00'

function withDefaults(raw: RawWorld): WorldSpec {
  return {
    subscribers: raw.subscribers.map((subscriber) => ({
      msisdn: subscriber.msisdn,
      name: subscriber.name,
      pin: subscriber.pin ?? null,
      ...(subscriber.pinHash === undefined ? {} : { pinHash: subscriber.pinHash }),
      language: subscriber.language ?? 'en',
      phoneBill: {
        balance: subscriber.phoneBill?.balance ?? zero,
        creditLimit: subscriber.phoneBill?.creditLimit ?? zero,
      },
      wallet: subscriber.wallet ?? zero,
      card:
        subscriber.card == null
          ? null
          : {
              bank: subscriber.card.bank,
              last4: subscriber.card.last4,
              bankBalance: subscriber.card.bankBalance ?? zero,
            },
    })),
    merchants: raw.merchants.map((merchant) => ({
      code: merchant.code,
      name: merchant.name,
      category: merchant.category ?? 'merchant',
      ...(merchant.settlementBank === undefined ? {} : { settlementBank: merchant.settlementBank }),
      ...(merchant.apiKey === undefined ? {} : { apiKey: merchant.apiKey }),
      ...(merchant.apiKeySha256 === undefined ? {} : { apiKeySha256: merchant.apiKeySha256 }),
      ...(merchant.webhookSecret === undefined ? {} : { webhookSecret: merchant.webhookSecret }),
      ...(merchant.feeBasisPoints === undefined ? {} : { feeBasisPoints: merchant.feeBasisPoints }),
      ...(merchant.feeFixed === undefined ? {} : { feeFixed: merchant.feeFixed }),
      ...(merchant.feeMin === undefined ? {} : { feeMin: merchant.feeMin }),
      ...(merchant.feeMax === undefined ? {} : { feeMax: merchant.feeMax }),
    })),
    orders: (raw.orders ?? []).map((order) => ({
      orderNo: order.orderNo,
      merchantCode: order.merchantCode,
      amount: order.amount,
      reference: order.reference ?? `order-${order.orderNo}`,
      description: order.description ?? '',
    })),
  }
}

/** What a schema cannot check: numbers, codes and keys given twice, orders of unknown merchants. */
function crossProblems(world: WorldSpec): string[] {
  const problems: string[] = []
  const seen = new Map<string, string>()
  const once = (kind: string, value: string, where: string): void => {
    const earlier = seen.get(`${kind}:${value}`)
    if (earlier === undefined) seen.set(`${kind}:${value}`, where)
    else problems.push(`${where}: ${kind} ${value} is also ${earlier}`)
  }
  world.subscribers.forEach((subscriber, index) => {
    const hashed = subscriber.pinHash !== undefined
    if ((subscriber.pin === null) !== hashed)
      problems.push(
        `subscribers[${index}]: ${hashed ? 'has both "pin" and "pinHash"' : '"pin" is missing'}` +
          ' (give the PIN, or the pinHash of an export)',
      )
    const where = `subscribers[${index}].msisdn`
    const msisdn = normalizeMsisdn(subscriber.msisdn)
    if (msisdn === null) problems.push(`${where}: ${subscriber.msisdn} is not a mobile number`)
    else once('MSISDN', msisdn, where)
  })
  const codes = new Set<string>()
  world.merchants.forEach((merchant, index) => {
    codes.add(merchant.code)
    once('code', merchant.code, `merchants[${index}].code`)
    if (merchant.apiKey !== undefined)
      once('API key', merchant.apiKey, `merchants[${index}].apiKey`)
    if (merchant.apiKey !== undefined && merchant.apiKeySha256 !== undefined)
      problems.push(`merchants[${index}]: has both "apiKey" and "apiKeySha256" (give one)`)
    if (merchant.apiKeySha256 !== undefined)
      once('API key hash', merchant.apiKeySha256, `merchants[${index}].apiKeySha256`)
    // Seeding writes merchant rows directly, so the core's fee_rule_invalid check is made here.
    const { feeMin, feeMax } = merchant
    if (feeMin !== undefined && feeMax !== undefined && amountOf(feeMin, '') > amountOf(feeMax, ''))
      problems.push(`merchants[${index}].feeMin: ${feeMin} is above feeMax ${feeMax}`)
  })
  world.orders.forEach((order, index) => {
    once('order number', order.orderNo, `orders[${index}].orderNo`)
    if (!codes.has(order.merchantCode))
      problems.push(`orders[${index}].merchantCode: no merchant ${order.merchantCode} in the file`)
  })
  return problems
}

/**
 * One line per problem: the path in the file and the field's hint (else the validator's words).
 * A card that is wrong inside reports what is wrong there, not also that it is not null.
 */
function schemaProblems(errors: readonly ErrorObject[]): string[] {
  const paths = errors.map((error) => pathOf(error))
  const lines = new Set<string>()
  errors.forEach((error, index) => {
    const path = paths[index] ?? '-'
    const deeper = paths.some((other) => other.startsWith(`${path}.`))
    if ((error.keyword === 'anyOf' || error.schemaPath.includes('/anyOf/0/')) && deeper) return
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty: string }).additionalProperty
      lines.add(`${path === '' ? '(top)' : path}: unknown field "${extra}"`)
      return
    }
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty
      lines.add(`${path === '' ? '(top)' : path}: "${missing}" is missing`)
      return
    }
    const parent = error.parentSchema as Record<string, unknown> | undefined
    const hint = typeof parent?.[hintKeyword] === 'string' ? String(parent[hintKeyword]) : null
    lines.add(`${path === '' ? '(top)' : path}: ${hint ?? error.message ?? 'is not valid'}`)
  })
  return [...lines]
}

/** `/subscribers/1/pin` as `subscribers[1].pin`. */
function pathOf(error: ErrorObject): string {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce(
      (path, part) =>
        /^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`,
      '',
    )
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
}
