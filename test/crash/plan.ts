/**
 * plan.ts - the crash test's deterministic workload, shared by the child that submits it and the
 * parent that checks the ledger afterwards: payment n always has the key `crash:<n>` and the
 * same command, so a restarted child re-submits exactly what the killed one did.
 *
 * The world is sized so that every payment of the plan succeeds whatever the order (no limit,
 * floor or cap is ever reached): the only way for balances to be off is a payment lost or applied
 * twice.
 */
import type { Command, PinCheck } from '../../src/core/index.js'
import type { WorldSpec } from '../../src/world/world.js'

export const crashPayers = [
  '8613000000001',
  '8613000000002',
  '8613000000003',
  '8613000000004',
  '8613000000005',
  '8613000000006',
] as const

export const crashWorld: WorldSpec = {
  subscribers: crashPayers.map((msisdn, index) => ({
    msisdn,
    name: `Crash Payer ${index + 1}`,
    pin: '2468',
    language: 'en' as const,
    phoneBill: { balance: '50.00', creditLimit: '100.00' },
    wallet: '8000.00',
    card: null,
  })),
  merchants: [
    { code: '1001', name: 'Ringtone Store', category: 'merchant' },
    { code: '1002', name: 'Cinema Tickets', category: 'merchant' },
    { code: '2001', name: 'City Water', category: 'biller' },
  ],
  orders: [],
}

export interface PlannedPayment {
  readonly key: string
  readonly command: Command
  readonly pin: PinCheck
  readonly payer: string
  /** The account the money leaves and, for a send, the wallet it reaches. */
  readonly from: 'wallet' | 'phone_bill'
  readonly amountMinor: bigint
  readonly payeeWallet: string | null
}

export function plannedPayment(n: number): PlannedPayment {
  // Each payer makes all three kinds of payment in turn.
  const payer = crashPayers[Math.floor(n / 3) % crashPayers.length] ?? crashPayers[0]
  const key = `crash:${n}`
  switch (n % 3) {
    case 0: {
      // A merchant payment from the wallet, with fee legs (1.00% of 1.00 to 2.00).
      const amountMinor = 100n + BigInt(n % 101)
      return {
        key,
        payer,
        from: 'wallet',
        amountMinor,
        payeeWallet: null,
        pin: 'match',
        command: {
          kind: 'pay_merchant',
          msisdn: payer,
          merchantCode: n % 2 === 0 ? '1001' : '1002',
          amountMinor,
          funding: 'wallet',
          authorize: true,
        },
      }
    }
    case 1: {
      // Wallet to wallet.
      const payee = crashPayers[(Math.floor(n / 3) + 1) % crashPayers.length] ?? crashPayers[1]
      const amountMinor = 100n + BigInt(n % 53)
      return {
        key,
        payer,
        from: 'wallet',
        amountMinor,
        payeeWallet: payee,
        pin: 'match',
        command: {
          kind: 'send_money',
          msisdn: payer,
          payeeMsisdn: payee,
          amountMinor,
          authorize: true,
        },
      }
    }
    default: {
      // A bill on the phone bill, confirmed by the SIM alone.
      const amountMinor = 1n + BigInt(n % 9)
      return {
        key,
        payer,
        from: 'phone_bill',
        amountMinor,
        payeeWallet: null,
        pin: 'absent',
        command: {
          kind: 'pay_bill',
          msisdn: payer,
          billerCode: '2001',
          customerRef: `HOUSE-${n % 17}`,
          amountMinor,
          funding: 'phone_bill',
          authorize: true,
        },
      }
    }
  }
}

/** Fixed clock of every crash run: all payments fall on one local day. */
export const crashNowMs = Date.UTC(2026, 10, 21, 2, 0, 0)
