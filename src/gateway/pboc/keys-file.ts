/**
 * keys-file.ts - an operator's own purse master keys, in a file of their own (`onsite.keysFile`):
 * read and checked at start, made new by `telepay keys new`. Exports readMasterKeysFile,
 * newMasterKeys, writeMasterKeysFile, KeysFileError.
 *
 * Why a file apart from the configuration: the configuration is shown, copied and committed; the
 * keys are the purse's money (whoever holds the TAC key can forge a purchase that clears). So the
 * file is refused when anyone but its owner may read it (as ssh refuses a private key), no error
 * ever quotes a value from it, and keys equal to the default world's public test keys are refused:
 * they would let anyone mint valid TACs.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import type { MasterKeys } from './key-store.js'
import { testMasterKeys } from './key-store.js'

export class KeysFileError extends Error {}

/** The sixteen-byte keys of a keys file, in the order a new file lists them. */
const keyNames = [
  'purchase',
  'load',
  'tac',
  'maintenance',
  'terminal',
  'otaCipher',
  'otaChecksum',
] as const satisfies readonly (keyof MasterKeys)[]

/** Permission bits for group and others: none may be set on a keys file. */
const groupOrOtherBits = 0o077

/**
 * The master keys in `path`, checked: owner-only permissions, a JSON object with each key as 32
 * hex digits, none of them a public test key, and the key version and index as bytes (1-255).
 */
export function readMasterKeysFile(path: string): MasterKeys {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch {
    throw new KeysFileError(`purse keys: ${path}: no such file (make one: telepay keys new)`)
  }
  if ((mode & groupOrOtherBits) !== 0)
    throw new KeysFileError(
      `purse keys: ${path}: readable by others (mode ${(mode & 0o777).toString(8)}); ` +
        `chmod 600 ${path}`,
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    // The parser's message may quote the file's text: say only where it broke down.
    throw new KeysFileError(`purse keys: ${path}: not a JSON object`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new KeysFileError(`purse keys: ${path}: not a JSON object`)
  const source = parsed as Record<string, unknown>
  const keys: Record<string, string | number> = {}
  for (const name of keyNames) {
    const value = source[name]
    if (typeof value !== 'string' || !/^[0-9a-fA-F]{32}$/.test(value))
      throw new KeysFileError(`purse keys: ${path}: "${name}" must be 16 bytes as 32 hex digits`)
    if (value.toUpperCase() === testMasterKeys[name].toUpperCase())
      throw new KeysFileError(
        `purse keys: ${path}: "${name}" is the public test key of the default world; ` +
          'an operator needs keys of its own (telepay keys new)',
      )
    keys[name] = value.toUpperCase()
  }
  for (const name of ['version', 'index'] as const) {
    const value = source[name]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 255)
      throw new KeysFileError(`purse keys: ${path}: "${name}" must be a whole number 1-255`)
    keys[name] = value
  }
  const unknown = Object.keys(source).filter(
    (name) =>
      !(keyNames as readonly string[]).includes(name) && name !== 'version' && name !== 'index',
  )
  if (unknown.length > 0)
    throw new KeysFileError(`purse keys: ${path}: unknown field "${unknown[0]}"`)
  return keys as unknown as MasterKeys
}

/** A new set of master keys from the system's random source, version and index 1. */
export function newMasterKeys(): MasterKeys {
  const fresh = (): string => randomBytes(16).toString('hex').toUpperCase()
  return {
    purchase: fresh(),
    load: fresh(),
    tac: fresh(),
    maintenance: fresh(),
    terminal: fresh(),
    otaCipher: fresh(),
    otaChecksum: fresh(),
    version: 1,
    index: 1,
  }
}

/**
 * Writes `keys` to `path`, readable by its owner only; an existing file is kept unless
 * `replace` (replacing keys orphans every card personalised under the old ones).
 */
export function writeMasterKeysFile(path: string, keys: MasterKeys, replace: boolean): void {
  try {
    writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, {
      mode: 0o600,
      flag: replace ? 'w' : 'wx',
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST')
      throw new KeysFileError(
        `purse keys: ${path} exists; cards are personalised under its keys (--force replaces it)`,
      )
    throw new KeysFileError(`purse keys: ${path}: ${code ?? 'cannot write'}`)
  }
}
