/**
 * message.ts - what the host reads in a terminal's message and how it answers one: the fields
 * that name a transaction (its idempotency key of terminal, batch, date and STAN; the original a
 * void, refund or reversal names in field 61 or 90), and the answer built from a request (the
 * echoed fields, field 39, CUP's TPDU turned round). Exports text, Fields, batchOf, keyOf,
 * originalKeyOf, reversedKeyOf, answerOf, formatAnswer, isRequestMti.
 */
import type { FieldValue, Iso8583Message } from '../../src/bearer/iso8583/codec.js'
import { encodeMessage } from '../../src/bearer/iso8583/codec.js'
import type { Dialect } from '../../src/bearer/iso8583/field-spec.js'

export type Fields = Map<number, FieldValue>

/** Format error: the message decoded but does not ask what it should. */
export const formatError = '30'

export function text(value: FieldValue | undefined): string | null {
  return typeof value === 'string' ? value : null
}

/** The requests a host answers: MTI version 0, a class 1-8, function 0 (request) or 2 (advice). */
export function isRequestMti(mti: string): boolean {
  return /^0[1-8][02]0$/.test(mti)
}

/**
 * The batch a message belongs to: field 60.2, the six digits after the two of 60.1 (CUP's
 * layout, which the ASCII dialect's terminals use as well); 000000 when there is none.
 */
export function batchOf(request: Iso8583Message): string {
  const field60 = text(request.fields.get(60)) ?? ''
  return /^[0-9]{8}/.test(field60) ? field60.slice(2, 8) : '000000'
}

/**
 * The idempotency key of a terminal's transaction: its id, batch, local date (field 13, when it
 * sends one) and STAN. The date and batch, because a STAN wraps at 999999 and a terminal resets
 * it (a restart, a new batch), and a key is kept for a week; the batch also lets a settlement read
 * its batch as one range of keys.
 */
export function keyOf(terminalId: string, request: Iso8583Message): string {
  const date = text(request.fields.get(13)) ?? ''
  return `${terminalId}:${batchOf(request)}:${date}:${text(request.fields.get(11)) ?? ''}`
}

/**
 * The key of the transaction a void, refund or batch upload names: field 61 as CUP writes it
 * (original batch, STAN and date: 6 + 6 + 4 digits). Null when it names none or names it badly.
 */
export function originalKeyOf(terminalId: string, request: Iso8583Message): string | null {
  const field61 = text(request.fields.get(61))
  if (field61 === null || !/^[0-9]{16}/.test(field61)) return null
  return `${terminalId}:${field61.slice(0, 6)}:${field61.slice(12, 16)}:${field61.slice(6, 12)}`
}

/**
 * The key of the purchase a reversal under a STAN of its own names in field 90, as ISO
 * 8583:1987 writes it (original MTI, STAN, then MMDDhhmmss, of which the MMDD is the original's
 * field 13), in the batch of the reversal's field 60: a reversal carries its purchase's fields,
 * field 60 with them. Null without field 90.
 */
export function reversedKeyOf(terminalId: string, request: Iso8583Message): string | null {
  const field90 = text(request.fields.get(90))
  if (field90 === null) return null
  return `${terminalId}:${batchOf(request)}:${field90.slice(10, 14)}:${field90.slice(4, 10)}`
}

/** The fields an answer echoes from its request. */
const echoed = [2, 3, 4, 11, 25, 41, 42, 49, 60] as const

export function answerOf(
  request: Iso8583Message,
  code: string,
  time: Fields,
  extra: Fields = new Map(),
): Iso8583Message {
  const fields = new Map<number, FieldValue>(time)
  for (const field of echoed) {
    const value = request.fields.get(field)
    if (value !== undefined) fields.set(field, value)
  }
  for (const [field, value] of extra) fields.set(field, value)
  fields.set(39, code)
  return {
    mti: answerMti(request.mti),
    fields,
    tpdu: swapped(request.tpdu),
    header: request.header,
  }
}

/** 0200 → 0210, 0220 → 0230, 0400 → 0410, 0800 → 0810. */
function answerMti(mti: string): string {
  return `${mti.slice(0, 2)}${String(Number(mti[2] ?? '0') + 1)}${mti.slice(3)}`
}

/** CUP's TPDU answered with its destination and source swapped. */
function swapped(tpdu: Buffer): Buffer {
  if (tpdu.length !== 5) return tpdu
  return Buffer.concat([tpdu.subarray(0, 1), tpdu.subarray(3, 5), tpdu.subarray(1, 3)])
}

/**
 * A format error answered to a request whose type can be read (its first four characters in the
 * ASCII dialect, or its BCD MTI after CUP's TPDU and header); null for anything else.
 */
export function formatAnswer(raw: Buffer, dialect: Dialect): Buffer | null {
  const start = dialect.tpduBytes + dialect.headerBytes
  const mti =
    dialect.mti === 'ascii'
      ? raw.subarray(0, 4).toString('latin1')
      : raw.subarray(start, start + 2).toString('hex')
  if (!isRequestMti(mti)) return null
  const answer: Iso8583Message = {
    mti: answerMti(mti),
    fields: new Map([[39, formatError]]),
    tpdu: swapped(raw.subarray(0, dialect.tpduBytes)),
    header: raw.subarray(dialect.tpduBytes, start),
  }
  return encodeMessage(answer, dialect)
}
