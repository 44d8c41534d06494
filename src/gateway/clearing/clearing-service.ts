/**
 * clearing-service.ts - clears a terminal's batch of offline purchases. Each record's TAC is
 * recomputed in the key store (a record the card did not sign is refused as forged), records are
 * cleared in commands of a bounded size, each under an idempotency key made of the terminal, the
 * batch number and its place in the batch (the same batch again is answered as it was first,
 * the same number with other records is refused), and the serials the batch leaves missing are
 * reported. Exports ClearingService, clearingLimits, ClearingTerminal, ClearingAnswer,
 * RefusedRecord.
 */
import type { ClearingRecord, ClearingSummary, CommandResult, Reason } from '../../core/index.js'
import { formatAmount, msisdnOfCard } from '../../core/index.js'
import type { LedgerStore } from '../../ledger/store.js'
import type { PaymentService } from '../../service/payment-service.js'
import { transactionTypes } from '../pboc/fields.js'
import type { KeyStore } from '../pboc/key-store.js'
import type { BatchFile, BatchRecord } from './batch-file.js'
import type { SerialRange } from './gaps.js'
import { missingRanges } from './gaps.js'

export const clearingLimits = {
  /**
   * Records one upload carries: a busy gate's day is a few thousand taps; 100,000 records of
   * about 200 bytes fit the upload route's body bound (32 MB).
   */
  recordsPerUploadMax: 100_000,
  /**
   * Records one clearing command posts: one command is one ledger transaction, which holds the
   * writer (every channel's payments wait behind it) for about a millisecond per 100 records.
   */
  recordsPerCommandMax: 2_000,
  /** How far below an upload's lowest serial its gaps are looked for. */
  gapLookBackSerials: 10_000,
  /** Ranges of missing serials reported per terminal and per card. */
  gapRangesMax: 20,
  /** Cards whose gaps one answer lists. */
  gapCardsMax: 100,
} as const

/** A terminal the platform clears for: its PSAM's id and the merchant its purchases pay. */
export interface ClearingTerminal {
  readonly name: string
  readonly terminalId: string
  readonly merchantCode: string
}

export type RecordRefusal =
  | 'key_version_unknown'
  | 'card_unknown'
  | 'type_unknown'
  | 'time_invalid'
  | 'tac_mismatch'

/** What a terminal clears: purchases (06) and composite ones (09); loads are the platform's. */
const purchaseTypes: ReadonlySet<number> = new Set([
  transactionTypes.purchase,
  transactionTypes.composite,
])

export interface RefusedRecord {
  readonly terminalSerial: number
  readonly reason: RecordRefusal
}

export interface ClearingAnswer {
  readonly batchNo: string
  readonly terminal: string
  readonly terminalId: string
  readonly merchantCode: string
  readonly records: number
  /**
   * Terminal serials posted by this batch. The same batch uploaded again is answered as it was
   * the first time, and posts nothing more.
   */
  readonly accepted: readonly number[]
  /** Cleared before: by an earlier upload of this batch or another one. */
  readonly duplicates: readonly number[]
  readonly refused: readonly RefusedRecord[]
  readonly clearedMinor: bigint
  readonly feeMinor: bigint
  readonly gaps: {
    readonly terminalSerials: readonly SerialRange[]
    readonly cards: readonly {
      readonly cardNumber: string
      readonly cardSerials: readonly SerialRange[]
    }[]
  }
}

/** Why a whole upload was not cleared; `status` is the HTTP status the route answers with. */
export class ClearingError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface ClearingDeps {
  readonly keys: KeyStore
  readonly service: PaymentService
  readonly ledger: LedgerStore
  readonly terminals: readonly ClearingTerminal[]
  /** Where the purse's local dates begin (China: +8 h), to place each record in time. */
  readonly zoneOffsetMs: number
}

/** The instant of a record's local date and time; NaN when they are no real date. */
function instantOf(record: BatchRecord, zoneOffsetMs: number): number {
  const { date, time } = record
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(4, 6))
  const day = Number(date.slice(6, 8))
  const hour = Number(time.slice(0, 2))
  const minute = Number(time.slice(2, 4))
  const second = Number(time.slice(4, 6))
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls a 31 February over into March: a date that does not round-trip is none.
  const back = new Date(ms)
  if (
    month < 1 ||
    back.getUTCDate() !== day ||
    back.getUTCMonth() !== month - 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return Number.NaN
  return ms - zoneOffsetMs
}

export class ClearingService {
  constructor(private readonly deps: ClearingDeps) {}

  /** The terminal named by its name (BUS00001) or its 12-digit id; null when unknown. */
  terminal(nameOrId: string): ClearingTerminal | null {
    return (
      this.deps.terminals.find(
        (terminal) => terminal.name === nameOrId || terminal.terminalId === nameOrId,
      ) ?? null
    )
  }

  /** Clears one batch of `terminal`'s (its signature already checked). */
  async clear(terminal: ClearingTerminal, batch: BatchFile): Promise<ClearingAnswer> {
    if (batch.terminalId !== terminal.terminalId)
      throw new ClearingError(
        400,
        'terminal_mismatch',
        `the batch is of terminal ${batch.terminalId}, uploaded as ${terminal.terminalId}`,
      )
    const refused: RefusedRecord[] = []
    const verified: ClearingRecord[] = []
    const accepted: number[] = []
    const duplicates: number[] = []
    let clearedMinor = 0n
    let feeMinor = 0n
    const chunk = clearingLimits.recordsPerCommandMax
    for (let start = 0; start < batch.records.length; start += chunk) {
      // A chunk's TACs and its ledger command, then a turn of the event loop: a large upload
      // must not hold every channel's traffic for the seconds its TACs take.
      const records: ClearingRecord[] = []
      for (const record of batch.records.slice(start, start + chunk)) {
        const checked = this.checked(record, terminal)
        if (typeof checked === 'string')
          refused.push({ terminalSerial: record.terminalSerial, reason: checked })
        else records.push(checked)
      }
      verified.push(...records)
      if (records.length > 0) {
        const result = await this.deps.service.execute({
          key: `${terminal.terminalId}:${batch.batchNo}:${start / chunk}`,
          channel: 'clearing',
          command: {
            kind: 'clear_purchases',
            terminalId: terminal.terminalId,
            merchantCode: terminal.merchantCode,
            records,
          },
        })
        const summary = summaryOf(result)
        accepted.push(...summary.accepted)
        duplicates.push(...summary.duplicates)
        clearedMinor += summary.clearedMinor
        feeMinor += summary.feeMinor
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
    return {
      batchNo: batch.batchNo,
      terminal: terminal.name,
      terminalId: terminal.terminalId,
      merchantCode: terminal.merchantCode,
      records: batch.records.length,
      accepted,
      duplicates,
      refused,
      clearedMinor,
      feeMinor,
      gaps: await this.gapsOf(terminal, verified),
    }
  }

  /** The record to clear, or why it is refused; its time is worked out once, here. */
  private checked(record: BatchRecord, terminal: ClearingTerminal): ClearingRecord | RecordRefusal {
    const keys = this.deps.keys
    if (record.keyVersion !== keys.version) return 'key_version_unknown'
    if (msisdnOfCard(record.cardNumber) === null) return 'card_unknown'
    if (!purchaseTypes.has(record.type)) return 'type_unknown'
    const atMs = instantOf(record, this.deps.zoneOffsetMs)
    if (Number.isNaN(atMs)) return 'time_invalid'
    const fields = {
      amountFen: record.amountFen,
      type: record.type,
      terminalId: terminal.terminalId,
      terminalSerial: record.terminalSerial,
      at: { date: record.date, time: record.time },
    }
    if (!keys.verifyPurchaseTac(record.cardNumber, fields, record.tac)) return 'tac_mismatch'
    return {
      cardNumber: record.cardNumber,
      cardSerial: record.cardSerial,
      terminalSerial: record.terminalSerial,
      type: record.type,
      amountMinor: BigInt(record.amountFen),
      balanceAfterMinor: BigInt(record.balanceAfterFen),
      atMs,
      tac: record.tac,
    }
  }

  /** The serials missing now below and among the batch's, at the terminal and on its cards. */
  private async gapsOf(
    terminal: ClearingTerminal,
    records: readonly ClearingRecord[],
  ): Promise<ClearingAnswer['gaps']> {
    if (records.length === 0) return { terminalSerials: [], cards: [] }
    const lookBack = clearingLimits.gapLookBackSerials
    const rangesMax = clearingLimits.gapRangesMax
    const serials = records.map((record) => record.terminalSerial)
    const highest = Math.max(...serials)
    const from = Math.max(1, Math.min(...serials) - lookBack)
    const terminalSerials = missingRanges(
      await this.deps.ledger.terminalClearedRuns(terminal.terminalId, from, highest),
      from,
      highest,
      rangesMax,
    )
    const byCard = new Map<string, { lowest: number; highest: number }>()
    for (const record of records) {
      const seen = byCard.get(record.cardNumber)
      byCard.set(record.cardNumber, {
        lowest: Math.min(seen?.lowest ?? record.cardSerial, record.cardSerial),
        highest: Math.max(seen?.highest ?? record.cardSerial, record.cardSerial),
      })
    }
    // A card's first purchase uses offline serial 0.
    const windows = [...byCard].map(([cardNumber, range]) => ({
      cardNumber,
      fromSerial: Math.max(0, range.lowest - lookBack),
      toSerial: range.highest,
    }))
    const runs = await this.deps.ledger.cardClearedRuns(windows)
    const cards: { cardNumber: string; cardSerials: SerialRange[] }[] = []
    for (const window of windows) {
      if (cards.length >= clearingLimits.gapCardsMax) break
      const present = runs.get(window.cardNumber) ?? []
      const missing = missingRanges(present, window.fromSerial, window.toSerial, rangesMax)
      if (missing.length > 0) cards.push({ cardNumber: window.cardNumber, cardSerials: missing })
    }
    return { terminalSerials, cards }
  }
}

function summaryOf(result: CommandResult): ClearingSummary {
  if (!result.ok) throw refusalError(result.reason)
  if (result.data?.kind !== 'clearing')
    throw new ClearingError(500, 'clearing_failed', 'the ledger gave no clearing summary')
  return result.data
}

function refusalError(reason: Reason | null): ClearingError {
  if (reason === 'idempotency_key_reused')
    return new ClearingError(
      409,
      'batch_number_reused',
      'this batch number was uploaded before with other records: number a new batch anew',
    )
  if (reason === 'merchant_not_found')
    return new ClearingError(409, 'merchant_not_found', "the terminal's merchant is not open")
  if (reason === 'system_busy')
    return new ClearingError(503, 'system_busy', 'the ledger is busy: upload the batch again')
  return new ClearingError(500, 'clearing_failed', `clearing refused: ${reason ?? 'unknown'}`)
}

export function clearingAnswerJson(answer: ClearingAnswer): Record<string, unknown> {
  return {
    batchNo: answer.batchNo,
    terminal: answer.terminal,
    terminalId: answer.terminalId,
    merchant: answer.merchantCode,
    records: answer.records,
    accepted: answer.accepted.length,
    duplicates: answer.duplicates,
    refused: answer.refused,
    cleared: formatAmount(answer.clearedMinor),
    fee: formatAmount(answer.feeMinor),
    gaps: answer.gaps,
  }
}
