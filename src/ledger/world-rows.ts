/**
 * world-rows.ts - the world a ledger holds now, read for `telepay world export`: every
 * subscriber with its PIN hash, balances, credit and card, every merchant with its key's hash,
 * secret and fee rate, and the orders still open. The rows come in one pass per table, ordered,
 * so that an export of the same ledger is the same file. Exports WorldRows and readWorldRows.
 */
import type { Language, MerchantCategory, OperatorCommand } from '../core/index.js'
import type { World } from '../world/world.js'
import type { SqliteDatabase } from './sqlite-open.js'

export interface WorldRows {
  readonly subscribers: readonly {
    readonly msisdn: string
    readonly name: string
    readonly language: Language
    readonly pinHash: string
    readonly walletMinor: bigint
    readonly phoneBillMinor: bigint
    readonly creditLimitMinor: bigint
    readonly card: { readonly bank: string; readonly last4: string; readonly token: string } | null
  }[]
  /** As a merchant is opened (the open_merchant command's fields). */
  readonly merchants: readonly Omit<Extract<OperatorCommand, { kind: 'open_merchant' }>, 'kind'>[]
  /** The open orders, as a world's orders are written. */
  readonly orders: World['orders']
}

interface SubscriberRow {
  msisdn: string
  name: string
  language: string
  pin_hash: string
  wallet: bigint | null
  phone_bill: bigint | null
  floor: bigint | null
  card_bank: string | null
  card_last4: string | null
  card_token: string | null
}

export function readWorldRows(db: SqliteDatabase): WorldRows {
  // One pass over subscribers joined to their three accounts by the (owner, kind) index.
  const subscriberRows = db
    .prepare(
      `SELECT s.msisdn, s.name, s.language, s.pin_hash,
         w.balance_minor AS wallet, p.balance_minor AS phone_bill, p.floor_minor AS floor,
         b.card_bank, b.card_last4, b.card_token
       FROM subscribers s
       LEFT JOIN accounts w ON w.owner = s.msisdn AND w.kind = 'wallet'
       LEFT JOIN accounts p ON p.owner = s.msisdn AND p.kind = 'phone_bill'
       LEFT JOIN accounts b ON b.owner = s.msisdn AND b.kind = 'bank'
       ORDER BY s.msisdn`,
    )
    .all() as SubscriberRow[]
  const subscribers = subscriberRows.map((row) => ({
    msisdn: row.msisdn,
    name: row.name,
    language: (row.language === 'zh' ? 'zh' : 'en') as Language,
    pinHash: row.pin_hash,
    walletMinor: row.wallet ?? 0n,
    phoneBillMinor: row.phone_bill ?? 0n,
    creditLimitMinor: row.floor !== null && row.floor < 0n ? -row.floor : 0n,
    card:
      row.card_token === null
        ? null
        : { bank: row.card_bank ?? '', last4: row.card_last4 ?? '', token: row.card_token },
  }))
  const merchants = (
    db
      .prepare(
        `SELECT code, name, category, settlement_bank, fee_basis_points, fee_fixed_minor,
           fee_min_minor, fee_max_minor, api_key_sha256, webhook_secret
         FROM merchants ORDER BY code`,
      )
      .all() as {
      code: string
      name: string
      category: string
      settlement_bank: string | null
      fee_basis_points: bigint | null
      fee_fixed_minor: bigint
      fee_min_minor: bigint
      fee_max_minor: bigint | null
      api_key_sha256: string
      webhook_secret: string
    }[]
  ).map((row) => ({
    code: row.code,
    name: row.name,
    category: (row.category === 'biller' ? 'biller' : 'merchant') as MerchantCategory,
    settlementBank: row.settlement_bank,
    feeBasisPoints: row.fee_basis_points,
    feeFixedMinor: BigInt(row.fee_fixed_minor),
    feeMinMinor: BigInt(row.fee_min_minor),
    feeMaxMinor: row.fee_max_minor === null ? null : BigInt(row.fee_max_minor),
    apiKeySha256: row.api_key_sha256,
    webhookSecret: row.webhook_secret,
  }))
  const orders = (
    db
      .prepare(
        `SELECT order_no, merchant_code, amount_minor, reference, description
         FROM orders WHERE paid_payment_id IS NULL ORDER BY order_no`,
      )
      .all() as {
      order_no: string
      merchant_code: string
      amount_minor: bigint
      reference: string
      description: string
    }[]
  ).map((row) => ({
    orderNo: row.order_no,
    merchantCode: row.merchant_code,
    amountMinor: row.amount_minor,
    reference: row.reference,
    description: row.description,
  }))
  return { subscribers, merchants, orders }
}
