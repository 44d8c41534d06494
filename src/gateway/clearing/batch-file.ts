/**
 * batch-file.ts - a terminal's clearing batch as it travels: NDJSON, a header line
 * `{"batchNo":…,"terminalId":…,"records":N}` and one line per purchase record, as the terminal
 * keeps it (src/bearer/rfid-sim/terminal/record-store.ts), signed by the terminal with
 * HMAC-SHA256 of the bytes under its upload key (X-Telepay-Signature: sha256=<hex>). A file a
 * transit clearing house takes is a file of lines, not one JSON document: it streams, and a bad
 * line is named by its number. Exports parseBatchFile, batchFileOf, signBatch, BatchRecord,
 * BatchFile, BatchFileError.
 */
import { createHmac } from 'node:crypto'

/** One offline purchase, fields as the terminal keeps them (amounts in fen). */
export interface BatchRecord {
  readonly terminalSerial: number
  readonly cardNumber: string
  readonly cardSerial: number
  /** 06 a purchase, 09 a composite one. */
  readonly type: number
  readonly amountFen: number
  readonly balanceAfterFen: number
  /** YYYYMMDD, the terminal's local date. */
  readonly date: string
  /** hhmmss */
  readonly time: string
  /** 8 hex digits */
  readonly tac: string
  readonly keyVersion: number
}

export interface BatchFile {
  /** The terminal's name for this upload; the same records again carry the same number. */
  readonly batchNo: string
  /** 12 digits: the PSAM's terminal id, as in the TACs. */
  readonly terminalId: string
  readonly records: readonly BatchRecord[]
}

export class BatchFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Each whole-number field and the most its bytes hold on the card or the PSAM. */
const integerMaxima: Readonly<Record<string, number>> = {
  terminalSerial: 0xffff_ffff,
  cardSerial: 0xffff,
  type: 0xff,
  amountFen: 0xffff_ffff,
  balanceAfterFen: 0xffff_ffff,
  keyVersion: 0xff,
}
const patterns: Readonly<Record<string, RegExp>> = {
  cardNumber: /^\d{20}$/,
  date: /^\d{8}$/,
  time: /^\d{6}$/,
  tac: /^[0-9a-fA-F]{8}$/,
}

function recordOf(value: unknown, line: number): BatchRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BatchFileError('record_invalid', `line ${line}: a record is a JSON object`)
  const record = value as Record<string, unknown>
  for (const [field, max] of Object.entries(integerMaxima)) {
    const number = record[field]
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > max)
      throw new BatchFileError(
        'record_invalid',
        `line ${line}: ${field} is a whole number 0-${max}`,
      )
  }
  for (const [field, pattern] of Object.entries(patterns)) {
    const text = record[field]
    if (typeof text !== 'string' || !pattern.test(text))
      throw new BatchFileError('record_invalid', `line ${line}: ${field} is not in its form`)
  }
  return {
    terminalSerial: record['terminalSerial'] as number,
    cardNumber: record['cardNumber'] as string,
    cardSerial: record['cardSerial'] as number,
    type: record['type'] as number,
    amountFen: record['amountFen'] as number,
    balanceAfterFen: record['balanceAfterFen'] as number,
    date: record['date'] as string,
    time: record['time'] as string,
    tac: (record['tac'] as string).toUpperCase(),
    keyVersion: record['keyVersion'] as number,
  }
}

function parseLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new BatchFileError('line_invalid', `line ${line} is not JSON`)
  }
}

/** Reads a batch file; a malformed one is refused whole, naming its first bad line. */
export function parseBatchFile(text: string, recordsMax: number): BatchFile {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const header = parseLine(lines[0] ?? '', 1) as Record<string, unknown> | null
  if (typeof header !== 'object' || header === null)
    throw new BatchFileError(
      'header_invalid',
      'line 1 is the header: {"batchNo", "terminalId", "records"}',
    )
  const { batchNo, terminalId, records: count } = header
  if (typeof batchNo !== 'string' || !/^[\w.:-]{1,64}$/.test(batchNo))
    throw new BatchFileError('header_invalid', 'batchNo is 1-64 letters, digits or . : _ -')
  if (typeof terminalId !== 'string' || !/^\d{12}$/.test(terminalId))
    throw new BatchFileError('header_invalid', 'terminalId is the 12 digits of the PSAM')
  if (count !== lines.length - 1)
    throw new BatchFileError(
      'header_invalid',
      `the header says ${String(count)} records, the file has ${lines.length - 1}`,
    )
  if (lines.length - 1 > recordsMax)
    throw new BatchFileError('batch_too_large', `at most ${recordsMax} records a batch`)
  const records = lines
    .slice(1)
    .map((line, index) => recordOf(parseLine(line, index + 2), index + 2))
  return { batchNo, terminalId, records }
}

/** The file a terminal uploads (the simulator's terminals, the tests, the benchmark). */
export function batchFileOf(batch: BatchFile): string {
  const header = {
    batchNo: batch.batchNo,
    terminalId: batch.terminalId,
    records: batch.records.length,
  }
  return `${[header, ...batch.records].map((line) => JSON.stringify(line)).join('\n')}\n`
}

/** The X-Telepay-Signature value of a batch's bytes under the terminal's upload key. */
export function signBatch(body: string | Uint8Array, key: Uint8Array): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`
}
