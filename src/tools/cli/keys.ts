/**
 * keys.ts - `telepay keys new [--out FILE] [--force]` and `telepay keys check FILE`: the
 * operator's own purse master keys (onsite.keysFile). `new` writes random keys to a file only its
 * owner may read and prints where, and what to set; `check` says whether the gateway would take a
 * file. Neither ever prints a key. Exports runKeys.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import {
  KeysFileError,
  newMasterKeys,
  readMasterKeysFile,
  writeMasterKeysFile,
} from '../../gateway/pboc/keys-file.js'
import { parseOptions, UsageError } from './args.js'
import { optionsHelp } from './options-help.js'

const usage = 'usage: telepay keys new [--out data/purse-keys.json] [--force] | check <file>'

export async function runKeys(args: string[]): Promise<number> {
  try {
    const parsed = parseOptions(args, optionsHelp.keys)
    const [action, ...rest] = parsed.positional
    if (action === 'new') {
      if (rest.length > 0) throw new UsageError(`unexpected ${rest[0]}`)
      const out = parsed.options.get('out')
      const path = resolve(typeof out === 'string' ? out : 'data/purse-keys.json')
      mkdirSync(dirname(path), { recursive: true })
      const keys = newMasterKeys()
      writeMasterKeysFile(path, keys, parsed.options.get('force') === true)
      process.stdout.write(
        `telepay keys: new purse master keys in ${path} (mode 600; key version ` +
          `${keys.version}, index ${keys.index})\n` +
          `  use them: "onsite": { "keysFile": "${path}" } in telepay.config.json, ` +
          `or TELEPAY_ONSITE_KEYS_FILE=${path}\n` +
          '  keep a copy where only the key custodians can reach it: cards and terminals ' +
          'made under these keys clear under no others\n',
      )
      return 0
    }
    if (action === 'check') {
      const [file, ...extra] = rest
      if (file === undefined) throw new UsageError('check needs the file')
      if (extra.length > 0) throw new UsageError(`unexpected ${extra[0]}`)
      const keys = readMasterKeysFile(resolve(file))
      process.stdout.write(
        `telepay keys: ${resolve(file)}: seven keys, version ${keys.version}, index ` +
          `${keys.index}, readable by its owner only: the gateway takes it\n`,
      )
      return 0
    }
    throw new UsageError(action === undefined ? 'new or check?' : `unknown action ${action}`)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay keys: ${error.message}\n${usage}\n`)
      return 2
    }
    if (error instanceof KeysFileError) {
      process.stderr.write(`telepay keys: ${error.message.replace(/^purse keys: /, '')}\n`)
      return 1
    }
    throw error
  }
}
