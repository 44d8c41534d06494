/**
 * stored-result.ts - the idempotency log's record of a command's first answer, and its replay.
 * A payment's columns other than the ones its upsert may change (state, fee, refunds, reason,
 * transfer reference, updated and expiry times) never change once the row is inserted, so a
 * result whose payment is a row written by the same command keeps only the changing fields and
 * refers to the row (command_log.payment_seq); a replay rebuilds exactly the first answer.
 * Exports encodeStoredResult, parseStoredResult, isReferable, sameFixedFields, StoredResult.
 *
 * Formats of command_log.result:
 * - since migration 7, an array:
 *   [ok, reason, message key, message params, language, reference, payment, bankStep, data]
 *   where payment is null, the changing fields [state, fee, refunded, reason, transferRef,
 *   updatedMs, expiresMs] (fee and refunded as decimal strings) when payment_seq names the row,
 *   or {"$row": [...]} (every column) for a payment that is not a row written by the command;
 * - before it, an object with the payment as {"$row": [...]} (still read).
 */
import type { CommandResult, Payment, Write } from '../core/index.js'
import { decodeJson, encodeJson } from './codec.js'
import { paymentColumns, paymentOfRow, paymentParams, seqOfPaymentId } from './rows.js'

/** The text for the log and the payment row it refers to (null: none, the text is complete). */
export interface StoredResult {
  readonly text: string
  readonly paymentSeq: number | null
}

type ChangingFields = [
  state: Payment['state'],
  fee: string,
  refunded: string,
  reason: Payment['reason'],
  transferRef: string | null,
  updatedMs: number,
  expiresMs: number,
  /** How long the trail was: later steps (a refund, a delivery) are not part of this answer. */
  trailSteps?: number,
]

interface FullRow {
  readonly $row: readonly unknown[]
}

type StoredArray = [
  ok: boolean,
  reason: CommandResult['reason'],
  key: CommandResult['message']['key'],
  params: CommandResult['message']['params'],
  language: CommandResult['language'],
  reference: string | null,
  payment: ChangingFields | FullRow | null,
  bankStep: CommandResult['bankStep'],
  data: CommandResult['data'],
]

/**
 * `referable`: the result's payment is a row this very command writes (so it exists once the
 * batch commits, with these fixed fields). Otherwise the whole snapshot is kept.
 */
export function encodeStoredResult(result: CommandResult, referable: boolean): StoredResult {
  const payment = result.payment
  const paymentSeq = payment !== null && referable ? seqOfPaymentId(payment.id) : null
  const stored: StoredArray = [
    result.ok,
    result.reason,
    result.message.key,
    result.message.params,
    result.language,
    result.reference,
    payment === null ? null : paymentSeq !== null ? changingFields(payment) : fullRow(payment),
    result.bankStep,
    result.data,
  ]
  // Most results carry no bigint outside the payment: they skip encodeJson's replacer, which
  // costs a payment about 2 µs. The text is the same either way.
  const text =
    result.data === null && result.bankStep === null ? JSON.stringify(stored) : encodeJson(stored)
  return { text, paymentSeq }
}

function changingFields(payment: Payment): ChangingFields {
  return [
    payment.state,
    payment.feeMinor.toString(),
    payment.refundedMinor.toString(),
    payment.reason,
    payment.transferRef,
    payment.updatedMs,
    payment.expiresMs,
    payment.trail.length,
  ]
}

function fullRow(payment: Payment): FullRow {
  return {
    $row: paymentParams(payment).map((value) =>
      typeof value === 'bigint' ? { $bigint: value.toString() } : value,
    ),
  }
}

/**
 * The first answer again. `referenced` is the current payment row named by payment_seq (null
 * when the record names none): its fixed fields are the snapshot's, the changing ones come from
 * the record.
 */
export function parseStoredResult(text: string, referenced: Payment | null): CommandResult {
  if (!text.startsWith('[')) return parseObjectFormat(text)
  const [ok, reason, key, params, language, reference, stored, bankStep, data] =
    decodeJson<StoredArray>(text)
  let payment: Payment | null = null
  if (Array.isArray(stored)) {
    if (referenced === null)
      throw new Error('stored result refers to a payment row that does not exist')
    const [state, fee, refunded, paymentReason, transferRef, updatedMs, expiresMs, trailSteps] =
      stored
    payment = {
      ...referenced,
      state,
      feeMinor: BigInt(fee),
      refundedMinor: BigInt(refunded),
      reason: paymentReason,
      transferRef,
      updatedMs,
      expiresMs,
      trail: trailSteps === undefined ? referenced.trail : referenced.trail.slice(0, trailSteps),
    }
  } else if (stored !== null) {
    payment = paymentOfFullRow(stored)
  }
  return { ok, reason, message: { key, params }, language, reference, payment, bankStep, data }
}

/** Results logged before migration 7: an object, the payment as a row of values. */
function parseObjectFormat(text: string): CommandResult {
  const stored = decodeJson<Omit<CommandResult, 'payment'> & { readonly payment: FullRow | null }>(
    text,
  )
  return { ...stored, payment: stored.payment === null ? null : paymentOfFullRow(stored.payment) }
}

function paymentOfFullRow(stored: FullRow): Payment {
  const values = stored.$row
  return paymentOfRow(
    Object.fromEntries(paymentColumns.map((column, index) => [column, values[index] ?? null])),
  )
}

/**
 * Whether two versions of a payment agree on every field its row never changes: the reference
 * format relies on it, so a write that changed one would be a programmer error.
 */
export function sameFixedFields(a: Payment, b: Payment): boolean {
  return (
    a.id === b.id &&
    a.kind === b.kind &&
    a.initiator === b.initiator &&
    a.channel === b.channel &&
    a.payerMsisdn === b.payerMsisdn &&
    a.funding === b.funding &&
    a.merchantCode === b.merchantCode &&
    a.payeeMsisdn === b.payeeMsisdn &&
    a.orderNo === b.orderNo &&
    a.customerRef === b.customerRef &&
    a.amountMinor === b.amountMinor &&
    a.merchantReference === b.merchantReference &&
    a.description === b.description &&
    a.callbackUrl === b.callbackUrl &&
    a.createdMs === b.createdMs
  )
}

/**
 * Whether `payment` is written by the same decision (the payment write holding this very object).
 */
export function isReferable(payment: Payment | null, writes: readonly Write[]): boolean {
  if (payment === null) return false
  for (const write of writes) if (write.kind === 'payment' && write.payment === payment) return true
  return false
}
