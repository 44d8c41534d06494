/**
 * load-world.ts - loads a world into a running gateway's ledger, beside what it holds: what is
 * new is added (subscribers registered by the operator, their balances credited as top-ups from
 * the funding account, their credit and card set; merchants opened; orders created under their
 * numbers) and what exists is left as it is and counted. Every step is a core command with a key
 * made of the world's own hash, so a load that stopped half-way and is run again finishes without
 * crediting anything twice (within the idempotency window, operating.idempotencyKeepMs). Used
 * by POST /admin/api/world (`telepay world load`) and by SIGHUP with a world file. Exports
 * loadWorld, WorldLoadPorts, WorldLoadReport.
 */
import { createHash } from 'node:crypto'
import type { CardOpening } from '../bank/gateway-bank.js'
import type { Command, CommandResult } from '../core/index.js'
import { formatAmount } from '../core/index.js'
import type { WorldSpec, WorldSubscriber } from './world.js'
import { prepareWorld } from './world.js'

export interface WorldLoadPorts {
  /** Runs one command as the operator (the admin channel), with its key. */
  execute(request: { key: string; command: Command; newPinHash?: string }): Promise<CommandResult>
  hashPin(pin: string): Promise<string>
  /** Whether a command ran under this key before (an earlier, interrupted load of the world). */
  ranBefore(key: string): Promise<boolean>
  subscriberExists(msisdn: string): Promise<boolean>
  merchantExists(code: string): Promise<boolean>
  orderExists(orderNo: string): Promise<boolean>
  openCard(card: CardOpening): void
}

export interface WorldLoadReport {
  readonly added: { subscribers: number; merchants: number; orders: number }
  readonly kept: { subscribers: number; merchants: number; orders: number }
  /** One line per step the core refused, naming what and why; the rest went on. */
  readonly refused: string[]
}

/**
 * Subscribers loaded at once: each one's steps run in order, several subscribers side by side so
 * that group commit batches them; bounded so that a large world does not queue every command.
 */
const subscribersInFlightMax = 64

export async function loadWorld(spec: WorldSpec, ports: WorldLoadPorts): Promise<WorldLoadReport> {
  const report: WorldLoadReport = {
    added: { subscribers: 0, merchants: 0, orders: 0 },
    kept: { subscribers: 0, merchants: 0, orders: 0 },
    refused: [],
  }
  const worldHash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16)
  const keyOf = (step: string): string => `world:${worldHash}:${step}`
  const run = async (key: string, command: Command, newPinHash?: string): Promise<boolean> => {
    const result = await ports.execute({
      key: keyOf(key),
      command,
      ...(newPinHash === undefined ? {} : { newPinHash }),
    })
    if (!result.ok) report.refused.push(`${key}: ${result.reason ?? 'refused'}`)
    return result.ok
  }

  // The file's fields in ledger form, as seeding takes them: amounts in fen, each distinct PIN
  // hashed once, the cards' tokens, the merchants' default keys and secrets.
  const world = await prepareWorld(spec, (pin) => ports.hashPin(pin))

  // Merchants first: the world's orders name them.
  for (const merchant of world.merchants) {
    if (await ports.merchantExists(merchant.code)) {
      report.kept.merchants += 1
      continue
    }
    const opened = await run(`merchant:${merchant.code}`, {
      kind: 'open_merchant',
      code: merchant.code,
      name: merchant.name,
      category: merchant.category,
      settlementBank: merchant.settlementBank ?? null,
      feeBasisPoints:
        merchant.feeBasisPoints === undefined ? null : BigInt(merchant.feeBasisPoints),
      feeFixedMinor: merchant.feeFixedMinor ?? 0n,
      feeMinMinor: merchant.feeMinMinor ?? 0n,
      feeMaxMinor: merchant.feeMaxMinor ?? null,
      apiKeySha256:
        merchant.apiKeySha256 ?? createHash('sha256').update(merchant.apiKey).digest('hex'),
      webhookSecret: merchant.webhookSecret,
    })
    if (opened) report.added.merchants += 1
  }

  const loadSubscriber = async (subscriber: WorldSubscriber): Promise<void> => {
    const msisdn = subscriber.msisdn
    // A subscriber this world registered in an earlier run that stopped half-way gets its
    // remaining steps (those that ran answer again and move nothing); one that was there before
    // the world is left alone.
    const again = await ports.ranBefore(keyOf(`subscriber:${msisdn}`))
    if (!again && (await ports.subscriberExists(msisdn))) {
      report.kept.subscribers += 1
      return
    }
    const registered = await run(
      `subscriber:${msisdn}`,
      {
        kind: 'register',
        msisdn,
        name: subscriber.name,
        language: subscriber.language,
        by: 'operator',
      },
      subscriber.pinHash,
    )
    if (!registered) return
    if (again) report.kept.subscribers += 1
    else report.added.subscribers += 1
    for (const [funding, amountMinor] of [
      ['wallet', subscriber.walletMinor],
      ['phone_bill', subscriber.phoneBillMinor],
    ] as const) {
      // Money is only ever credited from outside: a phone bill that owes is not carried over.
      if (amountMinor < 0n)
        report.refused.push(
          `subscriber:${msisdn}:${funding}: owes ${formatAmount(amountMinor)}, not carried over`,
        )
      if (amountMinor > 0n)
        await run(`subscriber:${msisdn}:${funding}`, {
          kind: 'fund_account',
          msisdn,
          funding,
          amountMinor,
          silent: true,
        })
    }
    const { creditLimitMinor, card } = subscriber
    if (creditLimitMinor === 0n && card === null) return
    const changed = await run(`subscriber:${msisdn}:terms`, {
      kind: 'change_subscriber',
      msisdn,
      ...(creditLimitMinor === 0n ? {} : { creditLimitMinor }),
      ...(card === null ? {} : { card: { bank: card.bank, last4: card.last4, token: card.token } }),
    })
    if (changed && card !== null)
      ports.openCard({
        token: card.token,
        bank: card.bank,
        last4: card.last4,
        balanceMinor: card.bankBalanceMinor,
      })
  }
  const queue = [...world.subscribers]
  const workers = Array.from(
    { length: Math.min(subscribersInFlightMax, queue.length) },
    async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift())
        await loadSubscriber(next)
    },
  )
  await Promise.all(workers)

  for (const order of world.orders) {
    if (await ports.orderExists(order.orderNo)) {
      report.kept.orders += 1
      continue
    }
    const created = await run(`order:${order.orderNo}`, {
      kind: 'create_order',
      merchantCode: order.merchantCode,
      amountMinor: order.amountMinor,
      reference: order.reference,
      description: order.description,
      orderNo: order.orderNo,
    })
    if (created) report.added.orders += 1
  }
  return report
}
