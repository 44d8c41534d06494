/**
 * money-check.ts - after the run, did every PAY/YES move money exactly once? The gateway's
 * ledger check (every transfer sums to zero, every balance equals its entries), then, per
 * subscriber, the phone bill and the wallet moved by exactly the payments whose YES was answered
 * "Paid", and the completed payments in the database are exactly those acknowledged.
 * Exports checkMoney and MoneyCheck.
 */
import type { Gateway } from '../../../gateway.js'
import { benchMsisdn } from '../bench-world.js'
import type { AckedPayment } from './load.js'
import { openingPhoneBillMinor, openingWalletMinor } from './world.js'

export interface MoneyCheck {
  readonly ledgerBalanced: boolean
  readonly ledgerTransfers: number
  /** YES answered "Paid", warm-up included. */
  readonly paymentsAcked: number
  readonly paymentsCompletedInDb: number
  readonly phoneBillAckedMinor: bigint
  readonly phoneBillMovedMinor: bigint
  readonly walletAckedMinor: bigint
  readonly walletMovedMinor: bigint
  /** Subscribers whose phone bill or wallet moved by other than their acknowledged payments. */
  readonly subscribersMismatched: number
  /** Every acknowledged payment moved its money once, and nothing else moved. */
  readonly exactlyOnce: boolean
}

export async function checkMoney(
  gateway: Gateway,
  subscribers: number,
  acked: ReadonlyMap<string, AckedPayment>,
): Promise<MoneyCheck> {
  const ledger = await gateway.ledger.check()
  const totals = {
    paymentsAcked: 0,
    phoneBillAckedMinor: 0n,
    phoneBillMovedMinor: 0n,
    walletAckedMinor: 0n,
    walletMovedMinor: 0n,
    mismatched: 0,
  }
  for (let index = 0; index < subscribers; index += 1) {
    const msisdn = benchMsisdn(index)
    const detail = await gateway.ledger.subscriber(msisdn)
    const balanceOf = (kind: 'phone_bill' | 'wallet'): bigint | null =>
      detail?.accounts.find((account) => account.kind === kind)?.balanceMinor ?? null
    const phoneBill = balanceOf('phone_bill')
    const wallet = balanceOf('wallet')
    const mine = acked.get(msisdn) ?? { phoneBillMinor: 0n, walletMinor: 0n, payments: 0 }
    totals.paymentsAcked += mine.payments
    totals.phoneBillAckedMinor += mine.phoneBillMinor
    totals.walletAckedMinor += mine.walletMinor
    if (phoneBill === null || wallet === null) {
      totals.mismatched += 1
      continue
    }
    const phoneBillMoved = openingPhoneBillMinor - phoneBill
    const walletMoved = openingWalletMinor - wallet
    totals.phoneBillMovedMinor += phoneBillMoved
    totals.walletMovedMinor += walletMoved
    if (phoneBillMoved !== mine.phoneBillMinor || walletMoved !== mine.walletMinor)
      totals.mismatched += 1
  }
  const completed = gateway.ledger.db
    .prepare("SELECT COUNT(*) AS n FROM payments WHERE state = 'completed'")
    .get() as { n: number | bigint }
  const paymentsCompletedInDb = Number(completed.n)
  return {
    ledgerBalanced: ledger.balanced,
    ledgerTransfers: ledger.transfers,
    paymentsAcked: totals.paymentsAcked,
    paymentsCompletedInDb,
    phoneBillAckedMinor: totals.phoneBillAckedMinor,
    phoneBillMovedMinor: totals.phoneBillMovedMinor,
    walletAckedMinor: totals.walletAckedMinor,
    walletMovedMinor: totals.walletMovedMinor,
    subscribersMismatched: totals.mismatched,
    exactlyOnce:
      ledger.balanced && totals.mismatched === 0 && paymentsCompletedInDb === totals.paymentsAcked,
  }
}
