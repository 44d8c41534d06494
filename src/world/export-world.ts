/**
 * export-world.ts - the world a ledger holds, written as a world file (docs/world.md) that
 * `telepay world load` or `world: <file>` takes back: balances as they are now, PINs and API keys
 * as their hashes (telepay never keeps them in clear), open orders only. Exports worldFileOf.
 */
import { formatAmount } from '../core/index.js'
import { yamlPackage } from '../gateway/yaml-text.js'
import type { WorldRows } from '../ledger/world-rows.js'

/** The file's text: YAML with a header saying what it is, the rows in a stable order. */
export async function worldFileOf(
  rows: WorldRows,
  bankBalanceOf: (token: string) => Promise<bigint | null>,
  exportedAt: string,
): Promise<string> {
  // Loaded here, not with the module: the gateway imports this file, and starts without yaml.
  const { stringify } = yamlPackage()
  const subscribers = []
  for (const row of rows.subscribers) {
    const bankBalance = row.card === null ? null : await bankBalanceOf(row.card.token)
    subscribers.push({
      msisdn: row.msisdn,
      name: row.name,
      pinHash: row.pinHash,
      language: row.language,
      phoneBill: {
        balance: formatAmount(row.phoneBillMinor),
        creditLimit: formatAmount(row.creditLimitMinor),
      },
      wallet: formatAmount(row.walletMinor),
      card:
        row.card === null
          ? null
          : {
              bank: row.card.bank,
              last4: row.card.last4,
              bankBalance: formatAmount(bankBalance ?? 0n),
            },
    })
  }
  const merchants = rows.merchants.map((row) => {
    const { feeFixedMinor = 0n, feeMinMinor = 0n, feeMaxMinor = null } = row
    return {
      code: row.code,
      name: row.name,
      category: row.category,
      ...(row.settlementBank === null ? {} : { settlementBank: row.settlementBank }),
      ...(row.feeBasisPoints === null ? {} : { feeBasisPoints: Number(row.feeBasisPoints) }),
      ...(feeFixedMinor === 0n ? {} : { feeFixed: formatAmount(feeFixedMinor) }),
      ...(feeMinMinor === 0n ? {} : { feeMin: formatAmount(feeMinMinor) }),
      ...(feeMaxMinor === null ? {} : { feeMax: formatAmount(feeMaxMinor) }),
      apiKeySha256: row.apiKeySha256,
      webhookSecret: row.webhookSecret,
    }
  })
  const orders = rows.orders.map((row) => ({
    orderNo: row.orderNo,
    merchantCode: row.merchantCode,
    amount: formatAmount(row.amountMinor),
    reference: row.reference,
    description: row.description,
  }))
  const header =
    `# A telepay world exported at ${exportedAt}: balances as they were then, PINs and API keys\n` +
    '# as their hashes, open orders only. Load it with `telepay world load` or `world: <file>`.\n'
  return header + stringify({ subscribers, merchants, orders }, { lineWidth: 0 })
}
