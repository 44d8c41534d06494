/**
 * clearing-service.ts - clears a terminal's batch of offline purchases. Each record's TAC is
 * recomputed (record-check.ts, on the record checker's thread: a record the card did not sign is
 * refused as forged) while the ledger posts the chunk before it, records are
 * cleared in commands of a bounded size, each under an idempotency key made of the terminal, the
 * batch number and its place in the batch (the same batch again is answered as it was first,
 * the same number with other records is refused), and the serials the batch leaves missing are
 * reported. Exports ClearingService, clearingLimits, ClearingTerminal, ClearingAnswer,
 * RefusedRecord.
 */
import type { ClearingRecord, ClearingSummary, CommandResult, Reason } from '../../core/index.js'
import { formatAmount } from '../../core/index.js'
import type { LedgerStore } from '../../ledger/store.js'
import type { PaymentService } from '../../service/payment-service.js'
import type { KeyStore } from '../pboc/key-store.js'
import type { BatchFile, BatchRecord } from './batch-file.js'
import type { SerialRange } from './gaps.js'
import { coversRange, missingRanges } from './gaps.js'
import type { RecordRefusal } from './record-check.js'
import type { RecordChecker } from './record-checker.js'
import { inlineChecker } from './record-checker.js'

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
    /**
     * More holes were found than the answer lists (clearingLimits: ranges a terminal or card,
     * cards an answer). A hole is reported once, by the upload that clears the purchase above
     * it: those left out here are not listed again.
     */
    readonly truncated: boolean
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
  /** Where records are checked; on the caller's thread when absent. */
  readonly checker?: RecordChecker
  readonly service: PaymentService
  readonly ledger: LedgerStore
  readonly terminals: readonly ClearingTerminal[]
  /** Where the purse's local dates begin (China: +8 h), to place each record in time. */
  readonly zoneOffsetMs: number
}

export class ClearingService {
  private readonly checker: RecordChecker

  constructor(private readonly deps: ClearingDeps) {
    this.checker = deps.checker ?? inlineChecker(deps.keys, deps.zoneOffsetMs)
  }

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
    const check = (start: number) =>
      this.checker.check(terminal.terminalId, batch.records.slice(start, start + chunk))
    // The next chunk is checked (on the checker's thread) while the ledger posts this one.
    let next = batch.records.length > 0 ? check(0) : null
    for (let start = 0; next !== null; start += chunk) {
      const checkedChunk = await next
      const sent = Math.min(chunk, batch.records.length - start)
      if (checkedChunk.length !== sent)
        throw new ClearingError(
          500,
          'clearing_failed',
          `the record checker answered ${checkedChunk.length} of ${sent} records`,
        )
      next = start + chunk < batch.records.length ? check(start + chunk) : null
      // Caught here so that a failed check of the next chunk is not left unhandled while this
      // one posts; awaited again above, where it throws.
      next?.catch(() => undefined)
      const records: ClearingRecord[] = []
      checkedChunk.forEach((checked, index) => {
        if (typeof checked !== 'string') records.push(checked)
        else
          refused.push({
            terminalSerial: (batch.records[start + index] as BatchRecord).terminalSerial,
            reason: checked,
          })
      })
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
      // A turn of the event loop between chunks: a large upload must not hold every channel's
      // traffic for the seconds it takes.
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
      gaps: await this.gapsOf(terminal, verified, {
        accepted: new Set(accepted),
        duplicates: new Set(duplicates),
      }),
    }
  }

  /**
   * The serials missing now among the batch's and below them, at the terminal and on each card:
   * from the last serial cleared below the batch's lowest (the holes under it were reported when
   * it was cleared), or from the look-back when there is none. Among the batch's, what this
   * upload cleared answers when it covers them (the usual upload, its serials in a row); only a
   * terminal or card it leaves holes in is asked of the ledger. Two queries a batch, not a read
   * of every card's history (which made each upload slower than the one before).
   */
  private async gapsOf(
    terminal: ClearingTerminal,
    records: readonly ClearingRecord[],
    posted: { readonly accepted: ReadonlySet<number>; readonly duplicates: ReadonlySet<number> },
  ): Promise<ClearingAnswer['gaps']> {
    if (records.length === 0) return { terminalSerials: [], cards: [], truncated: false }
    const { ledger } = this.deps
    const lookBack = clearingLimits.gapLookBackSerials
    const rangesMax = clearingLimits.gapRangesMax
    const serials = records.map((record) => record.terminalSerial)
    const lowest = Math.min(...serials)
    const highest = Math.max(...serials)
    const floor = Math.max(1, lowest - lookBack)
    const below = await ledger.terminalLastClearedBelow(terminal.terminalId, lowest, floor)
    const terminalRuns = coversRange([...posted.accepted, ...posted.duplicates], lowest, highest)
      ? [[lowest, highest] as const]
      : await ledger.terminalClearedRuns(terminal.terminalId, lowest, highest)
    const since = below === null ? floor : below + 1
    // One range more than listed is looked for: its presence says the list was cut.
    const terminalFound = missingRanges(terminalRuns, since, highest, rangesMax + 1)
    let truncated = terminalFound.length > rangesMax
    const terminalSerials = terminalFound.slice(0, rangesMax)

    const byCard = new Map<string, { lowest: number; highest: number; cleared: number[] }>()
    // A terminal serial counts once: a second record under it in the batch was not posted.
    const counted = new Set<number>()
    for (const record of records) {
      const card = byCard.get(record.cardNumber) ?? {
        lowest: record.cardSerial,
        highest: record.cardSerial,
        cleared: [],
      }
      card.lowest = Math.min(card.lowest, record.cardSerial)
      card.highest = Math.max(card.highest, record.cardSerial)
      // Not a duplicate's: its terminal serial was cleared, with the card serial of then.
      if (posted.accepted.has(record.terminalSerial) && !counted.has(record.terminalSerial)) {
        counted.add(record.terminalSerial)
        card.cleared.push(record.cardSerial)
      }
      byCard.set(record.cardNumber, card)
    }
    // A card's first purchase uses offline serial 0.
    const floorOf = (card: { lowest: number }) => Math.max(0, card.lowest - lookBack)
    const lastBelow = await ledger.cardsLastClearedBelow(
      [...byCard].map(([cardNumber, card]) => ({
        cardNumber,
        belowSerial: card.lowest,
        floorSerial: floorOf(card),
      })),
    )
    const holed = [...byCard].filter(
      ([, card]) => !coversRange(card.cleared, card.lowest, card.highest),
    )
    const asked = await ledger.cardClearedRuns(
      holed.map(([cardNumber, card]) => ({
        cardNumber,
        fromSerial: card.lowest,
        toSerial: card.highest,
      })),
    )
    const holedCards = new Set(holed.map(([cardNumber]) => cardNumber))
    const cards: { cardNumber: string; cardSerials: SerialRange[] }[] = []
    for (const [cardNumber, card] of byCard) {
      const runs = holedCards.has(cardNumber)
        ? (asked.get(cardNumber) ?? [])
        : [[card.lowest, card.highest] as const]
      const last = lastBelow.get(cardNumber)
      const missing = missingRanges(
        runs,
        last === undefined ? floorOf(card) : last + 1,
        card.highest,
        rangesMax + 1,
      )
      if (missing.length === 0) continue
      if (cards.length >= clearingLimits.gapCardsMax) {
        truncated = true
        break
      }
      if (missing.length > rangesMax) truncated = true
      cards.push({ cardNumber, cardSerials: missing.slice(0, rangesMax) })
    }
    return { terminalSerials, cards, truncated }
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
