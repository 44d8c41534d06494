/**
 * generate-world.ts - big generated worlds for scale tests (`telepay world generate`, and the
 * scale benchmark as a library): N subscribers and M merchants written into a fresh ledger file
 * (and their cards into the simulated bank's file) that `telepay start` then serves.
 *
 * Everything follows from the subscriber's or merchant's number and the seed, so a benchmark can
 * address any of them without reading the ledger: subscriber i has MSISDN 8615000000000 + i,
 * merchant j code 600001 + j and the API key and webhook secret of generatedMerchant(seed, j).
 * Every subscriber has the same PIN, hashed once: scrypt per subscriber would take hours at a
 * million, and the gateway checks a PIN against whatever hash the row holds.
 *
 * Exports generateWorld, generatedMsisdn, generatedSubscriber, generatedMerchant, generatedCard,
 * inspectWorldFiles, GenerateOptions, GenerateProgress, GenerateSummary, GeneratedMerchant,
 * WorldFiles, WorldExistsError, generatedMsisdnFirst, generatedSubscribersMax,
 * generatedMerchantsMax and generatedMerchantCodeFirst.
 */
import { createHash } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import type { CardOpening } from '../../bank/gateway-bank.js'
import type { Language, Limits, MerchantCategory } from '../../core/index.js'
import { defaultLimits } from '../../core/index.js'
import { SqliteLedger } from '../../ledger/sqlite-ledger.js'
import { createPinHasher, pinPattern } from '../../service/pin-hasher.js'
import type { WorldSubscriber } from '../../world/world.js'
import { cardTokenOf } from '../../world/world.js'
import { SimulatedBank } from '../bank/simulated-bank.js'

/**
 * Subscriber 0's MSISDN. 86150 and eight digits: apart from the default world (86138..., 86139...)
 * and the ledger benchmark's subscribers (86137...).
 */
export const generatedMsisdnFirst = 8_615_000_000_000
/** What the eight digits after 86150 hold. */
export const generatedSubscribersMax = 100_000_000
/** Merchant 0's code; codes stay six digits (the channels take 3 to 8). */
export const generatedMerchantCodeFirst = 600_001
export const generatedMerchantsMax = 399_999

export interface GenerateOptions {
  readonly subscribers: number
  readonly merchants: number
  /** Names, balances, merchant keys; 1 by default. */
  readonly seed?: number
  /** Every subscriber's PIN, 4 to 6 digits; 1234 by default. */
  readonly pin?: string
  /** Every K-th subscriber (0, K, 2K...) holds a bank card; 0: nobody does. 10 by default. */
  readonly cardsEvery?: number
  /** Replace a ledger (and bank file) that already holds a world. */
  readonly force?: boolean
  /** Where the cards go; null: no bank file is written (nor an old one removed). */
  readonly bankFile?: string | null
  /** The wallet cap is written on every wallet; defaultLimits by default. */
  readonly limits?: Limits
  /** scrypt's N for the one PIN hash; 16384 (the gateway's default) by default. */
  readonly pinHashCost?: number
  /** The opening transfers' time; now by default. */
  readonly nowMs?: number
}

export interface GenerateProgress {
  /** What is being written: the subscribers with their accounts, then the opening transfers. */
  readonly phase: 'subscribers' | 'opening transfers'
  readonly subscribers: number
  readonly total: number
  readonly elapsedS: number
  readonly subscribersPerSecond: number
}

export interface GenerateSummary {
  readonly ledgerFile: string
  readonly bankFile: string | null
  readonly subscribers: number
  readonly merchants: number
  readonly cards: number
  readonly seed: number
  readonly pin: string
  /** The whole run: PIN hash, rows, checkpoint, bank file. */
  readonly elapsedS: number
  /** Of the ledger's rows alone (the transaction that writes them, and its commit). */
  readonly writeS: number
  /** Over the whole run. */
  readonly subscribersPerSecond: number
  readonly ledgerBytes: number
  readonly bankBytes: number
}

export interface GeneratedMerchant {
  readonly code: string
  readonly name: string
  readonly category: MerchantCategory
  readonly apiKey: string
  readonly webhookSecret: string
  readonly settlementBank: string
}

/** The ledger, or the bank's file, already holds something: generate replaces it only if forced. */
export class WorldExistsError extends Error {
  override readonly name = 'WorldExistsError'
}

/** What the two files of a data directory hold now. */
export interface WorldFiles {
  /** null: no ledger file. */
  readonly ledger: {
    readonly subscribers: number
    readonly merchants: number
    readonly payments: number
  } | null
  /** Set when the ledger file is there but cannot be read as a ledger. */
  readonly ledgerProblem: string | null
  /** Cards at the simulated bank; null: no bank file. */
  readonly cards: number | null
}

export function generatedMsisdn(index: number): string {
  return String(generatedMsisdnFirst + index)
}

/** A 32-bit hash of (seed, index, what), well mixed (murmur3's finalizer), for every choice. */
function mix(seed: number, index: number, what: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index ^ (what << 27), 0xc2b2ae35)
  h ^= Math.imul(what + 1, 0x27d4eb2f)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const familyNames = [
  ['Wang', '王'],
  ['Li', '李'],
  ['Zhang', '张'],
  ['Liu', '刘'],
  ['Chen', '陈'],
  ['Yang', '杨'],
  ['Huang', '黄'],
  ['Zhao', '赵'],
  ['Wu', '吴'],
  ['Zhou', '周'],
  ['Xu', '徐'],
  ['Sun', '孙'],
] as const
const givenNames = [
  ['Wei', '伟'],
  ['Fang', '芳'],
  ['Na', '娜'],
  ['Min', '敏'],
  ['Jing', '静'],
  ['Lei', '磊'],
  ['Qiang', '强'],
  ['Yan', '艳'],
  ['Jun', '军'],
  ['Yong', '勇'],
  ['Xiu Ying', '秀英'],
  ['Hui', '慧'],
  ['Tao', '涛'],
  ['Ming', '明'],
] as const

/** Fen from `low` to `high` inclusive, chosen by a hash. */
function fenBetween(hash: number, low: number, high: number): bigint {
  return BigInt(low + (hash % (high - low + 1)))
}

/**
 * Subscriber `index` of the world of `seed`: en for even numbers, zh for odd, a Chinese name
 * written for the language, wallet 100.00 to 5000.00 (at most the wallet cap), phone bill 20.00
 * to 200.00 with a credit limit of 0, 100.00 or 500.00, and a card on every `cardsEvery`-th.
 */
export function generatedSubscriber(
  seed: number,
  index: number,
  pinHash: string,
  cardsEvery: number,
  walletCapMinor: bigint,
): WorldSubscriber {
  const msisdn = generatedMsisdn(index)
  const language: Language = index % 2 === 0 ? 'en' : 'zh'
  const family = familyNames[mix(seed, index, 1) % familyNames.length] ?? familyNames[0]
  const given = givenNames[mix(seed, index, 2) % givenNames.length] ?? givenNames[0]
  const wallet = fenBetween(mix(seed, index, 3), 10_000, 500_000)
  return {
    msisdn,
    name: language === 'en' ? `${given[0]} ${family[0]}` : `${family[1]}${given[1]}`,
    pinHash,
    language,
    walletMinor: wallet < walletCapMinor ? wallet : walletCapMinor,
    phoneBillMinor: fenBetween(mix(seed, index, 4), 2_000, 20_000),
    creditLimitMinor: [0n, 10_000n, 50_000n][mix(seed, index, 5) % 3] ?? 0n,
    card: cardsEvery > 0 && index % cardsEvery === 0 ? cardOf(seed, index, cardsEvery) : null,
  }
}

/**
 * The card of subscriber `index` (a multiple of cardsEvery): ICBC and CCB in turn, 1000.00 to
 * 50000.00 at the bank. Its last four digits are the MSISDN's four before the last four, so
 * that the token (bank, last4 and the MSISDN's last four) is one of its own.
 */
function cardOf(
  seed: number,
  index: number,
  cardsEvery: number,
): NonNullable<WorldSubscriber['card']> {
  const msisdn = generatedMsisdn(index)
  const bank = Math.floor(index / cardsEvery) % 2 === 0 ? 'ICBC' : 'CCB'
  const last4 = msisdn.slice(-8, -4)
  return {
    bank,
    last4,
    token: cardTokenOf(msisdn, bank, last4),
    bankBalanceMinor: fenBetween(mix(seed, index, 6), 100_000, 5_000_000),
  }
}

/** The card subscriber `index` opens at the bank, or null when it holds none. */
export function generatedCard(seed: number, index: number, cardsEvery: number): CardOpening | null {
  if (cardsEvery <= 0 || index % cardsEvery !== 0) return null
  const card = cardOf(seed, index, cardsEvery)
  return {
    token: card.token,
    bank: card.bank,
    last4: card.last4,
    balanceMinor: card.bankBalanceMinor,
  }
}

const merchantNames = [
  'Tea House',
  'Noodle Bar',
  'Book Store',
  'Ringtones',
  'Cinema',
  'Bakery',
  'Game Shop',
  'Taxi',
  'Pharmacy',
] as const

function keyOf(seed: number, what: string, code: string): string {
  return createHash('sha256').update(`telepay-world:${seed}:${what}:${code}`).digest('hex')
}

/**
 * Merchant `index` of the world of `seed`: code 600001 + index, a biller every tenth (index 9,
 * 19...), API key `tpk_` and webhook secret `whs_` each followed by the first 32 hex digits of
 * sha256("telepay-world:<seed>:api-key:<code>") and of sha256("...:webhook-secret:<code>"),
 * settling with ICBC (even index) or CCB (odd).
 */
export function generatedMerchant(seed: number, index: number): GeneratedMerchant {
  const code = String(generatedMerchantCodeFirst + index)
  const biller = index % 10 === 9
  return {
    code,
    name: biller
      ? `City Utility ${code}`
      : `${merchantNames[index % merchantNames.length] ?? 'Shop'} ${code}`,
    category: biller ? 'biller' : 'merchant',
    apiKey: `tpk_${keyOf(seed, 'api-key', code).slice(0, 32)}`,
    webhookSecret: `whs_${keyOf(seed, 'webhook-secret', code).slice(0, 32)}`,
    settlementBank: index % 2 === 0 ? 'ICBC' : 'CCB',
  }
}

function countOf(db: Database.Database, sql: string): number {
  return Number((db.prepare(sql).get() as { n: number | bigint }).n)
}

/**
 * Reads what a data directory's ledger and bank files hold, without changing either. Opened for
 * writing all the same: a read-only connection to a WAL file leaves its -wal and -shm behind.
 */
export function inspectWorldFiles(ledgerFile: string, bankFile: string | null): WorldFiles {
  let ledger: WorldFiles['ledger'] = null
  let ledgerProblem: string | null = null
  if (existsSync(ledgerFile)) {
    let db: Database.Database | null = null
    try {
      db = new Database(ledgerFile, { fileMustExist: true })
      ledger = {
        subscribers: countOf(db, 'SELECT COUNT(*) AS n FROM subscribers'),
        merchants: countOf(db, 'SELECT COUNT(*) AS n FROM merchants'),
        payments: countOf(db, 'SELECT COUNT(*) AS n FROM payments'),
      }
    } catch (error) {
      ledgerProblem = error instanceof Error ? error.message : String(error)
    } finally {
      db?.close()
    }
  }
  let cards: number | null = null
  if (bankFile !== null && existsSync(bankFile)) {
    let db: Database.Database | null = null
    try {
      db = new Database(bankFile, { fileMustExist: true })
      cards = countOf(db, 'SELECT COUNT(*) AS n FROM cards')
    } catch {
      // A bank file without a cards table holds no card.
      cards = 0
    } finally {
      db?.close()
    }
  }
  return { ledger, ledgerProblem, cards }
}

function counted(count: number, noun: string): string {
  return count === 0 ? `no ${noun}s` : `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** Why `files` may not be replaced without --force, or null when they may. */
function holdsAWorld(
  files: WorldFiles,
  ledgerFile: string,
  bankFile: string | null,
): string | null {
  if (files.ledgerProblem !== null)
    return `${ledgerFile} exists but cannot be read as a ledger (${files.ledgerProblem})`
  const ledger = files.ledger
  if (ledger !== null && ledger.subscribers + ledger.merchants + ledger.payments > 0)
    return (
      `${ledgerFile} already holds a world (${counted(ledger.subscribers, 'subscriber')}, ` +
      `${counted(ledger.merchants, 'merchant')}, ${counted(ledger.payments, 'payment')})`
    )
  if (files.cards !== null && files.cards > 0)
    return `${bankFile ?? 'the bank file'} already holds ${files.cards} cards`
  return null
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** A SQLite file with its WAL and shared-memory files, and a rollback journal if one was left. */
function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true })
}

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, not ${value}`)
}

/** How often progress is told while the rows are written. */
const progressIntervalMs = 1_000

/**
 * Writes a fresh world into `ledgerFile` (and its cards into `options.bankFile`). The ledger is
 * built beside its place (`<ledgerFile>.building`) with synchronous=OFF, no journal and a large
 * cache, in one transaction, then switched back to WAL, closed and renamed into place: a build
 * cut short leaves only the .building file, which the next run removes, and nothing is lost
 * that a rerun does not rebuild. Refuses (WorldExistsError) to replace a ledger or bank file
 * that holds anything unless `force`.
 */
export async function generateWorld(
  ledgerFile: string,
  options: GenerateOptions,
  progress?: (progress: GenerateProgress) => void,
): Promise<GenerateSummary> {
  const started = performance.now()
  const seed = options.seed ?? 1
  const pin = options.pin ?? '1234'
  const cardsEvery = options.cardsEvery ?? 10
  const bankFile = options.bankFile ?? null
  const limits = options.limits ?? defaultLimits
  const total = options.subscribers
  checkCount('subscribers', total, 0, generatedSubscribersMax)
  checkCount('merchants', options.merchants, 0, generatedMerchantsMax)
  checkCount('seed', seed, 0, 0xffff_ffff)
  checkCount('cardsEvery', cardsEvery, 0, generatedSubscribersMax)
  if (!pinPattern.test(pin)) throw new RangeError(`the PIN must be 4 to 6 digits, not "${pin}"`)

  const reason = holdsAWorld(inspectWorldFiles(ledgerFile, bankFile), ledgerFile, bankFile)
  if (reason !== null && options.force !== true)
    throw new WorldExistsError(`${reason}; pass --force to replace it`)

  const pinHash = await createPinHasher(options.pinHashCost ?? 16_384, 1).hash(pin)
  const nowMs = options.nowMs ?? Date.now()
  const merchants = Array.from({ length: options.merchants }, (_, index) =>
    generatedMerchant(seed, index),
  )

  const building = `${ledgerFile}.building`
  removeDatabase(building)
  let written = 0
  let writeS = 0
  const ledger = new SqliteLedger(building, limits)
  try {
    // A fresh file nobody reads yet: a crash mid-build loses only what a rerun rebuilds.
    ledger.db.pragma('journal_mode = OFF')
    ledger.db.pragma('synchronous = OFF')
    ledger.db.pragma('cache_size = -262144')
    ledger.db.pragma('temp_store = MEMORY')
    const writeStarted = performance.now()
    let lastTold = writeStarted
    const walletCap = limits.walletHeldMaxMinor
    function* subscribers(): Generator<WorldSubscriber> {
      for (let index = 0; index < total; index += 1) {
        yield generatedSubscriber(seed, index, pinHash, cardsEvery, walletCap)
        written = index + 1
        if (progress !== undefined && (written & 0x1fff) === 0) {
          const now = performance.now()
          if (now - lastTold >= progressIntervalMs) {
            lastTold = now
            const elapsedS = (now - writeStarted) / 1000
            progress({
              phase: 'subscribers',
              subscribers: written,
              total,
              elapsedS,
              subscribersPerSecond: written / elapsedS,
            })
          }
        }
      }
      // Said only of a run long enough to have been told about already.
      const elapsedS = (performance.now() - writeStarted) / 1000
      if (elapsedS * 1000 < progressIntervalMs) return
      progress?.({
        phase: 'opening transfers',
        subscribers: written,
        total,
        elapsedS,
        subscribersPerSecond: written / elapsedS,
      })
    }
    written = ledger.seedWorldBulk({ subscribers: subscribers(), merchants, orders: [] }, nowMs)
    writeS = (performance.now() - writeStarted) / 1000
    ledger.db.pragma('journal_mode = WAL')
  } catch (error) {
    await ledger.close()
    removeDatabase(building)
    throw error
  }
  await ledger.close()
  // Written without fsync: on disk before it takes the ledger's name, or a power cut could leave
  // a torn file behind a finished run.
  syncFile(building)

  let cards = 0
  if (bankFile !== null) {
    removeDatabase(bankFile)
    if (cardsEvery > 0 && total > 0) {
      const bankBuilding = `${bankFile}.building`
      removeDatabase(bankBuilding)
      const bank = new SimulatedBank(bankBuilding)
      try {
        cards = bank.openCards(cardsOf(seed, total, cardsEvery))
      } finally {
        bank.close()
      }
      renameSync(bankBuilding, bankFile)
    }
  }
  removeDatabase(ledgerFile)
  renameSync(building, ledgerFile)
  syncFile(dirname(ledgerFile))

  const elapsedS = (performance.now() - started) / 1000
  return {
    ledgerFile,
    bankFile: cards > 0 ? bankFile : null,
    subscribers: written,
    merchants: merchants.length,
    cards,
    seed,
    pin,
    elapsedS,
    writeS,
    subscribersPerSecond: written / elapsedS,
    ledgerBytes: statSync(ledgerFile).size,
    bankBytes: cards > 0 && bankFile !== null ? statSync(bankFile).size : 0,
  }
}

function* cardsOf(seed: number, total: number, cardsEvery: number): Generator<CardOpening> {
  for (let index = 0; index < total; index += cardsEvery) {
    const card = generatedCard(seed, index, cardsEvery)
    if (card !== null) yield card
  }
}
