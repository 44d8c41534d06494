/**
 * ledger.ts - `telepay ledger check`: opens the ledger database (read alongside a running
 * gateway is safe: WAL) and reports whether every transfer sums to zero, every balance equals
 * its entries and every card reservation matches its payments. Exits 1 when it is not balanced.
 * The check reads the history written since the last check (its state beside the ledger);
 * --full reads it all again.
 */
import { existsSync } from 'node:fs'
import type { Config } from '../../config.js'
import { ConfigError, loadConfig } from '../../config.js'
import { formatAmount } from '../../core/index.js'
import { checkJson } from '../../http/check-json.js'
import { SqliteLedger } from '../../ledger/sqlite-ledger.js'
import type { ParsedArgs } from './args.js'
import { parseOptions } from './args.js'
import { optionsHelp } from './options-help.js'

/** How often a long check prints how far it is. */
const progressEveryMs = 1_000

export async function runLedger(args: string[]): Promise<number> {
  let parsed: ParsedArgs
  try {
    parsed = parseOptions(args, optionsHelp.ledger)
  } catch (error) {
    process.stderr.write(
      `telepay ledger: ${error instanceof Error ? error.message : String(error)}\n`,
    )
    return 2
  }
  if (parsed.positional[0] !== 'check') {
    process.stderr.write(
      'Usage: telepay ledger check [--data-dir DIR | --file PATH] [--full] [--json]\n',
    )
    return 2
  }
  const dataDir = parsed.options.get('data-dir')
  const file = parsed.options.get('file')
  let config: Config
  try {
    config = loadConfig({ overrides: typeof dataDir === 'string' ? { dataDir } : {} })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`telepay ledger: ${error.message}\n`)
    return 2
  }
  const path = typeof file === 'string' ? file : config.ledgerFile
  if (!existsSync(path)) {
    process.stderr.write(
      `telepay ledger: no ledger at ${path} (start the gateway once, or pass --file)\n`,
    )
    return 2
  }
  let ledger: SqliteLedger
  try {
    ledger = new SqliteLedger(path, config.limits)
  } catch (error) {
    // Exit 1 means "not balanced": a file that cannot be read as a ledger is a usage error.
    process.stderr.write(
      `telepay ledger: cannot open ${path} as a ledger: ` +
        `${error instanceof Error ? error.message : String(error)}\n`,
    )
    return 2
  }
  try {
    const startedMs = Date.now()
    let shownMs = startedMs
    const check = await checkOrExplain(ledger, {
      mode: parsed.options.get('full') === true ? 'full' : 'incremental',
      // A long check (the first one, or --full, on years of payments) says how far it is.
      progress: ({ doneTransfers, totalTransfers }) => {
        if (Date.now() - shownMs < progressEveryMs) return
        shownMs = Date.now()
        const percent = Math.floor((100 * doneTransfers) / Math.max(1, totalTransfers))
        process.stderr.write(
          `checking: ${doneTransfers.toLocaleString('en')} of ` +
            `${totalTransfers.toLocaleString('en')} transfers (${percent} %)\n`,
        )
      },
    })
    if (check === null) return 2
    if (parsed.options.get('json') === true) {
      process.stdout.write(`${JSON.stringify(checkJson(check), null, 2)}\n`)
    } else {
      process.stdout.write(
        `${check.balanced ? 'balanced' : 'NOT BALANCED'}: ${check.transfers} transfers, ` +
          `${check.entries} entries, ${check.accounts} accounts, ` +
          `total ${formatAmount(check.totalMinor)} (${path})\n` +
          `  ${check.mode} check: read ${check.readTransfers} transfers, history checked ` +
          `through transfer ${check.throughTransferId}, ${Date.now() - startedMs} ms\n`,
      )
      if (check.orphanTransfers > 0)
        process.stdout.write(`  ${check.orphanTransfers} transfers have no entries\n`)
      for (const row of check.unbalancedTransfers)
        process.stdout.write(`  transfer ${row.transferId} sums to ${formatAmount(row.sumMinor)}\n`)
      for (const row of check.driftedAccounts)
        process.stdout.write(
          `  account ${row.accountId} balance ${formatAmount(row.balanceMinor)} but entries ` +
            `${formatAmount(row.entriesMinor)}\n`,
        )
      for (const row of check.reservationMismatches)
        process.stdout.write(
          `  account ${row.accountId} reserved ${formatAmount(row.reservedMinor)} but ` +
            `authorized payments ${formatAmount(row.authorizedMinor)}\n`,
        )
    }
    return check.balanced ? 0 : 1
  } finally {
    await ledger.close()
  }
}

/**
 * The check, or null after saying why it could not run (the file locked past the busy timeout,
 * a disk error): exit 1 is kept for "not balanced", so a check that did not run is exit 2.
 */
async function checkOrExplain(
  ledger: SqliteLedger,
  options: Parameters<SqliteLedger['check']>[0],
): Promise<Awaited<ReturnType<SqliteLedger['check']>> | null> {
  try {
    return await ledger.check(options)
  } catch (error) {
    process.stderr.write(
      `telepay ledger: the check could not run: ${
        error instanceof Error ? error.message : String(error)
      }\n`,
    )
    return null
  }
}
