/**
 * reset.ts - `telepay reset [--data-dir DIR] [--yes]`: a fresh database. Deletes the ledger, the
 * simulated bank's file and the channels' working files of a data directory, so that the next
 * `telepay start` loads its world into an empty ledger again. It lists what it deletes and asks
 * on a terminal; a script says `--yes`. A gateway running on the directory is refused (its lock,
 * src/service/data-dir-lock.ts). Exports runReset.
 */
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { ConfigError, loadConfig } from '../../config.js'
import { dataDirHolder, lockFileName } from '../../service/data-dir-lock.js'
import { parseOptions, UsageError } from './args.js'
import { optionsHelp } from './options-help.js'

/**
 * The channels' working files in the data directory (ChannelContext.workingFile), the
 * simulator's RFID-SIM purses and terminal records, and the top-ups on their way to cards over the
 * air (their world is the ledger's).
 */
const workingFiles = [
  'ussd.sqlite',
  'ivr.sqlite',
  'sms.sqlite',
  'wap.sqlite',
  'ivr-prompts',
  'rfid-sim.sqlite',
  'terminals',
  'ota-loads.sqlite',
]

/** A SQLite file's companions in WAL mode. */
const sqliteSuffixes = ['', '-wal', '-shm']

export async function runReset(args: string[]): Promise<number> {
  try {
    const parsed = parseOptions(args, optionsHelp.reset)
    if (parsed.positional.length > 0) throw new UsageError(`unexpected ${parsed.positional[0]}`)
    const dataDir = parsed.options.get('data-dir')
    const config = loadConfig({
      overrides: typeof dataDir === 'string' ? { dataDir } : {},
    })
    const holder = dataDirHolder(config.dataDir)
    if (holder !== null) {
      process.stderr.write(
        `telepay reset: ${config.dataDir} is in use by a running telepay (pid ${holder.pid}): ` +
          'stop it first\n',
      )
      return 1
    }
    const targets = [
      ...[config.ledgerFile, config.bankFile].flatMap((file) =>
        sqliteSuffixes.map((suffix) => `${file}${suffix}`),
      ),
      ...workingFiles.flatMap((name) =>
        name.endsWith('.sqlite')
          ? sqliteSuffixes.map((suffix) => join(config.dataDir, `${name}${suffix}`))
          : [join(config.dataDir, name)],
      ),
      join(config.dataDir, lockFileName),
    ].filter((path) => existsSync(path))
    if (targets.length === 0) {
      process.stdout.write(`telepay reset: nothing to delete in ${config.dataDir}\n`)
      return 0
    }
    process.stdout.write(`telepay reset deletes:\n${targets.map((t) => `  ${t}\n`).join('')}`)
    if (parsed.options.get('yes') !== true) {
      if (!process.stdin.isTTY) {
        process.stderr.write('telepay reset: not on a terminal: add --yes to delete\n')
        return 2
      }
      const asking = createInterface({ input: process.stdin, output: process.stdout })
      const answer = await asking.question('Delete them? The payments in them are lost. [y/N] ')
      asking.close()
      if (!/^y(es)?$/i.test(answer.trim())) {
        process.stdout.write('telepay reset: nothing deleted\n')
        return 1
      }
    }
    for (const path of targets) rmSync(path, { recursive: true, force: true })
    process.stdout.write(
      `telepay reset: ${targets.length} deleted; the next telepay start loads its world\n`,
    )
    return 0
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(
        `telepay reset: ${error.message}\nUsage: telepay reset [--data-dir DIR] [--yes]\n`,
      )
      return 2
    }
    throw error
  }
}
