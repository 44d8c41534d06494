/**
 * pos-terminal.ts - an online shop terminal's own side of ISO 8583, over a PosClient: its batch
 * number and STAN counter, and its journal of the batch (what the host approved), from which it
 * voids, refunds, reverses and settles as a terminal does. A financial message is written to the
 * journal as pending before it is sent; one left pending (no answer) is reversed before the next
 * (the notes, E.4). Settlement sends the journal's totals (0500, field 48 in CUP's layout); when
 * the host's differ, the terminal uploads its batch (a 0320 a transaction) and ends the upload
 * (0500, processing code 96), then opens the next batch. The journal is plain data: the CLI keeps
 * it in a file. Exports PosTerminalSession, TerminalJournal, JournalEntry, newJournal,
 * journalTotals, terminalLimits, Settled.
 */

import { formatAmount } from '../../core/index.js'
import type { BatchTotals } from '../../gateway/pos/batch-totals.js'
import { reconciliation, totalsField } from '../../gateway/pos/batch-totals.js'
import type { FieldValue } from '../iso8583/codec.js'
import { Iso8583Error } from '../iso8583/codec.js'
import type { PosAnswer, PosClient } from './pos-client.js'

export interface JournalEntry {
  readonly stan: string
  /** The terminal's local date of it (field 13, MMDD). */
  readonly date: string
  readonly batch: string
  readonly kind: 'purchase' | 'refund'
  readonly pan: string
  /** Field 3 as sent. */
  readonly processing: string
  /** Fen, as decimal digits (JSON has no bigint). */
  readonly amountMinor: string
  /** A refund's purchase: its batch, STAN and date. */
  readonly original?: { readonly batch: string; readonly stan: string; readonly date: string }
  /**
   * A purchase's void once sent (its STAN and date): sent again as it was when its answer did
   * not come, so that the host answers it as the first (a new STAN would find nothing left).
   */
  void?: { readonly stan: string; readonly date: string }
  state: 'pending' | 'approved' | 'voided' | 'reversed'
}

export interface TerminalJournal {
  readonly terminalId: string
  batch: number
  nextStan: number
  entries: JournalEntry[]
}

export const terminalLimits = {
  /** Entries kept: the open batch and the latest settled ones, which a refund may name. */
  entriesKept: 2_000,
  /** Batch and STAN wrap at six digits. */
  counterMax: 999_999,
} as const

export function newJournal(terminalId: string): TerminalJournal {
  return { terminalId, batch: 1, nextStan: 1, entries: [] }
}

/** The open batch's totals: approved purchases are debits, approved refunds credits. */
export function journalTotals(journal: TerminalJournal): BatchTotals {
  let debitCount = 0
  let debitMinor = 0n
  let creditCount = 0
  let creditMinor = 0n
  for (const entry of openBatch(journal)) {
    if (entry.state !== 'approved') continue
    if (entry.kind === 'purchase') {
      debitCount += 1
      debitMinor += BigInt(entry.amountMinor)
    } else {
      creditCount += 1
      creditMinor += BigInt(entry.amountMinor)
    }
  }
  return { debitCount, debitMinor, creditCount, creditMinor }
}

function openBatch(journal: TerminalJournal): JournalEntry[] {
  const batch = pad(journal.batch)
  return journal.entries.filter((entry) => entry.batch === batch)
}

function pad(value: number): string {
  return String(value).padStart(6, '0')
}

/** What a settlement did: the host's answers and whether the batch had to be uploaded. */
export interface Settled {
  readonly answer: PosAnswer
  readonly balanced: boolean
  readonly uploaded: number
  readonly ours: BatchTotals
  readonly closedBatch: string
}

export class PosTerminalSession {
  /** The fields of the last purchase or refund sent (a PIN block among them, when typed). */
  lastSent: ReadonlyMap<number, FieldValue> | null = null

  constructor(
    private readonly client: PosClient,
    readonly journal: TerminalJournal,
    /** The terminal's local time now (fields 12 and 13). */
    private readonly localNow: () => Date,
  ) {}

  signOn(): Promise<PosAnswer> {
    return this.client.send('0800', new Map([[11, this.takeStan()]]))
  }

  /**
   * The reversal of a purchase left unanswered (or answered under a MAC not the host's), if
   * any: sent before anything else. A refund is not reversed (E.4): it is sent again as it was.
   */
  async reversePending(): Promise<PosAnswer | null> {
    const pending = this.journal.entries.find(
      (entry) => entry.state === 'pending' && entry.kind === 'purchase',
    )
    if (pending === undefined) return null
    return this.reverse(pending.stan)
  }

  async purchase(
    pan: string,
    amountMinor: bigint,
    pin: string | null,
    processing = '000000',
  ): Promise<PosAnswer> {
    const fields = this.client.purchaseFields(pan, amountMinor, 0, pin)
    fields.set(3, processing)
    return this.financial('0200', fields, 'purchase', '22')
  }

  balance(pan: string, pin: string | null, processing = '310000'): Promise<PosAnswer> {
    const fields = this.client.purchaseFields(pan, 0n, 0, pin)
    fields.set(3, processing).set(4, '0'.repeat(12)).set(11, this.takeStan())
    this.dated(fields, '01')
    return this.client.send('0200', fields)
  }

  /** Voids a purchase of the open batch, by its STAN (a void sent before, again as it was). */
  async void(stan: string): Promise<PosAnswer> {
    const purchase = this.approvedPurchase(stan, pad(this.journal.batch))
    const fields = this.client.purchaseFields(purchase.pan, BigInt(purchase.amountMinor), 0, null)
    fields.set(3, '200000')
    fields.set(61, `${purchase.batch}${purchase.stan}${purchase.date}`)
    const date = this.dated(fields, '23')
    purchase.void ??= { stan: this.takeStan(), date }
    fields.set(11, purchase.void.stan).set(13, purchase.void.date)
    const answer = await this.client.send('0200', fields)
    if (answer.code === '00' && answer.macValid) purchase.state = 'voided'
    return answer
  }

  /**
   * Refunds part or all of a purchase in the journal (this batch or an earlier one). A refund
   * of it still without its answer is sent again as it was first (same STAN: the host answers
   * it as the first, never pays it twice) before any other refund of it.
   */
  async refund(stan: string, amountMinor: bigint): Promise<PosAnswer> {
    const purchase = this.approvedPurchase(stan, null)
    const unanswered = this.journal.entries.find(
      (entry) =>
        entry.kind === 'refund' &&
        entry.state === 'pending' &&
        entry.original?.stan === purchase.stan &&
        entry.original.batch === purchase.batch,
    )
    if (unanswered !== undefined && BigInt(unanswered.amountMinor) !== amountMinor) {
      const amount = formatAmount(BigInt(unanswered.amountMinor))
      throw new Error(
        `the refund STAN ${unanswered.stan} of ${amount} has no answer yet: ` +
          `send it first (refund ${purchase.stan} ${amount})`,
      )
    }
    const fields = this.client.purchaseFields(purchase.pan, amountMinor, 0, null)
    fields.set(3, '200000')
    fields.set(61, `${purchase.batch}${purchase.stan}${purchase.date}`)
    if (unanswered !== undefined) return this.resend(unanswered, fields)
    return this.financial('0220', fields, 'refund', '25', {
      batch: purchase.batch,
      stan: purchase.stan,
      date: purchase.date,
    })
  }

  /** A refund sent again with its first STAN, date and batch. */
  private async resend(entry: JournalEntry, fields: Map<number, FieldValue>): Promise<PosAnswer> {
    this.dated(fields, null)
    fields.set(11, entry.stan).set(13, entry.date).set(60, `25${entry.batch}000`)
    this.lastSent = new Map(fields)
    const answer = await this.client.send('0220', fields)
    this.recordAnswer(entry, answer)
    return answer
  }

  /**
   * Reverses a purchase of the journal (approved, or pending: its answer never came): in the
   * ASCII dialect under a STAN of its own, naming the purchase in field 90 (its MTI, STAN and
   * date-time); in CUP's, which has no field 90, with the purchase's own fields and STAN.
   */
  async reverse(stan: string): Promise<PosAnswer> {
    const purchase = this.journal.entries.find(
      (entry) =>
        entry.kind === 'purchase' &&
        entry.stan === stan &&
        (entry.state === 'approved' || entry.state === 'pending'),
    )
    if (purchase === undefined) throw new Error(notFound(this.journal, stan, 'to reverse'))
    const fields = this.client.purchaseFields(purchase.pan, BigInt(purchase.amountMinor), 0, null)
    fields.set(3, purchase.processing).set(39, '98')
    this.dated(fields, null)
    fields.set(60, `22${purchase.batch}000`)
    if (this.client.dialect === 'cup') fields.set(11, purchase.stan).set(13, purchase.date)
    else {
      fields.set(11, this.takeStan())
      fields.set(90, `0200${purchase.stan}${purchase.date}000000${'0'.repeat(22)}`)
    }
    const answer = await this.client.send('0400', fields)
    if (answer.code === '00') purchase.state = 'reversed'
    return answer
  }

  /** Settles the open batch (uploading it when the host's totals differ), then opens the next. */
  async settle(): Promise<Settled> {
    const batch = pad(this.journal.batch)
    const ours = journalTotals(this.journal)
    const fields = new Map<number, FieldValue>([
      [3, '920000'],
      [11, this.takeStan()],
      [48, totalsField(ours, reconciliation.asked)],
      [60, `00${batch}201`],
    ])
    let answer = await this.client.send('0500', fields)
    const code = answer.fields.get(48)
    const balanced =
      answer.code === '00' && typeof code === 'string' && code[30] === reconciliation.balanced
    let uploaded = 0
    if (!balanced && (answer.code === '95' || answer.code === '00')) {
      for (const entry of openBatch(this.journal)) {
        if (entry.state !== 'approved') continue
        const upload = new Map<number, FieldValue>([
          [2, entry.pan],
          [3, entry.processing],
          [4, BigInt(entry.amountMinor).toString().padStart(12, '0')],
          [11, this.takeStan()],
          [60, `00${batch}201`],
          [61, `${entry.batch}${entry.stan}${entry.date}`],
        ])
        await this.client.send('0320', upload)
        uploaded += 1
      }
      fields.set(3, '960000').set(11, this.takeStan())
      answer = await this.client.send('0500', fields)
    }
    if (answer.code === '00') {
      this.journal.batch =
        this.journal.batch >= terminalLimits.counterMax ? 1 : this.journal.batch + 1
      this.trim()
    }
    return { answer, balanced, uploaded, ours, closedBatch: batch }
  }

  private async financial(
    mti: string,
    fields: Map<number, FieldValue>,
    kind: JournalEntry['kind'],
    typeCode: string,
    original?: JournalEntry['original'],
  ): Promise<PosAnswer> {
    const stan = this.takeStan()
    fields.set(11, stan)
    const date = this.dated(fields, typeCode)
    const entry: JournalEntry = {
      stan,
      date,
      batch: pad(this.journal.batch),
      kind,
      pan: String(fields.get(2)),
      processing: String(fields.get(3)),
      amountMinor: BigInt(String(fields.get(4))).toString(),
      ...(original === undefined ? {} : { original }),
      state: 'pending',
    }
    this.journal.entries.push(entry)
    this.lastSent = new Map(fields)
    let answer: PosAnswer
    try {
      answer = await this.client.send(mti, fields)
    } catch (error) {
      // Never sent (it does not encode: nothing to reverse) it leaves the journal; sent without
      // an answer it stays pending: a purchase is reversed, a refund sent again.
      if (error instanceof Iso8583Error) this.journal.entries.pop()
      throw error
    }
    this.recordAnswer(entry, answer)
    return answer
  }

  /**
   * A financial message's entry after its answer: approved under the host's MAC; declined, out
   * of the journal; approved under a MAC that is not the host's, pending (not to be trusted).
   */
  private recordAnswer(entry: JournalEntry, answer: PosAnswer): void {
    if (answer.code === '00' && answer.macValid) entry.state = 'approved'
    else if (answer.code !== '00') {
      const at = this.journal.entries.indexOf(entry)
      if (at >= 0) this.journal.entries.splice(at, 1)
    }
  }

  /** Fields 12, 13 (the local time) and 60 (type code, batch); the date it wrote. */
  private dated(fields: Map<number, FieldValue>, typeCode: string | null): string {
    const local = this.localNow().toISOString()
    const date = `${local.slice(5, 7)}${local.slice(8, 10)}`
    fields.set(12, `${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`)
    fields.set(13, date)
    if (typeCode !== null) fields.set(60, `${typeCode}${pad(this.journal.batch)}000`)
    return date
  }

  private approvedPurchase(stan: string, batch: string | null): JournalEntry {
    const wanted = stan.padStart(6, '0')
    const purchase = [...this.journal.entries]
      .reverse()
      .find(
        (entry) =>
          entry.kind === 'purchase' &&
          entry.stan === wanted &&
          entry.state === 'approved' &&
          (batch === null || entry.batch === batch),
      )
    if (purchase === undefined)
      throw new Error(
        notFound(this.journal, wanted, batch === null ? 'in the journal' : 'in this batch'),
      )
    return purchase
  }

  private takeStan(): string {
    const stan = pad(this.journal.nextStan)
    this.journal.nextStan =
      this.journal.nextStan >= terminalLimits.counterMax ? 1 : this.journal.nextStan + 1
    return stan
  }

  private trim(): void {
    const extra = this.journal.entries.length - terminalLimits.entriesKept
    if (extra > 0) this.journal.entries.splice(0, extra)
  }
}

/** Why a STAN names no purchase to act on: none, or one voided or reversed already. */
function notFound(journal: TerminalJournal, stan: string, where: string): string {
  const entry = journal.entries.find((row) => row.stan === stan && row.kind === 'purchase')
  return entry === undefined || entry.state === 'approved'
    ? `no approved purchase with STAN ${stan} ${where}`
    : `purchase STAN ${stan} is ${entry.state} already`
}
