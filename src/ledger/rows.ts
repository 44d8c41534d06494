/**
 * rows.ts - mapping between SQLite rows (safe integers: INTEGER comes back as bigint) and the
 * core's entities. Nothing here decides anything.
 */
import type { Account, Merchant, Order, Payment, Subscriber } from '../core/index.js'
import { decodeTrail, encodeTrail } from './trail-codec.js'

export type Row = Record<string, unknown>

const text = (value: unknown): string => String(value)
const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value)
const big = (value: unknown): bigint =>
  typeof value === 'bigint' ? value : BigInt(value as number)
const bigOrNull = (value: unknown): bigint | null =>
  value === null || value === undefined ? null : big(value)
const num = (value: unknown): number => Number(value)

export function subscriberOfRow(row: Row): Subscriber {
  return {
    msisdn: text(row['msisdn']),
    name: text(row['name']),
    language: row['language'] === 'zh' ? 'zh' : 'en',
    pinHash: text(row['pin_hash']),
    pinFailures: num(row['pin_failures']),
    lockedUntilMs: num(row['locked_until_ms']),
    pendingPaymentId: textOrNull(row['pending_payment_id']),
  }
}

export function subscriberParams(subscriber: Subscriber): unknown[] {
  return [
    subscriber.msisdn,
    subscriber.name,
    subscriber.language,
    subscriber.pinHash,
    subscriber.pinFailures,
    subscriber.lockedUntilMs,
    subscriber.pendingPaymentId,
  ]
}

export function accountOfRow(row: Row): Account {
  const token = textOrNull(row['card_token'])
  return {
    id: num(row['id']),
    kind: text(row['kind']) as Account['kind'],
    owner: text(row['owner']),
    balanceMinor: big(row['balance_minor']),
    reservedMinor: big(row['reserved_minor']),
    floorMinor: bigOrNull(row['floor_minor']),
    capMinor: bigOrNull(row['cap_minor']),
    card:
      token === null
        ? null
        : { bank: text(row['card_bank']), last4: text(row['card_last4']), token },
    outgoingDay: num(row['outgoing_day']),
    outgoingMinor: big(row['outgoing_minor']),
    recentPaymentIds: recentOfColumn(row['recent_payments']),
  }
}

export function accountParams(account: Account): unknown[] {
  return [
    account.id,
    account.kind,
    account.owner,
    account.balanceMinor,
    account.reservedMinor,
    account.floorMinor,
    account.capMinor,
    account.card?.bank ?? null,
    account.card?.last4 ?? null,
    account.card?.token ?? null,
    account.outgoingDay,
    account.outgoingMinor,
    account.recentPaymentIds.join(','),
  ]
}

/** The recent-payments column holds payment ids newest first, comma-separated ('' when none). */
function recentOfColumn(value: unknown): readonly string[] {
  return typeof value === 'string' && value !== '' ? value.split(',') : []
}

export function merchantOfRow(row: Row): Merchant {
  return {
    code: text(row['code']),
    name: text(row['name']),
    category: row['category'] === 'biller' ? 'biller' : 'merchant',
    accountId: num(row['account_id']),
    settlementBank: textOrNull(row['settlement_bank']),
    feeBasisPoints: row['fee_basis_points'] == null ? null : big(row['fee_basis_points']),
    feeFixedMinor: row['fee_fixed_minor'] == null ? 0n : big(row['fee_fixed_minor']),
    feeMinMinor: row['fee_min_minor'] == null ? 0n : big(row['fee_min_minor']),
    feeMaxMinor: row['fee_max_minor'] == null ? null : big(row['fee_max_minor']),
  }
}

export function orderOfRow(row: Row): Order {
  return {
    orderNo: text(row['order_no']),
    merchantCode: text(row['merchant_code']),
    amountMinor: big(row['amount_minor']),
    reference: text(row['reference']),
    description: text(row['description']),
    paidPaymentId: textOrNull(row['paid_payment_id']),
    createdMs: num(row['created_ms']),
  }
}

export function orderParams(order: Order): unknown[] {
  return [
    order.orderNo,
    order.merchantCode,
    order.amountMinor,
    order.reference,
    order.description,
    order.paidPaymentId,
    order.createdMs,
  ]
}

/** Payment ids are "P" and the base-36 sequence number, so the row key is recovered from the id. */
export function paymentIdOfSeq(seq: number): string {
  return `P${seq.toString(36).toUpperCase().padStart(7, '0')}`
}

export function seqOfPaymentId(id: string): number | null {
  if (!/^P[0-9A-Z]{7,}$/.test(id)) return null
  const seq = Number.parseInt(id.slice(1), 36)
  return Number.isSafeInteger(seq) ? seq : null
}

/** The id of a transfer from its short reference (view.ts transferRef: T and base 36). */
export function transferIdOfRef(reference: string): number | null {
  if (!/^T[0-9A-Z]{6,}$/.test(reference)) return null
  const id = Number.parseInt(reference.slice(1), 36)
  return Number.isSafeInteger(id) ? id : null
}

export function paymentOfRow(row: Row): Payment {
  const id = text(row['id'])
  const createdMs = num(row['created_ms'])
  return {
    id,
    state: text(row['state']) as Payment['state'],
    kind: text(row['kind']) as Payment['kind'],
    initiator: row['initiator'] === 'merchant' ? 'merchant' : 'payer',
    channel: text(row['channel']),
    payerMsisdn: text(row['payer_msisdn']),
    funding: text(row['funding']) as Payment['funding'],
    merchantCode: textOrNull(row['merchant_code']),
    payeeMsisdn: textOrNull(row['payee_msisdn']),
    orderNo: textOrNull(row['order_no']),
    customerRef: textOrNull(row['customer_ref']),
    amountMinor: big(row['amount_minor']),
    feeMinor: big(row['fee_minor']),
    refundedMinor: big(row['refunded_minor']),
    merchantReference: textOrNull(row['merchant_reference']),
    description: textOrNull(row['description']),
    callbackUrl: textOrNull(row['callback_url']),
    reason: textOrNull(row['reason']) as Payment['reason'],
    transferRef: textOrNull(row['transfer_ref']),
    createdMs,
    updatedMs: num(row['updated_ms']),
    expiresMs: num(row['expires_ms']),
    trail: decodeTrail(textOrNull(row['trail'] ?? null), id, createdMs),
  }
}

/** The payments table's columns, in the order of paymentParams. */
export const paymentColumns = [
  'seq',
  'id',
  'state',
  'kind',
  'initiator',
  'channel',
  'payer_msisdn',
  'funding',
  'merchant_code',
  'payee_msisdn',
  'order_no',
  'customer_ref',
  'amount_minor',
  'fee_minor',
  'refunded_minor',
  'merchant_reference',
  'description',
  'callback_url',
  'reason',
  'transfer_ref',
  'created_ms',
  'updated_ms',
  'expires_ms',
  'trail',
] as const

export function paymentParams(payment: Payment): unknown[] {
  return [
    seqOfPaymentId(payment.id),
    payment.id,
    payment.state,
    payment.kind,
    payment.initiator,
    payment.channel,
    payment.payerMsisdn,
    payment.funding,
    payment.merchantCode,
    payment.payeeMsisdn,
    payment.orderNo,
    payment.customerRef,
    payment.amountMinor,
    payment.feeMinor,
    payment.refundedMinor,
    payment.merchantReference,
    payment.description,
    payment.callbackUrl,
    payment.reason,
    payment.transferRef,
    payment.createdMs,
    payment.updatedMs,
    payment.expiresMs,
    encodeTrail(payment),
  ]
}
