/**
 * fill-history.ts - history for scale tests (`telepay world fill`, and the scale benchmark as a
 * library): adds payments to an existing ledger through the real core, in batches as group
 * commit makes them (SqliteLedger.executeBatchNow), dated over the last days in increasing time
 * order so that every past day has traffic to settle.
 *
 * The mix: 45 % phone-bill micro-payments to merchants (the SIM authorizes them, no PIN), 45 %
 * wallet payments to merchants and 10 % wallet-to-wallet SENDs, with their PIN already checked as
 * a channel checks it before the core. Payers are drawn at random; the fill keeps its own tally
 * of every payer's money and daily outgoing total, read from the ledger when first drawn, and
 * draws again when the payer it drew could not pay: no payment is refused while the world can
 * still pay it. What the core refuses anyway (a fill larger than the world's money) is counted
 * by reason, never hidden.
 *
 * Exports fillHistory, FillOptions, FillProgress, FillSummary and fillKeyStyles.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { Statement } from 'better-sqlite3'
import type { Command, Envelope, Limits, PinCheck } from '../../core/index.js'
import { dayOf, defaultLimits } from '../../core/index.js'
import { SqliteLedger } from '../../ledger/sqlite-ledger.js'
import { commandHash } from '../../service/payment-service.js'
import { seededRandom } from '../bench/bench-world.js'

export const fillKeyStyles = ['random', 'sequential'] as const

export interface FillOptions {
  readonly payments: number
  /** Spread over this many days before `endMs`; 7 by default. */
  readonly days?: number
  /** Who pays whom, what and when; 1 by default. */
  readonly seed?: number
  /**
   * Idempotency keys: random (`fill:<uuid>`, default, as phones and merchants send them) or
   * sequential (`fill:<endMs>:<number>`, rising, so the key index only ever appends).
   */
  readonly keys?: (typeof fillKeyStyles)[number]
  /** Payments per transaction; 1,000 by default (the gateway's largest group commit). */
  readonly batchSize?: number
  /** The newest payment's time, roughly; now by default. */
  readonly endMs?: number
  /** The money rules the ledger runs with (payers are drawn within them); defaultLimits. */
  readonly limits?: Limits
}

export interface FillProgress {
  readonly submitted: number
  readonly total: number
  readonly completed: number
  readonly elapsedS: number
  readonly paymentsPerSecond: number
}

export interface FillSummary {
  readonly requested: number
  readonly completed: number
  /** Payments the core refused, by reason. */
  readonly refused: Readonly<Record<string, number>>
  /** Payments that failed with an error (each one alone, after its batch rolled back). */
  readonly errors: number
  readonly firstError: string | null
  /** Completed payments by kind. */
  readonly kinds: { readonly phoneBill: number; readonly wallet: number; readonly send: number }
  /** Completed payments by local day (YYYY-MM-DD, the ledger's settlement day). */
  readonly byDay: Readonly<Record<string, number>>
  readonly fromMs: number
  readonly toMs: number
  /** The whole call: reading the payers, and every batch. */
  readonly elapsedS: number
  /** Completed payments over the whole call. */
  readonly paymentsPerSecond: number
}

const dayMs = 86_400_000

/**
 * What the fill knows of every subscriber's money, by number (msisdns[i]), read from the ledger
 * the first time the subscriber is drawn and kept up to date as payments are made: a fill of
 * 100,000 payments over a million subscribers reads only the accounts it touches (reading all
 * 2.1 million first took 11 s of a 30 s fill).
 */
class Tally {
  readonly msisdns: string[]
  /** Money each account can still pay from (balance - reserved - floor); Infinity: no floor. */
  readonly walletAvailable: Float64Array
  readonly phoneAvailable: Float64Array
  /** Room left under each wallet's cap, for SENDs into it; Infinity: no cap. */
  readonly walletRoom: Float64Array
  /** Each account's outgoing day and total, as the core keeps them (accounts.outgoing_*). */
  readonly walletDay: Float64Array
  readonly walletOut: Float64Array
  readonly phoneDay: Float64Array
  readonly phoneOut: Float64Array
  readonly bankDay: Float64Array
  readonly bankOut: Float64Array
  private readonly loaded: Uint8Array
  private readonly accounts: Statement

  constructor(ledger: SqliteLedger) {
    this.msisdns = ledger.db
      .prepare('SELECT msisdn FROM subscribers ORDER BY msisdn')
      .pluck()
      .all() as string[]
    const count = this.msisdns.length
    this.walletAvailable = new Float64Array(count)
    this.phoneAvailable = new Float64Array(count)
    this.walletRoom = new Float64Array(count)
    this.walletDay = new Float64Array(count)
    this.walletOut = new Float64Array(count)
    this.phoneDay = new Float64Array(count)
    this.phoneOut = new Float64Array(count)
    this.bankDay = new Float64Array(count)
    this.bankOut = new Float64Array(count)
    this.loaded = new Uint8Array(count)
    this.accounts = ledger.db
      .prepare(
        'SELECT kind, balance_minor, reserved_minor, floor_minor, cap_minor, outgoing_day, ' +
          'outgoing_minor FROM accounts WHERE owner = ?',
      )
      .raw()
      .safeIntegers(false)
  }

  /** Reads subscriber `index`'s accounts, once: later the tally knows better than the file. */
  load(index: number): void {
    if (this.loaded[index] === 1) return
    this.loaded[index] = 1
    const rows = this.accounts.all(this.msisdns[index]) as [
      string,
      number,
      number,
      number | null,
      number | null,
      number,
      number,
    ][]
    for (const [kind, balance, reserved, floor, cap, day, out] of rows) {
      const available = floor === null ? Number.POSITIVE_INFINITY : balance - reserved - floor
      if (kind === 'wallet') {
        this.walletAvailable[index] = available
        this.walletRoom[index] = cap === null ? Number.POSITIVE_INFINITY : cap - balance
        this.walletDay[index] = day
        this.walletOut[index] = out
      } else if (kind === 'phone_bill') {
        this.phoneAvailable[index] = available
        this.phoneDay[index] = day
        this.phoneOut[index] = out
      } else if (kind === 'bank') {
        this.bankDay[index] = day
        this.bankOut[index] = out
      }
    }
  }

  /** What left subscriber `index` on `day`, over its accounts, as the core's daily limit sums. */
  outgoingOn(index: number, day: number): number {
    return (
      (this.walletDay[index] === day ? (this.walletOut[index] ?? 0) : 0) +
      (this.phoneDay[index] === day ? (this.phoneOut[index] ?? 0) : 0) +
      (this.bankDay[index] === day ? (this.bankOut[index] ?? 0) : 0)
    )
  }
}

function merchantCodes(ledger: SqliteLedger): string[] {
  const rows = ledger.db.prepare('SELECT code, category FROM merchants ORDER BY code').all() as {
    code: string
    category: string
  }[]
  const selling = rows.filter((row) => row.category === 'merchant')
  return (selling.length > 0 ? selling : rows).map((row) => row.code)
}

/** Counts `amount` on the account's daily total as the core does (a new day starts at zero). */
function addOutgoing(
  days: Float64Array,
  totals: Float64Array,
  payer: number,
  day: number,
  amount: number,
): void {
  totals[payer] = (days[payer] === day ? (totals[payer] ?? 0) : 0) + amount
  days[payer] = day
}

type Funding = 'phone_bill' | 'wallet' | 'send'

/** Draws made for one payment before it is sent as drawn last (and refused, and counted). */
const drawsMax = 64

const progressIntervalMs = 1_000

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, not ${value}`)
}

/**
 * Adds `options.payments` payments to `ledger` (an open SqliteLedger, left open, or the path of
 * a ledger file, opened and closed here). Nothing else may write the ledger meanwhile: a running
 * gateway keeps the ledger's state in memory and would not see them.
 */
export async function fillHistory(
  ledger: SqliteLedger | string,
  options: FillOptions,
  progress?: (progress: FillProgress) => void,
): Promise<FillSummary> {
  const started = performance.now()
  checkCount('payments', options.payments, 0, 1_000_000_000)
  checkCount('days', options.days ?? 7, 1, 3_650)
  checkCount('seed', options.seed ?? 1, 0, 0xffff_ffff)
  checkCount('batchSize', options.batchSize ?? 1_000, 1, 100_000)
  if (!fillKeyStyles.includes(options.keys ?? 'random'))
    throw new RangeError('keys must be random or sequential')
  const limits = options.limits ?? defaultLimits
  if (typeof ledger !== 'string') return fillInto(ledger, options, limits, started, progress)
  if (!existsSync(ledger)) throw new RangeError(`no ledger at ${ledger}`)
  const opened = new SqliteLedger(ledger, limits)
  try {
    return await fillInto(opened, options, limits, started, progress)
  } finally {
    await opened.close()
  }
}

async function fillInto(
  ledger: SqliteLedger,
  options: FillOptions,
  limits: Limits,
  started: number,
  progress: ((progress: FillProgress) => void) | undefined,
): Promise<FillSummary> {
  const payers = new Tally(ledger)
  const merchants = merchantCodes(ledger)
  const payerCount = payers.msisdns.length
  if (payerCount === 0) throw new RangeError('the ledger has no subscriber to pay from')
  const canSend = payerCount >= 2
  if (merchants.length === 0 && !canSend)
    throw new RangeError('the ledger has no merchant to pay and too few subscribers to send')

  const total = options.payments
  const batchSize = options.batchSize ?? 1_000
  const endMs = options.endMs ?? Date.now()
  const spanMs = (options.days ?? 7) * dayMs
  const fromMs = endMs - spanMs
  const random = seededRandom(options.seed ?? 1)
  const dailyMax = Number(limits.dailyOutgoingMaxMinor)
  const phoneMax = Math.min(500, Number(limits.phoneBillPaymentMaxMinor))
  const walletMax = Math.min(5_000, Number(limits.walletPaymentMaxMinor))
  const sendMax = Math.min(2_000, Number(limits.walletPaymentMaxMinor))
  const runId = String(endMs).padStart(13, '0')

  let completed = 0
  let errors = 0
  let firstError: string | null = null
  const refused = new Map<string, number>()
  const kinds = { phoneBill: 0, wallet: 0, send: 0 }
  const byDay = new Map<string, number>()
  let lastTold = performance.now()
  const batch: Envelope[] = []
  const fundings: Funding[] = []
  let toMs = fromMs

  for (let next = 0; next < total; next += batchSize) {
    batch.length = 0
    fundings.length = 0
    const last = Math.min(total, next + batchSize)
    for (let number = next; number < last; number += 1) {
      const nowMs = fromMs + Math.floor((number * spanMs) / total)
      toMs = nowMs
      const day = dayOf(nowMs, limits)
      const roll = random()
      const funding: Funding =
        merchants.length === 0 || (canSend && roll < 0.1)
          ? 'send'
          : roll < 0.55
            ? 'phone_bill'
            : 'wallet'
      const low = funding === 'phone_bill' ? 10 : funding === 'wallet' ? 50 : 100
      const high = funding === 'phone_bill' ? phoneMax : funding === 'wallet' ? walletMax : sendMax
      const amount = Math.max(1, Math.min(high, low + Math.floor(random() * (high - low + 1))))
      let payer = 0
      let payee = 0
      for (let draw = 0; draw < drawsMax; draw += 1) {
        payer = Math.floor(random() * payerCount)
        if (funding === 'send') {
          // Anyone but the payer, drawn with it: the last draw is sent even when it fails.
          payee = Math.floor(random() * (payerCount - 1))
          if (payee >= payer) payee += 1
        }
        payers.load(payer)
        if (funding === 'send') payers.load(payee)
        if (payers.outgoingOn(payer, day) + amount > dailyMax) continue
        const available =
          funding === 'phone_bill' ? payers.phoneAvailable[payer] : payers.walletAvailable[payer]
        if ((available ?? 0) < amount) continue
        if (funding === 'send' && (payers.walletRoom[payee] ?? 0) < amount) continue
        break
      }
      // Counted as if it will complete: a refusal only leaves the tally more careful.
      if (funding === 'phone_bill') {
        payers.phoneAvailable[payer] = (payers.phoneAvailable[payer] ?? 0) - amount
        addOutgoing(payers.phoneDay, payers.phoneOut, payer, day, amount)
      } else {
        payers.walletAvailable[payer] = (payers.walletAvailable[payer] ?? 0) - amount
        payers.walletRoom[payer] = (payers.walletRoom[payer] ?? 0) + amount
        addOutgoing(payers.walletDay, payers.walletOut, payer, day, amount)
      }
      if (funding === 'send') {
        payers.walletAvailable[payee] = (payers.walletAvailable[payee] ?? 0) + amount
        payers.walletRoom[payee] = (payers.walletRoom[payee] ?? 0) - amount
      }
      const msisdn = payers.msisdns[payer] ?? ''
      const command: Command =
        funding === 'send'
          ? {
              kind: 'send_money',
              msisdn,
              payeeMsisdn: payers.msisdns[payee] ?? '',
              amountMinor: BigInt(amount),
              authorize: true,
            }
          : {
              kind: 'pay_merchant',
              msisdn,
              merchantCode: merchants[Math.floor(random() * merchants.length)] ?? '',
              amountMinor: BigInt(amount),
              funding,
              authorize: true,
            }
      const pin: PinCheck = funding === 'phone_bill' ? 'absent' : 'match'
      batch.push({
        key:
          (options.keys ?? 'random') === 'random'
            ? `fill:${randomUUID()}`
            : `fill:${runId}:${String(number).padStart(10, '0')}`,
        commandHash: commandHash(command),
        channel: funding === 'phone_bill' ? 'ussd' : 'sms',
        nowMs,
        pin,
        newPinHash: null,
        command,
      })
      fundings.push(funding)
    }

    const outcomes = ledger.executeBatchNow(batch)
    for (const [index, outcome] of outcomes.entries()) {
      if (!outcome.ok) {
        errors += 1
        firstError ??= outcome.error.message
        continue
      }
      const result = outcome.result
      if (!result.ok) {
        const reason = result.reason ?? 'unknown'
        refused.set(reason, (refused.get(reason) ?? 0) + 1)
        continue
      }
      completed += 1
      const funding = fundings[index]
      if (funding === 'phone_bill') kinds.phoneBill += 1
      else if (funding === 'wallet') kinds.wallet += 1
      else kinds.send += 1
      const date = localDate(batch[index]?.nowMs ?? 0, limits)
      byDay.set(date, (byDay.get(date) ?? 0) + 1)
    }

    const now = performance.now()
    if (progress !== undefined && now - lastTold >= progressIntervalMs) {
      lastTold = now
      const elapsedS = (now - started) / 1000
      progress({
        submitted: last,
        total,
        completed,
        elapsedS,
        paymentsPerSecond: completed / elapsedS,
      })
    }
    // Lets timers and signals run between batches, as the gateway's writer does.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }

  const elapsedS = (performance.now() - started) / 1000
  return {
    requested: total,
    completed,
    refused: Object.fromEntries(refused),
    errors,
    firstError,
    kinds,
    byDay: Object.fromEntries([...byDay].sort(([a], [b]) => a.localeCompare(b))),
    fromMs,
    toMs,
    elapsedS,
    paymentsPerSecond: elapsedS > 0 ? completed / elapsedS : 0,
  }
}

/** The ledger's local date (its settlement day) of an instant, YYYY-MM-DD. */
function localDate(ms: number, limits: Limits): string {
  return new Date(ms + limits.dayOffsetMs).toISOString().slice(0, 10)
}
