/**
 * receipt.ts - SMSC delivery receipts (deliver_sm with esm_class 0x04): the text form of SMPP
 * 3.4 Appendix B, generated canonically and parsed tolerantly, and the message_state TLV
 * values. Exports receiptStats, ReceiptStat, messageStateOf, statOfMessageState,
 * formatReceipt, parseReceipt, formatReceiptDate, parseReceiptDate, messageIdVariants and
 * their types.
 *
 * Canonical: `id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm
 * stat:DELIVRD err:000 text:<first 20 chars>`, dates in UTC. Tolerated on input: any key case
 * (`Text:`), spaces around values, 12-digit dates with seconds (and 14-digit YYYYMMDDhhmmss),
 * long, hex or zero-padded ids, extra fields (`network:`), missing fields, long stat words
 * (DELIVERED). The receipt text may hold the start of a message with a PIN: never log it.
 */
import { assert } from '../../core/index.js'
import { smsTextLimits } from './limits.js'

/** stat word -> message_state TLV value (SMPP 3.4 §5.3.2.35). */
export const receiptStats = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
} as const

export type ReceiptStat = keyof typeof receiptStats

export function messageStateOf(stat: ReceiptStat): number {
  return receiptStats[stat]
}

/** The stat word of a message_state TLV value; null for values outside 1-8 (5.0 adds 0, 9). */
export function statOfMessageState(messageState: number): ReceiptStat | null {
  for (const [stat, state] of Object.entries(receiptStats)) {
    if (state === messageState) return stat as ReceiptStat
  }
  return null
}

export interface ReceiptFields {
  readonly id: string
  readonly submitted: number
  readonly delivered: number
  readonly submitDateMs: number
  readonly doneDateMs: number
  readonly stat: ReceiptStat
  /** Network or SMSC error code, 0 when none; printed with at least 3 digits. */
  readonly err: number
  /** The start of the message; pass '' to keep message text out of receipts. */
  readonly text: string
}

export interface Receipt {
  readonly id: string
  readonly submitted: number | null
  readonly delivered: number | null
  readonly submitDateMs: number | null
  readonly doneDateMs: number | null
  readonly stat: ReceiptStat
  /** The stat as written, when it was not one of the seven words (then stat is UNKNOWN). */
  readonly statText: string
  readonly err: string | null
  readonly text: string | null
  /** Fields we do not interpret (`network`, ...), keys in lower case. */
  readonly extra: Readonly<Record<string, string>>
}

function pad(value: number, digits: number): string {
  return String(value).padStart(digits, '0')
}

/** YYMMDDhhmm in UTC. */
export function formatReceiptDate(dateMs: number): string {
  const date = new Date(dateMs)
  assert(!Number.isNaN(date.getTime()), 'formatReceiptDate: invalid date')
  return (
    pad(date.getUTCFullYear() % 100, 2) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2)
  )
}

export function formatReceipt(fields: ReceiptFields): string {
  assert(fields.id.length > 0 && !/\s/.test(fields.id), 'formatReceipt: id is a non-empty token')
  assert(
    Number.isInteger(fields.err) && fields.err >= 0,
    'formatReceipt: err is a non-negative integer',
  )
  // Line breaks in a receipt confuse line-oriented parsers downstream.
  const text = [...fields.text]
    .slice(0, smsTextLimits.receiptTextLengthMax)
    .join('')
    .replace(/[\r\n]/g, ' ')
  return (
    `id:${fields.id} sub:${pad(fields.submitted, 3)} dlvrd:${pad(fields.delivered, 3)} ` +
    `submit date:${formatReceiptDate(fields.submitDateMs)} ` +
    `done date:${formatReceiptDate(fields.doneDateMs)} ` +
    `stat:${fields.stat} err:${pad(fields.err, 3)} text:${text}`
  )
}

const longStatWords: Readonly<Record<string, ReceiptStat>> = {
  DELIVERED: 'DELIVRD',
  UNDELIVERABLE: 'UNDELIV',
  UNDELIVERED: 'UNDELIV',
  ACCEPTED: 'ACCEPTD',
  REJECTED: 'REJECTD',
}

function statOf(word: string): ReceiptStat {
  const upper = word.toUpperCase()
  if (upper in receiptStats) return upper as ReceiptStat
  return longStatWords[upper] ?? 'UNKNOWN'
}

/** YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss in UTC; null if not a valid date. */
export function parseReceiptDate(value: string): number | null {
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value)
  if (match === null) return null
  const [, yearText = '', ...rest] = match
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText)
  const [month = 0, day = 0, hour = 0, minute = 0, second = 0] = rest.map((digits) =>
    Number(digits ?? '0'),
  )
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const date = new Date(ms)
  // Date.UTC rolls 31 Feb into March: refuse dates that do not round-trip.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  if (hour > 23 || minute > 59 || second > 59) return null
  return ms
}

function countOf(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null
}

// A key is a word (two for the dates) followed by a colon, at the start or after white space.
const keyPattern = /(?:^|\s)(submit\s+date|done\s+date|[a-z_]+)\s*:/gi

/** Fields of a receipt text, or null when it has no id or no stat (then it is no receipt). */
export function parseReceipt(text: string): Receipt | null {
  const fields = new Map<string, string>()
  const matches = [...text.matchAll(keyPattern)]
  for (let index = 0; index < matches.length; index++) {
    const match = matches[index] as RegExpMatchArray
    const key = (match[1] ?? '').toLowerCase().replace(/\s+/g, ' ')
    const valueStart = (match.index ?? 0) + match[0].length
    if (key === 'text') {
      // The message text runs to the end and may itself hold "word:" sequences.
      fields.set(key, text.slice(valueStart).trim())
      break
    }
    const next = matches[index + 1]
    const valueEnd = next === undefined ? text.length : (next.index ?? text.length)
    if (!fields.has(key)) fields.set(key, text.slice(valueStart, valueEnd).trim())
  }
  const id = fields.get('id')
  const statText = fields.get('stat')
  if (id === undefined || id === '' || statText === undefined || statText === '') return null
  const known = new Set(['id', 'sub', 'dlvrd', 'submit date', 'done date', 'stat', 'err', 'text'])
  const extra: Record<string, string> = {}
  for (const [key, value] of fields) if (!known.has(key)) extra[key] = value
  const submitDate = fields.get('submit date')
  const doneDate = fields.get('done date')
  return {
    id,
    submitted: countOf(fields.get('sub')),
    delivered: countOf(fields.get('dlvrd')),
    submitDateMs: submitDate === undefined ? null : parseReceiptDate(submitDate),
    doneDateMs: doneDate === undefined ? null : parseReceiptDate(doneDate),
    stat: statOf(statText),
    statText,
    err: fields.get('err') ?? null,
    text: fields.get('text') ?? null,
    extra,
  }
}

/**
 * The forms one message id may take between submit_sm_resp and the receipt: as written,
 * lower case without leading zeros, and the other base when the id is all hex or all decimal
 * digits (some SMSCs answer hex and report decimal). The correlation store looks up each.
 */
export function messageIdVariants(id: string): string[] {
  const variants = new Set<string>([id])
  const trimmed = id.toLowerCase().replace(/^0+(?=.)/, '')
  variants.add(trimmed)
  if (/^\d+$/.test(trimmed) && trimmed.length <= 30) variants.add(BigInt(trimmed).toString(16))
  if (/^[0-9a-f]+$/.test(trimmed) && trimmed.length <= 24)
    variants.add(BigInt(`0x${trimmed}`).toString(10))
  return [...variants]
}
