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
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
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

/** Every field of a keys file. */
const fieldNames: ReadonlySet<string> = new Set([...keyNames, 'version', 'index'])

/** Permission bits for group and others: none may be set on a keys file. */
const groupOrOtherBits = 0o077

/**
 * The master keys in `path`, checked: owner-only permissions, a JSON object with each key as 32
 * hex digits, none of them a public test key, and the key version and index as bytes (1-255).
 */
export function readMasterKeysFile(path: string): MasterKeys {
  // One open, not a link followed: what is checked is what is read (no file swapped in between).
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new KeysFileError(
      code === 'ELOOP'
        ? `purse keys: ${path}: a symbolic link; name the file itself`
        : `purse keys: ${path}: no such file (make one: telepay keys new)`,
    )
  }
  let text: string
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw new KeysFileError(`purse keys: ${path}: not a file`)
    const uid = process.getuid?.() ?? stat.uid
    if (stat.uid !== uid && stat.uid !== 0)
      throw new KeysFileError(`purse keys: ${path}: owned by another user (uid ${stat.uid})`)
    if ((stat.mode & groupOrOtherBits) !== 0)
      throw new KeysFileError(
        `purse keys: ${path}: readable by others (mode ${(stat.mode & 0o777).toString(8)}); ` +
          `chmod 600 ${path}`,
      )
    text = readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // The parser's message may quote the file's text: say only where it broke down.
    throw new KeysFileError(`purse keys: ${path}: not a JSON object`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new KeysFileError(`purse keys: ${path}: not a JSON object`)
  const source = parsed as Record<string, unknown>
  const keys: Record<string, string | number> = {}
  const publicKeys = new Set(keyNames.map((name) => testMasterKeys[name].toUpperCase()))
  const seen = new Set<string>()
  for (const name of keyNames) {
    const value = source[name]
    if (typeof value !== 'string' || !/^[0-9a-fA-F]{32}$/.test(value))
      throw new KeysFileError(`purse keys: ${path}: "${name}" must be 16 bytes as 32 hex digits`)
    const key = value.toUpperCase()
    // Any of the seven, in any place: each is public.
    if (publicKeys.has(key))
      throw new KeysFileError(
        `purse keys: ${path}: "${name}" is one of the public test keys of the default world; ` +
          'an operator needs keys of its own (telepay keys new)',
      )
    if (/^(.)\1*$/.test(key))
      throw new KeysFileError(`purse keys: ${path}: "${name}" is one digit repeated, not a key`)
    if (seen.has(key))
      throw new KeysFileError(`purse keys: ${path}: "${name}" repeats another key of the file`)
    seen.add(key)
    keys[name] = key
  }
  for (const name of ['version', 'index'] as const) {
    const value = source[name]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 255)
      throw new KeysFileError(`purse keys: ${path}: "${name}" must be a whole number 1-255`)
    keys[name] = value
  }
  const unknown = Object.keys(source).filter((name) => !fieldNames.has(name))
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
  // A new file made owner-only from its first byte, then put in place: writing into an existing
  // file would keep whatever mode it had, and its readers could read the new keys.
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.new`)
  try {
    const fd = openSync(temporary, 'wx', 0o600)
    try {
      writeSync(fd, `${JSON.stringify(keys, null, 2)}\n`)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    // Replacing: one rename. Otherwise a link, which fails if the name exists meanwhile.
    if (replace) renameSync(temporary, path)
    else linkSync(temporary, path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST' && !replace)
      throw new KeysFileError(
        `purse keys: ${path} exists; cards are personalised under its keys (--force replaces it)`,
      )
    throw new KeysFileError(`purse keys: ${path}: ${code ?? 'cannot write'}`)
  } finally {
    rmSync(temporary, { force: true })
  }
}
