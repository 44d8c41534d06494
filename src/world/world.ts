/**
 * world.ts - the shape of a fixture world: subscribers with their accounts and PINs, merchants
 * with their API keys, open orders. Written by people (amounts as "50.00", PINs in clear), then
 * prepared for the ledger (fen as bigint, PINs as scrypt hashes).
 */
import type { Language, MerchantCategory } from '../core/index.js'
import { normalizeMsisdn, parseAmount } from '../core/index.js'

export interface WorldSpec {
  readonly subscribers: readonly {
    readonly msisdn: string
    readonly name: string
    /** The PIN in clear (a fixture), or null when `pinHash` holds its hash (an export). */
    readonly pin: string | null
    readonly pinHash?: string
    readonly language: Language
    readonly phoneBill: { readonly balance: string; readonly creditLimit: string }
    readonly wallet: string
    readonly card: {
      readonly bank: string
      readonly last4: string
      readonly bankBalance: string
    } | null
  }[]
  readonly merchants: readonly {
    readonly code: string
    readonly name: string
    readonly category: MerchantCategory
    /** The bank it settles with, named as cards name theirs ("ICBC"); absent: none known. */
    readonly settlementBank?: string
    /** Its merchant API key; absent: `test_key_<code>`. */
    readonly apiKey?: string
    /** Instead of the key, its SHA-256 (an export: telepay keeps only the hash). */
    readonly apiKeySha256?: string
    /** The secret its webhooks are signed with; absent: `test_secret_<code>`. */
    readonly webhookSecret?: string
    /** Its own fee rate; absent: the platform's (limits.merchantFeeBasisPoints). */
    readonly feeBasisPoints?: number
    /** The rest of its fee rule, amounts as written ("0.10"); absent: none (no cap). */
    readonly feeFixed?: string
    readonly feeMin?: string
    readonly feeMax?: string
  }[]
  readonly orders: readonly {
    readonly orderNo: string
    readonly merchantCode: string
    readonly amount: string
    readonly reference: string
    readonly description: string
  }[]
}

export interface WorldSubscriber {
  readonly msisdn: string
  readonly name: string
  readonly pinHash: string
  readonly language: Language
  readonly phoneBillMinor: bigint
  readonly creditLimitMinor: bigint
  readonly walletMinor: bigint
  readonly card: {
    readonly bank: string
    readonly last4: string
    readonly token: string
    readonly bankBalanceMinor: bigint
  } | null
}

export interface World {
  readonly subscribers: readonly WorldSubscriber[]
  readonly merchants: readonly {
    readonly code: string
    readonly name: string
    readonly category: MerchantCategory
    /** The key in clear; '' when the world gave only its hash. */
    readonly apiKey: string
    readonly apiKeySha256?: string
    readonly webhookSecret: string
    readonly settlementBank?: string
    readonly feeBasisPoints?: number
    readonly feeFixedMinor?: bigint
    readonly feeMinMinor?: bigint
    readonly feeMaxMinor?: bigint
  }[]
  readonly orders: readonly {
    readonly orderNo: string
    readonly merchantCode: string
    readonly amountMinor: bigint
    readonly reference: string
    readonly description: string
  }[]
}

/** An amount as a world file writes it ("50.00"), in fen; throws naming `where`. */
export function amountOf(text: string, where: string): bigint {
  if (text.startsWith('-')) return -amountOf(text.slice(1), where)
  if (/^0+(\.0{1,2})?$/.test(text.trim())) return 0n
  const parsed = parseAmount(text)
  if (!parsed.ok) throw new Error(`world: ${where}: "${text}" is not an amount (${parsed.reason})`)
  return parsed.minor
}

/** The card token the simulated bank knows a fixture card by. */
export function cardTokenOf(msisdn: string, bank: string, last4: string): string {
  return `tok_${bank.toLowerCase()}_${last4}_${msisdn.slice(-4)}`
}

/** Turns a written world into ledger form; hashPin is asked once per distinct PIN. */
export async function prepareWorld(
  spec: WorldSpec,
  hashPin: (pin: string) => Promise<string>,
): Promise<World> {
  const hashes = new Map<string, string>()
  for (const { pin } of spec.subscribers) {
    if (pin !== null && !hashes.has(pin)) hashes.set(pin, await hashPin(pin))
  }
  const subscribers = spec.subscribers.map((subscriber): WorldSubscriber => {
    const msisdn = normalizeMsisdn(subscriber.msisdn)
    if (msisdn === null) throw new Error(`world: subscriber ${subscriber.msisdn}: not an MSISDN`)
    const where = `subscriber ${msisdn}`
    return {
      msisdn,
      name: subscriber.name,
      pinHash:
        subscriber.pin === null ? (subscriber.pinHash ?? '') : (hashes.get(subscriber.pin) ?? ''),
      language: subscriber.language,
      phoneBillMinor: amountOf(subscriber.phoneBill.balance, `${where} phone bill`),
      creditLimitMinor: amountOf(subscriber.phoneBill.creditLimit, `${where} credit limit`),
      walletMinor: amountOf(subscriber.wallet, `${where} wallet`),
      card:
        subscriber.card === null
          ? null
          : {
              bank: subscriber.card.bank,
              last4: subscriber.card.last4,
              token: cardTokenOf(msisdn, subscriber.card.bank, subscriber.card.last4),
              bankBalanceMinor: amountOf(subscriber.card.bankBalance, `${where} bank balance`),
            },
    }
  })
  const merchants = spec.merchants.map(({ feeFixed, feeMin, feeMax, ...merchant }) => {
    const where = `merchant ${merchant.code}`
    return {
      ...merchant,
      apiKey:
        merchant.apiKey ?? (merchant.apiKeySha256 === undefined ? `test_key_${merchant.code}` : ''),
      webhookSecret: merchant.webhookSecret ?? `test_secret_${merchant.code}`,
      ...(feeFixed === undefined ? {} : { feeFixedMinor: amountOf(feeFixed, `${where} feeFixed`) }),
      ...(feeMin === undefined ? {} : { feeMinMinor: amountOf(feeMin, `${where} feeMin`) }),
      ...(feeMax === undefined ? {} : { feeMaxMinor: amountOf(feeMax, `${where} feeMax`) }),
    }
  })
  const orders = spec.orders.map((order) => ({
    orderNo: order.orderNo,
    merchantCode: order.merchantCode,
    amountMinor: amountOf(order.amount, `order ${order.orderNo}`),
    reference: order.reference,
    description: order.description,
  }))
  return { subscribers, merchants, orders }
}
