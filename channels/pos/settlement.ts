/**
 * settlement.ts - a terminal's batch settlement (0500) and batch upload (0320). The host's totals
 * of a batch are what it answered in it, read back from the idempotency log (the keys
 * `pos:<terminal>:<batch>:`, written in the same transaction as the money): purchases approved
 * and not voided or reversed are debits, refunds are credits. A 0500 whose totals (field 48, CUP's
 * layout) match is answered balanced; one that does not is answered unbalanced (CUP: 00 and
 * reconciliation code 2; the ASCII dialect: 95, reconcile error), and the terminal uploads its
 * batch, a 0320 a transaction, then ends the upload (a 0500 with processing code 96, or CUP's
 * 0320 with network code 202 or 207). The host then lists what differs in its log and closes the
 * batch on its own totals: the ledger holds what was paid. Exports PosSettlement,
 * settlementLimits, LoggedResults.
 */
import type { FieldValue, Iso8583Message } from '../../src/bearer/iso8583/codec.js'
import type { CommandResult } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import type { BatchTotals } from '../../src/gateway/pos/batch-totals.js'
import { reconciliation, totalsField, totalsOfField } from '../../src/gateway/pos/batch-totals.js'
import { approved } from '../../src/gateway/pos/response-codes.js'
import type { Fields } from './message.js'
import { batchOf, formatError, text } from './message.js'
import type { Decision, PosTerminal } from './transactions.js'
import { posKeySuffix, posProcessing } from './transactions.js'

export const settlementLimits = {
  /** A batch counts at most 999 debits and 999 credits: field 48 has three digits for each. */
  countMax: 999,
  /** Log rows read for one batch a page at a time (purchases, their captures and reversals,
   * declines, balance inquiries: a batch's rows are not bounded by its counts). */
  rowsMax: 4_096,
  /** Pages read at most: 262,144 rows, far beyond a day of one terminal. */
  pagesMax: 64,
  /** Transactions a terminal's upload keeps (the rest of an upload is answered but not kept). */
  uploadRowsMax: 2 * 999,
  /** Differences the log lists of one upload, of each kind. */
  differencesListed: 20,
} as const

/** A transaction of a batch, by its date and STAN: a debit (purchase) or a credit (refund). */
interface BatchTransaction {
  readonly credit: boolean
  readonly amountMinor: bigint
}

const reconcileError = '95'

/**
 * The first answers logged under keys of the POS channel that begin with `prefix`, in key order,
 * a page of at most `limit` after `afterKey` (the ledger's loggedResults, the channel's prefix
 * taken off).
 */
export type LoggedResults = (
  prefix: string,
  limit: number,
  afterKey?: string | null,
) => Promise<readonly { readonly key: string; readonly result: CommandResult }[]>

export interface PosSettlementOptions {
  readonly loggedResults: LoggedResults
}

interface Upload {
  readonly batch: string
  readonly rows: Map<string, BatchTransaction>
}

export class PosSettlement {
  /** Each terminal's upload under way; one at a time, bounded by the terminals configured. */
  private readonly uploads = new Map<string, Upload>()

  constructor(
    private readonly ctx: ChannelContext,
    private readonly options: PosSettlementOptions,
  ) {}

  /** The decision on a 0500 or 0320; 12 for any other message. */
  decide(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    const field60 = text(request.fields.get(60)) ?? ''
    const uploadEnded =
      (request.mti === '0500' && (text(request.fields.get(3)) ?? '').startsWith('96')) ||
      (request.mti === '0320' && ['202', '207'].includes(field60.slice(8, 11)))
    if (uploadEnded) return this.close(request, terminal)
    if (request.mti === '0500') return this.settle(request, terminal)
    if (request.mti === '0320') return Promise.resolve(this.uploaded(request, terminal))
    return Promise.resolve({ code: '12' })
  }

  /** The host's totals of a batch and its transactions, from what the host answered in it. */
  async hostBatch(
    terminalId: string,
    batch: string,
  ): Promise<{ totals: BatchTotals; transactions: Map<string, BatchTransaction> }> {
    const purchases = new Map<string, { id: string; amountMinor: bigint }>()
    const credits = new Map<string, BatchTransaction>()
    const given = new Set<string>()
    const prefix = `${terminalId}:${batch}:`
    let after: string | null = null
    for (let page = 0; page < settlementLimits.pagesMax; page += 1) {
      const rows = await this.options.loggedResults(prefix, settlementLimits.rowsMax, after)
      for (const { key, result } of rows) {
        if (!result.ok) continue
        // <terminal>:<batch>:<date>:<stan>, then a suffix for all but a transaction's first
        // command; a card purchase's capture is logged under its key and #bank:<outcome>.
        const [base = '', bank] = key.split('#')
        const [, , date, stan, suffix] = base.split(':')
        const id = `${date ?? ''}:${stan ?? ''}`
        const refund = result.data?.kind === 'refund' ? result.data : null
        const payment = result.payment
        if (suffix === undefined && payment?.kind === 'merchant' && refund === null) {
          // A card purchase is authorized first, completed by its capture's row (which sorts
          // after it): either row, once it says completed, counts.
          if (payment.state === 'completed' && (bank === undefined || bank === 'bank:captured'))
            purchases.set(id, { id: payment.id, amountMinor: payment.amountMinor })
        } else if (refund !== null && payment !== null) {
          if (`:${suffix}` === posKeySuffix.refund)
            credits.set(id, { credit: true, amountMinor: refund.amountMinor })
          else given.add(payment.id)
        }
      }
      if (rows.length < settlementLimits.rowsMax) break
      after = rows.at(-1)?.key ?? null
    }
    const transactions = new Map<string, BatchTransaction>()
    let debitCount = 0
    let debitMinor = 0n
    for (const [id, purchase] of purchases) {
      if (given.has(purchase.id)) continue
      transactions.set(`debit:${id}`, { credit: false, amountMinor: purchase.amountMinor })
      debitCount += 1
      debitMinor += purchase.amountMinor
    }
    let creditMinor = 0n
    for (const [id, credit] of credits) {
      transactions.set(`credit:${id}`, credit)
      creditMinor += credit.amountMinor
    }
    return {
      totals: { debitCount, debitMinor, creditCount: credits.size, creditMinor },
      transactions,
    }
  }

  private async settle(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    const theirs = totalsOfField(text(request.fields.get(48)))
    if (theirs === null) return { code: formatError }
    const batch = batchOf(request)
    const { totals } = await this.hostBatch(terminal.terminalId, batch)
    const same =
      fitsField(totals) &&
      totals.debitCount === theirs.debitCount &&
      totals.debitMinor === theirs.debitMinor &&
      totals.creditCount === theirs.creditCount &&
      totals.creditMinor === theirs.creditMinor
    if (same) this.uploads.delete(terminal.terminalId)
    else this.uploads.set(terminal.terminalId, { batch, rows: new Map() })
    this.ctx.log.info('pos: settlement', {
      terminal: terminal.terminalId,
      batch,
      balanced: same,
    })
    const code = same ? approved : terminal.dialect === 'cup' ? approved : reconcileError
    return {
      code,
      extra: totalsExtra(totals, same ? reconciliation.balanced : reconciliation.unbalanced),
    }
  }

  /** One transaction of a batch upload: kept to compare at the upload's end. */
  private uploaded(request: Iso8583Message, terminal: PosTerminal): Decision {
    const field61 = text(request.fields.get(61))
    const amount = text(request.fields.get(4))
    if (field61 === null || !/^[0-9]{16}/.test(field61) || amount === null)
      return { code: formatError }
    const batch = batchOf(request)
    let upload = this.uploads.get(terminal.terminalId)
    if (upload?.batch !== batch) {
      upload = { batch, rows: new Map() }
      this.uploads.set(terminal.terminalId, upload)
    }
    const credit = (text(request.fields.get(3)) ?? '').startsWith(posProcessing.credit)
    if (upload.rows.size < settlementLimits.uploadRowsMax)
      upload.rows.set(
        `${credit ? 'credit' : 'debit'}:${field61.slice(12, 16)}:${field61.slice(6, 12)}`,
        {
          credit,
          amountMinor: BigInt(amount),
        },
      )
    return { code: approved }
  }

  /** The end of an upload: what differs is logged; the batch closes on the host's totals. */
  private async close(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    const batch = batchOf(request)
    const { totals, transactions } = await this.hostBatch(terminal.terminalId, batch)
    const upload = this.uploads.get(terminal.terminalId)
    this.uploads.delete(terminal.terminalId)
    const theirs = upload?.batch === batch ? upload.rows : new Map<string, BatchTransaction>()
    const listed = settlementLimits.differencesListed
    const hostOnly = [...transactions.keys()].filter((id) => !theirs.has(id))
    const terminalOnly = [...theirs.keys()].filter((id) => !transactions.has(id))
    const amountDiffers = [...theirs].filter(([id, row]) => {
      const ours = transactions.get(id)
      return ours !== undefined && ours.amountMinor !== row.amountMinor
    })
    const differs = hostOnly.length + terminalOnly.length + amountDiffers.length
    this.ctx.log[differs === 0 ? 'info' : 'warn']('pos: batch closed on the host totals', {
      terminal: terminal.terminalId,
      batch,
      uploaded: theirs.size,
      hostOnly: hostOnly.slice(0, listed).join(' '),
      terminalOnly: terminalOnly.slice(0, listed).join(' '),
      amountDiffers: amountDiffers
        .slice(0, listed)
        .map(([id]) => id)
        .join(' '),
    })
    return { code: approved, extra: totalsExtra(totals, reconciliation.balanced) }
  }
}

function fitsField(totals: BatchTotals): boolean {
  return (
    totals.debitCount <= settlementLimits.countMax &&
    totals.creditCount <= settlementLimits.countMax
  )
}

function totalsExtra(totals: BatchTotals, code: string): Fields {
  const shown: BatchTotals = fitsField(totals)
    ? totals
    : {
        ...totals,
        debitCount: Math.min(totals.debitCount, settlementLimits.countMax),
        creditCount: Math.min(totals.creditCount, settlementLimits.countMax),
      }
  return new Map<number, FieldValue>([[48, totalsField(shown, code)]])
}
