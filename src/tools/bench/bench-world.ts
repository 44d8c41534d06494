/**
 * bench-world.ts - the benchmark's world and workload: many subscribers sharing one PIN hash,
 * the default merchants, and a shuffled pool of authorized merchant payments (half phone-bill
 * micro-payments, which the SIM authorizes without a PIN, half wallet payments whose PIN was
 * already checked). Exports buildBenchWorld, buildPaymentPool, seedDatabase.
 */
import { createHash, scryptSync } from 'node:crypto'
import type { Command, Envelope, FundingKind, PinCheck } from '../../core/index.js'
import { defaultLimits } from '../../core/index.js'
import { encodeJson } from '../../ledger/codec.js'
import { SqliteLedger } from '../../ledger/sqlite-ledger.js'
import type { World, WorldSpec } from '../../world/world.js'
import { prepareWorld } from '../../world/world.js'
import { defaultWorld } from '../world/default-world.js'

/** Merchants that sell (not billers): every payment of the pool goes to one of them. */
export const benchMerchantCodes: readonly string[] = ['1001', '1002', '3001']

export interface PoolPayment {
  readonly command: Extract<Command, { kind: 'pay_merchant' }>
  /** sha256 of the command, as the channel edge computes it before the core runs. */
  readonly commandHash: string
  readonly pin: PinCheck
}

/**
 * A world of `subscriberCount` subscribers and the default merchants. Every subscriber has the
 * same PIN hash: one scrypt hash is computed and reused, since hashing 10,000 PINs would take
 * minutes and PIN verification happens before the core (it is not part of what is measured).
 */
export async function buildBenchWorld(subscriberCount: number): Promise<World> {
  const pinHash = oneScryptHash()
  const spec: WorldSpec = {
    subscribers: Array.from({ length: subscriberCount }, (_, index) => ({
      msisdn: benchMsisdn(index),
      name: `Bench Subscriber ${index}`,
      pin: '1234',
      language: index % 2 === 0 ? 'en' : 'zh',
      phoneBill: { balance: '100.00', creditLimit: '500.00' },
      wallet: '5000.00',
      card: null,
    })),
    merchants: defaultWorld.merchants,
    orders: [],
  }
  return prepareWorld(spec, () => Promise.resolve(pinHash))
}

export function benchMsisdn(index: number): string {
  return `86137${String(index).padStart(8, '0')}`
}

function oneScryptHash(): string {
  const salt = Buffer.from('telepay-bench-salt')
  const key = scryptSync('1234', salt, 32, { N: 16_384, r: 8, p: 1 })
  return `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}`
}

/**
 * Two commands per subscriber, one per funding kind, in a seeded random order. Amounts are
 * small enough that no payment of a run of minutes meets a limit or runs out of money, so every
 * payment completes and the figures count completed payments only.
 */
export function buildPaymentPool(subscriberCount: number, seed: number): PoolPayment[] {
  const random = seededRandom(seed)
  const pool: PoolPayment[] = []
  for (let index = 0; index < subscriberCount; index += 1) {
    for (const funding of ['phone_bill', 'wallet'] as const satisfies readonly FundingKind[]) {
      const amountMinor =
        funding === 'phone_bill'
          ? BigInt(10 + Math.floor(random() * 191))
          : BigInt(50 + Math.floor(random() * 951))
      const merchantCode =
        benchMerchantCodes[Math.floor(random() * benchMerchantCodes.length)] ?? '1001'
      const command = {
        kind: 'pay_merchant',
        msisdn: benchMsisdn(index),
        merchantCode,
        amountMinor,
        funding,
        authorize: true,
      } as const
      pool.push({
        command,
        commandHash: commandHashOf(command),
        pin: funding === 'wallet' ? 'match' : 'absent',
      })
    }
  }
  for (let index = pool.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1))
    const item = pool[index] as PoolPayment
    pool[index] = pool[other] as PoolPayment
    pool[other] = item
  }
  return pool
}

export function commandHashOf(command: Command): string {
  return createHash('sha256').update(encodeJson(command)).digest('hex')
}

/** The envelope a channel hands the core for the pool's payment number `index`. */
export function envelopeOf(
  pool: readonly PoolPayment[],
  index: number,
  keyPrefix: string,
  nowMs: number,
): Envelope {
  const payment = pool[index % pool.length] as PoolPayment
  return {
    key: `${keyPrefix}:${index}`,
    commandHash: payment.commandHash,
    channel: 'bench',
    nowMs,
    pin: payment.pin,
    newPinHash: null,
    command: payment.command,
  }
}

/** Creates a ledger file holding the world, checkpointed, and closes it: every run starts alike. */
export async function seedDatabase(path: string, world: World, nowMs: number): Promise<void> {
  const ledger = new SqliteLedger(path, defaultLimits)
  await ledger.seedWorld(world, nowMs)
  ledger.db.pragma('wal_checkpoint(TRUNCATE)')
  await ledger.close()
}

/** mulberry32: a small deterministic generator, so every run pays, sends and walks the same. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}
