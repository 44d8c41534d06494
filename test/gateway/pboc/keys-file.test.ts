/**
 * keys-file.test.ts - the operator's own purse keys file: taken when its owner alone may read it
 * and every key is 16 bytes of hex of its own; refused, naming the field and never quoting a
 * value, when it is open to others, missing, broken, incomplete, has a field it does not know, or
 * holds a public test key (in any place), repeats a key, or is reached through a symbolic link;
 * new keys are random and written readable by the owner only, also over a file that was not,
 * and an existing file is not replaced unless asked.
 */
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import {
  newMasterKeys,
  readMasterKeysFile,
  writeMasterKeysFile,
} from '../../../src/gateway/pboc/keys-file.js'

const dir = mkdtempSync(join(tmpdir(), 'telepay-keys-'))
let files = 0

/** A keys file with `fields` (a JSON text, or an object), mode 600 unless told. */
function keysFile(fields: unknown, mode = 0o600): string {
  files += 1
  const path = join(dir, `keys-${files}.json`)
  writeFileSync(path, typeof fields === 'string' ? fields : JSON.stringify(fields))
  chmodSync(path, mode)
  return path
}

describe('a purse keys file', () => {
  it('is taken when only its owner may read it, every key its own', () => {
    const keys = newMasterKeys()
    expect(readMasterKeysFile(keysFile(keys))).toEqual(keys)
    expect(readMasterKeysFile(keysFile(keys, 0o400))).toEqual(keys)
    // Lower-case hex is the same key.
    const lower = { ...keys, tac: keys.tac.toLowerCase() }
    expect(readMasterKeysFile(keysFile(lower)).tac).toBe(keys.tac)
  })

  it('is refused when group or others may read it, missing, or not a JSON object', () => {
    const keys = newMasterKeys()
    expect(() => readMasterKeysFile(keysFile(keys, 0o640))).toThrow(/readable by others.*chmod 600/)
    expect(() => readMasterKeysFile(keysFile(keys, 0o604))).toThrow('readable by others')
    expect(() => readMasterKeysFile(join(dir, 'none.json'))).toThrow('telepay keys new')
    // A broken file's text may be a key: the error says where, not what.
    const broken = `{"purchase": "${keys.purchase}",`
    const error = (() => {
      try {
        readMasterKeysFile(keysFile(broken))
      } catch (thrown) {
        return String(thrown)
      }
      return ''
    })()
    expect(error).toContain('not a JSON object')
    expect(error).not.toContain(keys.purchase)
    expect(() => readMasterKeysFile(keysFile('[1, 2]'))).toThrow('not a JSON object')
  })

  it('names the field that is wrong and never quotes its value', () => {
    const keys = newMasterKeys()
    const short = { ...keys, load: keys.load.slice(0, 30) }
    const attempt = () => readMasterKeysFile(keysFile(short))
    expect(attempt).toThrow('"load" must be 16 bytes as 32 hex digits')
    expect(attempt).not.toThrow(keys.load.slice(0, 30))
    const { otaChecksum: _left, ...missing } = keys
    expect(() => readMasterKeysFile(keysFile(missing))).toThrow('"otaChecksum"')
    expect(() => readMasterKeysFile(keysFile({ ...keys, version: 0 }))).toThrow('"version"')
    expect(() => readMasterKeysFile(keysFile({ ...keys, index: 256 }))).toThrow('"index"')
    expect(() => readMasterKeysFile(keysFile({ ...keys, pin: '1234' }))).toThrow(
      'unknown field "pin"',
    )
  })

  it('is refused when any key is a public test key, in any place, or no key at all', () => {
    const keys = { ...newMasterKeys(), tac: testMasterKeys.tac.toLowerCase() }
    expect(() => readMasterKeysFile(keysFile(keys))).toThrow(/"tac" is one of the public test/)
    // The public TAC key under another name is as public.
    const moved = { ...newMasterKeys(), purchase: testMasterKeys.tac }
    expect(() => readMasterKeysFile(keysFile(moved))).toThrow(/"purchase" is one of the public/)
    expect(() => readMasterKeysFile(keysFile(testMasterKeys))).toThrow('public test keys')
    const fresh = newMasterKeys()
    expect(() => readMasterKeysFile(keysFile({ ...fresh, load: fresh.purchase }))).toThrow(
      '"load" repeats another key',
    )
    expect(() => readMasterKeysFile(keysFile({ ...fresh, tac: '0'.repeat(32) }))).toThrow(
      '"tac" is one digit repeated',
    )
  })

  it('is refused through a symbolic link, and when it is no file', () => {
    const target = keysFile(newMasterKeys())
    const link = join(dir, 'link.json')
    symlinkSync(target, link)
    expect(() => readMasterKeysFile(link)).toThrow('a symbolic link')
    expect(() => readMasterKeysFile(dir)).toThrow(/not a file|readable by others/)
  })
})

describe('new keys', () => {
  it('are random, sixteen bytes each, and written for the owner only', () => {
    const first = newMasterKeys()
    const second = newMasterKeys()
    const values = [first, second].flatMap((keys) => [
      keys.purchase,
      keys.load,
      keys.tac,
      keys.maintenance,
      keys.terminal,
      keys.otaCipher,
      keys.otaChecksum,
    ])
    expect(new Set(values).size).toBe(14)
    for (const value of values) expect(value).toMatch(/^[0-9A-F]{32}$/)
    const path = join(dir, 'new.json')
    writeMasterKeysFile(path, first, false)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readMasterKeysFile(path)).toEqual(first)
  })

  it('do not replace an existing file unless asked', () => {
    const path = join(dir, 'kept.json')
    const first = newMasterKeys()
    writeMasterKeysFile(path, first, false)
    expect(() => writeMasterKeysFile(path, newMasterKeys(), false)).toThrow('--force replaces it')
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(first)
    // A file left open to others is replaced by one that is not: the new keys never sit in it.
    chmodSync(path, 0o644)
    const second = newMasterKeys()
    writeMasterKeysFile(path, second, true)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readMasterKeysFile(path)).toEqual(second)
    expect(readdirSync(dir).filter((name) => name.endsWith('.new'))).toEqual([])
  })
})
